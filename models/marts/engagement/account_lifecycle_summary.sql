with

lifecycle as (
    select * from {{ ref('account_lifecycle') }}
),

final as (
    select
        period,
        period_start,
        status,
        cast(count(*) as {{ dbt.type_bigint() }}) as accounts,
        cast(
            case when status = 'dormant' then -count(*) else count(*) end
            as {{ dbt.type_bigint() }}
        ) as accounts_signed
    from lifecycle
    group by period, period_start, status
)

select * from final
