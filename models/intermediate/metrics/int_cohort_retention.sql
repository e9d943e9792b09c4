{#
    Every period of var retention_periods in one pass (the period is a column). The triangle is
    completed from the cohort sizes times the period numbers up to the latest event's period,
    then joined to the retained counts, so periods nobody came back in hold zeros.
#}
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
        created_at as cohort_at
    from accounts

    union all

    select
        'user' as level,
        user_id as entity_id,
        first_seen_at as cohort_at
    from users
),


cohorts as (
    select
        periods.period,
        cohort_entities.level,
        cohort_entities.entity_id,
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

cohort_sizes as (
    select
        period,
        level,
        cohort_start,
        count(*) as cohort_size
    from cohorts
    group by period, level, cohort_start
),

cohort_spans as (
    select
        cohort_sizes.period,
        cohort_sizes.level,
        cohort_sizes.cohort_start,
        cohort_sizes.cohort_size,
        greatest(
            coalesce(
                {{ periods_between(
                    'cohort_sizes.period',
                    'cohort_sizes.cohort_start',
                    'latest_periods.latest_period_start',
                ) }},
                0
            ),
            0
        ) as last_period_number
    from cohort_sizes
    inner join latest_periods
        on cohort_sizes.period = latest_periods.period
),

period_numbers as (
    {{ number_series('(select max(cohort_spans.last_period_number) from cohort_spans)') }}
),

triangle as (
    select
        cohort_spans.period,
        cohort_spans.level,
        cohort_spans.cohort_start,
        period_numbers.number as period_number,
        cohort_spans.cohort_size
    from cohort_spans
    inner join period_numbers
        on cohort_spans.last_period_number >= period_numbers.number
),

cohort_activity as (
    select
        cohorts.period,
        cohorts.level,
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

retained_entities as (
    select
        period,
        level,
        cohort_start,
        period_number,
        count(distinct entity_id) as retained
    from cohort_activity
    group by period, level, cohort_start, period_number
),

final as (
    select
        triangle.level,
        triangle.period,
        triangle.cohort_start,
        triangle.period_number,
        {{ add_periods('triangle.period', 'triangle.period_number', 'triangle.cohort_start') }} as period_start,
        triangle.cohort_size,
        coalesce(retained_entities.retained, 0) as retained,
        {{ safe_ratio('coalesce(retained_entities.retained, 0)', 'triangle.cohort_size') }} as retention_rate
    from triangle
    left join retained_entities
        on
            triangle.period = retained_entities.period
            and triangle.level = retained_entities.level
            and triangle.cohort_start = retained_entities.cohort_start
            and triangle.period_number = retained_entities.period_number
)

select * from final
