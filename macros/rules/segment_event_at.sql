{#
    The moment an event happened, in UTC (contract section 3, Time). The loader, outside dbt,
    computes the same rule to reject implausible times (EVENT_US_SQL in
    src/accountable/load/rules.py); a pytest checks that both agree.
#}
{% macro segment_event_at(timestamp='timestamp', original_timestamp='original_timestamp',
                          sent_at='sent_at', received_at='received_at') -%}
    {{ return(adapter.dispatch('segment_event_at', 'accountable')(
        timestamp, original_timestamp, sent_at, received_at)) }}
{%- endmacro %}

{% macro default__segment_event_at(timestamp, original_timestamp, sent_at, received_at) -%}
    case
        when {{ original_timestamp }} is not null
            then coalesce({{ timestamp }}, {{ original_timestamp }}, {{ received_at }}, {{ sent_at }})
        when {{ timestamp }} is not null and {{ sent_at }} is not null and {{ received_at }} is not null
            then {{ received_at }} - ({{ sent_at }} - {{ timestamp }})
        else coalesce({{ timestamp }}, {{ received_at }}, {{ sent_at }})
    end
{%- endmacro %}

{% macro spark__segment_event_at(timestamp, original_timestamp, sent_at, received_at) -%}
    case
        when {{ original_timestamp }} is not null
            then coalesce({{ timestamp }}, {{ original_timestamp }}, {{ received_at }}, {{ sent_at }})
        when {{ timestamp }} is not null and {{ sent_at }} is not null and {{ received_at }} is not null
            then timestamp_micros(
                unix_micros({{ received_at }})
                - (unix_micros({{ sent_at }}) - unix_micros({{ timestamp }}))
            )
        else coalesce({{ timestamp }}, {{ received_at }}, {{ sent_at }})
    end
{%- endmacro %}
