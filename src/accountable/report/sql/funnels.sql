-- Every configured funnel's steps (funnel_conversion).
select
    funnel,
    level,
    step_number,
    step_event,
    entities,
    conversion_from_previous,
    conversion_from_start,
    conversion_window_days
from funnel_conversion
order by funnel, step_number
