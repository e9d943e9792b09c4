{#
    Fails once per combination of `combination_of_columns` held by more than one row: the
    model's compound primary key. Nulls compare equal (a null trait value is one group).
    Example: accountable_unique_combination_of_columns: {combination_of_columns: [account_id, milestone]}
#}
{% test accountable_unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(',\n    ') }},
    count(*) as rows_with_this_key
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
