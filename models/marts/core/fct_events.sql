{#
    One row per track, page and screen event, tied to its person and its account
    (contract section 3, "Account of an event"):
    1. explicit: the message carries a group id;
    2. single_membership: no group id, and the user has exactly one membership active at event_at;
    3. pre_account: no group id, no active membership, and the event is before the user's first
       membership began: the user's first account (earliest joined_at, then smaller account id);
    4. unattributed: anything else; account_id is null.

    Incremental: a run processes the events of loads it has not seen (watermark: macro
    incremental_watermark), and re-attributes older events that may have moved: every event of
    a person whose identity changed (identity_changed_users) or whose memberships changed
    (int_memberships.changed_load_id), and every event of the last `events_lookback_days` days.
    Of the re-attributed events, only those whose row changed are written (rows_that_changed).
    The result is identical to a full refresh over the same data.
#}
{{
    config(
        materialized='incremental',
        unique_key='event_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        post_hook=watermark_hooks(),
    )
}}
{%- set lookback_days = accountable_config()['events_lookback_days'] %}
{%- set watermark = incremental_watermark() %}
{%- do assert_upstream_watermarks_current(
    ['int_identity__previous_ids', 'int_identity__anonymous_ids', 'int_memberships']
) %}
{%- set lookback_from = none %}
{%- if watermark is not none and lookback_days > 0 %}
    {#- a constant, so that the scans can filter on it before identity is resolved #}
    {%- set lookback_from = run_query(
        "select cast(" ~ dbt.dateadd('day', -lookback_days, 'max(event_at)') ~ " as "
        ~ dbt.type_string() ~ ") from " ~ this
    ).columns[0].values()[0] %}
{%- endif %}

-- depends_on: {{ ref('int_segment_messages') }}
-- depends_on: {{ ref('int_identity__anonymous_ids') }}
-- depends_on: {{ ref('int_identity__previous_ids') }}
{#- int_messages_identified (ten million rows) is read in filtered CTEs, never through one shared
    CTE: DuckDB materializes a CTE that is read twice. #}
with

memberships as (
    select * from {{ ref('int_memberships') }}
),

{% if watermark is not none %}
anonymous_ids as (
    select * from {{ ref('int_identity__anonymous_ids') }}
),

previous_ids as (
    select * from {{ ref('int_identity__previous_ids') }}
),

-- people whose events may have moved: their identity or their memberships changed
moved_users as (
    {{ identity_changed_users('anonymous_ids', 'previous_ids', watermark) }}

    union

    select memberships.user_id
    from memberships
    where memberships.changed_load_id > {{ watermark }}
),

-- anonymous ids stitched for the first time, whose user's events are not all re-processed
stitched as (
    {{ newly_stitched_anonymous_ids('anonymous_ids', 'moved_users', watermark) }}
),

-- disjoint sets: new loads; the moved people's older messages; the older anonymous history
-- newly stitched; with a look-back, the other older messages inside it
messages_to_process as (
    select *
    from {{ ref('int_messages_identified') }}
    where load_id > {{ watermark }}

    union all

    select moved.*
    from (
        {{ messages_of_users(
            ref('int_segment_messages'), 'moved_users', 'anonymous_ids', 'previous_ids'
        ) }}
    ) as moved
    where
        moved.load_id <= {{ watermark }}
        {% if lookback_from is not none -%}
        and moved.event_at < {{ timestamp_literal(lookback_from) }}
        {%- endif %}

    union all

    select history.*
    from (
        {{ stitched_history(
            ref('int_segment_messages'), 'stitched', 'previous_ids', 'anonymous_ids', watermark
        ) }}
    ) as history
    {% if lookback_from is not none -%}
    where history.event_at < {{ timestamp_literal(lookback_from) }}

    union all

    select recent.*
    from {{ ref('int_messages_identified') }} as recent
    where
        recent.load_id <= {{ watermark }}
        and recent.event_at >= {{ timestamp_literal(lookback_from) }}
    {%- endif %}
),
{% else %}
messages_to_process as (
    select * from {{ ref('int_messages_identified') }}
),
{% endif %}

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
    where message_type in ('track', 'page', 'screen')
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

{% if watermark is not none -%}
{{ rows_that_changed('final', 'event_id') }}
{%- else -%}
select * from final
{%- endif %}
