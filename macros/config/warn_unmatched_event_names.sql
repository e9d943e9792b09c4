{#
    on-run-end: one readable warning per event name a var names that no loaded event carries
    (int_configured_event_names.event_count = 0); dbt's summary of the warn test counts such
    names but does not show them. Reads the model only when this run built it: never a table
    left by another run with other vars, never a missing one.
#}
{% macro warn_unmatched_event_names(results) %}
    {%- if execute %}
        {%- for result in results
            if result.node.name == 'int_configured_event_names' and result.status == 'success' %}
            {%- set unmatched = run_query(
                "select var_path, event_name from " ~ result.node.relation_name
                ~ " where event_count = 0 order by var_path, event_name"
            ) %}
            {%- for row in unmatched.rows %}
                {%- do exceptions.warn(
                    "accountable: var " ~ row[0] ~ ' names "' ~ row[1] ~ '", which no loaded event carries'
                ) %}
            {%- endfor %}
        {%- endfor %}
    {%- endif %}
{% endmacro %}
