{#
    Engine-specific JSON access. `path` is a dotted key path below the document root
    ("role", "traits.email"); the result is text, or null when the key is absent, null or ''.
#}
{% macro json_string(column, path) -%}
    {{ return(adapter.dispatch('json_string', 'accountable')(column, path)) }}
{%- endmacro %}

{% macro default__json_string(column, path) -%}
    nullif(json_extract_string({{ column }}, '$.{{ path }}'), '')
{%- endmacro %}

{% macro spark__json_string(column, path) -%}
    nullif(get_json_object({{ column }}, '$.{{ path }}'), '')
{%- endmacro %}

{% macro trino__json_string(column, path) -%}
    nullif(json_extract_scalar({{ column }}, '$.{{ path }}'), '')
{%- endmacro %}
