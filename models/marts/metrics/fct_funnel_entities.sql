{#
    Generic over funnels: the steps are definition rows (funnel_step_rows), and each order's rule
    is unrolled once per step position, up to the longest funnel.
    - sequential: step k is the earliest step-k event at or after step k-1, within the window.
    - any: the first event of each step within the window, ranked by time; level j is the j-th.
    - strict: the entity's own events in its window (every event type; compiled only for the
      levels that have a strict funnel) are numbered in order from the entry (window functions,
      no self-join); an event's next event of another name is the first later start of a run of
      one name, so repeats of the step just reached are skipped. Step k is reached when that
      event is a step-k event (the very next event when step k repeats step k-1's event).
    Exclusions and who can still convert are flags on the rows; the conversion marts count the
    entities that are not excluded.
#}
{%- set max_steps = funnel_max_steps() %}
{%- set strict_levels = funnel_levels_with_order('strict') %}

with

funnel_steps as (
    {{ funnel_step_rows() }}
),

funnel_exclusions as (
    {{ funnel_exclusion_rows() }}
),

latest_event as (
    select {{ latest_event_at() }} as latest_event_at
),

step_events as (
    select
        funnel_steps.funnel,
        funnel_steps.level,
        funnel_steps.funnel_order,
        funnel_steps.step_number,
        funnel_steps.step_count,
        funnel_steps.conversion_window_days,
        case funnel_steps.level
            when 'account' then events.account_id
            when 'user' then events.user_id
        end as entity_id,
        events.event_id,
        events.event_at
    -- each CTE reads the events itself, with its own filter (docs/DEVELOPING.md)
    from {{ ref('int_events_attributed') }} as events
    inner join funnel_steps
        on events.event_name = funnel_steps.step_event
    where
        (
            (funnel_steps.level = 'account' and events.account_id is not null)
            or (funnel_steps.level = 'user' and events.user_id is not null)
        )
        -- a strict funnel finds its later steps in the entity's event sequence
        and (funnel_steps.funnel_order != 'strict' or funnel_steps.step_number = 1)
),

-- sequential and strict funnels are entered at the first step-1 event, any-order ones at the
-- first event of any step
entrants as (
    select
        funnel,
        level,
        funnel_order,
        entity_id,
        min(step_count) as step_count,
        min(event_at) as entered_at,
        {{ earliest_value('event_id', ['event_at', 'event_id']) }} as entry_event_id,
        {{ dbt.dateadd('day', 'min(conversion_window_days)', 'min(event_at)') }} as window_ends_at
    from step_events
    where step_number = 1 or funnel_order = 'any'
    group by funnel, level, funnel_order, entity_id
),

-- ---------------------------------------------------------------- order: sequential
sequential_step_1 as (
    select
        funnel,
        entity_id,
        entered_at as reached_at,
        window_ends_at
    from entrants
    where funnel_order = 'sequential'
),
{%- for step in range(2, max_steps + 1) %}

sequential_step_{{ step }} as (
    select
        sequential_step_{{ step - 1 }}.funnel,
        sequential_step_{{ step - 1 }}.entity_id,
        min(step_events.event_at) as reached_at,
        sequential_step_{{ step - 1 }}.window_ends_at
    from sequential_step_{{ step - 1 }}
    inner join step_events
        on
            sequential_step_{{ step - 1 }}.funnel = step_events.funnel
            and sequential_step_{{ step - 1 }}.entity_id = step_events.entity_id
            and step_events.step_number = {{ step }}
            and sequential_step_{{ step - 1 }}.reached_at <= step_events.event_at
            and sequential_step_{{ step - 1 }}.window_ends_at >= step_events.event_at
    group by
        sequential_step_{{ step - 1 }}.funnel,
        sequential_step_{{ step - 1 }}.entity_id,
        sequential_step_{{ step - 1 }}.window_ends_at
),
{%- endfor %}

-- ---------------------------------------------------------------- order: any
any_step_first_events as (
    select
        entrants.funnel,
        entrants.entity_id,
        step_events.step_number,
        min(step_events.event_at) as first_at
    from entrants
    inner join step_events
        on
            entrants.funnel = step_events.funnel
            and entrants.entity_id = step_events.entity_id
            and entrants.entered_at <= step_events.event_at
            and entrants.window_ends_at >= step_events.event_at
    where entrants.funnel_order = 'any'
    group by entrants.funnel, entrants.entity_id, step_events.step_number
),

any_levels as (
    select
        any_step_first_events.funnel,
        any_step_first_events.entity_id,
        row_number() over (
            partition by any_step_first_events.funnel, any_step_first_events.entity_id
            order by any_step_first_events.first_at, any_step_first_events.step_number
        ) as step_number,
        any_step_first_events.first_at as reached_at,
        funnel_steps.step_event as reached_event
    from any_step_first_events
    inner join funnel_steps
        on
            any_step_first_events.funnel = funnel_steps.funnel
            and any_step_first_events.step_number = funnel_steps.step_number
),

-- ---------------------------------------------------------------- order: strict
{%- if strict_levels %}
{%- for level in strict_levels %}

strict_{{ level }}_events as (
    select
        entrants.funnel,
        entrants.entity_id,
        events.event_id,
        events.event_name,
        events.event_at
    from entrants
    inner join {{ ref('int_events_attributed') }} as events
        on
            entrants.entity_id = events.{{ level }}_id
            and entrants.entered_at <= events.event_at
            and entrants.window_ends_at >= events.event_at
    where
        entrants.funnel_order = 'strict'
        and entrants.level = '{{ level }}'
        -- from the entry on: an event at the entry's instant with a smaller event_id is before it
        and (events.event_at > entrants.entered_at or events.event_id >= entrants.entry_event_id)
),
{%- endfor %}

strict_events as (
    {%- for level in strict_levels %}
    select * from strict_{{ level }}_events
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

-- the entity's events numbered in order from its entry (1), and where each run of one event
-- name starts
strict_event_runs as (
    select
        funnel,
        entity_id,
        event_name,
        event_at,
        row_number() over (partition by funnel, entity_id order by event_at, event_id) as seq,
        coalesce(
            lag(event_name) over (partition by funnel, entity_id order by event_at, event_id) != event_name,
            true
        ) as starts_run
    from strict_events
),

-- the next event of another name than an event's is the start of the next run
strict_event_sequence as (
    select
        funnel,
        entity_id,
        event_name,
        event_at,
        seq,
        min(case when starts_run then seq end) over (
            partition by funnel, entity_id
            order by seq
            rows between 1 following and unbounded following
        ) as next_other_seq
    from strict_event_runs
),

strict_step_1 as (
    select
        funnel,
        entity_id,
        event_at as reached_at,
        event_name as reached_event,
        cast(null as {{ dbt.type_string() }}) as followed_by_event,
        seq,
        next_other_seq
    from strict_event_sequence
    where seq = 1
),
{%- for step in range(2, max_steps + 1) %}

-- the event that decides step {{ step }}: the next event of another name than step {{ step - 1 }}'s,
-- or the very next event when step {{ step }} repeats step {{ step - 1 }}'s event
strict_candidate_{{ step }} as (
    select
        strict_step_{{ step - 1 }}.funnel,
        strict_step_{{ step - 1 }}.entity_id,
        funnel_steps.step_event,
        case
            when funnel_steps.step_event = strict_step_{{ step - 1 }}.reached_event
                then strict_step_{{ step - 1 }}.seq + 1
            else strict_step_{{ step - 1 }}.next_other_seq
        end as candidate_seq
    from strict_step_{{ step - 1 }}
    inner join funnel_steps
        on
            strict_step_{{ step - 1 }}.funnel = funnel_steps.funnel
            and funnel_steps.step_number = {{ step }}
    where strict_step_{{ step - 1 }}.reached_at is not null
),

strict_step_{{ step }} as (
    select
        strict_candidate_{{ step }}.funnel,
        strict_candidate_{{ step }}.entity_id,
        case
            when strict_event_sequence.event_name = strict_candidate_{{ step }}.step_event
                then strict_event_sequence.event_at
        end as reached_at,
        strict_event_sequence.event_name as reached_event,
        strict_event_sequence.event_name as followed_by_event,
        strict_event_sequence.seq,
        strict_event_sequence.next_other_seq
    from strict_candidate_{{ step }}
    left join strict_event_sequence
        on
            strict_candidate_{{ step }}.funnel = strict_event_sequence.funnel
            and strict_candidate_{{ step }}.entity_id = strict_event_sequence.entity_id
            and strict_candidate_{{ step }}.candidate_seq = strict_event_sequence.seq
),
{%- endfor %}

-- a row for step 1 and for every later step whose previous step was reached, reached or not
strict_steps as (
    {%- for step in range(1, max_steps + 1) %}
    select
        funnel,
        entity_id,
        {{ step }} as step_number,
        reached_at,
        reached_event,
        followed_by_event
    from strict_step_{{ step }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),
{%- else %}

strict_steps as (
    select
        cast(null as {{ dbt.type_string() }}) as funnel,
        cast(null as {{ dbt.type_string() }}) as entity_id,
        cast(null as {{ dbt.type_int() }}) as step_number,
        cast(null as {{ dbt.type_timestamp() }}) as reached_at,
        cast(null as {{ dbt.type_string() }}) as reached_event,
        cast(null as {{ dbt.type_string() }}) as followed_by_event
    where 1 = 0
),
{%- endif %}

-- ---------------------------------------------------------------- every order
reached_steps as (
    {%- for step in range(1, max_steps + 1) %}
    select
        funnel,
        entity_id,
        {{ step }} as step_number,
        reached_at,
        cast(null as {{ dbt.type_string() }}) as reached_event,
        cast(null as {{ dbt.type_string() }}) as followed_by_event
    from sequential_step_{{ step }}
    union all
    {%- endfor %}
    select
        funnel,
        entity_id,
        step_number,
        reached_at,
        reached_event,
        cast(null as {{ dbt.type_string() }}) as followed_by_event
    from any_levels
    union all
    select
        funnel,
        entity_id,
        step_number,
        reached_at,
        reached_event,
        followed_by_event
    from strict_steps
),

-- an entity that did an excluded event at or after its entry, before it reached the last step
-- (within its window when it never did), is left out of the funnel
exclusion_events as (
    select
        funnel_exclusions.funnel,
        case funnel_exclusions.level
            when 'account' then events.account_id
            when 'user' then events.user_id
        end as entity_id,
        events.event_at
    from {{ ref('int_events_attributed') }} as events
    inner join funnel_exclusions
        on events.event_name = funnel_exclusions.event_name
    where
        (funnel_exclusions.level = 'account' and events.account_id is not null)
        or (funnel_exclusions.level = 'user' and events.user_id is not null)
),

completions as (
    select
        reached_steps.funnel,
        reached_steps.entity_id,
        reached_steps.reached_at as completed_at
    from reached_steps
    inner join entrants
        on
            reached_steps.funnel = entrants.funnel
            and reached_steps.entity_id = entrants.entity_id
            and reached_steps.step_number = entrants.step_count
    where reached_steps.reached_at is not null
),

exclusions as (
    select
        entrants.funnel,
        entrants.entity_id,
        min(exclusion_events.event_at) as excluded_at
    from entrants
    inner join exclusion_events
        on
            entrants.funnel = exclusion_events.funnel
            and entrants.entity_id = exclusion_events.entity_id
            and entrants.entered_at <= exclusion_events.event_at
            and entrants.window_ends_at >= exclusion_events.event_at
    left join completions
        on
            entrants.funnel = completions.funnel
            and entrants.entity_id = completions.entity_id
    where
        completions.completed_at is null
        or exclusion_events.event_at < completions.completed_at
    group by entrants.funnel, entrants.entity_id
),

entity_steps as (
    select
        entrants.funnel,
        entrants.level,
        entrants.funnel_order,
        entrants.entity_id,
        funnel_steps.step_number,
        funnel_steps.step_event,
        entrants.entered_at,
        entrants.window_ends_at,
        reached_steps.reached_at,
        reached_steps.reached_event,
        reached_steps.followed_by_event,
        previous_steps.reached_at as previous_reached_at,
        exclusions.excluded_at,
        latest_event.latest_event_at
    from entrants
    inner join funnel_steps
        on entrants.funnel = funnel_steps.funnel
    cross join latest_event
    left join reached_steps
        on
            entrants.funnel = reached_steps.funnel
            and entrants.entity_id = reached_steps.entity_id
            and funnel_steps.step_number = reached_steps.step_number
    left join reached_steps as previous_steps
        on
            entrants.funnel = previous_steps.funnel
            and entrants.entity_id = previous_steps.entity_id
            and funnel_steps.step_number = previous_steps.step_number + 1
    left join exclusions
        on
            entrants.funnel = exclusions.funnel
            and entrants.entity_id = exclusions.entity_id
),

progress as (
    select
        *,
        step_number > 1 and previous_reached_at is not null and reached_at is null as is_stopped_here,
        -- the window closes after window_ends_at: an event at latest_event_at is already in
        window_ends_at > latest_event_at
        and (funnel_order != 'strict' or followed_by_event is null) as can_still_reach
    from entity_steps
),

final as (
    select
        funnel,
        level,
        funnel_order,
        entity_id,
        step_number,
        step_event,
        entered_at,
        window_ends_at,
        reached_at,
        reached_at is not null as is_reached,
        case when reached_at is not null then coalesce(reached_event, step_event) end as reached_event,
        case
            when step_number > 1 and reached_at is not null
                then {{ seconds_between('previous_reached_at', 'reached_at') }}
        end as seconds_from_previous,
        is_stopped_here and can_still_reach as is_still_in_window,
        is_stopped_here and not can_still_reach as is_dropped,
        case when is_stopped_here and funnel_order = 'strict' then followed_by_event end as interrupted_by_event,
        excluded_at is not null as is_excluded,
        excluded_at
    from progress
)

select * from final
