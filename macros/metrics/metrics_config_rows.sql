{#
    The milestone and funnel configuration (normalised by accountable_config()) as rows, so the
    metric models are generic SQL over definition tables instead of one copy of SQL per
    milestone or funnel. Each macro returns a select usable as a CTE body; an empty config gives
    zero typed rows.
#}

{#- Rows of SQL literals as a select; `columns` is a list of (name, sql type). -#}
{% macro config_rows(columns, rows) -%}
    {%- if rows | length == 0 %}
    select
        {%- for column in columns %}
        cast(null as {{ column[1] }}) as {{ column[0] }}{{ ',' if not loop.last }}
        {%- endfor %}
    where 1 = 0
    {%- else %}
    {%- for row in rows %}
    select
        {%- for column in columns %}
        cast({{ row[loop.index0] }} as {{ column[1] }}) as {{ column[0] }}{{ ',' if not loop.last }}
        {%- endfor %}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
    {%- endif %}
{%- endmacro %}


{#- One row per milestone: milestone, window_days, min_members, required_event_count. -#}
{% macro milestone_definition_rows() -%}
    {%- set rows = [] %}
    {%- for name, milestone in accountable_config()['milestones'].items() %}
        {%- do rows.append([
            sql_string(name),
            milestone['window_days'],
            milestone['min_members'],
            milestone['required_events'] | length,
        ]) %}
    {%- endfor %}
    {{- config_rows([
        ['milestone', dbt.type_string()],
        ['window_days', dbt.type_int()],
        ['min_members', dbt.type_int()],
        ['required_event_count', dbt.type_int()],
    ], rows) }}
{%- endmacro %}


{#- One row per milestone per required_events entry (numbered from 1), with its min_count, min_users and min_days. -#}
{% macro milestone_requirement_rows() -%}
    {%- set rows = [] %}
    {%- for name, milestone in accountable_config()['milestones'].items() %}
        {%- for requirement in milestone['required_events'] %}
            {%- do rows.append([
                sql_string(name),
                loop.index,
                sql_string(requirement['event']),
                requirement['min_count'],
                requirement['min_users'],
                requirement['min_days'],
            ]) %}
        {%- endfor %}
    {%- endfor %}
    {{- config_rows([
        ['milestone', dbt.type_string()],
        ['requirement_number', dbt.type_int()],
        ['event_name', dbt.type_string()],
        ['min_count', dbt.type_int()],
        ['min_users', dbt.type_int()],
        ['min_days', dbt.type_int()],
    ], rows) }}
{%- endmacro %}


{#- One row per milestone per excluded role. -#}
{% macro milestone_excluded_role_rows() -%}
    {%- set rows = [] %}
    {%- for name, milestone in accountable_config()['milestones'].items() %}
        {%- for role in milestone['exclude_roles'] | unique %}
            {%- do rows.append([sql_string(name), sql_string(role)]) %}
        {%- endfor %}
    {%- endfor %}
    {{- config_rows([
        ['milestone', dbt.type_string()],
        ['role', dbt.type_string()],
    ], rows) }}
{%- endmacro %}


{#- One row per funnel per step: funnel, level, funnel_order, conversion_window_days, step_number, step_event, step_count. -#}
{% macro funnel_step_rows() -%}
    {%- set rows = [] %}
    {%- for name, funnel in accountable_config()['funnels'].items() %}
        {%- for step in funnel['steps'] %}
            {%- do rows.append([
                sql_string(name),
                sql_string(funnel['level']),
                sql_string(funnel['order']),
                funnel['conversion_window_days'],
                loop.index,
                sql_string(step),
                funnel['steps'] | length,
            ]) %}
        {%- endfor %}
    {%- endfor %}
    {{- config_rows([
        ['funnel', dbt.type_string()],
        ['level', dbt.type_string()],
        ['funnel_order', dbt.type_string()],
        ['conversion_window_days', dbt.type_int()],
        ['step_number', dbt.type_int()],
        ['step_event', dbt.type_string()],
        ['step_count', dbt.type_int()],
    ], rows) }}
{%- endmacro %}


{#- One row per funnel per excluded event name (var funnels.<name>.exclude_events): funnel, level, event_name. -#}
{% macro funnel_exclusion_rows() -%}
    {%- set rows = [] %}
    {%- for name, funnel in accountable_config()['funnels'].items() %}
        {%- for event_name in funnel['exclude_events'] %}
            {%- do rows.append([sql_string(name), sql_string(funnel['level']), sql_string(event_name)]) %}
        {%- endfor %}
    {%- endfor %}
    {{- config_rows([
        ['funnel', dbt.type_string()],
        ['level', dbt.type_string()],
        ['event_name', dbt.type_string()],
    ], rows) }}
{%- endmacro %}


{#- The levels (account, user) of the funnels configured with `order`: what the funnel models compile for that order. -#}
{% macro funnel_levels_with_order(order) -%}
    {%- set levels = [] %}
    {%- for name, funnel in accountable_config()['funnels'].items() %}
        {%- if funnel['order'] == order and funnel['level'] not in levels %}
            {%- do levels.append(funnel['level']) %}
        {%- endif %}
    {%- endfor %}
    {{- return(levels | sort) }}
{%- endmacro %}


{#- The longest funnel's step count (0 without funnels): how far the funnel models unroll. -#}
{% macro funnel_max_steps() -%}
    {%- set lengths = [0] %}
    {%- for name, funnel in accountable_config()['funnels'].items() %}
        {%- do lengths.append(funnel['steps'] | length) %}
    {%- endfor %}
    {{- return(lengths | max) }}
{%- endmacro %}


{#- The account trait funnels are broken down by: var funnel_breakdown_trait, validated in accountable_config. -#}
{% macro funnel_breakdown_trait() -%}
    {{- return(accountable_config()['funnel_breakdown_trait']) }}
{%- endmacro %}


{#- The account trait retention is broken down by: var retention_breakdown_trait, validated in accountable_config. -#}
{% macro retention_breakdown_trait() -%}
    {{- return(accountable_config()['retention_breakdown_trait']) }}
{%- endmacro %}


{#- One row per configured feature and event name: feature, event_name. -#}
{% macro feature_event_rows() -%}
    {%- set rows = [] %}
    {%- for feature, events in accountable_config()['features'].items() %}
        {%- for event_name in events %}
            {%- do rows.append([sql_string(feature), sql_string(event_name)]) %}
        {%- endfor %}
    {%- endfor %}
    {{- config_rows([['feature', dbt.type_string()], ['event_name', dbt.type_string()]], rows) }}
{%- endmacro %}


{#- One row per configured feature: feature. -#}
{% macro feature_rows() -%}
    {%- set rows = [] %}
    {%- for feature in accountable_config()['features'].keys() %}
        {%- do rows.append([sql_string(feature)]) %}
    {%- endfor %}
    {{- config_rows([['feature', dbt.type_string()]], rows) }}
{%- endmacro %}
