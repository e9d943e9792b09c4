-- Every landed track, page and screen message is exactly one row of fct_events: nothing lost,
-- nothing doubled. Returns one row per event type whose counts differ.
with

landed as (
    select
        'track' as event_type,
        count(*) as landed_count
    from {{ source('segment', 'tracks') }}
    union all
    select
        'page' as event_type,
        count(*) as landed_count
    from {{ source('segment', 'pages') }}
    union all
    select
        'screen' as event_type,
        count(*) as landed_count
    from {{ source('segment', 'screens') }}
),

modelled as (
    select
        event_type,
        count(*) as modelled_count
    from {{ ref('fct_events') }}
    group by event_type
),

compared as (
    select
        landed.event_type,
        landed.landed_count,
        coalesce(modelled.modelled_count, 0) as modelled_count
    from landed
    left join modelled
        on landed.event_type = modelled.event_type
)

select * from compared
where landed_count != modelled_count
