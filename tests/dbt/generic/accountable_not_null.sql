{#
    Fails on every row of the model where one of `columns` is null: a model's not-null checks in
    one test and one scan, not one test per column (each a node dbt schedules and a scan of the
    table). The failing rows show which column is null.
    Example: accountable_not_null: {arguments: {columns: [account_id, week_start]}}
#}
{% test accountable_not_null(model, columns) %}

select
    {{ columns | join(',\n    ') }}
from {{ model }}
where
    {% for column in columns -%}
    {{ column }} is null{% if not loop.last %}
    or {% endif %}
    {%- endfor %}

{% endtest %}
