{#
    One row per funnel per step (var funnels): how many entities reached the step (per-entity
    rule in fct_funnel_entities) and the conversion from the previous step and from step 1, null
    where the denominator is 0. Step 1 converts at entities_1 / entities_1: 1.0, or null when
    nobody entered the funnel. Every configured step has a row, with 0 entities when none
    reached it.
#}
with

funnel_entities as (
    select * from {{ ref('fct_funnel_entities') }}
),

funnel_steps as (
    {{ funnel_step_rows() }}
),

step_counts as (
    select
        funnel,
        step_number,
        count(reached_at) as entities,
        {{ median('seconds_from_previous') }} as median_seconds_from_previous
    from funnel_entities
    group by funnel, step_number
),

steps as (
    select
        funnel_steps.funnel,
        funnel_steps.step_number,
        funnel_steps.step_event,
        funnel_steps.level,
        funnel_steps.conversion_window_days,
        coalesce(step_counts.entities, 0) as entities,
        step_counts.median_seconds_from_previous
    from funnel_steps
    left join step_counts
        on
            funnel_steps.funnel = step_counts.funnel
            and funnel_steps.step_number = step_counts.step_number
),

with_previous as (
    select
        funnel,
        step_number,
        step_event,
        level,
        conversion_window_days,
        entities,
        coalesce(
            lag(entities) over (partition by funnel order by step_number),
            entities
        ) as previous_entities,
        first_value(entities) over (partition by funnel order by step_number) as start_entities,
        median_seconds_from_previous
    from steps
),

final as (
    select
        funnel,
        step_number,
        step_event,
        level,
        entities,
        {{ safe_ratio('entities', 'previous_entities') }} as conversion_from_previous,
        {{ safe_ratio('entities', 'start_entities') }} as conversion_from_start,
        previous_entities - entities as dropped_from_previous,
        median_seconds_from_previous,
        conversion_window_days
    from with_previous
)

select * from final
