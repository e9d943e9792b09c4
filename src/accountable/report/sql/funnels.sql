-- Every configured funnel's steps (funnel_conversion).
select
    funnel,
    level,
    step_number,
    step_event,
    entities,
    conversion_from_previous,
    conversion_from_start,
    conversion_window_days,
    funnel_order,
    still_in_window,
    dropped,
    median_seconds_from_previous::double as median_seconds_from_previous
from funnel_conversion
order by funnel, step_number
