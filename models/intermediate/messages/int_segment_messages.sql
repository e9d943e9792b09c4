{#
    Every landed message of every type in one relation: the columns identity, memberships and
    attribution need, plus the properties of events and the traits (and context) of identify and
    group calls. Page and screen views get the event names
    the marts use: "Page Viewed" and "Screen Viewed". A view: columnar scans read only what each
    consumer selects.
#}
{{ config(materialized='view') }}
with

identifies as (
    select * from {{ ref('stg_segment__identifies') }}
),

groups as (
    select * from {{ ref('stg_segment__groups') }}
),

tracks as (
    select * from {{ ref('stg_segment__tracks') }}
),

pages as (
    select * from {{ ref('stg_segment__pages') }}
),

screens as (
    select * from {{ ref('stg_segment__screens') }}
),

aliases as (
    select * from {{ ref('stg_segment__aliases') }}
),

unioned as (
    select
        message_id,
        'identify' as message_type,
        cast(null as {{ dbt.type_string() }}) as event_name,
        event_at,
        user_id,
        anonymous_id,
        group_id,
        cast(null as {{ dbt.type_string() }}) as previous_id,
        load_id,
        cast(null as {{ dbt.type_string() }}) as properties,
        traits,
        context
    from identifies

    union all

    select
        message_id,
        'group' as message_type,
        cast(null as {{ dbt.type_string() }}) as event_name,
        event_at,
        user_id,
        anonymous_id,
        group_id,
        cast(null as {{ dbt.type_string() }}) as previous_id,
        load_id,
        cast(null as {{ dbt.type_string() }}) as properties,
        traits,
        context
    from groups

    union all

    select
        message_id,
        'track' as message_type,
        event_name,
        event_at,
        user_id,
        anonymous_id,
        group_id,
        cast(null as {{ dbt.type_string() }}) as previous_id,
        load_id,
        properties,
        cast(null as {{ dbt.type_string() }}) as traits,
        cast(null as {{ dbt.type_string() }}) as context
    from tracks

    union all

    select
        message_id,
        'page' as message_type,
        'Page Viewed' as event_name,
        event_at,
        user_id,
        anonymous_id,
        group_id,
        cast(null as {{ dbt.type_string() }}) as previous_id,
        load_id,
        properties,
        cast(null as {{ dbt.type_string() }}) as traits,
        cast(null as {{ dbt.type_string() }}) as context
    from pages

    union all

    select
        message_id,
        'screen' as message_type,
        'Screen Viewed' as event_name,
        event_at,
        user_id,
        anonymous_id,
        group_id,
        cast(null as {{ dbt.type_string() }}) as previous_id,
        load_id,
        properties,
        cast(null as {{ dbt.type_string() }}) as traits,
        cast(null as {{ dbt.type_string() }}) as context
    from screens

    union all

    select
        message_id,
        'alias' as message_type,
        cast(null as {{ dbt.type_string() }}) as event_name,
        event_at,
        user_id,
        anonymous_id,
        group_id,
        previous_id,
        load_id,
        cast(null as {{ dbt.type_string() }}) as properties,
        cast(null as {{ dbt.type_string() }}) as traits,
        cast(null as {{ dbt.type_string() }}) as context
    from aliases
)

select * from unioned
