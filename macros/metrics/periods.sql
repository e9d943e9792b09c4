{#
    Retention periods (contract section 3, Retention): day, week (ISO, starting Monday) or month.
    `period` is a SQL expression holding one of those names, so one query serves every period
    configured in var retention_periods.

    period_start(period, at): the date the period holding `at` starts on.
    periods_between(period, start_date, end_date): whole periods from one period start to another
    (both must be starts of that period, e.g. from period_start).
#}
{% macro period_start(period, at) -%}
    case {{ period }}
        when 'day' then cast({{ dbt.date_trunc('day', at) }} as date)
        when 'week' then cast({{ dbt.date_trunc('week', at) }} as date)
        when 'month' then cast({{ dbt.date_trunc('month', at) }} as date)
    end
{%- endmacro %}

{% macro periods_between(period, start_date, end_date) -%}
    case {{ period }}
        when 'day' then {{ dbt.datediff(start_date, end_date, 'day') }}
        when 'week' then {{ dbt.datediff(start_date, end_date, 'week') }}
        when 'month' then {{ dbt.datediff(start_date, end_date, 'month') }}
    end
{%- endmacro %}


{#- One row per period configured in var retention_periods. -#}
{% macro retention_period_rows() -%}
    {%- set rows = [] %}
    {%- for period in accountable_config()['retention_periods'] %}
        {%- do rows.append([sql_string(period)]) %}
    {%- endfor %}
    {{- config_rows([['period', dbt.type_string()]], rows) }}
{%- endmacro %}


{#- One row per period configured in var lifecycle_periods. -#}
{% macro lifecycle_period_rows() -%}
    {%- set rows = [] %}
    {%- for period in accountable_config()['lifecycle_periods'] %}
        {%- do rows.append([sql_string(period)]) %}
    {%- endfor %}
    {{- config_rows([['period', dbt.type_string()]], rows) }}
{%- endmacro %}


{#- add_periods(period, count, start_date): the date `count` periods after start_date. -#}
{% macro add_periods(period, count, start_date) -%}
    case {{ period }}
        when 'day' then cast({{ dbt.dateadd('day', count, start_date) }} as date)
        when 'week' then cast({{ dbt.dateadd('day', '7 * ' ~ count, start_date) }} as date)
        when 'month' then cast({{ dbt.dateadd('month', count, start_date) }} as date)
    end
{%- endmacro %}
