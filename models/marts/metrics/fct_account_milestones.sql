{# STUB, to be replaced: one row per account per configured milestone. #}
with

accounts as (
    select * from {{ ref('int_accounts') }}
),

final as (
    select
        accounts.account_id,
        cast('activation' as {{ dbt.type_string() }}) as milestone,
        cast(null as {{ dbt.type_timestamp() }}) as achieved_at
    from accounts
    where false
)

select * from final
