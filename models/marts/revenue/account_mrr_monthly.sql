{#
    Month-end MRR per account: the last valid MRR event of each month the account has events in,
    carried forward over the month spine (the month of the latest set value at or before each
    month, a running max, then its value). Rows start at the account's first month above 0;
    each row's movement compares its month-end with the month before's.
#}
with

valid_events as (
    select
        account_id,
        event_at,
        event_id,
        mrr
    from {{ ref('int_mrr_events') }}
    where error_reason is null
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

bounds as (
    select
        (
            select min(cast({{ dbt.date_trunc('month', 'valid_events.event_at') }} as date))
            from valid_events
            where valid_events.mrr > 0
        ) as first_month,
        cast({{ dbt.date_trunc('month', latest_event_at()) }} as date) as last_month
),

month_numbers as (
    {{ number_series(
        '(select ' ~ dbt.datediff('first_month', 'last_month', 'month') ~ ' from bounds)'
    ) }}
),

months as (
    select
        cast({{ dbt.dateadd('month', 'month_numbers.number', 'bounds.first_month') }} as date)
            as month
    from bounds
    cross join month_numbers
),

-- each account's MRR at the end of each month it has valid MRR events in
month_ends_set as (
    select
        account_id,
        cast({{ dbt.date_trunc('month', 'event_at') }} as date) as month,
        {{ latest_value('mrr', ['event_at', 'event_id']) }} as mrr
    from valid_events
    group by account_id, cast({{ dbt.date_trunc('month', 'event_at') }} as date)
),

paying_accounts as (
    select distinct account_id
    from month_ends_set
    where mrr > 0
),

grid as (
    select
        paying_accounts.account_id,
        months.month,
        max(month_ends_set.month) as last_set_month
    from paying_accounts
    cross join months
    left join month_ends_set
        on
            paying_accounts.account_id = month_ends_set.account_id
            and months.month >= month_ends_set.month
    group by paying_accounts.account_id, months.month
),

month_ends as (
    select
        grid.account_id,
        grid.month,
        coalesce(month_ends_set.mrr, 0) as mrr
    from grid
    left join month_ends_set
        on
            grid.account_id = month_ends_set.account_id
            and grid.last_set_month = month_ends_set.month
),

paying_since as (
    select
        account_id,
        min(month) as first_paid_month
    from month_ends
    where mrr > 0
    group by account_id
),

sequenced as (
    select
        month_ends.account_id,
        month_ends.month,
        month_ends.mrr,
        coalesce(
            lag(month_ends.mrr) over (partition by month_ends.account_id order by month_ends.month),
            0
        ) as previous_mrr,
        month_ends.month = paying_since.first_paid_month as is_first_month
    from month_ends
    inner join paying_since
        on
            month_ends.account_id = paying_since.account_id
            and month_ends.month >= paying_since.first_paid_month
),

final as (
    select
        sequenced.account_id,
        accounts.name,
        sequenced.month,
        sequenced.mrr,
        sequenced.previous_mrr,
        sequenced.mrr - sequenced.previous_mrr as mrr_change,
        case
            when sequenced.is_first_month then 'new'
            when sequenced.previous_mrr = 0 and sequenced.mrr > 0 then 'reactivation'
            when sequenced.previous_mrr > 0 and sequenced.mrr > sequenced.previous_mrr then 'expansion'
            when
                sequenced.previous_mrr > 0
                and sequenced.mrr > 0
                and sequenced.mrr < sequenced.previous_mrr
                then 'contraction'
            when sequenced.previous_mrr > 0 and sequenced.mrr = 0 then 'churn'
            when sequenced.mrr = sequenced.previous_mrr and sequenced.mrr > 0 then 'flat'
            else 'inactive'
        end as movement
    from sequenced
    left join accounts
        on sequenced.account_id = accounts.account_id
)

select * from final
