-- Month-over-month MRR retention of paying accounts, activated vs not: for the accounts paying
-- at the end of the month before, this month's MRR over theirs then (net revenue retention by
-- activation).
with

account_months as (
    select * from {{ ref('account_mrr_monthly') }}
),

accounts as (
    select * from {{ ref('account_revenue_usage') }}
)

select
    account_months.month,
    accounts.is_activated,
    count(*) as paying_accounts_before,
    sum(account_months.previous_mrr) as mrr_before,
    sum(account_months.mrr) as mrr_now,
    {{ safe_ratio('sum(account_months.mrr)', 'sum(account_months.previous_mrr)') }}
        as net_revenue_retention
from account_months
inner join accounts
    on account_months.account_id = accounts.account_id
where account_months.previous_mrr > 0
group by account_months.month, accounts.is_activated
order by account_months.month, accounts.is_activated
