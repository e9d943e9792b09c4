{#
    json_value_kind(column, path): what kind of JSON value `path` (dotted, as json_string reads
    it) holds: 'integer', 'number' (not integral), 'boolean', 'string', 'other' (an object or a
    list), or null when the key is absent, JSON null or '' (what json_string counts as missing).
    type_double(): the SQL type of a double-precision number.
#}
{% macro json_value_kind(column, path) -%}
    {{ return(adapter.dispatch('json_value_kind', 'accountable')(column, path)) }}
{%- endmacro %}

{% macro default__json_value_kind(column, path) -%}
    case json_type({{ column }}, '$.{{ path }}')
        when 'BIGINT' then 'integer'
        when 'UBIGINT' then 'integer'
        when 'DOUBLE' then 'number'
        when 'BOOLEAN' then 'boolean'
        when 'VARCHAR' then
            case when json_extract_string({{ column }}, '$.{{ path }}') <> '' then 'string' end
        when 'ARRAY' then 'other'
        when 'OBJECT' then 'other'
    end
{%- endmacro %}

{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'accountable')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}
