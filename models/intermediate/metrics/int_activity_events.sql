{#
    Activity events (contract section 3, Activity; the rule is macro is_activity_event): track
    events with a resolved user whose name is in var active_events (every track name when the
    list is empty). Whatever their account: account_id is null for unattributed ones. The one
    input of every activity metric (daily activity, DAU/WAU/MAU, retention). A view: a filter
    over fct_events, cheaper to re-read than to copy on every run.
#}
{{ config(materialized='view') }}
with

events as (
    select * from {{ ref('int_events_attributed') }}
),

final as (
    select
        event_id,
        event_name,
        event_at,
        cast(event_at as date) as activity_date,
        user_id,
        account_id,
        attribution
    from events
    where {{ is_activity_event('events.event_type', 'events.event_name', 'events.user_id') }}
)

select * from final
