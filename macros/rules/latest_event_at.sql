{#
    The warehouse's "now": the latest event_at of all events (contract section 3: where the
    retention, revenue, lifecycle and weekly spines end, and account health's `as_of`). A scalar
    subquery, written only here.
#}
{% macro latest_event_at() -%}
    (select max(latest_events.event_at) from {{ ref('int_events_attributed') }} as latest_events)
{%- endmacro %}
