{#- A timestamp constant from its text (as run_query returns it), e.g. '2026-03-02 10:00:00'. -#}
{% macro timestamp_literal(text) -%}
    cast('{{ text }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
