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

first_accounts as (
    select
        user_id,
        account_id
    from memberships
    where is_first_membership
),

entity_accounts as (
    select
        funnel_entities.funnel,
        funnel_entities.entity_id,
        funnel_entities.step_number,
        funnel_entities.step_event,
        funnel_entities.level,
        funnel_entities.reached_at,
        funnel_entities.seconds_from_previous,
        case funnel_entities.level
            when 'account' then funnel_entities.entity_id
            else first_accounts.account_id
        end as trait_account_id
    from funnel_entities
    -- an equality join only (docs/DEVELOPING.md); the case above keeps it to user-level funnels
    left join first_accounts
        on funnel_entities.entity_id = first_accounts.user_id
),

entity_traits as (
    select
        entity_accounts.funnel,
        entity_accounts.entity_id,
        entity_accounts.step_number,
        entity_accounts.step_event,
        entity_accounts.level,
        entity_accounts.reached_at,
        entity_accounts.seconds_from_previous,
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
        {{ funnel_step_conversion(['breakdown_value']) }}
    from entity_traits
    group by funnel, breakdown_value, step_number, step_event, level
),

final as (
    select
        funnel,
        {{ sql_string(trait) }} as breakdown_trait,
        breakdown_value,
        step_number,
        step_event,
        level,
        entities,
        conversion_from_previous,
        conversion_from_start,
        median_seconds_from_previous
    from step_conversions
)

select * from final
