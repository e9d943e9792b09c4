{#
    MetricFlow's day spine (dbt >= 1.9 `time_spine:` config in _semantic__models.yml): every
    date from the earliest moment any metric's time column can hold to the latest event. Its
    start is the earliest of the events, the accounts' and the users' first messages (every
    created_at, first_seen_at and event_at is one of those, and every MRR month lies between them);
    a small table, rebuilt on each run.
#}
{{ config(materialized='table', schema='intermediate') }}

with

events as (
    select * from {{ ref('int_events_attributed') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

users as (
    select * from {{ ref('int_users') }}
),

earliest as (
    select min(events.event_at) as first_at from events
    union all
    select min(accounts.first_seen_at) as first_at from accounts
    union all
    select min(users.first_seen_at) as first_at from users
),

bounds as (
    select
        cast(min(earliest.first_at) as date) as first_date,
        cast({{ latest_event_at() }} as date) as last_date
    from earliest
),

final as (
    {{ date_spine(
        '(select bounds.first_date from bounds)',
        '(select bounds.last_date from bounds)',
    ) }}
)

select * from final
