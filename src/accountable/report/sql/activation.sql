-- Activation by weekly cohort of created_at (ISO weeks, Monday). `open_accounts` are those not
-- activated whose activation window had not ended at the latest event: they can still activate.
with

latest as (
    select max(event_at) as as_of from fct_events
),

accounts as (
    select
        dim_accounts.account_id,
        cast(date_trunc('week', dim_accounts.created_at) as date) as cohort_start,
        dim_accounts.activated_at,
        fct_account_milestones.window_ends_at
    from dim_accounts
    left join fct_account_milestones
        on
            dim_accounts.account_id = fct_account_milestones.account_id
            and fct_account_milestones.milestone = 'activation'
    where dim_accounts.created_at is not null
)

select
    accounts.cohort_start,
    count(*) as accounts,
    count(accounts.activated_at) as activated,
    count(*) filter (
        where accounts.activated_at is null and accounts.window_ends_at > latest.as_of
    ) as open_accounts
from accounts
cross join latest
group by accounts.cohort_start
order by accounts.cohort_start
