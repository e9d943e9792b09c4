with

account_milestones as (
    select * from {{ ref('int_account_milestones') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

final as (
    select
        account_milestones.account_id,
        accounts.name,
        account_milestones.milestone,
        account_milestones.achieved_at,
        account_milestones.is_achieved,
        account_milestones.days_to_achieve,
        account_milestones.window_days,
        account_milestones.created_at,
        account_milestones.window_ends_at,
        account_milestones.required_events_met_at
    from account_milestones
    left join accounts
        on account_milestones.account_id = accounts.account_id
)

select * from final
