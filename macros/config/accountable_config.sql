{#
    The project's configuration, read and validated in one place (contract section 4).
    Every model that needs a var calls accountable_config() and gets normalised values:
    omitted optional keys filled with their defaults, numbers as ints. A bad entry stops the run
    at compile time with a message naming it.
#}
{#
    The default of every var when neither dbt_project.yml nor --vars sets it: the contract's
    fixed defaults (section 4), and nothing product-specific (no milestones, funnels, features or
    extra traits). The demo product's own values are vars in dbt_project.yml, never written in
    the SQL; a var set there or with --vars replaces its key whole.
#}
{% macro _config_defaults() %}
    {{ return({
        'active_events': [],
        'retention_periods': ['week', 'month'],
        'lifecycle_periods': ['week'],
        'milestones': {},
        'funnels': {},
        'lifecycle_events': {
            'account_created': 'Account Created',
            'user_added': 'Account Added User',
            'user_removed': 'Account Removed User',
        },
        'account_traits': [],
        'funnel_breakdown_trait': 'plan',
        'retention_breakdown_trait': 'plan',
        'user_traits': [],
        'membership_traits': [],
        'events_lookback_days': 0,
        'features': {},
        'health': {
            'window_days': 28,
            'at_risk_days_inactive': 7,
            'at_risk_min_seat_share': 0.2,
            'at_risk_min_trend': 0.5,
        },
        'revenue': {
            'mrr_events': [
                {'event': 'Subscription Started', 'property': 'mrr'},
                {'event': 'Subscription Changed', 'property': 'mrr'},
            ],
            'churn_events': ['Subscription Cancelled'],
        },
    }) }}
{% endmacro %}


{% macro accountable_config() %}
    {% set errors = [] %}
    {% set defaults = _config_defaults() %}

    {# ---------- active_events ---------- #}
    {% set active_events = _config_string_list(var('active_events', defaults['active_events']), 'active_events', errors) %}

    {# ---------- retention_periods ---------- #}
    {% set retention_periods = _config_string_list(var('retention_periods', defaults['retention_periods']), 'retention_periods', errors) %}
    {% for period in retention_periods %}
        {% if period not in ['day', 'week', 'month'] %}
            {% do errors.append("retention_periods: unknown period '" ~ period ~ "' (use day, week or month)") %}
        {% endif %}
    {% endfor %}
    {% if retention_periods | length != retention_periods | unique | list | length %}
        {% do errors.append("retention_periods: a period is listed twice") %}
    {% endif %}

    {# ---------- lifecycle_periods ---------- #}
    {% set lifecycle_periods = _config_string_list(var('lifecycle_periods', defaults['lifecycle_periods']), 'lifecycle_periods', errors) %}
    {% for period in lifecycle_periods %}
        {% if period not in ['day', 'week', 'month'] %}
            {% do errors.append("lifecycle_periods: unknown period '" ~ period ~ "' (use day, week or month)") %}
        {% endif %}
    {% endfor %}
    {% if lifecycle_periods | length != lifecycle_periods | unique | list | length %}
        {% do errors.append("lifecycle_periods: a period is listed twice") %}
    {% endif %}

    {# ---------- milestones ---------- #}
    {% set raw_milestones = var('milestones', defaults['milestones']) %}
    {% set milestones = {} %}
    {% if raw_milestones is not mapping %}
        {% do errors.append("milestones: expected a mapping of name -> definition, got " ~ raw_milestones) %}
    {% else %}
        {% for name, definition in raw_milestones.items() %}
            {% set where = "milestones." ~ name %}
            {% if definition is not mapping %}
                {% do errors.append(where ~ ": expected a mapping with window_days, min_members, exclude_roles, required_events") %}
                {% set definition = {'window_days': 1} %}
            {% endif %}
            {% for key in definition.keys() %}
                {% if key not in ['window_days', 'min_members', 'exclude_roles', 'required_events'] %}
                    {% do errors.append(where ~ ": unknown key '" ~ key ~ "' (allowed: window_days, min_members, exclude_roles, required_events)") %}
                {% endif %}
            {% endfor %}
            {% if 'window_days' not in definition %}
                {% do errors.append(where ~ ": missing key 'window_days'") %}
            {% endif %}
            {% set requirements = [] %}
            {% set raw_requirements = definition.get('required_events', []) %}
            {% if raw_requirements is string or raw_requirements is mapping or raw_requirements is not iterable %}
                {% do errors.append(where ~ ".required_events: expected a list of {event, min_count, min_users, min_days}") %}
                {% set raw_requirements = [] %}
            {% endif %}
            {% for requirement in raw_requirements %}
                {% set rwhere = where ~ ".required_events[" ~ loop.index0 ~ "]" %}
                {% if requirement is not mapping %}
                    {% do errors.append(rwhere ~ ": expected a mapping with event, min_count, min_users, min_days (got '" ~ requirement ~ "')") %}
                    {% set requirement = {'event': '-'} %}
                {% endif %}
                {% for key in requirement.keys() %}
                    {% if key not in ['event', 'min_count', 'min_users', 'min_days'] %}
                        {% do errors.append(rwhere ~ ": unknown key '" ~ key ~ "' (allowed: event, min_count, min_users, min_days)") %}
                    {% endif %}
                {% endfor %}
                {% if requirement.get('event') is not string or requirement.get('event') | trim == '' %}
                    {% do errors.append(rwhere ~ ": missing key 'event' (an event name)") %}
                {% endif %}
                {% do requirements.append({
                    'event': requirement.get('event') | string,
                    'min_count': _config_int(requirement.get('min_count', 1), rwhere ~ ".min_count", 1, errors),
                    'min_users': _config_int(requirement.get('min_users', 0), rwhere ~ ".min_users", 0, errors),
                    'min_days': _config_int(requirement.get('min_days', 0), rwhere ~ ".min_days", 0, errors),
                }) %}
            {% endfor %}
            {% do milestones.update({name: {
                'window_days': _config_int(definition.get('window_days', 1), where ~ ".window_days", 1, errors),
                'min_members': _config_int(definition.get('min_members', 0), where ~ ".min_members", 0, errors),
                'exclude_roles': _config_string_list(definition.get('exclude_roles', []), where ~ ".exclude_roles", errors),
                'required_events': requirements,
            }}) %}
        {% endfor %}
    {% endif %}

    {# ---------- funnels ---------- #}
    {% set funnel_keys = ['level', 'conversion_window_days', 'steps', 'order', 'exclude_events'] %}
    {% set raw_funnels = var('funnels', defaults['funnels']) %}
    {% set funnels = {} %}
    {% if raw_funnels is not mapping %}
        {% do errors.append("funnels: expected a mapping of name -> definition, got " ~ raw_funnels) %}
    {% else %}
        {% for name, definition in raw_funnels.items() %}
            {% set where = "funnels." ~ name %}
            {% if definition is not mapping %}
                {% do errors.append(where ~ ": expected a mapping with level, conversion_window_days, steps") %}
                {% set definition = {'level': 'account', 'conversion_window_days': 1, 'steps': ['-']} %}
            {% endif %}
            {% for key in definition.keys() %}
                {% if key not in funnel_keys %}
                    {% do errors.append(where ~ ": unknown key '" ~ key ~ "' (allowed: " ~ funnel_keys | join(', ') ~ ")") %}
                {% endif %}
            {% endfor %}
            {% for key in ['level', 'conversion_window_days', 'steps'] %}
                {% if key not in definition %}
                    {% do errors.append(where ~ ": missing key '" ~ key ~ "'") %}
                {% endif %}
            {% endfor %}
            {% set level = definition.get('level', 'account') %}
            {% if level not in ['account', 'user'] %}
                {% do errors.append(where ~ ".level: unknown level '" ~ level ~ "' (use account or user)") %}
            {% endif %}
            {% set steps = _config_string_list(definition.get('steps', []), where ~ ".steps", errors) %}
            {% if 'steps' in definition and steps | length == 0 %}
                {% do errors.append(where ~ ".steps: the step list is empty (give at least one event name)") %}
            {% endif %}
            {% set order = definition.get('order', 'sequential') %}
            {% if order is not string or order not in ['sequential', 'strict', 'any'] %}
                {% do errors.append(where ~ ".order: unknown order '" ~ order ~ "' (use sequential, strict or any)") %}
            {% elif order == 'any' and steps | length != steps | unique | list | length %}
                {% do errors.append(where ~ ".steps: a step is listed twice; an any-order funnel counts distinct steps, so each may appear once") %}
            {% endif %}
            {% set exclude_events = _config_string_list(definition.get('exclude_events', []), where ~ ".exclude_events", errors) %}
            {% if exclude_events | length != exclude_events | unique | list | length %}
                {% do errors.append(where ~ ".exclude_events: an event name is listed twice") %}
            {% endif %}
            {% for event_name in exclude_events | unique if event_name in steps %}
                {% do errors.append(where ~ ".exclude_events: '" ~ event_name ~ "' is also a step of the funnel: every entity doing that step would be left out") %}
            {% endfor %}
            {% do funnels.update({name: {
                'level': level,
                'conversion_window_days': _config_int(definition.get('conversion_window_days', 1), where ~ ".conversion_window_days", 1, errors),
                'steps': steps,
                'order': order,
                'exclude_events': exclude_events,
            }}) %}
        {% endfor %}
    {% endif %}

    {# ---------- lifecycle events, traits, incremental lookback ---------- #}
    {% set lifecycle_defaults = defaults['lifecycle_events'] %}
    {% set raw_lifecycle = var('lifecycle_events', lifecycle_defaults) %}
    {% set lifecycle_events = {} %}
    {% if raw_lifecycle is not mapping %}
        {% do errors.append("lifecycle_events: expected a mapping with account_created, user_added, user_removed") %}
        {% set raw_lifecycle = {} %}
    {% endif %}
    {% for key in raw_lifecycle.keys() %}
        {% if key not in lifecycle_defaults %}
            {% do errors.append("lifecycle_events: unknown key '" ~ key ~ "' (allowed: account_created, user_added, user_removed)") %}
        {% endif %}
    {% endfor %}
    {% for key, default in lifecycle_defaults.items() %}
        {% set value = raw_lifecycle.get(key, default) %}
        {% if value is not string or value | trim == '' %}
            {% do errors.append("lifecycle_events." ~ key ~ ": expected an event name") %}
        {% endif %}
        {% do lifecycle_events.update({key: value | string}) %}
    {% endfor %}

    {% set account_traits = _config_string_list(var('account_traits', defaults['account_traits']), 'account_traits', errors) %}
    {% set user_traits = _config_string_list(var('user_traits', defaults['user_traits']), 'user_traits', errors) %}
    {% set account_columns = ['account_id', 'created_at', 'first_seen_at', 'last_seen_at', 'message_count',
                              'group_calls', 'member_count', 'members_ever', 'activated_at', 'habit_moment_at',
                              'mrr', 'first_paid_at', 'churned_at'] %}
    {% set user_columns = ['user_id', 'first_seen_at', 'last_seen_at', 'message_count', 'identify_calls',
                           'account_count', 'accounts_ever', 'is_multi_account'] %}
    {% for trait in account_traits if trait in account_columns %}
        {% do errors.append("account_traits: '" ~ trait ~ "' is a column dim_accounts computes; it cannot be a trait column") %}
    {% endfor %}
    {% for trait in user_traits if trait in user_columns %}
        {% do errors.append("user_traits: '" ~ trait ~ "' is a column dim_users computes; it cannot be a trait column") %}
    {% endfor %}
    {% set account_trait_columns = ['name', 'plan'] + (account_traits | reject('in', ['name', 'plan']) | list) %}
    {% set breakdown_traits = {} %}
    {% for key in ['funnel_breakdown_trait', 'retention_breakdown_trait'] %}
        {% set trait = var(key, defaults[key]) %}
        {% if trait is not string or trait not in account_trait_columns %}
            {% do errors.append(key ~ ": '" ~ trait ~ "' is not an account trait column (use one of "
                                ~ account_trait_columns | join(', ') ~ "; add other traits to account_traits first)") %}
        {% endif %}
        {% do breakdown_traits.update({key: trait}) %}
    {% endfor %}
    {% set membership_traits = _config_string_list(var('membership_traits', defaults['membership_traits']), 'membership_traits', errors) %}
    {% set membership_columns = ['account_id', 'user_id', 'role', 'joined_at', 'left_at', 'is_active', 'has_created_account',
                                 'is_first_membership', 'event_count', 'last_event_at', 'added_role'] %}
    {% for trait in membership_traits if trait in membership_columns or trait.startswith('added_') %}
        {% do errors.append("membership_traits: '" ~ trait ~ "' is a column the memberships compute; it cannot be a property column") %}
    {% endfor %}
    {% for trait in account_traits + user_traits + membership_traits %}
        {% if not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', trait) %}
            {% do errors.append("traits: '" ~ trait ~ "' is not usable as a column name (letters, digits, _)") %}
        {% endif %}
    {% endfor %}
    {% set events_lookback_days = _config_int(var('events_lookback_days', defaults['events_lookback_days']), 'events_lookback_days', 0, errors) %}

    {# ---------- features ---------- #}
    {% set raw_features = var('features', defaults['features']) %}
    {% set features = {} %}
    {% if raw_features is none %}
        {% set raw_features = {} %}
    {% elif raw_features is not mapping %}
        {% do errors.append("features: expected a mapping of feature name -> list of event names") %}
        {% set raw_features = {} %}
    {% endif %}
    {% for name, events in raw_features.items() %}
        {% set names = _config_string_list(events, "features." ~ name, errors) %}
        {% if names | length == 0 %}
            {% do errors.append("features." ~ name ~ ": give at least one event name") %}
        {% endif %}
        {% if names | length != names | unique | list | length %}
            {% do errors.append("features." ~ name ~ ": an event name is listed twice") %}
        {% endif %}
        {% do features.update({name | string: names}) %}
    {% endfor %}

    {# ---------- health ---------- #}
    {% set health_defaults = defaults['health'] %}
    {% set raw_health = var('health', health_defaults) %}
    {% if raw_health is not mapping %}
        {% do errors.append("health: expected a mapping with " ~ health_defaults.keys() | join(', ')) %}
        {% set raw_health = {} %}
    {% endif %}
    {% for key in raw_health.keys() if key not in health_defaults %}
        {% do errors.append("health: unknown key '" ~ key ~ "' (allowed: " ~ health_defaults.keys() | join(', ') ~ ")") %}
    {% endfor %}
    {% set health = {
        'window_days': _config_int(raw_health.get('window_days', health_defaults['window_days']), 'health.window_days', 1, errors),
    } %}
    {% for key in ['at_risk_days_inactive', 'at_risk_min_seat_share', 'at_risk_min_trend'] %}
        {% set value = raw_health.get(key, health_defaults[key]) %}
        {% if value is sameas true or value is sameas false or value is not number or value < 0 %}
            {% do errors.append("health." ~ key ~ ": expected a number >= 0, got '" ~ value ~ "'") %}
            {% set value = health_defaults[key] %}
        {% endif %}
        {% do health.update({key: value}) %}
    {% endfor %}

    {# ---------- revenue ---------- #}
    {% set raw_revenue = var('revenue', defaults['revenue']) %}
    {% set mrr_events = [] %}
    {% set churn_events = [] %}
    {% if raw_revenue is not mapping %}
        {% do errors.append("revenue: expected a mapping with mrr_events and churn_events") %}
        {% set raw_revenue = {} %}
    {% endif %}
    {% for key in raw_revenue.keys() %}
        {% if key not in ['mrr_events', 'churn_events'] %}
            {% do errors.append("revenue: unknown key '" ~ key ~ "' (allowed: mrr_events, churn_events)") %}
        {% endif %}
    {% endfor %}
    {% set raw_mrr_events = raw_revenue.get('mrr_events', []) %}
    {% if raw_mrr_events is none %}
        {% set raw_mrr_events = [] %}
    {% elif raw_mrr_events is string or raw_mrr_events is mapping or raw_mrr_events is not iterable %}
        {% do errors.append("revenue.mrr_events: expected a list of {event, property}") %}
        {% set raw_mrr_events = [] %}
    {% endif %}
    {% for entry in raw_mrr_events %}
        {% set where = "revenue.mrr_events[" ~ loop.index0 ~ "]" %}
        {% if entry is not mapping %}
            {% do errors.append(where ~ ": expected a mapping with event and property (got '" ~ entry ~ "')") %}
        {% else %}
            {% for key in entry.keys() if key not in ['event', 'property'] %}
                {% do errors.append(where ~ ": unknown key '" ~ key ~ "' (allowed: event, property)") %}
            {% endfor %}
            {% for key in ['event', 'property'] %}
                {% if entry.get(key) is not string or entry.get(key) | trim == '' %}
                    {% do errors.append(where ~ ": missing key '" ~ key ~ "' (" ~ ('an event name' if key == 'event' else 'a property name') ~ ")") %}
                {% endif %}
            {% endfor %}
            {% if entry.get('event') in mrr_events | map(attribute='event') | list %}
                {% do errors.append(where ~ ": event '" ~ entry.get('event') ~ "' is listed twice") %}
            {% endif %}
            {% do mrr_events.append({'event': entry.get('event') | string, 'property': entry.get('property') | string}) %}
        {% endif %}
    {% endfor %}
    {% set churn_events = _config_string_list(raw_revenue.get('churn_events', []), 'revenue.churn_events', errors) %}
    {% for name in churn_events if name in mrr_events | map(attribute='event') | list %}
        {% do errors.append("revenue: event '" ~ name ~ "' is both an MRR event and a churn event") %}
    {% endfor %}

    {% if errors %}
        {{ exceptions.raise_compiler_error(
            "Invalid accountable configuration (dbt vars):\n  - " ~ errors | join("\n  - ")
        ) }}
    {% endif %}

    {{ return({
        'active_events': active_events,
        'retention_periods': retention_periods,
        'lifecycle_periods': lifecycle_periods,
        'milestones': milestones,
        'funnels': funnels,
        'lifecycle_events': lifecycle_events,
        'account_traits': account_traits | reject('in', ['name', 'plan']) | list,
        'funnel_breakdown_trait': breakdown_traits['funnel_breakdown_trait'],
        'retention_breakdown_trait': breakdown_traits['retention_breakdown_trait'],
        'user_traits': user_traits | reject('in', ['email', 'name']) | list,
        'membership_traits': membership_traits,
        'events_lookback_days': events_lookback_days,
        'features': features,
        'health': health,
        'revenue': {'mrr_events': mrr_events, 'churn_events': churn_events},
    }) }}
{% endmacro %}


{% macro _config_int(value, where, minimum, errors) %}
    {% if value is sameas true or value is sameas false %}
        {% do errors.append(where ~ ": expected a whole number, got '" ~ value ~ "'") %}
        {{ return(minimum) }}
    {% elif value is number and value == value | int %}
        {% set number = value | int %}
    {% elif value is string and modules.re.match('^-?[0-9]+$', value | trim) %}
        {% set number = value | trim | int %}
    {% else %}
        {% do errors.append(where ~ ": expected a whole number, got '" ~ value ~ "'") %}
        {{ return(minimum) }}
    {% endif %}
    {% if number < minimum %}
        {% do errors.append(where ~ ": must be " ~ ("positive" if minimum == 1 else ">= " ~ minimum) ~ ", got " ~ number) %}
    {% endif %}
    {{ return(number) }}
{% endmacro %}


{% macro _config_string_list(value, where, errors) %}
    {% if value is none %}
        {{ return([]) }}
    {% elif value is string or value is mapping or value is not iterable %}
        {% do errors.append(where ~ ": expected a list of names, got '" ~ value ~ "'") %}
        {{ return([]) }}
    {% endif %}
    {% set names = [] %}
    {% for item in value %}
        {% if item is not string or item | trim == '' %}
            {% do errors.append(where ~ "[" ~ loop.index0 ~ "]: expected a non-empty name, got '" ~ item ~ "'") %}
        {% else %}
            {% do names.append(item) %}
        {% endif %}
    {% endfor %}
    {{ return(names) }}
{% endmacro %}


{#- A Jinja string as a SQL string literal. -#}
{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}


{#- A list of names as the inside of a SQL `in (...)`; a list that matches nothing when empty. -#}
{% macro sql_string_list(values) -%}
    {%- if values | length == 0 -%}
        null
    {%- else -%}
        {%- for value in values -%}{{ sql_string(value) }}{{ ", " if not loop.last }}{%- endfor -%}
    {%- endif -%}
{%- endmacro %}
