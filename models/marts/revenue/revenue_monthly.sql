with

account_months as (
    select * from {{ ref('account_mrr_monthly') }}
),

movements as (
    select
        month,
        sum(previous_mrr) as starting_mrr,
        sum(case when movement = 'new' then mrr_change else 0 end) as new_mrr,
        sum(case when movement = 'expansion' then mrr_change else 0 end) as expansion_mrr,
        sum(case when movement = 'reactivation' then mrr_change else 0 end) as reactivation_mrr,
        sum(case when movement = 'contraction' then -mrr_change else 0 end) as contraction_mrr,
        sum(case when movement = 'churn' then -mrr_change else 0 end) as churned_mrr,
        sum(mrr) as ending_mrr,
        count(case when mrr > 0 then 1 end) as paying_accounts,
        count(case when movement = 'new' then 1 end) as new_accounts,
        count(case when movement = 'reactivation' then 1 end) as reactivated_accounts,
        count(case when movement = 'churn' then 1 end) as churned_accounts,
        count(case when previous_mrr > 0 then 1 end) as previously_paying_accounts
    from account_months
    group by month
),

-- the accounts paying 12 months before each month: their MRR then and now
year_ago as (
    select
        now_months.month,
        sum(year_ago_months.mrr) as mrr_12m_ago,
        sum(now_months.mrr) as mrr_now
    from account_months as now_months
    inner join account_months as year_ago_months
        on
            now_months.account_id = year_ago_months.account_id
            and year_ago_months.month = cast({{ dbt.dateadd('month', -12, 'now_months.month') }} as date)
    where year_ago_months.mrr > 0
    group by now_months.month
),

final as (
    select
        movements.month,
        movements.starting_mrr,
        movements.new_mrr,
        movements.expansion_mrr,
        movements.reactivation_mrr,
        movements.contraction_mrr,
        movements.churned_mrr,
        movements.ending_mrr,
        cast(movements.paying_accounts as {{ dbt.type_bigint() }}) as paying_accounts,
        cast(movements.new_accounts as {{ dbt.type_bigint() }}) as new_accounts,
        cast(movements.reactivated_accounts as {{ dbt.type_bigint() }}) as reactivated_accounts,
        cast(movements.churned_accounts as {{ dbt.type_bigint() }}) as churned_accounts,
        {{ safe_ratio(
            'movements.new_mrr + movements.expansion_mrr + movements.reactivation_mrr',
            'movements.contraction_mrr + movements.churned_mrr',
        ) }} as quick_ratio,
        {{ safe_ratio(
            'movements.starting_mrr + movements.expansion_mrr - movements.contraction_mrr'
            ~ ' - movements.churned_mrr',
            'movements.starting_mrr',
        ) }} as net_revenue_retention,
        {{ safe_ratio(
            'movements.starting_mrr - movements.contraction_mrr - movements.churned_mrr',
            'movements.starting_mrr',
        ) }} as gross_revenue_retention,
        {{ safe_ratio('movements.churned_accounts', 'movements.previously_paying_accounts') }}
            as logo_churn_rate,
        {{ safe_ratio('year_ago.mrr_now', 'year_ago.mrr_12m_ago') }} as net_revenue_retention_12m
    from movements
    left join year_ago
        on movements.month = year_ago.month
)

select * from final
