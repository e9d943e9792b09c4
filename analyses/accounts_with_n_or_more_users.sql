-- Accounts with N or more users (active memberships), for every N from 1 to the largest
-- account: how many accounts, and what share of all accounts. Filter on `at_least_users` for
-- one N, e.g. `where at_least_users = 3`.
with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

account_totals as (
    select
        count(*) as all_accounts,
        max(member_count) as max_member_count
    from accounts
),

thresholds as (
    {{ number_series('(select account_totals.max_member_count from account_totals)') }}
),

final as (
    select
        thresholds.number as at_least_users,
        count(accounts.account_id) as accounts,
        round(100.0 * count(accounts.account_id) / max(account_totals.all_accounts), 1) as accounts_pct
    from thresholds
    cross join account_totals
    left join accounts
        on thresholds.number <= accounts.member_count
    where thresholds.number >= 1
    group by thresholds.number
)

select * from final
order by at_least_users
