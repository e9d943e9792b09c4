-- For every configured retention period, the cohort sizes of account_retention_by_trait add up,
-- value by value, to the accounts of dim_accounts holding that value of the breakdown trait
-- (accounts without one under `(none)`): no account lost or counted under another value.
{%- set trait = retention_breakdown_trait() %}

with

retention_by_trait as (
    select * from {{ ref('account_retention_by_trait') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

periods as (
    {{ retention_period_rows() }}
),

cohort_totals as (
    select
        period,
        breakdown_value,
        sum(cohort_size) as cohort_members
    from retention_by_trait
    where period_number = 0
    group by period, breakdown_value
),

account_values as (
    select coalesce(cast({{ trait }} as {{ dbt.type_string() }}), '(none)') as breakdown_value
    from accounts
),

value_counts as (
    select
        breakdown_value,
        count(*) as accounts
    from account_values
    group by breakdown_value
),

expected as (
    select
        periods.period,
        value_counts.breakdown_value,
        value_counts.accounts
    from periods
    cross join value_counts
),

final as (
    select
        coalesce(expected.period, cohort_totals.period) as period,
        coalesce(expected.breakdown_value, cohort_totals.breakdown_value) as breakdown_value,
        expected.accounts,
        cohort_totals.cohort_members
    from expected
    full outer join cohort_totals
        on
            expected.period = cohort_totals.period
            and expected.breakdown_value = cohort_totals.breakdown_value
    where coalesce(expected.accounts, 0) != coalesce(cohort_totals.cohort_members, 0)
)

select * from final
