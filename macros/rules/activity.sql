{#
    The activity rule (contract section 3, Activity), written only here: a boolean SQL expression
    over fct_events-shaped columns, for a where clause.
#}
{% macro is_activity_event(event_type='event_type', event_name='event_name', user_id='user_id') -%}
    {%- set active_events = accountable_config()['active_events'] -%}
    ({{ event_type }} = 'track' and {{ user_id }} is not null
    {%- if active_events | length > 0 %} and {{ event_name }} in ({{ sql_string_list(active_events) }}){% endif -%}
    )
{%- endmacro %}
