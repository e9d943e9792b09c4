{#
    Over each account's valid MRR events in (event_at, event_id) order: the latest value, the
    first event above 0, and the last event that took the MRR from above 0 to 0.
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

sequenced as (
    select
        account_id,
        event_at,
        event_id,
        mrr,
        lag(mrr) over (partition by account_id order by event_at, event_id) as previous_mrr
    from valid_events
),

per_account as (
    select
        account_id,
        {{ latest_value('mrr', ['event_at', 'event_id']) }} as mrr,
        min(case when mrr > 0 then event_at end) as first_paid_at,
        max(case when mrr = 0 and previous_mrr > 0 then event_at end) as last_churned_at
    from sequenced
    group by account_id
),

final as (
    select
        account_id,
        mrr,
        first_paid_at,
        case when mrr = 0 then last_churned_at end as churned_at
    from per_account
)

select * from final
