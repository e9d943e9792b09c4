{#
    One row per track, page and screen event, tied to its person and its account
    (contract section 3, "Account of an event"):
    1. explicit: the message carries a group id;
    2. single_membership: no group id, and the user has exactly one membership active at event_at;
    3. pre_account: no group id, no active membership, and the event is before the user's first
       membership began: the user's first account (earliest joined_at, then smaller account id);
    4. unattributed: anything else; account_id is null.

    Incremental: a run re-processes the events of messages loaded since the last run, every event
    of a person touched by those messages (their identity or memberships may have changed, which
    can move old events), and every event in the last `events_lookback_days` days. The result is
    identical to a full refresh over the same data.
#}
{{
    config(
        materialized='incremental',
        unique_key='event_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}
{%- set lookback_days = accountable_config()['events_lookback_days'] %}

with

messages as (
    select * from {{ ref('int_messages_identified') }}
),

memberships as (
    select * from {{ ref('int_memberships') }}
),

{% if is_incremental() %}
watermark as (
    select
        coalesce(max(load_id), -1) as max_load_id,
        max(event_at) as max_event_at
    from {{ this }}
),

new_messages as (
    select messages.user_id
    from messages
    cross join watermark
    where messages.load_id > watermark.max_load_id
),

touched_users as (
    select distinct user_id
    from new_messages
    where user_id is not null
),
{% endif %}

events as (
    select
        message_id as event_id,
        message_type as event_type,
        event_name,
        event_at,
        user_id,
        anonymous_id,
        group_id,
        sent_user_id,
        properties,
        load_id
    from messages
    where message_type in ('track', 'page', 'screen')
),

{% if is_incremental() %}
events_to_process as (
    select events.*
    from events
    cross join watermark
    where
        events.load_id > watermark.max_load_id
        or events.event_at >= {{ dbt.dateadd('day', -lookback_days, 'watermark.max_event_at') }}
        or events.user_id in (select touched_users.user_id from touched_users)
),
{% else %}
events_to_process as (
    select * from events
),
{% endif %}

events_to_place as (
    select
        event_id,
        user_id,
        event_at
    from events_to_process
    where group_id is null and user_id is not null
),

active_memberships as (
    select
        events_to_place.event_id,
        count(*) as active_membership_count,
        min(memberships.account_id) as account_id
    from events_to_place
    inner join memberships
        on
            events_to_place.user_id = memberships.user_id
            and {{ membership_is_active('memberships.joined_at', 'memberships.left_at', 'events_to_place.event_at') }}
    group by events_to_place.event_id
),

first_memberships as (
    select
        user_id,
        account_id,
        joined_at
    from memberships
    where is_first_membership
),

attributed as (
    select
        events_to_process.event_id,
        events_to_process.event_type,
        events_to_process.event_name,
        events_to_process.event_at,
        events_to_process.user_id,
        events_to_process.anonymous_id,
        case
            when events_to_process.group_id is not null then 'explicit'
            when active_memberships.active_membership_count = 1 then 'single_membership'
            when
                active_memberships.event_id is null
                and events_to_process.event_at < first_memberships.joined_at
                then 'pre_account'
            else 'unattributed'
        end as attribution,
        events_to_process.group_id,
        active_memberships.account_id as single_account_id,
        first_memberships.account_id as first_account_id,
        events_to_process.sent_user_id,
        events_to_process.properties,
        events_to_process.load_id
    from events_to_process
    left join active_memberships
        on events_to_process.event_id = active_memberships.event_id
    left join first_memberships
        on events_to_process.user_id = first_memberships.user_id
),

final as (
    select
        event_id,
        event_type,
        event_name,
        event_at,
        user_id,
        anonymous_id,
        case attribution
            when 'explicit' then group_id
            when 'single_membership' then single_account_id
            when 'pre_account' then first_account_id
        end as account_id,
        attribution,
        sent_user_id,
        properties,
        load_id
    from attributed
)

select * from final
