{{ config(materialized='view') }}

with

events as (
    select * from {{ ref('int_events_attributed') }}
),

final as (
    select
        event_id,
        event_type,
        event_name,
        event_at,
        user_id,
        anonymous_id,
        account_id,
        attribution,
        sent_user_id,
        properties,
        load_id
    from events
)

select * from final
