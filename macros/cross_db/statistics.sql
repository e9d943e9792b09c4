{#
    median(expression): the median of a numeric expression, as an aggregate (nulls ignored;
    the mean of the two middle values for an even count).
#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'accountable')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}


{#
    seconds_between(start_at, end_at): the exact elapsed time from start_at to end_at in seconds,
    fractional (a double), negative when end_at is before start_at. dbt.datediff counts boundary
    crossings in whole units, which is not an elapsed time.
#}
{% macro seconds_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('seconds_between', 'accountable')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__seconds_between(start_at, end_at) -%}
    {{ dbt.datediff(start_at, end_at, 'millisecond') }} / 1000.0
{%- endmacro %}

{% macro duckdb__seconds_between(start_at, end_at) -%}
    ((epoch_us({{ end_at }}) - epoch_us({{ start_at }})) / 1000000.0)
{%- endmacro %}


{#- numerator / denominator as a fraction (not integer division), null when the denominator is 0 or null. -#}
{% macro safe_ratio(numerator, denominator) -%}
    case
        when ({{ denominator }}) is null or ({{ denominator }}) = 0 then null
        else ({{ numerator }}) * 1.0 / ({{ denominator }})
    end
{%- endmacro %}
