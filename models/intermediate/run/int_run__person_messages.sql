{#
    The messages of the people this run recomputes (int_messages_identified columns): every
    message of each person in the run scope, or of everyone when the run rebuilds from all
    messages. The scans pick messages by the ids as sent (macro messages_of_users), which is
    cheap before identity is resolved.
#}
{{ config(materialized='view') }}
{%- set from_load = run_window()['from_load_id'] if execute else none %}

-- depends_on: {{ ref('int_segment_messages') }}
-- depends_on: {{ ref('int_identity__anonymous_ids') }}
-- depends_on: {{ ref('int_identity__previous_ids') }}
-- depends_on: {{ ref('int_run__scope') }}
with

{% if from_load is not none %}
person_messages as (
    {{ messages_of_users(
        ref('int_segment_messages'),
        '(select scope.entity_id as user_id from ' ~ ref('int_run__scope')
        ~ ' as scope where scope.entity_type = \'user\')',
        ref('int_identity__anonymous_ids'),
        ref('int_identity__previous_ids'),
    ) }}
)
{% else %}
person_messages as (
    select *
    from {{ ref('int_messages_identified') }}
    where user_id is not null
)
{% endif %}

select * from person_messages
