{#
    Each active period is compared with the account's previous active period: none (new), the
    period just before (returning), an earlier one (resurrecting). A period after an active one
    that is not active itself is dormant, up to the period holding the latest event.
#}
with

periods as (
    {{ lifecycle_period_rows() }}
),

account_days as (
    select * from {{ ref('account_activity_daily') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

latest as (
    select {{ latest_event_at() }} as latest_event_at
),

active_periods as (
    select distinct
        periods.period,
        account_days.account_id,
        {{ period_start('periods.period', 'account_days.activity_date') }} as period_start
    from account_days
    cross join periods
),

sequenced as (
    select
        active_periods.period,
        active_periods.account_id,
        active_periods.period_start,
        lag(active_periods.period_start) over (
            partition by active_periods.period, active_periods.account_id
            order by active_periods.period_start
        ) as previous_active_start,
        lead(active_periods.period_start) over (
            partition by active_periods.period, active_periods.account_id
            order by active_periods.period_start
        ) as next_active_start,
        {{ add_periods('active_periods.period', 1, 'active_periods.period_start') }}
            as next_period_start,
        {{ add_periods('active_periods.period', -1, 'active_periods.period_start') }}
            as previous_period_start,
        {{ period_start('active_periods.period', 'latest.latest_event_at') }} as last_period_start
    from active_periods
    cross join latest
),

statuses as (
    select
        period,
        period_start,
        account_id,
        case
            when previous_active_start is null then 'new'
            when previous_active_start = previous_period_start then 'returning'
            else 'resurrecting'
        end as status
    from sequenced

    union all

    select
        period,
        next_period_start as period_start,
        account_id,
        'dormant' as status
    from sequenced
    where
        (next_active_start is null or next_active_start > next_period_start)
        and next_period_start <= last_period_start
),

final as (
    select
        statuses.period,
        statuses.period_start,
        statuses.account_id,
        accounts.name,
        statuses.status
    from statuses
    left join accounts
        on statuses.account_id = accounts.account_id
)

select * from final
