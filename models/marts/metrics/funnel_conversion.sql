with

funnel_entities as (
    select * from {{ ref('fct_funnel_entities') }}
),

funnel_steps as (
    {{ funnel_step_rows() }}
),

-- an excluded entity counts in no step (contract section 3, Funnel modes)
counted_entities as (
    select * from funnel_entities
    where not is_excluded
),

step_conversions as (
    select
        funnel,
        step_number,
        {{ funnel_step_conversion() }}
    from counted_entities
    group by funnel, step_number
),

-- An entity that entered a funnel has a row for every step of it, so step_conversions lacks
-- only the funnels nobody entered (or every entrant was excluded from): their steps get 0
-- entities and no conversions.
final as (
    select
        funnel_steps.funnel,
        funnel_steps.step_number,
        funnel_steps.step_event,
        funnel_steps.level,
        funnel_steps.funnel_order,
        coalesce(step_conversions.entities, 0) as entities,
        step_conversions.conversion_from_previous,
        step_conversions.conversion_from_start,
        coalesce(step_conversions.previous_entities - step_conversions.entities, 0)
            as dropped_from_previous,
        coalesce(step_conversions.still_in_window, 0) as still_in_window,
        coalesce(step_conversions.dropped, 0) as dropped,
        step_conversions.median_seconds_from_previous,
        funnel_steps.conversion_window_days
    from funnel_steps
    left join step_conversions
        on
            funnel_steps.funnel = step_conversions.funnel
            and funnel_steps.step_number = step_conversions.step_number
)

select * from final
