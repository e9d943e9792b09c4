{%- set account_traits = accountable_config()['account_traits'] %}
{%- set trait_types = account_trait_types(account_traits) %}

with

accounts as (
    select * from {{ ref('int_accounts') }}
),

memberships as (
    select * from {{ ref('int_memberships') }}
),

account_milestones as (
    select * from {{ ref('int_account_milestones') }}
),

named_milestones as (
    select
        account_id,
        max(case when milestone = 'activation' then achieved_at end) as activated_at,
        max(case when milestone = 'habit_moment' then achieved_at end) as habit_moment_at
    from account_milestones
    group by account_id
),

account_revenue as (
    select * from {{ ref('int_account_revenue') }}
),

member_counts as (
    select
        account_id,
        count(case when {{ membership_is_active_now("left_at") }} then 1 end) as member_count,
        count(*) as members_ever
    from memberships
    group by account_id
),

final as (
    select
        accounts.account_id,
        accounts.name,
        accounts.plan,
        {% for trait in account_traits %}
        {{ typed_trait('accounts.' ~ trait, trait_types[trait]) }} as {{ trait }},
        {% endfor %}
        accounts.created_at,
        coalesce(member_counts.member_count, 0) as member_count,
        coalesce(member_counts.members_ever, 0) as members_ever,
        named_milestones.activated_at,
        named_milestones.habit_moment_at,
        coalesce(account_revenue.mrr, 0) as mrr,
        account_revenue.first_paid_at,
        account_revenue.churned_at,
        accounts.first_seen_at,
        accounts.last_seen_at,
        accounts.message_count,
        accounts.group_calls
    from accounts
    left join member_counts
        on accounts.account_id = member_counts.account_id
    left join named_milestones
        on accounts.account_id = named_milestones.account_id
    left join account_revenue
        on accounts.account_id = account_revenue.account_id
)

select * from final
