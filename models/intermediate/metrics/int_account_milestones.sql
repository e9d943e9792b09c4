{#
    Evaluated generically over definition rows built from var milestones:
    1. Event conditions only ever become true and stay true. Each required_events entry is met at
       the latest of the min_count-th counting event (ordered by event_at, event_id), the first
       event of the min_users-th distinct counting user and the first event of the min_days-th
       distinct UTC date with a counting event (each part only when its minimum is above 0);
       the required events are met
       (required_events_met_at) at the latest of the entries' times, never when one entry is
       never met.
    2. The member condition is not monotone (members leave), but the number of active members
       only rises when someone joins. So the candidates for achieved_at are the base time
       (required_events_met_at, or created_at when the milestone requires no events) and every
       join of a counting member after it; achieved_at is the first candidate inside the window
       with enough counting members active.
#}
with

accounts as (
    select * from {{ ref('int_accounts') }}
),

memberships as (
    select * from {{ ref('int_memberships') }}
),

events as (
    select * from {{ ref('int_events_attributed') }}
),

milestone_definitions as (
    {{ milestone_definition_rows() }}
),

milestone_requirements as (
    {{ milestone_requirement_rows() }}
),

milestone_excluded_roles as (
    {{ milestone_excluded_role_rows() }}
),

account_milestones as (
    select
        accounts.account_id,
        milestone_definitions.milestone,
        accounts.created_at,
        milestone_definitions.window_days,
        milestone_definitions.min_members,
        milestone_definitions.required_event_count,
        {{ dbt.dateadd('day', 'milestone_definitions.window_days', 'accounts.created_at') }}
            as window_ends_at
    from accounts
    cross join milestone_definitions
),

-- the members each milestone does not count: their role is one it excludes (a null role never is)
excluded_members as (
    select
        milestone_excluded_roles.milestone,
        memberships.account_id,
        memberships.user_id
    from memberships
    inner join milestone_excluded_roles
        on memberships.role = milestone_excluded_roles.role
),

counting_memberships as (
    select
        milestone_definitions.milestone,
        memberships.account_id,
        memberships.user_id,
        memberships.joined_at,
        memberships.left_at
    from memberships
    cross join milestone_definitions
    left join excluded_members
        on
            milestone_definitions.milestone = excluded_members.milestone
            and memberships.account_id = excluded_members.account_id
            and memberships.user_id = excluded_members.user_id
    where excluded_members.user_id is null
),

-- events that count toward an entry: attributed to the account, inside the window, not by an
-- excluded member
requirement_events as (
    select
        milestone_requirements.milestone,
        milestone_requirements.requirement_number,
        milestone_requirements.min_days,
        events.account_id,
        events.user_id,
        events.event_id,
        events.event_at
    from events
    inner join milestone_requirements
        on events.event_name = milestone_requirements.event_name
    inner join account_milestones
        on
            events.account_id = account_milestones.account_id
            and milestone_requirements.milestone = account_milestones.milestone
    left join excluded_members
        on
            milestone_requirements.milestone = excluded_members.milestone
            and events.account_id = excluded_members.account_id
            and events.user_id = excluded_members.user_id
    where
        events.event_at <= account_milestones.window_ends_at
        and excluded_members.user_id is null
),

ranked_requirement_events as (
    select
        milestone,
        requirement_number,
        account_id,
        event_at,
        row_number() over (
            partition by milestone, requirement_number, account_id
            order by event_at, event_id
        ) as event_rank
    from requirement_events
),

user_first_requirement_events as (
    select
        milestone,
        requirement_number,
        account_id,
        user_id,
        min(event_at) as first_event_at
    from requirement_events
    where user_id is not null
    group by milestone, requirement_number, account_id, user_id
),

ranked_requirement_users as (
    select
        milestone,
        requirement_number,
        account_id,
        first_event_at,
        row_number() over (
            partition by milestone, requirement_number, account_id
            order by first_event_at, user_id
        ) as user_rank
    from user_first_requirement_events
),

-- the first counting event of each UTC date, for the entries that need events on min_days dates
date_first_requirement_events as (
    select
        milestone,
        requirement_number,
        account_id,
        cast(event_at as date) as event_date,
        min(event_at) as first_event_at
    from requirement_events
    where min_days > 0
    group by milestone, requirement_number, account_id, cast(event_at as date)
),

ranked_requirement_dates as (
    select
        milestone,
        requirement_number,
        account_id,
        first_event_at,
        row_number() over (
            partition by milestone, requirement_number, account_id
            order by first_event_at
        ) as date_rank
    from date_first_requirement_events
),

requirements_met as (
    select
        account_milestones.account_id,
        account_milestones.milestone,
        milestone_requirements.requirement_number,
        case
            when
                count_reached.event_at is not null
                and (milestone_requirements.min_users = 0 or users_reached.first_event_at is not null)
                and (milestone_requirements.min_days = 0 or dates_reached.first_event_at is not null)
                then
                    greatest(
                        count_reached.event_at,
                        coalesce(users_reached.first_event_at, count_reached.event_at),
                        coalesce(dates_reached.first_event_at, count_reached.event_at)
                    )
        end as met_at
    from account_milestones
    inner join milestone_requirements
        on account_milestones.milestone = milestone_requirements.milestone
    left join ranked_requirement_events as count_reached
        on
            account_milestones.account_id = count_reached.account_id
            and milestone_requirements.milestone = count_reached.milestone
            and milestone_requirements.requirement_number = count_reached.requirement_number
            and milestone_requirements.min_count = count_reached.event_rank
    left join ranked_requirement_users as users_reached
        on
            account_milestones.account_id = users_reached.account_id
            and milestone_requirements.milestone = users_reached.milestone
            and milestone_requirements.requirement_number = users_reached.requirement_number
            and milestone_requirements.min_users = users_reached.user_rank
    left join ranked_requirement_dates as dates_reached
        on
            account_milestones.account_id = dates_reached.account_id
            and milestone_requirements.milestone = dates_reached.milestone
            and milestone_requirements.requirement_number = dates_reached.requirement_number
            and milestone_requirements.min_days = dates_reached.date_rank
),

required_events_met as (
    select
        account_id,
        milestone,
        case when count(met_at) = count(*) then max(met_at) end as required_events_met_at
    from requirements_met
    group by account_id, milestone
),

bases as (
    select
        account_milestones.account_id,
        account_milestones.milestone,
        account_milestones.min_members,
        account_milestones.window_ends_at,
        case
            when account_milestones.required_event_count = 0 then account_milestones.created_at
            else required_events_met.required_events_met_at
        end as base_at
    from account_milestones
    left join required_events_met
        on
            account_milestones.account_id = required_events_met.account_id
            and account_milestones.milestone = required_events_met.milestone
),

candidates as (
    select
        account_id,
        milestone,
        min_members,
        base_at as candidate_at
    from bases
    where base_at <= window_ends_at

    union all

    select
        bases.account_id,
        bases.milestone,
        bases.min_members,
        counting_memberships.joined_at as candidate_at
    from bases
    inner join counting_memberships
        on
            bases.account_id = counting_memberships.account_id
            and bases.milestone = counting_memberships.milestone
    where
        bases.min_members > 0
        and counting_memberships.joined_at > bases.base_at
        and counting_memberships.joined_at <= bases.window_ends_at
),

candidate_members as (
    select
        candidates.account_id,
        candidates.milestone,
        candidates.candidate_at,
        candidates.min_members,
        count(counting_memberships.user_id) as active_members
    from candidates
    left join counting_memberships
        on
            candidates.account_id = counting_memberships.account_id
            and candidates.milestone = counting_memberships.milestone
            and {{ membership_is_active(
                'counting_memberships.joined_at',
                'counting_memberships.left_at',
                'candidates.candidate_at',
            ) }}
    group by
        candidates.account_id,
        candidates.milestone,
        candidates.candidate_at,
        candidates.min_members
),

achievements as (
    select
        account_id,
        milestone,
        min(candidate_at) as achieved_at
    from candidate_members
    where active_members >= min_members
    group by account_id, milestone
),

final as (
    select
        account_milestones.account_id,
        account_milestones.milestone,
        achievements.achieved_at,
        achievements.achieved_at is not null as is_achieved,
        {{ seconds_between('account_milestones.created_at', 'achievements.achieved_at') }} / 86400.0
            as days_to_achieve,
        account_milestones.window_days,
        account_milestones.created_at,
        account_milestones.window_ends_at,
        required_events_met.required_events_met_at
    from account_milestones
    left join achievements
        on
            account_milestones.account_id = achievements.account_id
            and account_milestones.milestone = achievements.milestone
    left join required_events_met
        on
            account_milestones.account_id = required_events_met.account_id
            and account_milestones.milestone = required_events_met.milestone
)

select * from final
