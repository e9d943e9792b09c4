{#
    Account trait columns (var `account_traits`) get the type of their values, found at run time
    from the JSON kinds of every value the account group calls ever sent (json_value_kind):
    all integers -> bigint, all numbers -> double, all booleans -> boolean; strings, a mix of
    kinds, objects or lists, or no value at all -> text. Every group call is read, not only the
    run's, so an incremental run and a full refresh type a trait alike (a trait that turns mixed
    in a later batch becomes text in both). int_accounts keeps the text it stores; dim_accounts
    and account_history, rebuilt on every run, cast it.

    account_trait_types(traits): trait -> SQL type name, none for text. At parse time, in dbt
    unit tests and before the messages exist (nothing to ask), every trait is text.
    typed_trait(expression, type): the text `expression` cast to `type` (unchanged for text).
#}
{% macro account_trait_types(traits) %}
    {% set messages = ref('int_segment_messages') %}
    {% set types = {} %}
    {% for trait in traits %}
        {% do types.update({trait: none}) %}
    {% endfor %}
    {% if not execute or traits | length == 0 or model.resource_type == 'unit_test' %}
        {{ return(types) }}
    {% endif %}
    {#- compiling without a warehouse (SQL lint, a first `dbt compile`): nothing to ask #}
    {% if load_relation(messages) is none %}
        {{ return(types) }}
    {% endif %}

    {% set kinds_sql %}
        {% for trait in traits %}
        select distinct
            {{ loop.index0 }} as trait_number,
            {{ json_value_kind('traits', trait) }} as kind
        from {{ messages }}
        where message_type = 'group' and group_id is not null
        {% if not loop.last %}union all{% endif %}
        {% endfor %}
    {% endset %}
    {% set kinds = {} %}
    {% for row in run_query(kinds_sql).rows %}
        {% if row[1] is not none %}
            {% do kinds.setdefault(traits[row[0] | int], []).append(row[1]) %}
        {% endif %}
    {% endfor %}

    {% for trait in traits %}
        {% set found = kinds.get(trait, []) | unique | list %}
        {% if found and found | reject('equalto', 'integer') | list | length == 0 %}
            {% do types.update({trait: dbt.type_bigint()}) %}
        {% elif found and found | reject('in', ['integer', 'number']) | list | length == 0 %}
            {% do types.update({trait: type_double()}) %}
        {% elif found == ['boolean'] %}
            {% do types.update({trait: dbt.type_boolean()}) %}
        {% elif found | length > 1 %}
            {% do log("accountable: account trait " ~ trait ~ " has values of several kinds ("
                ~ (found | sort | join(', ')) ~ "): its column is text", info=true) %}
        {% endif %}
    {% endfor %}
    {{ return(types) }}
{% endmacro %}


{% macro typed_trait(expression, type) -%}
    {%- if type is none -%}
        {{ expression }}
    {%- else -%}
        cast({{ expression }} as {{ type }})
    {%- endif -%}
{%- endmacro %}
