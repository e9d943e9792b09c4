-- In fct_funnel_entities an entity reaches step k only after (or when) it reached step k-1, is
-- still in its window or dropped only at the first step it did not reach, and is excluded on
-- all of its rows or none; funnel_conversion_by_trait's breakdown adds up to funnel_conversion
-- for every step.
with

funnel_entities as (
    select * from {{ ref('fct_funnel_entities') }}
),

funnel_conversion as (
    select * from {{ ref('funnel_conversion') }}
),

funnel_conversion_by_trait as (
    select * from {{ ref('funnel_conversion_by_trait') }}
),

out_of_order as (
    select
        funnel_entities.funnel,
        funnel_entities.step_number,
        funnel_entities.entity_id as detail,
        'reached before (or without) the previous step' as problem
    from funnel_entities
    inner join funnel_entities as previous_steps
        on
            funnel_entities.funnel = previous_steps.funnel
            and funnel_entities.entity_id = previous_steps.entity_id
            and funnel_entities.step_number = previous_steps.step_number + 1
    where
        funnel_entities.reached_at is not null
        and (
            previous_steps.reached_at is null
            or funnel_entities.reached_at < previous_steps.reached_at
        )
),

misplaced_flags as (
    select
        funnel_entities.funnel,
        funnel_entities.step_number,
        funnel_entities.entity_id as detail,
        'still in window or dropped, but not at the first step not reached' as problem
    from funnel_entities
    left join funnel_entities as previous_steps
        on
            funnel_entities.funnel = previous_steps.funnel
            and funnel_entities.entity_id = previous_steps.entity_id
            and funnel_entities.step_number = previous_steps.step_number + 1
    where
        (funnel_entities.reached_at is null and previous_steps.reached_at is not null)
        != (funnel_entities.is_still_in_window or funnel_entities.is_dropped)
),

split_exclusions as (
    select
        funnel,
        cast(null as {{ dbt.type_int() }}) as step_number,
        entity_id as detail,
        'excluded on some rows only' as problem
    from funnel_entities
    group by funnel, entity_id
    having count(distinct is_excluded) > 1
),

breakdown_totals as (
    select
        funnel,
        step_number,
        sum(entities) as entities,
        sum(still_in_window) as still_in_window,
        sum(dropped) as dropped
    from funnel_conversion_by_trait
    group by funnel, step_number
),

count_mismatches as (
    select
        funnel_conversion.funnel,
        funnel_conversion.step_number,
        cast(funnel_conversion.entities as {{ dbt.type_string() }}) as detail,
        'funnel_conversion differs from its breakdown by trait' as problem
    from funnel_conversion
    left join breakdown_totals
        on
            funnel_conversion.funnel = breakdown_totals.funnel
            and funnel_conversion.step_number = breakdown_totals.step_number
    where
        funnel_conversion.entities != coalesce(breakdown_totals.entities, 0)
        or funnel_conversion.still_in_window != coalesce(breakdown_totals.still_in_window, 0)
        or funnel_conversion.dropped != coalesce(breakdown_totals.dropped, 0)
),

final as (
    select * from out_of_order
    union all
    select * from misplaced_flags
    union all
    select * from split_exclusions
    union all
    select * from count_mismatches
)

select * from final
