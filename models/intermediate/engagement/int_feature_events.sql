{{ config(materialized='view') }}

with

feature_events as (
    {{ feature_event_rows() }}
),

events as (
    select * from {{ ref('int_events_attributed') }}
),

final as (
    select
        feature_events.feature,
        events.event_id,
        events.account_id,
        events.user_id,
        events.event_at,
        cast(events.event_at as date) as event_date
    from events
    inner join feature_events
        on events.event_name = feature_events.event_name
    where events.account_id is not null
)

select * from final
