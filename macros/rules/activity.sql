{#
    Contract section 3, Activity: an activity event is a track event with a resolved user (pages,
    screens and account-level events with no user are not activity) whose name is in var
    `active_events`, or any track event when that list is empty. The one place this rule is
    written; a boolean SQL expression for a where clause, over fct_events-shaped columns.
#}
{% macro is_activity_event(event_type='event_type', event_name='event_name', user_id='user_id') -%}
    {%- set active_events = accountable_config()['active_events'] -%}
    ({{ event_type }} = 'track' and {{ user_id }} is not null
    {%- if active_events | length > 0 %} and {{ event_name }} in ({{ sql_string_list(active_events) }}){% endif -%}
    )
{%- endmacro %}
