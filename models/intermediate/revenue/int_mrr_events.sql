{#
    The amount of an MRR event is read as text, then as a number: a JSON number or a numeric
    string. A churn event sets 0 and has no amount to check.
#}
{%- set revenue = accountable_config()['revenue'] %}
{%- set mrr_names = revenue['mrr_events'] | map(attribute='event') | list %}

with

events as (
    select * from {{ ref('int_events_attributed') }}
),

mrr_events as (
    select
        event_id,
        account_id,
        event_name,
        event_at,
        event_name in ({{ sql_string_list(revenue['churn_events']) }}) as is_churn_event,
        case event_name
            {%- for entry in revenue['mrr_events'] %}
            when {{ sql_string(entry['event']) }}
                then {{ json_value_text('properties', entry['property']) }}
            {%- endfor %}
        end as amount_text
    from events
    where
        event_type = 'track'
        and account_id is not null
        and event_name in ({{ sql_string_list(mrr_names + revenue['churn_events']) }})
),

valued as (
    select
        *,
        {{ to_number('amount_text') }} as amount
    from mrr_events
),

final as (
    select
        event_id,
        account_id,
        event_name,
        event_at,
        amount_text,
        case
            when is_churn_event then null
            when amount_text is null then 'missing'
            when amount is null then 'not_a_number'
            when amount < 0 then 'negative'
        end as error_reason,
        case
            when is_churn_event then cast(0 as {{ dbt.type_numeric() }})
            when amount >= 0 then amount
        end as mrr
    from valued
)

select * from final
