{#
    The activity events rolled up to one row per account, user and UTC day: the daily and weekly
    activity marts and the weekly health's active members count from here, each reading about
    one row for every seven events instead of scanning the events again.
#}
with

activity_events as (
    select * from {{ ref('int_activity_events') }}
),

final as (
    select
        account_id,
        user_id,
        activity_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as activity_events,
        min(event_at) as first_activity_at,
        max(event_at) as last_activity_at
    from activity_events
    group by account_id, user_id, activity_date
)

select * from final
