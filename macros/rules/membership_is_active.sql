{#
    Contract section 3, Memberships: a membership is active at moment `at` when
    joined_at <= at and (left_at is null or at < left_at). The one place this rule is written.
    An open membership (left_at null) is written as ending at the end of time: one inequality
    instead of an `or` keeps joins on this condition hash joins (an `or` makes DuckDB fall back
    to a nested-loop join, seconds become minutes at ten million events).
#}
{% macro membership_is_active(joined_at, left_at, at) -%}
    ({{ joined_at }} <= {{ at }} and {{ at }} < coalesce({{ left_at }}, cast('9999-12-31' as {{ dbt.type_timestamp() }})))
{%- endmacro %}

{#
    Active now: a membership that has not ended (no removal after its last join). The marts'
    "now" counts (member_count, account_count, is_active) use this, never their own spelling.
#}
{% macro membership_is_active_now(left_at) -%}
    ({{ left_at }} is null)
{%- endmacro %}
