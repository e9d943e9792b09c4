-- How many accounts are activated: accounts that achieved a milestone (default `activation`)
-- within its window, out of all accounts, with the median time it took, overall and per plan.
{%- set milestone = 'activation' %}  {#- any key of var milestones #}

with

milestones as (
    select * from {{ ref('fct_account_milestones') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

account_milestones as (
    select
        milestones.account_id,
        milestones.achieved_at,
        milestones.days_to_achieve,
        coalesce(accounts.plan, '(no plan)') as plan
    from milestones
    inner join accounts
        on milestones.account_id = accounts.account_id
    where milestones.milestone = {{ sql_string(milestone) }}
),

final as (
    select
        coalesce(plan, '(all plans)') as plan,
        count(*) as accounts,
        count(achieved_at) as activated_accounts,
        round(100.0 * count(achieved_at) / count(*), 1) as activated_pct,
        round({{ median('days_to_achieve') }}, 2) as median_days_to_activate
    from account_milestones
    group by rollup(plan)
)

select * from final
order by plan = '(all plans)' desc, accounts desc
