with

mrr_events as (
    select * from {{ ref('int_mrr_events') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

final as (
    select
        mrr_events.event_id,
        mrr_events.account_id,
        accounts.name as account_name,
        mrr_events.event_name,
        mrr_events.event_at,
        mrr_events.error_reason as reason,
        mrr_events.amount_text
    from mrr_events
    left join accounts
        on mrr_events.account_id = accounts.account_id
    where mrr_events.error_reason is not null
)

select * from final
