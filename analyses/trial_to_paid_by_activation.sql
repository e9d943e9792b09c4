-- Trial-to-paid conversion of activated vs not-activated accounts: of the accounts created,
-- how many ever paid (a valid MRR event above 0), split by whether they reached the milestone
-- `activation`.
select
    is_activated,
    count(*) as accounts,
    count(case when has_paid then 1 end) as paid_accounts,
    {{ safe_ratio('count(case when has_paid then 1 end)', 'count(*)') }} as trial_to_paid_rate
from {{ ref('account_revenue_usage') }}
group by is_activated
order by is_activated
