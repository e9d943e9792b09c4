{#
    The run scope (macros/incremental/run_scope.sql): the window of new loads, and what its
    messages touch. The touched people are found without knowing who owned what before: a
    person's messages can move only through an id a new message carries, so every user id that
    id was ever tied to (as sent, through any alias call, through any message pairing an
    anonymous id with a user id) is in scope, followed forward through every alias call. That is
    a superset of the old and new owners of every carried id.
#}
{{ config(materialized='table') }}
{#- the messages (int_segment_messages) are read by each CTE that needs them, never through one
    shared CTE (docs/DEVELOPING.md) #}
{%- set from_load = run_window_start() %}
{%- set lookback_days = accountable_config()['events_lookback_days'] %}

-- depends_on: {{ ref('int_segment_messages') }}
-- depends_on: {{ ref('int_identity__previous_ids') }}

with recursive

loads as (
    select * from {{ ref('stg_segment__loads') }}
),

run_window as (
    select
        cast({{ from_load if from_load is not none else 'null' }} as {{ dbt.type_bigint() }})
            as from_load_id,
        cast(coalesce(max(load_id), 0) as {{ dbt.type_bigint() }}) as to_load_id
    from loads
),

{% if from_load is not none %}
new_messages as (
    select
        message_type,
        user_id,
        anonymous_id,
        group_id,
        previous_id
    from {{ ref('int_segment_messages') }} as messages
    where load_id > {{ from_load }}
),

alias_calls as (
    select
        previous_id,
        user_id
    from {{ ref('int_segment_messages') }} as messages
    where
        message_type = 'alias'
        and previous_id is not null
        and user_id is not null
        and previous_id != user_id
),

new_alias_ids as (
    select previous_id as id
    from new_messages
    where message_type = 'alias' and previous_id is not null
),

-- anonymous ids of new messages (an alias's previous id may be one)
carried_anonymous_ids as (
    select anonymous_id
    from new_messages
    where anonymous_id is not null

    union

    select id as anonymous_id
    from new_alias_ids
),

-- every user id a carried anonymous id was ever seen with
paired_users as (
    select messages.user_id
    from {{ ref('int_segment_messages') }} as messages
    where
        messages.user_id is not null
        and messages.anonymous_id in (select carried.anonymous_id from carried_anonymous_ids as carried)

    union

    select alias_calls.user_id
    from alias_calls
    where alias_calls.previous_id in (select carried.anonymous_id from carried_anonymous_ids as carried)
),

-- people touched: the user ids carried, the previous ids of new aliases, the users paired with
-- carried anonymous ids, and every id an alias call leads any of them to
touched_users (user_id) as (
    select user_id
    from new_messages
    where user_id is not null

    union

    select id as user_id
    from new_alias_ids

    union

    select user_id
    from paired_users

    union

    select alias_calls.user_id
    from touched_users
    inner join alias_calls
        on touched_users.user_id = alias_calls.previous_id
),

-- ids whose resolution a new alias call can change: its previous id, and every id whose alias
-- chain now passes through it (a subset of the ids that now resolve to the same user)
realiased_ids as (
    select id
    from new_alias_ids

    union

    select previous_ids.previous_id as id
    from {{ ref('int_identity__previous_ids') }} as previous_ids
    where previous_ids.user_id in (
        select coalesce(new_ends.user_id, new_alias_ids.id)
        from new_alias_ids
        left join {{ ref('int_identity__previous_ids') }} as new_ends
            on new_alias_ids.id = new_ends.previous_id
    )
),

-- anonymous ids to resolve again: newly paired with a user id, or paired with a re-aliased id
touched_anonymous_ids as (
    select anonymous_id
    from new_messages
    where anonymous_id is not null and user_id is not null

    union

    select id as anonymous_id
    from new_alias_ids

    union

    select messages.anonymous_id
    from {{ ref('int_segment_messages') }} as messages
    where
        messages.anonymous_id is not null
        and messages.user_id in (select realiased_ids.id from realiased_ids)

    union

    select alias_calls.previous_id as anonymous_id
    from alias_calls
    where alias_calls.user_id in (select realiased_ids.id from realiased_ids)
),

touched_accounts as (
    select distinct group_id as account_id
    from new_messages
    where group_id is not null
),

{% if lookback_days > 0 %}
-- events re-attributed anyway: the last days of events taken in before the window
lookback as (
    select {{ dbt.dateadd('day', -lookback_days, 'max(event_at)') }} as lookback_from
    from {{ ref('int_segment_messages') }} as messages
    where
        load_id <= {{ from_load }}
        and message_type in ('track', 'page', 'screen')
),
{% endif %}
{% endif %}

run_row as (
    select
        'run' as entity_type,
        cast('{{ invocation_id }}' as {{ dbt.type_string() }}) as entity_id,
        run_window.from_load_id,
        run_window.to_load_id,
        {% if from_load is not none and lookback_days > 0 -%}
        (select lookback.lookback_from from lookback)
        {%- else -%}
        cast(null as {{ dbt.type_timestamp() }})
        {%- endif %} as lookback_from
    from run_window
),

final as (
    select * from run_row
    {% if from_load is not none %}
    {% for entity_type, relation, column in [
        ('user', 'touched_users', 'user_id'),
        ('anonymous_id', 'touched_anonymous_ids', 'anonymous_id'),
        ('account', 'touched_accounts', 'account_id'),
        ('realiased_id', 'realiased_ids', 'id'),
    ] %}

    union all

    select
        '{{ entity_type }}' as entity_type,
        {{ relation }}.{{ column }} as entity_id,
        run_window.from_load_id,
        run_window.to_load_id,
        cast(null as {{ dbt.type_timestamp() }}) as lookback_from
    from {{ relation }}
    cross join run_window
    {% endfor %}
    {% endif %}
)

select * from final
