{#
    The health of var health, written once: given a relation (a CTE name) with an account's raw
    counts as of some moment (`as_of`, `last_activity_at`, `members`, `active_members`,
    `activity_events_window`, `activity_events_previous_window`, counts not null), select its key
    columns, the derived components (days_inactive, active_seat_share, activity_trend), `health`
    and `health_reasons`. Each rule is kept as a flag so that health_reasons can say which ones
    fired. account_health applies it as of the latest event, account_health_weekly as of each
    week's end.
#}
{% macro health_verdict(counts, key_columns) %}
    {%- set health = accountable_config()['health'] %}
    {%- set window_days = health['window_days'] %}
    with

    components as (
        select
            *,
            {{ seconds_between('last_activity_at', 'as_of') }} / 86400.0 as days_inactive,
            {{ safe_ratio('active_members', 'members') }} as active_seat_share,
            {{ safe_ratio('activity_events_window', 'activity_events_previous_window') }} as activity_trend
        from {{ counts }}
    ),

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
        from components
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
