{#
    The track, page and screen messages this run attributes (int_messages_identified columns),
    three disjoint sets: the events of the window's loads; the older events of the people in the
    run scope (int_run__person_messages) that can have moved; with a look-back, the other older
    events of its last days. Every event when the run rebuilds from all messages.
    An older event's message never changes. Its account can change only when it carries no group
    id (it is placed by the person's memberships, which the run recomputes), and its person only
    when the id it was sent with resolves anew (a re-aliased user id, a re-resolved anonymous id).
#}
{{ config(materialized='view') }}
{%- set window = run_window() if execute else {'from_load_id': none, 'lookback_from': none} %}
{%- set from_load = window['from_load_id'] %}
{%- set lookback_from = window['lookback_from'] %}

-- depends_on: {{ ref('int_segment_messages') }}
-- depends_on: {{ ref('int_run__person_messages') }}
-- depends_on: {{ ref('int_run__scope') }}
with

{% if from_load is not none %}
event_messages as (
    select *
    from {{ ref('int_messages_identified') }}
    where
        load_id > {{ from_load }}
        and message_type in ('track', 'page', 'screen')

    union all

    select *
    from {{ ref('int_run__person_messages') }}
    where
        load_id <= {{ from_load }}
        and message_type in ('track', 'page', 'screen')
        and (
            group_id is null
            or sent_user_id in ({{ run_scope_ids('realiased_id') }})
            or (sent_user_id is null and anonymous_id in ({{ run_scope_ids('anonymous_id') }}))
        )
        {%- if lookback_from is not none %}
        and event_at < {{ timestamp_literal(lookback_from) }}
        {%- endif %}
    {%- if lookback_from is not none %}

    union all

    select *
    from {{ ref('int_messages_identified') }}
    where
        load_id <= {{ from_load }}
        and message_type in ('track', 'page', 'screen')
        and event_at >= {{ timestamp_literal(lookback_from) }}
    {%- endif %}
)
{% else %}
event_messages as (
    select *
    from {{ ref('int_messages_identified') }}
    where message_type in ('track', 'page', 'screen')
)
{% endif %}

select * from event_messages
