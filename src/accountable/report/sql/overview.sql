-- The page header: the data's time range and how many of each thing the marts hold.
select
    (select min(event_at) from fct_events) as first_event_at,
    (select max(event_at) from fct_events) as last_event_at,
    (select count(*) from fct_events) as events,
    (select count(*) from dim_accounts) as accounts,
    (select count(*) from dim_users) as users,
    (select count(*) from dim_memberships where is_active) as active_memberships,
    (select count(*) from dim_accounts where activated_at is not null) as activated_accounts,
    (select count(*) from dim_accounts where mrr > 0) as paying_accounts,
    (select coalesce(sum(mrr), 0) from dim_accounts)::double as mrr
