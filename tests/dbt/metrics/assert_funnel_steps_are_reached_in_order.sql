-- In fct_funnel_entities an entity reaches step k only after (or when) it reached step k-1, and
-- funnel_conversion_by_trait's breakdown adds up to funnel_conversion for every step.
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

breakdown_totals as (
    select
        funnel,
        step_number,
        sum(entities) as entities
    from funnel_conversion_by_trait
    group by funnel, step_number
),

count_mismatches as (
    select
        funnel_conversion.funnel,
        funnel_conversion.step_number,
        cast(funnel_conversion.entities as {{ dbt.type_string() }}) as detail,
        'funnel_conversion.entities differs from its breakdown by trait' as problem
    from funnel_conversion
    left join breakdown_totals
        on
            funnel_conversion.funnel = breakdown_totals.funnel
            and funnel_conversion.step_number = breakdown_totals.step_number
    where funnel_conversion.entities != coalesce(breakdown_totals.entities, 0)
),

final as (
    select * from out_of_order
    union all
    select * from count_mismatches
)

select * from final
