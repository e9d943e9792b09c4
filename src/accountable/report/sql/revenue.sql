-- MRR movements by month (revenue_monthly).
select
    month,
    starting_mrr::double as starting_mrr,
    new_mrr::double as new_mrr,
    expansion_mrr::double as expansion_mrr,
    reactivation_mrr::double as reactivation_mrr,
    contraction_mrr::double as contraction_mrr,
    churned_mrr::double as churned_mrr,
    ending_mrr::double as ending_mrr,
    paying_accounts
from revenue_monthly
order by month
