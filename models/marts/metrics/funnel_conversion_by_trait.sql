{%- set trait = funnel_breakdown_trait() %}

with

funnel_entities as (
    select * from {{ ref('fct_funnel_entities') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

memberships as (
    select * from {{ ref('int_memberships') }}
),

-- an excluded entity counts in no step (contract section 3, Funnel modes)
counted_entities as (
    select * from funnel_entities
    where not is_excluded
),

first_accounts as (
    select
        user_id,
        account_id
    from memberships
    where is_first_membership
),

entity_accounts as (
    select
        counted_entities.funnel,
        counted_entities.entity_id,
        counted_entities.step_number,
        counted_entities.step_event,
        counted_entities.level,
        counted_entities.funnel_order,
        counted_entities.reached_at,
        counted_entities.seconds_from_previous,
        counted_entities.is_still_in_window,
        counted_entities.is_dropped,
        case counted_entities.level
            when 'account' then counted_entities.entity_id
            else first_accounts.account_id
        end as trait_account_id
    from counted_entities
    -- an equality join only (docs/DEVELOPING.md); the case above keeps it to user-level funnels
    left join first_accounts
        on counted_entities.entity_id = first_accounts.user_id
),

entity_traits as (
    select
        entity_accounts.funnel,
        entity_accounts.entity_id,
        entity_accounts.step_number,
        entity_accounts.step_event,
        entity_accounts.level,
        entity_accounts.funnel_order,
        entity_accounts.reached_at,
        entity_accounts.seconds_from_previous,
        entity_accounts.is_still_in_window,
        entity_accounts.is_dropped,
        cast(accounts.{{ trait }} as {{ dbt.type_string() }}) as breakdown_value
    from entity_accounts
    left join accounts
        on entity_accounts.trait_account_id = accounts.account_id
),

step_conversions as (
    select
        funnel,
        breakdown_value,
        step_number,
        step_event,
        level,
        funnel_order,
        {{ funnel_step_conversion(['breakdown_value']) }}
    from entity_traits
    group by funnel, breakdown_value, step_number, step_event, level, funnel_order
),

final as (
    select
        funnel,
        {{ sql_string(trait) }} as breakdown_trait,
        breakdown_value,
        step_number,
        step_event,
        level,
        funnel_order,
        entities,
        conversion_from_previous,
        conversion_from_start,
        still_in_window,
        dropped,
        median_seconds_from_previous
    from step_conversions
)

select * from final
