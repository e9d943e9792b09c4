{#
    Contract section 3, Memberships: a membership is active at moment `at` when
    joined_at <= at and (left_at is null or at < left_at). The one place this rule is written.
#}
{% macro membership_is_active(joined_at, left_at, at) -%}
    ({{ joined_at }} <= {{ at }} and ({{ left_at }} is null or {{ at }} < {{ left_at }}))
{%- endmacro %}
