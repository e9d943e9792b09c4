-- funnels.sql for a serving file published before the funnel modes: null in their place.
select
    funnel,
    level,
    step_number,
    step_event,
    entities,
    conversion_from_previous,
    conversion_from_start,
    conversion_window_days,
    null::varchar as funnel_order,
    null::bigint as still_in_window,
    null::bigint as dropped,
    null::double as median_seconds_from_previous
from funnel_conversion
order by funnel, step_number
