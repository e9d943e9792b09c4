{#
    Fails on every row of the model where `expression` is not true (null counts as failing).
    Example: accountable_expression_is_true: {expression: "left_at is null or left_at >= joined_at"}
#}
{% test accountable_expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
