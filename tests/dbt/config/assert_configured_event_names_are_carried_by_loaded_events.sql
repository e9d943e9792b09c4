{{ config(severity='warn') }}

with

configured_event_names as (
    select * from {{ ref('int_configured_event_names') }}
),

final as (
    select
        var_path,
        event_name
    from configured_event_names
    where event_count = 0
)

select * from final
