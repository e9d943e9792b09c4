{#
    Per user x account pair, the evidence is folded into a join time (first non-removal), the
    last removal and the last re-add; left_at is the last removal unless a re-add follows it.
    The role is the latest role of a "user added" event, else owner for the account's creator.
    Event names come from var lifecycle_events.
    Incremental: each person of the run scope is recomputed from all of their messages
    (int_run__person_messages); the pre-hook removed their rows.
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ forget_run_scope('user_id', 'user') }}",
    )
}}
{%- set lifecycle = accountable_config()['lifecycle_events'] %}
{%- set membership_traits = accountable_config()['membership_traits'] %}

with

messages as (
    select * from {{ ref('int_run__person_messages') }}
),

evidence as (
    select
        message_id,
        group_id as account_id,
        user_id,
        event_at,
        message_type = 'track'
        and event_name = {{ sql_string(lifecycle['user_removed']) }} as is_removal,
        message_type = 'group'
        or (
            message_type = 'track'
            and event_name = {{ sql_string(lifecycle['user_added']) }}
        ) as is_readd,
        message_type = 'track'
        and event_name = {{ sql_string(lifecycle['account_created']) }} as is_account_created,
        {% for property in membership_traits %}
        case
            when
                message_type = 'track'
                and event_name = {{ sql_string(lifecycle['user_added']) }}
                then {{ json_string('properties', property) }}
        end as added_{{ property }},
        {% endfor %}
        case
            when
                message_type = 'track'
                and event_name = {{ sql_string(lifecycle['user_added']) }}
                then {{ json_string('properties', 'role') }}
        end as added_role
    from messages
    where group_id is not null
),

pairs as (
    select
        account_id,
        user_id,
        min(case when not is_removal then event_at end) as joined_at,
        max(case when is_removal then event_at end) as last_removed_at,
        max(case when is_readd then event_at end) as last_readded_at,
        {{ bool_any('is_account_created') }} as has_created_account
    from evidence
    group by account_id, user_id
),

-- the latest non-null role and relationship properties of the pair's "user added" events
latest_roles as (
    select
        account_id,
        user_id,
        {% for property in membership_traits %}
        {{ latest_value('added_' ~ property, ['event_at', 'message_id']) }} as added_{{ property }},
        {% endfor %}
        {{ latest_value('added_role', ['event_at', 'message_id']) }} as added_role
    from evidence
    where coalesce(added_role{% for property in membership_traits %}, added_{{ property }}{% endfor %}) is not null
    group by account_id, user_id
),

memberships as (
    select
        pairs.account_id,
        pairs.user_id,
        coalesce(
            latest_roles.added_role,
            case when pairs.has_created_account then 'owner' end
        ) as role,
        pairs.joined_at,
        case
            when
                pairs.last_removed_at >= pairs.joined_at
                and (
                    pairs.last_readded_at is null
                    or pairs.last_readded_at <= pairs.last_removed_at
                )
                then pairs.last_removed_at
        end as left_at,
        {% for property in membership_traits %}
        latest_roles.added_{{ property }} as {{ property }},
        {% endfor %}
        pairs.has_created_account
    from pairs
    left join latest_roles
        on
            pairs.account_id = latest_roles.account_id
            and pairs.user_id = latest_roles.user_id
    -- a pair whose only evidence is a removal never was a membership
    where pairs.joined_at is not null
),

final as (
    select
        *,
        row_number() over (
            partition by user_id
            order by joined_at, account_id
        ) = 1 as is_first_membership
    from memberships
)

select * from final
