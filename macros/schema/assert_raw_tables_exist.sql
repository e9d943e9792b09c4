{#
    Runs at the start of every dbt invocation. Without the raw tables every staging model would
    fail with a bare "table does not exist"; say instead what to do.
#}
{% macro assert_raw_tables_exist() %}
    {% if execute and flags.WHICH in ('build', 'run', 'test', 'seed', 'snapshot') %}
        {% set expected = ['identifies', 'groups', 'tracks', 'pages', 'screens', 'aliases'] %}
        {% set found = [] %}
        {% for name in expected %}
            {% set relation = adapter.get_relation(database=target.database, schema='raw', identifier=name) %}
            {% if relation is not none %}{% do found.append(name) %}{% endif %}
        {% endfor %}
        {% if found | length < expected | length %}
            {% set missing = expected | reject('in', found) | list %}
            {{ exceptions.raise_compiler_error(
                "The raw tables " ~ missing | join(', ') ~ " are missing from schema `raw` of "
                ~ target.path ~ ". Land Segment messages first: "
                ~ "`.venv/bin/accountable load --db " ~ target.path ~ " PATH...` "
                ~ "(or `make demo` for the demo data)."
            ) }}
        {% endif %}
    {% endif %}
{% endmacro %}
