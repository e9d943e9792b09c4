{#
    The counts and conversions of funnel steps (contract section 3, Funnels), written once for
    funnel_conversion and funnel_conversion_by_trait: select columns over fct_funnel_entities rows
    grouped by funnel, the `partition_by` columns and step_number. The window functions run over
    the groups, one per step of a funnel (per value of the partition_by columns), ordered by step.
#}
{% macro funnel_step_conversion(partition_by=[]) -%}
    {%- set window = 'over (partition by ' ~ (['funnel'] + partition_by) | join(', ') ~ ' order by step_number)' %}
    {%- set entities = 'count(reached_at)' %}
    {%- set previous_entities = 'coalesce(lag(' ~ entities ~ ') ' ~ window ~ ', ' ~ entities ~ ')' %}
    {%- set start_entities = 'first_value(' ~ entities ~ ') ' ~ window %}
        {{ entities }} as entities,
        {{ previous_entities }} as previous_entities,
        {{ safe_ratio(entities, previous_entities) }} as conversion_from_previous,
        {{ safe_ratio(entities, start_entities) }} as conversion_from_start,
        {{ median('seconds_from_previous') }} as median_seconds_from_previous
{%- endmacro %}
