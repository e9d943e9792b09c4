with

mrr_events as (
    select * from {{ ref('int_mrr_events') }}
),

final as (
    select
        event_id,
        account_id,
        event_name,
        event_at,
        error_reason as reason,
        amount_text
    from mrr_events
    where error_reason is not null
)

select * from final
