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
