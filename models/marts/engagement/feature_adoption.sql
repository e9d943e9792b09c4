with

features as (
    {{ feature_rows() }}
),

feature_events as (
    select * from {{ ref('int_feature_events') }}
),

all_accounts as (
    select count(*) as accounts
    from {{ ref('int_accounts') }}
),

usage as (
    select
        feature,
        count(distinct account_id) as accounts_using,
        count(distinct user_id) as users_using
    from feature_events
    group by feature
),

final as (
    select
        features.feature,
        cast(coalesce(usage.accounts_using, 0) as {{ dbt.type_bigint() }}) as accounts_using,
        cast(all_accounts.accounts as {{ dbt.type_bigint() }}) as accounts,
        {{ safe_ratio('coalesce(usage.accounts_using, 0)', 'all_accounts.accounts') }} as adoption_rate,
        cast(coalesce(usage.users_using, 0) as {{ dbt.type_bigint() }}) as users_using
    from features
    cross join all_accounts
    left join usage
        on features.feature = usage.feature
)

select * from final
