-- For every configured retention period, the cohorts' sizes add up to every account
-- (account_retention) and every user (user_retention): nobody is left out of a cohort.
with

account_retention as (
    select * from {{ ref('account_retention') }}
),

user_retention as (
    select * from {{ ref('user_retention') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

periods as (
    {{ retention_period_rows() }}
),

cohort_totals as (
    select
        'account' as level,
        period,
        sum(cohort_size) as cohort_members
    from account_retention
    where period_number = 0
    group by period

    union all

    select
        'user' as level,
        period,
        sum(cohort_size) as cohort_members
    from user_retention
    where period_number = 0
    group by period
),

entity_counts as (
    select
        'account' as level,
        count(*) as entities
    from accounts

    union all

    select
        'user' as level,
        count(*) as entities
    from users
),

expected as (
    select
        entity_counts.level,
        periods.period,
        entity_counts.entities
    from periods
    cross join entity_counts
),

final as (
    select
        expected.level,
        expected.period,
        expected.entities,
        cohort_totals.cohort_members
    from expected
    left join cohort_totals
        on
            expected.level = cohort_totals.level
            and expected.period = cohort_totals.period
    where coalesce(cohort_totals.cohort_members, 0) != expected.entities
)

select * from final
