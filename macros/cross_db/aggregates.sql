{#
    latest_value(value, order_by): the value of the row with the greatest `order_by` among rows
    where `value` is not null. `order_by` is a list of column expressions, compared in order
    (e.g. ['event_at', 'message_id'], so ties on time are broken deterministically).
#}
{% macro latest_value(value, order_by) -%}
    {{ return(adapter.dispatch('latest_value', 'accountable')(value, order_by)) }}
{%- endmacro %}

{% macro default__latest_value(value, order_by) -%}
    max_by({{ value }}, row({{ order_by | join(', ') }})) filter (where {{ value }} is not null)
{%- endmacro %}

{% macro duckdb__latest_value(value, order_by) -%}
    arg_max({{ value }}, row({{ order_by | join(', ') }})) filter (where {{ value }} is not null)
{%- endmacro %}

{% macro spark__latest_value(value, order_by) -%}
    max_by({{ value }}, struct({{ order_by | join(', ') }})) filter (where {{ value }} is not null)
{%- endmacro %}


{#-
    earliest_value(value, order_by): the value of the row with the smallest `order_by` among rows
    where `value` is not null (the mirror of latest_value).
-#}
{% macro earliest_value(value, order_by) -%}
    {{ return(adapter.dispatch('earliest_value', 'accountable')(value, order_by)) }}
{%- endmacro %}

{% macro default__earliest_value(value, order_by) -%}
    min_by({{ value }}, row({{ order_by | join(', ') }})) filter (where {{ value }} is not null)
{%- endmacro %}

{% macro duckdb__earliest_value(value, order_by) -%}
    arg_min({{ value }}, row({{ order_by | join(', ') }})) filter (where {{ value }} is not null)
{%- endmacro %}

{% macro spark__earliest_value(value, order_by) -%}
    min_by({{ value }}, struct({{ order_by | join(', ') }})) filter (where {{ value }} is not null)
{%- endmacro %}


{#- Portable boolean "any row matches" aggregate. -#}
{% macro bool_any(condition) -%}
    (max(case when {{ condition }} then 1 else 0 end) = 1)
{%- endmacro %}


{#-
    last_non_null(value): a window function (add `over (...)`) giving the last non-null `value`
    up to the current row of the window frame.
-#}
{% macro last_non_null(value) -%}
    {{ return(adapter.dispatch('last_non_null', 'accountable')(value)) }}
{%- endmacro %}

{% macro default__last_non_null(value) -%}
    last_value({{ value }} ignore nulls)
{%- endmacro %}

{% macro spark__last_non_null(value) -%}
    last({{ value }}, true)
{%- endmacro %}
