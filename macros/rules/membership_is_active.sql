{#
    Whether a membership is active at moment `at` (contract section 3, Memberships), written only
    here. An open membership (left_at null) is written as ending at the end of time, so the
    condition has no `or` (docs/DEVELOPING.md, Performance notes).
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
