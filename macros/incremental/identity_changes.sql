{#
    Incremental runs of the person-keyed models (memberships, users, events) merge the messages
    of new loads into what they kept, which is exact as long as every message keeps its owner.
    Identity resolution can move old messages:
    - an anonymous id stitched for the first time: its anonymous history, owned by nobody so
      far, joins the user. That history is merged too (macro stitched_history);
    - an anonymous id that changes owner (a late but earlier message carrying it with another
      user id), an alias that merges an old user id into a new one: messages leave one person
      for another. Those people are rebuilt from all their messages (identity_changed_users).
    Both come from the identity models' change bookkeeping (changed_load_id, previous_user_id),
    for changes after the model's watermark.
#}
{% macro identity_changed_users(anonymous_ids, previous_ids, watermark) -%}
    select user_id
    from {{ anonymous_ids }}
    where
        changed_load_id > {{ watermark }}
        and previous_user_id is not null

    union

    select previous_user_id as user_id
    from {{ anonymous_ids }}
    where
        changed_load_id > {{ watermark }}
        and previous_user_id is not null

    union

    select user_id
    from {{ previous_ids }}
    where changed_load_id > {{ watermark }}

    union

    select previous_user_id as user_id
    from {{ previous_ids }}
    where
        changed_load_id > {{ watermark }}
        and previous_user_id is not null
{%- endmacro %}


{# Anonymous ids stitched to a user for the first time since `watermark`, whose user is not
   rebuilt anyway (`rebuilt_users`: a CTE with a user_id column). #}
{% macro newly_stitched_anonymous_ids(anonymous_ids, rebuilt_users, watermark) -%}
    select
        anonymous_id,
        user_id
    from {{ anonymous_ids }}
    where
        changed_load_id > {{ watermark }}
        and previous_user_id is null
        and user_id not in (select user_id from {{ rebuilt_users }})
{%- endmacro %}


{#
    The anonymous history of newly stitched anonymous ids (a CTE from
    newly_stitched_anonymous_ids): their messages without a user id from loads up to
    `watermark` (later ones are new messages, merged as such), resolved to their user
    (int_messages_identified columns).
#}
{% macro stitched_history(messages, stitched, previous_ids, anonymous_ids, watermark) -%}
    {%- set picked -%}
    (
        select *
        from {{ messages }}
        where
            user_id is null
            and load_id <= {{ watermark }}
            and anonymous_id in (select anonymous_id from {{ stitched }})
    )
    {%- endset -%}
    {{ identify_messages(picked, previous_ids, anonymous_ids) }}
{%- endmacro %}


{#
    pre-hook of the person-keyed incremental models: forget the rows of the people the run
    rebuilds, and of old user ids that an alias merged into another (never a user of their own).
    Nothing on a full build.
#}
{% macro forget_rebuilt_users(key='user_id') -%}
    {%- set watermark = incremental_watermark() -%}
    {%- if watermark is not none -%}
        {%- set anonymous_ids = ref('int_identity__anonymous_ids') -%}
        {%- set previous_ids = ref('int_identity__previous_ids') -%}
        delete from {{ this }}
        where
            {{ key }} in (
                {{ identity_changed_users(anonymous_ids, previous_ids, watermark) }}
            )
            or {{ key }} in (select previous_id from {{ previous_ids }})
    {%- endif -%}
{%- endmacro %}


{#
    Contract section 3, Identity, applied to messages (int_segment_messages-shaped rows): the
    person is the user id followed through aliases, or, for a message with only an anonymous
    id, the user that anonymous id was stitched to (null when it never was). The one place this
    rule is written: the view int_messages_identified, and incremental runs on the few messages
    they pick out.
#}
{% macro identify_messages(messages, previous_ids, anonymous_ids) -%}
    select
        messages.message_id,
        messages.message_type,
        messages.event_name,
        messages.event_at,
        case
            when messages.user_id is not null
                then coalesce(alias_owners.user_id, messages.user_id)
            else anonymous_owners.user_id
        end as user_id,
        messages.user_id as sent_user_id,
        messages.anonymous_id,
        messages.group_id,
        messages.previous_id,
        messages.load_id,
        messages.properties,
        messages.traits,
        messages.context
    from {{ messages }} as messages
    left join {{ previous_ids }} as alias_owners
        on messages.user_id = alias_owners.previous_id
    -- an equality join only (a filter in the condition would defeat the hash join); the case
    -- above uses the stitched user only for messages without a user id
    left join {{ anonymous_ids }} as anonymous_owners
        on messages.anonymous_id = anonymous_owners.anonymous_id
{%- endmacro %}


{#
    Every message, resolved (int_messages_identified columns), that belongs to one of `users` (a
    CTE with a user_id column). `messages` is int_segment_messages: the scans pick messages by
    the ids as sent (the user id and the old ids an alias merged into it; the anonymous ids
    stitched to the user), which is cheap before resolving identity and slow after it; the last
    filter keeps exactly the resolved owners.
#}
{% macro messages_of_users(messages, users, anonymous_ids, previous_ids) -%}
    {%- set picked -%}
    (
        select *
        from {{ messages }}
        where user_id in (
            select user_id from {{ users }}
            union all
            select previous_id
            from {{ previous_ids }}
            where user_id in (select user_id from {{ users }})
        )

        union all

        select *
        from {{ messages }}
        where
            user_id is null
            and anonymous_id in (
                select anonymous_id
                from {{ anonymous_ids }}
                where user_id in (select user_id from {{ users }})
            )
    )
    {%- endset -%}
    select owned.*
    from (
        {{ identify_messages(picked, previous_ids, anonymous_ids) }}
    ) as owned
    where owned.user_id in (select user_id from {{ users }})
{%- endmacro %}


{# Whether any person must be rebuilt since `watermark` (skips the scans that find their
   messages when nobody changed owner). #}
{% macro identity_rebuild_needed(watermark) -%}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set result = run_query(
        "select count(*) from (" ~ identity_changed_users(
            ref('int_identity__anonymous_ids'), ref('int_identity__previous_ids'), watermark
        ) ~ ") as changed"
    ) -%}
    {{ return(result.columns[0].values()[0] > 0) }}
{%- endmacro %}


{#
    What a person-keyed incremental model merges after `watermark` (int_messages_identified
    rows), three disjoint sets: the messages of new loads, except those of people rebuilt; the
    anonymous history newly stitched (`stitched`: newly_stitched_anonymous_ids); every message
    of the people rebuilt (`rebuilt_users`: identity_changed_users), when there are any.
#}
{% macro person_messages_to_merge(watermark, rebuilt_users, stitched, anonymous_ids, previous_ids) -%}
    select *
    from {{ ref('int_messages_identified') }}
    where
        load_id > {{ watermark }}
        and user_id not in (select user_id from {{ rebuilt_users }})

    union all

    select *
    from (
        {{ stitched_history(
            ref('int_segment_messages'), stitched, previous_ids, anonymous_ids, watermark
        ) }}
    ) as history
    {%- if identity_rebuild_needed(watermark) %}

    union all

    select *
    from (
        {{ messages_of_users(ref('int_segment_messages'), rebuilt_users, anonymous_ids, previous_ids) }}
    ) as rebuilt_messages
    {%- endif %}
{%- endmacro %}


{#
    The change bookkeeping of an identity mapping (anonymous id or alias -> user), as two
    columns: previous_user_id (the owner before the latest change) and changed_load_id (the
    load after which the owner last changed). `known` is the row kept so far (null for a new
    id); on a full build (known none) every mapping is new.
#}
{% macro owner_change_columns(known, current, current_load) -%}
    {%- if known is none -%}
        cast(null as {{ dbt.type_string() }}) as previous_user_id,
        cast({{ current_load }} as {{ dbt.type_bigint() }}) as changed_load_id
    {%- else -%}
        case
            when {{ known }}.user_id = {{ current }}.user_id then {{ known }}.previous_user_id
            else {{ known }}.user_id
        end as previous_user_id,
        case
            when {{ known }}.user_id = {{ current }}.user_id then {{ known }}.changed_load_id
            else cast({{ current_load }} as {{ dbt.type_bigint() }})
        end as changed_load_id
    {%- endif -%}
{%- endmacro %}
