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
#}
{%- set lifecycle = accountable_config()['lifecycle_events'] %}

with

messages as (
    select * from {{ ref('int_messages_identified') }}
),

tracks as (
    select * from {{ ref('stg_segment__tracks') }}
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
        and event_name = {{ sql_string(lifecycle['account_created']) }} as is_account_created
    from messages
    where user_id is not null and group_id is not null
),

added_roles as (
    select
        evidence.account_id,
        evidence.user_id,
        evidence.event_at,
        evidence.message_id,
        {{ json_string('tracks.properties', 'role') }} as role
    from evidence
    inner join tracks
        on evidence.message_id = tracks.message_id
    where
        evidence.is_readd
        and tracks.event_name = {{ sql_string(lifecycle['user_added']) }}
),

latest_added_role as (
    select
        account_id,
        user_id,
        {{ latest_value('role', ['event_at', 'message_id']) }} as role
    from added_roles
    group by account_id, user_id
),

per_pair as (
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

memberships as (
    select
        per_pair.account_id,
        per_pair.user_id,
        coalesce(
            latest_added_role.role,
            case when per_pair.has_created_account then 'owner' end
        ) as role,
        per_pair.joined_at,
        case
            when
                per_pair.last_removed_at >= per_pair.joined_at
                and (
                    per_pair.last_readded_at is null
                    or per_pair.last_readded_at <= per_pair.last_removed_at
                )
                then per_pair.last_removed_at
        end as left_at,
        per_pair.last_removed_at,
        per_pair.has_created_account
    from per_pair
    left join latest_added_role
        on
            per_pair.account_id = latest_added_role.account_id
            and per_pair.user_id = latest_added_role.user_id
    -- a pair whose only evidence is a removal never was a membership
    where per_pair.joined_at is not null
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
