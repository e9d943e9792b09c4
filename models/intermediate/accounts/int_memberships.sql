{#
    Memberships (contract section 3): one row per user x account pair.
    - joined_at: the earliest message of the user carrying the account's group id, other than the
      "user removed" event (group calls, account created / user added / signed up, anything else);
    - left_at: the last "user removed" event for the pair, unless a group call or "user added"
      event comes after it (a re-add: active again, first join time kept); null when active;
    - role: the latest non-null properties.role of "user added" for the pair; else owner when the
      user tracked "account created" for the account; else null;
    - is_first_membership: the user's first account (earliest joined_at, ties broken by the
      smaller account id), which pre_account attribution and user-level breakdowns use.
    Event names come from var lifecycle_events.

    Incremental (a run replaces every row of each user it touches, unique_key user_id): the
    per-pair evidence is made of minimums, maximums, counts and a latest value, so the evidence
    of new loads is merged into the state kept per pair. People whose messages changed owner
    (identity_changed_users) are rebuilt from all their messages instead; the pre-hook removed
    their rows. changed_load_id is the load after which a pair's joined_at, left_at, role or
    first-membership flag last changed: fct_events re-attributes those users' events.
#}
{{
    config(
        materialized='incremental',
        unique_key='user_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ forget_rebuilt_users() }}",
        post_hook=watermark_hooks(),
    )
}}
{%- set lifecycle = accountable_config()['lifecycle_events'] %}
{%- set watermark = incremental_watermark() %}
{%- do assert_upstream_watermarks_current(['int_identity__previous_ids', 'int_identity__anonymous_ids']) %}
{%- set current_load = current_raw_load_id() %}

-- depends_on: {{ ref('int_segment_messages') }}
-- depends_on: {{ ref('int_identity__anonymous_ids') }}
-- depends_on: {{ ref('int_identity__previous_ids') }}
{#- int_messages_identified (ten million rows) is read in filtered CTEs, never through one shared
    CTE: DuckDB materializes a CTE that is read twice. #}
with

{% if watermark is not none %}
anonymous_ids as (
    select * from {{ ref('int_identity__anonymous_ids') }}
),

previous_ids as (
    select * from {{ ref('int_identity__previous_ids') }}
),

known as (
    select * from {{ this }}
),

rebuilt_users as (
    {{ identity_changed_users('anonymous_ids', 'previous_ids', watermark) }}
),

stitched as (
    {{ newly_stitched_anonymous_ids('anonymous_ids', 'rebuilt_users', watermark) }}
),

-- messages of new loads, the anonymous history newly stitched, every message of the people
-- rebuilt
messages_to_merge as (
    select *
    from (
        {{ person_messages_to_merge(
            watermark, 'rebuilt_users', 'stitched', 'anonymous_ids', 'previous_ids'
        ) }}
    ) as merged
    where merged.group_id is not null
),
{% else %}
messages_to_merge as (
    select *
    from {{ ref('int_messages_identified') }}
    where group_id is not null
),
{% endif %}

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
        case
            when
                message_type = 'track'
                and event_name = {{ sql_string(lifecycle['user_added']) }}
                then {{ json_string('properties', 'role') }}
        end as added_role
    from messages_to_merge
    where user_id is not null and group_id is not null
),

new_pairs as (
    select
        account_id,
        user_id,
        min(case when not is_removal then event_at end) as joined_at,
        max(case when is_removal then event_at end) as last_removed_at,
        max(case when is_readd then event_at end) as last_readded_at,
        {{ bool_any('is_account_created') }} as has_created_account,
        count(*) as evidence_messages
    from evidence
    group by account_id, user_id
),

new_roles as (
    select
        account_id,
        user_id,
        added_role,
        event_at as added_role_at,
        message_id as added_role_message_id
    from evidence
    where added_role is not null
),

{% if watermark is not none %}
-- all pairs of the users touched: the first membership is decided over them all
known_pairs as (
    select
        account_id,
        user_id,
        joined_at,
        last_removed_at,
        last_readded_at,
        has_created_account,
        evidence_messages
    from known
    where user_id in (select new_pairs.user_id from new_pairs)
),

pair_states as (
    select * from new_pairs
    union all
    select * from known_pairs
),

role_states as (
    select * from new_roles
    union all
    select
        account_id,
        user_id,
        added_role,
        added_role_at,
        added_role_message_id
    from known
    where
        added_role is not null
        and user_id in (select new_pairs.user_id from new_pairs)
),
{% else %}
pair_states as (
    select * from new_pairs
),

role_states as (
    select * from new_roles
),
{% endif %}

pairs as (
    select
        account_id,
        user_id,
        min(joined_at) as joined_at,
        max(last_removed_at) as last_removed_at,
        max(last_readded_at) as last_readded_at,
        {{ bool_any('has_created_account') }} as has_created_account,
        cast(sum(evidence_messages) as {{ dbt.type_bigint() }}) as evidence_messages
    from pair_states
    group by account_id, user_id
),

latest_roles as (
    select
        account_id,
        user_id,
        added_role,
        added_role_at,
        added_role_message_id,
        row_number() over (
            partition by account_id, user_id
            order by added_role_at desc, added_role_message_id desc
        ) as role_rank
    from role_states
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
        pairs.last_removed_at,
        pairs.last_readded_at,
        pairs.has_created_account,
        pairs.evidence_messages,
        latest_roles.added_role,
        latest_roles.added_role_at,
        latest_roles.added_role_message_id
    from pairs
    left join latest_roles
        on
            pairs.account_id = latest_roles.account_id
            and pairs.user_id = latest_roles.user_id
            and latest_roles.role_rank = 1
    -- a pair whose only evidence is a removal never was a membership
    where pairs.joined_at is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by user_id
            order by joined_at, account_id
        ) = 1 as is_first_membership
    from memberships
),

{% if watermark is not none %}
final as (
    select
        ranked.*,
        case
            when
                known.joined_at = ranked.joined_at
                and known.left_at is not distinct from ranked.left_at
                and known.role is not distinct from ranked.role
                and known.is_first_membership = ranked.is_first_membership
                then known.changed_load_id
            else cast({{ current_load }} as {{ dbt.type_bigint() }})
        end as changed_load_id
    from ranked
    left join known
        on
            ranked.account_id = known.account_id
            and ranked.user_id = known.user_id
)
{% else %}
final as (
    select
        *,
        cast({{ current_load }} as {{ dbt.type_bigint() }}) as changed_load_id
    from ranked
)
{% endif %}

select * from final
