-- Funnel drop-off: for every funnel step, how many entities reached it, how many dropped since
-- the previous step, the drop-off rate, and where the entities that dropped stopped
-- (their last step reached, from fct_funnel_entities; entities left out by exclude_events count
-- nowhere), how many of those can still convert, and the median time between steps.
with

funnel_conversion as (
    select * from {{ ref('funnel_conversion') }}
),

funnel_entities as (
    select * from {{ ref('fct_funnel_entities') }}
),

last_steps as (
    select
        funnel,
        entity_id,
        max(case when reached_at is not null then step_number end) as last_step_number
    from funnel_entities
    where not is_excluded
    group by funnel, entity_id
),

stopped as (
    select
        funnel,
        last_step_number as step_number,
        count(*) as entities_stopping_here
    from last_steps
    group by funnel, last_step_number
),

final as (
    select
        funnel_conversion.funnel,
        funnel_conversion.level,
        funnel_conversion.step_number,
        funnel_conversion.step_event,
        funnel_conversion.entities,
        funnel_conversion.dropped_from_previous,
        funnel_conversion.still_in_window,
        funnel_conversion.dropped,
        round(100 * (1 - funnel_conversion.conversion_from_previous), 1) as drop_off_pct,
        round(100 * funnel_conversion.conversion_from_start, 1) as conversion_from_start_pct,
        coalesce(stopped.entities_stopping_here, 0) as entities_stopping_here,
        round(funnel_conversion.median_seconds_from_previous / 3600.0, 2) as median_hours_from_previous
    from funnel_conversion
    left join stopped
        on
            funnel_conversion.funnel = stopped.funnel
            and funnel_conversion.step_number = stopped.step_number
)

select * from final
order by funnel, step_number
