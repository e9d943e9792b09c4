{#
    Every period of var retention_periods in one pass (the period is a column), for three series:
    account cohorts, user cohorts, and account cohorts split by the trait of var
    retention_breakdown_trait (breakdown_trait and breakdown_value set; null on the other two).
    1. Counts are made once, per entity, at the finest grain (accounts by trait value): cohort
       sizes, entities active in period k, and entities whose last active period is k. The
       account series adds the trait values up.
    2. The triangle (cohort sizes times the period numbers up to the latest event's period) is
       stacked with those counts and summed by cell, so periods nobody came back in hold zeros
       and no join has to match a null breakdown.
    3. retained_unbounded (active in k or later) is the running sum, from the last period number
       down, of the entities whose last active period is k.
#}
{%- set trait = retention_breakdown_trait() %}

with

accounts as (
    select * from {{ ref('int_accounts') }}
),

users as (
    select * from {{ ref('int_users') }}
),

active_days as (
    select * from {{ ref('int_active_days') }}
),

periods as (
    {{ retention_period_rows() }}
),

cohort_entities as (
    select
        'account' as level,
        account_id as entity_id,
        created_at as cohort_at,
        coalesce(cast({{ trait }} as {{ dbt.type_string() }}), '(none)') as breakdown_value
    from accounts

    union all

    select
        'user' as level,
        user_id as entity_id,
        first_seen_at as cohort_at,
        cast(null as {{ dbt.type_string() }}) as breakdown_value
    from users
),

cohorts as (
    select
        periods.period,
        cohort_entities.level,
        cohort_entities.entity_id,
        cohort_entities.breakdown_value,
        {{ period_start('periods.period', 'cohort_entities.cohort_at') }} as cohort_start
    from cohort_entities
    cross join periods
),

active_periods as (
    select distinct
        periods.period,
        active_days.level,
        active_days.entity_id,
        {{ period_start('periods.period', 'active_days.activity_date') }} as active_period_start
    from active_days
    cross join periods
),

-- read from the table itself, not through active_days (docs/DEVELOPING.md, performance notes)
last_active_days as (
    select
        level,
        entity_id,
        max(activity_date) as last_activity_date
    from {{ ref('int_active_days') }}
    group by level, entity_id
),

latest_event as (
    select {{ latest_event_at() }} as latest_event_at
),

latest_periods as (
    select
        periods.period,
        {{ period_start('periods.period', 'latest_event.latest_event_at') }} as latest_period_start
    from periods
    cross join latest_event
),

cohort_activity as (
    select
        cohorts.period,
        cohorts.level,
        cohorts.breakdown_value,
        cohorts.cohort_start,
        cohorts.entity_id,
        {{ periods_between(
            'cohorts.period',
            'cohorts.cohort_start',
            'active_periods.active_period_start',
        ) }} as period_number
    from cohorts
    inner join active_periods
        on
            cohorts.period = active_periods.period
            and cohorts.level = active_periods.level
            and cohorts.entity_id = active_periods.entity_id
            and cohorts.cohort_start <= active_periods.active_period_start
),

cohort_last_activity as (
    select
        cohorts.period,
        cohorts.level,
        cohorts.breakdown_value,
        cohorts.cohort_start,
        {{ period_start('cohorts.period', 'last_active_days.last_activity_date') }} as last_active_period_start
    from cohorts
    inner join last_active_days
        on
            cohorts.level = last_active_days.level
            and cohorts.entity_id = last_active_days.entity_id
),

-- entities last active before their cohort began count in no period
cohort_last_periods as (
    select
        period,
        level,
        breakdown_value,
        cohort_start,
        {{ periods_between('period', 'cohort_start', 'last_active_period_start') }} as period_number
    from cohort_last_activity
    where last_active_period_start >= cohort_start
),

-- period_number is null on the cohort-size rows
entity_counts as (
    select
        period,
        level,
        breakdown_value,
        cohort_start,
        cast(null as {{ dbt.type_int() }}) as period_number,
        count(*) as cohort_size,
        0 as retained,
        0 as last_active
    from cohorts
    group by period, level, breakdown_value, cohort_start

    union all

    select
        period,
        level,
        breakdown_value,
        cohort_start,
        period_number,
        0 as cohort_size,
        -- one row per entity and period number: active_periods is distinct
        count(*) as retained,
        0 as last_active
    from cohort_activity
    group by period, level, breakdown_value, cohort_start, period_number

    union all

    select
        period,
        level,
        breakdown_value,
        cohort_start,
        period_number,
        0 as cohort_size,
        0 as retained,
        count(*) as last_active
    from cohort_last_periods
    group by period, level, breakdown_value, cohort_start, period_number
),

series_counts as (
    -- accounts and users as a whole
    select
        period,
        level,
        cast(null as {{ dbt.type_string() }}) as breakdown_trait,
        cast(null as {{ dbt.type_string() }}) as breakdown_value,
        cohort_start,
        period_number,
        sum(cohort_size) as cohort_size,
        sum(retained) as retained,
        sum(last_active) as last_active
    from entity_counts
    group by period, level, cohort_start, period_number

    union all

    -- accounts by trait value
    select
        period,
        level,
        {{ sql_string(trait) }} as breakdown_trait,
        breakdown_value,
        cohort_start,
        period_number,
        cohort_size,
        retained,
        last_active
    from entity_counts
    where level = 'account'
),

cohort_spans as (
    select
        series_counts.period,
        series_counts.level,
        series_counts.breakdown_trait,
        series_counts.breakdown_value,
        series_counts.cohort_start,
        series_counts.cohort_size,
        greatest(
            coalesce(
                {{ periods_between(
                    'series_counts.period',
                    'series_counts.cohort_start',
                    'latest_periods.latest_period_start',
                ) }},
                0
            ),
            0
        ) as last_period_number
    from series_counts
    inner join latest_periods
        on series_counts.period = latest_periods.period
    where series_counts.period_number is null
),

period_numbers as (
    {{ number_series('(select max(cohort_spans.last_period_number) from cohort_spans)') }}
),

stacked_cells as (
    select
        cohort_spans.period,
        cohort_spans.level,
        cohort_spans.breakdown_trait,
        cohort_spans.breakdown_value,
        cohort_spans.cohort_start,
        period_numbers.number as period_number,
        cohort_spans.cohort_size,
        0 as retained,
        0 as last_active
    from cohort_spans
    inner join period_numbers
        on cohort_spans.last_period_number >= period_numbers.number

    union all

    select
        period,
        level,
        breakdown_trait,
        breakdown_value,
        cohort_start,
        period_number,
        0 as cohort_size,
        retained,
        last_active
    from series_counts
    where period_number is not null
),

cells as (
    select
        period,
        level,
        breakdown_trait,
        breakdown_value,
        cohort_start,
        period_number,
        sum(cohort_size) as cohort_size,
        sum(retained) as retained,
        sum(sum(last_active)) over (
            partition by period, level, breakdown_trait, breakdown_value, cohort_start
            order by period_number desc
            rows between unbounded preceding and current row
        ) as retained_unbounded
    from stacked_cells
    group by period, level, breakdown_trait, breakdown_value, cohort_start, period_number
),

final as (
    select
        cells.level,
        cells.breakdown_trait,
        cells.breakdown_value,
        cells.period,
        cells.cohort_start,
        cast(cells.period_number as {{ dbt.type_int() }}) as period_number,
        {{ add_periods('cells.period', 'cells.period_number', 'cells.cohort_start') }} as period_start,
        cast(cells.cohort_size as {{ dbt.type_bigint() }}) as cohort_size,
        cast(cells.retained as {{ dbt.type_bigint() }}) as retained,
        {{ safe_ratio('cells.retained', 'cells.cohort_size') }} as retention_rate,
        cast(cells.retained_unbounded as {{ dbt.type_bigint() }}) as retained_unbounded,
        {{ safe_ratio('cells.retained_unbounded', 'cells.cohort_size') }} as retention_rate_unbounded,
        coalesce(
            {{ add_periods('cells.period', '(cells.period_number + 1)', 'cells.cohort_start') }}
            <= latest_event.latest_event_at,
            false
        ) as is_complete
    from cells
    cross join latest_event
    -- every cell of the triangle has members; a count outside it (none is expected) is dropped
    where cells.cohort_size > 0
)

select * from final
