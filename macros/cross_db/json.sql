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


{#
    json_value_text(column, key): the value of top-level `key` as text (a number's or a string's
    text, an object's JSON), or null when the key is absent or JSON null. The key is quoted, so
    any property name works.
    to_number(text): the number a text spells (a JSON number's text or a numeric string such as
    "49.00"), as a decimal; null when it spells none, or not a finite one.
#}
{% macro json_value_text(column, key) -%}
    {{ return(adapter.dispatch('json_value_text', 'accountable')(column, key)) }}
{%- endmacro %}

{% macro default__json_value_text(column, key) -%}
    json_extract_string({{ column }}, '$."{{ key | replace("'", "''") | replace('"', '\\"') }}"')
{%- endmacro %}

{% macro spark__json_value_text(column, key) -%}
    get_json_object({{ column }}, '$.{{ key | replace("'", "''") }}')
{%- endmacro %}

{% macro to_number(text) -%}
    {{ return(adapter.dispatch('to_number', 'accountable')(text)) }}
{%- endmacro %}

{% macro default__to_number(text) -%}
    case
        when isfinite(try_cast({{ text }} as double))
            then try_cast({{ text }} as {{ dbt.type_numeric() }})
    end
{%- endmacro %}

{% macro spark__to_number(text) -%}
    case
        when try_cast({{ text }} as double) not in (double('NaN'), double('Infinity'), double('-Infinity'))
            then try_cast({{ text }} as {{ dbt.type_numeric() }})
    end
{%- endmacro %}
