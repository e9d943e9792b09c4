{#
    The rules of var health, written once: given a relation (a CTE name) with an account's health
    components as of some moment, select its key columns, the components, `health` and
    `health_reasons`. Each rule is kept as a flag so that health_reasons can say which ones fired.
    account_health applies it as of the latest event, account_health_weekly as of each week's end.
#}
{% macro health_verdict(components, key_columns) %}
    {%- set health = accountable_config()['health'] %}
    {%- set window_days = health['window_days'] %}
    with

    rules as (
        select
            *,
            activity_events_window = 0 as is_dormant,
            coalesce(days_inactive > {{ health['at_risk_days_inactive'] }}, false) as is_long_inactive,
            coalesce(active_seat_share < {{ health['at_risk_min_seat_share'] }}, false) as is_low_seat_share,
            coalesce(activity_trend < {{ health['at_risk_min_trend'] }}, false) as is_declining,
            cast(round(days_inactive, 1) as {{ dbt.type_string() }}) as days_inactive_text,
            cast(cast(round(100 * activity_trend) as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
                as trend_percent_text
        from {{ components }}
    ),

    reasons as (
        select
            *,
            case
                when is_dormant and last_activity_at is null
                    then 'no activity in the last {{ window_days }} days (never active)'
                when is_dormant
                    then 'no activity in the last {{ window_days }} days (last '
                        || days_inactive_text || ' days ago)'
            end as dormant_reason,
            case
                when not is_dormant and is_long_inactive
                    then 'no activity for ' || days_inactive_text || ' days'
            end as inactive_reason,
            case
                when is_low_seat_share
                    then cast(active_members as {{ dbt.type_string() }}) || ' of '
                        || cast(members as {{ dbt.type_string() }})
                        || ' members active in {{ window_days }} days'
            end as seat_reason,
            case
                when not is_dormant and is_declining
                    then 'activity down to ' || trend_percent_text
                        || '% of the previous {{ window_days }} days'
            end as trend_reason
        from rules
    )

    select
        {%- for column in key_columns %}
        {{ column }},
        {%- endfor %}
        as_of,
        last_activity_at,
        days_inactive,
        cast(members as {{ dbt.type_bigint() }}) as members,
        cast(active_members as {{ dbt.type_bigint() }}) as active_members,
        active_seat_share,
        cast(activity_events_window as {{ dbt.type_bigint() }}) as activity_events_window,
        cast(activity_events_previous_window as {{ dbt.type_bigint() }})
            as activity_events_previous_window,
        activity_trend,
        case
            when is_dormant then 'dormant'
            when is_long_inactive or is_low_seat_share or is_declining then 'at_risk'
            else 'healthy'
        end as health,
        nullif(
            concat_ws('; ', dormant_reason, inactive_reason, seat_reason, trend_reason), ''
        ) as health_reasons
    from reasons
{% endmacro %}
