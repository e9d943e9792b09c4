{#
    Generic over funnels: the steps are definition rows (funnel_step_rows), and the sequential
    rule is unrolled once per step position (reached_step_k from reached_step_k-1), up to the
    longest funnel.
#}
{%- set max_steps = funnel_max_steps() %}

with

events as (
    select * from {{ ref('int_events_attributed') }}
),

funnel_steps as (
    {{ funnel_step_rows() }}
),

step_events as (
    select
        funnel_steps.funnel,
        funnel_steps.step_number,
        funnel_steps.conversion_window_days,
        case funnel_steps.level
            when 'account' then events.account_id
            when 'user' then events.user_id
        end as entity_id,
        events.event_at
    from events
    inner join funnel_steps
        on events.event_name = funnel_steps.step_event
    where
        (funnel_steps.level = 'account' and events.account_id is not null)
        or (funnel_steps.level = 'user' and events.user_id is not null)
),

reached_step_1 as (
    select
        funnel,
        entity_id,
        min(event_at) as entered_at,
        min(event_at) as reached_at,
        {{ dbt.dateadd('day', 'min(conversion_window_days)', 'min(event_at)') }} as window_ends_at
    from step_events
    where step_number = 1
    group by funnel, entity_id
),
{%- for step in range(2, max_steps + 1) %}

reached_step_{{ step }} as (
    select
        reached_step_{{ step - 1 }}.funnel,
        reached_step_{{ step - 1 }}.entity_id,
        reached_step_{{ step - 1 }}.entered_at,
        min(step_events.event_at) as reached_at,
        reached_step_{{ step - 1 }}.window_ends_at
    from reached_step_{{ step - 1 }}
    inner join step_events
        on
            reached_step_{{ step - 1 }}.funnel = step_events.funnel
            and reached_step_{{ step - 1 }}.entity_id = step_events.entity_id
            and step_events.step_number = {{ step }}
            and reached_step_{{ step - 1 }}.reached_at <= step_events.event_at
            and reached_step_{{ step - 1 }}.window_ends_at >= step_events.event_at
    group by
        reached_step_{{ step - 1 }}.funnel,
        reached_step_{{ step - 1 }}.entity_id,
        reached_step_{{ step - 1 }}.entered_at,
        reached_step_{{ step - 1 }}.window_ends_at
),
{%- endfor %}

reached_steps as (
    {%- for step in range(1, max_steps + 1) %}
    select
        funnel,
        entity_id,
        {{ step }} as step_number,
        reached_at
    from reached_step_{{ step }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
    {%- if max_steps == 0 %}
    select
        funnel,
        entity_id,
        1 as step_number,
        reached_at
    from reached_step_1
    {%- endif %}
),

entity_steps as (
    select
        reached_step_1.funnel,
        funnel_steps.level,
        reached_step_1.entity_id,
        funnel_steps.step_number,
        funnel_steps.step_event,
        reached_step_1.entered_at,
        reached_step_1.window_ends_at,
        reached_steps.reached_at,
        previous_steps.reached_at as previous_reached_at
    from reached_step_1
    inner join funnel_steps
        on reached_step_1.funnel = funnel_steps.funnel
    left join reached_steps
        on
            reached_step_1.funnel = reached_steps.funnel
            and reached_step_1.entity_id = reached_steps.entity_id
            and funnel_steps.step_number = reached_steps.step_number
    left join reached_steps as previous_steps
        on
            reached_step_1.funnel = previous_steps.funnel
            and reached_step_1.entity_id = previous_steps.entity_id
            and funnel_steps.step_number = previous_steps.step_number + 1
),

final as (
    select
        funnel,
        level,
        entity_id,
        step_number,
        step_event,
        entered_at,
        window_ends_at,
        reached_at,
        reached_at is not null as is_reached,
        case
            when step_number > 1 and reached_at is not null
                then {{ seconds_between('previous_reached_at', 'reached_at') }}
        end as seconds_from_previous
    from entity_steps
)

select * from final
