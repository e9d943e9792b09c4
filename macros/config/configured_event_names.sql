{#
    Every event name the configuration names, as [var path, event name] pairs read from
    accountable_config(): what int_configured_event_names checks against the loaded events.
    Each var that names events is one path below; `*` stands for every key of a mapping (each
    milestone, each funnel). At the end of a path: an event name, a list of them, or a list of
    mappings whose `event` key is one. A new var that names events is one line here.
#}
{% macro configured_event_names() %}
    {%- set paths = [
        'active_events',
        'milestones.*.required_events',
        'funnels.*.steps',
        'funnels.*.exclude_events',
        'lifecycle_events.*',
        'features.*',
        'revenue.mrr_events',
        'revenue.churn_events',
    ] %}
    {%- set config = accountable_config() %}
    {%- set pairs = [] %}
    {%- for path in paths %}
        {%- for var_path, value in _config_values_at(config, path) %}
            {%- for event_name in _event_names_in(value) if [var_path, event_name] not in pairs %}
                {%- do pairs.append([var_path, event_name]) %}
            {%- endfor %}
        {%- endfor %}
    {%- endfor %}
    {{ return(pairs) }}
{% endmacro %}


{#- [path, value] for each value `path` reaches in `config`, `*` spelled out as the key it took. -#}
{% macro _config_values_at(config, path) %}
    {%- set walk = namespace(reached=[['', config]]) %}
    {%- for segment in path.split('.') %}
        {%- set next = [] %}
        {%- for prefix, value in walk.reached if value is mapping %}
            {%- set keys = (value.keys() | list) if segment == '*' else ([segment] if segment in value else []) %}
            {%- for key in keys %}
                {%- do next.append([prefix ~ ('.' if prefix else '') ~ key, value[key]]) %}
            {%- endfor %}
        {%- endfor %}
        {%- set walk.reached = next %}
    {%- endfor %}
    {{ return(walk.reached) }}
{% endmacro %}


{#- The event names in one config value: a name, a list of names, or mappings with an `event` key. -#}
{% macro _event_names_in(value) %}
    {%- set items = [value] if value is string or value is mapping else value %}
    {%- set names = [] %}
    {%- for item in items %}
        {%- do names.append(item['event'] if item is mapping else item) %}
    {%- endfor %}
    {{ return(names) }}
{% endmacro %}


{#- One row per var path per event name it names (configured_event_names). -#}
{% macro configured_event_name_rows() -%}
    {%- set rows = [] %}
    {%- for var_path, event_name in configured_event_names() %}
        {%- do rows.append([sql_string(var_path), sql_string(event_name)]) %}
    {%- endfor %}
    {{- config_rows([
        ['var_path', dbt.type_string()],
        ['event_name', dbt.type_string()],
    ], rows) }}
{%- endmacro %}
