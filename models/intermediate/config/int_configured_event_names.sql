with

events as (
    select * from {{ ref('int_events_attributed') }}
),

configured_event_names as (
    {{ configured_event_name_rows() }}
),

loaded_event_names as (
    select
        event_name,
        count(*) as event_count
    from events
    group by event_name
),

final as (
    select
        configured_event_names.var_path,
        configured_event_names.event_name,
        coalesce(loaded_event_names.event_count, 0) as event_count
    from configured_event_names
    left join loaded_event_names
        on configured_event_names.event_name = loaded_event_names.event_name
)

select * from final
