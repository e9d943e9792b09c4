{#
    The counts and conversions of funnel steps (contract section 3, Funnels and Funnel modes),
    written once for funnel_conversion and funnel_conversion_by_trait: select columns over the
    fct_funnel_entities rows of the entities not excluded, grouped by funnel, the `partition_by`
    columns and step_number. The window functions run over the groups, one per step of a funnel
    (per value of the partition_by columns), ordered by step; still_in_window and dropped count
    the entities' own flags.
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
        count(case when is_still_in_window then 1 end) as still_in_window,
        count(case when is_dropped then 1 end) as dropped,
        {{ median('seconds_from_previous') }} as median_seconds_from_previous
{%- endmacro %}
