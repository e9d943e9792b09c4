{#
    Contract section 3, "Account of an event", applied in three joins: an event carrying a group
    id is explicit; else the user's memberships active at event_at are counted; else the user's
    first membership, when the event came before it.
    Incremental: the run's events (int_run__event_messages) are attributed again, and only the
    rows that changed are written (rows_that_changed): a daily run rewrites few old rows.
#}
{{
    config(
        materialized='incremental',
        unique_key='event_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ forget_run_scope('event_id', none) }}",
    )
}}
{%- set scoped = run_is_scoped() %}

with

memberships as (
    select * from {{ ref('int_memberships') }}
),

messages_to_process as (
    select * from {{ ref('int_run__event_messages') }}
),

events_to_process as (
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
    from messages_to_process
),

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

{% if scoped -%}
{#- a stored event's message never changes: only who and which account it belongs to can #}
{{ rows_that_changed('final', 'event_id', ['user_id', 'account_id', 'attribution']) }}
{%- else -%}
select * from final
{%- endif %}
