{%- set traits = ['email', 'name'] + accountable_config()['user_traits'] %}

with

users as (
    select * from {{ ref('int_users') }}
),

memberships as (
    select * from {{ ref('int_memberships') }}
),

membership_counts as (
    select
        user_id,
        count(case when {{ membership_is_active_now("left_at") }} then 1 end) as account_count,
        count(*) as accounts_ever
    from memberships
    group by user_id
),

final as (
    select
        users.user_id,
        {% for trait in traits %}
        users.{{ trait }},
        {% endfor %}
        users.first_seen_at,
        users.last_seen_at,
        coalesce(membership_counts.account_count, 0) as account_count,
        coalesce(membership_counts.accounts_ever, 0) as accounts_ever,
        coalesce(membership_counts.account_count, 0) > 1 as is_multi_account,
        users.message_count
    from users
    left join membership_counts
        on users.user_id = membership_counts.user_id
)

select * from final
