-- Retention per value of an account trait, one period (parameter $period): for each value and
-- period number, the sums over the cohorts whose period k has ended (is_complete), so a rate is
-- the cohorts' average weighted by their size. `accounts` is every account of the value (the
-- cohort sizes at period 0); a value without a complete cell has one row with nulls.
with

account_retention_by_trait as (
    select * from account_retention_by_trait
    where period = $period
),

values_of_trait as (
    select
        breakdown_trait,
        breakdown_value,
        sum(cohort_size) filter (where period_number = 0)::bigint as accounts
    from account_retention_by_trait
    group by breakdown_trait, breakdown_value
),

complete_cells as (
    select
        breakdown_value,
        period_number,
        count(*) as cohorts,
        sum(cohort_size)::bigint as cohort_members,
        sum(retained)::bigint as retained,
        sum(retained_unbounded)::bigint as retained_unbounded
    from account_retention_by_trait
    where is_complete
    group by breakdown_value, period_number
)

select
    values_of_trait.breakdown_trait,
    values_of_trait.breakdown_value,
    coalesce(values_of_trait.accounts, 0) as accounts,
    complete_cells.period_number,
    complete_cells.cohorts,
    complete_cells.cohort_members,
    complete_cells.retained,
    complete_cells.retained_unbounded
from values_of_trait
left join complete_cells
    on values_of_trait.breakdown_value = complete_cells.breakdown_value
order by
    values_of_trait.accounts desc,
    values_of_trait.breakdown_value,
    complete_cells.period_number
