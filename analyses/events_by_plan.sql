-- Events per month by the plan the account was on when they happened (an as-of join on
-- account_history: valid_from <= event_at < valid_to). Events before the account's first group
-- call, or with no account, fall in `(none)`.
with

events as (
    select * from {{ ref('fct_events') }}
),

history as (
    select * from {{ ref('account_history') }}
),

events_with_plan as (
    select
        events.event_id,
        cast({{ dbt.date_trunc('month', 'events.event_at') }} as date) as event_month,
        coalesce(history.plan, '(none)') as plan
    from events
    left join history
        on
            events.account_id = history.account_id
            and events.event_at >= history.valid_from
            and events.event_at < coalesce(history.valid_to, cast('9999-12-31' as {{ dbt.type_timestamp() }}))
)

select
    event_month,
    plan,
    count(*) as events
from events_with_plan
group by event_month, plan
order by event_month, plan
