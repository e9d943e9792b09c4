{#
    The columns every staged Segment message has, renamed once: keys, the corrected event time,
    the raw time fields, context and lineage. Used by each stg_segment__* model so the six stay alike.
#}
{% macro segment_staging_columns(source_cte) -%}
        ----------  ids
        {{ source_cte }}.message_id,
        {{ source_cte }}.user_id,
        {{ source_cte }}.anonymous_id,
        coalesce({{ source_cte }}.group_id, {{ source_cte }}.context_group_id) as group_id,

        ----------  time (UTC)
        {{ segment_event_at(
            source_cte ~ '.timestamp',
            source_cte ~ '.original_timestamp',
            source_cte ~ '.sent_at',
            source_cte ~ '.received_at',
        ) }} as event_at,
        {{ source_cte }}.timestamp as message_timestamp,
        {{ source_cte }}.original_timestamp,
        {{ source_cte }}.sent_at,
        {{ source_cte }}.received_at,

        ----------  payload and lineage
        {{ source_cte }}.context,
        {{ source_cte }}._load_id as load_id,
        {{ source_cte }}._loaded_at as loaded_at,
        {{ source_cte }}._file as source_file,
        {{ source_cte }}._line as source_line
{%- endmacro %}
