{#
    Incremental bookkeeping. Every incremental model remembers the newest raw load
    (raw.loads.load_id) it has taken in, in table accountable_watermarks (one row per model,
    written by the model's post-hook inside the model's own transaction, so a failed run leaves
    it unchanged). The next run merges only messages of later loads. Load ids come from a
    sequence and a dbt run holds DuckDB's write lock, so no load can slip in between.

    A model with no recorded watermark (first run, --full-refresh, or a table built before
    watermarks existed) is built from all messages: incremental_watermark() returns none.
#}

{% macro watermark_relation() -%}
    {{ target.schema }}.accountable_watermarks
{%- endmacro %}


{# on-run-start: the bookkeeping table exists before any model reads it (committed at once) #}
{% macro create_watermark_table() -%}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- do run_query(
            "create table if not exists " ~ watermark_relation() ~ " ("
            ~ "model_name varchar primary key, "
            ~ "raw_load_id bigint not null, "
            ~ "recorded_at timestamp not null)"
        ) -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
{%- endmacro %}


{# The newest raw load this model has merged (an integer), or none: build from all messages. #}
{% macro incremental_watermark() -%}
    {#- unit tests have no relation of their own: they test the full build -#}
    {%- if not execute or this is none or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set table = adapter.get_relation(
        database=target.database, schema=target.schema, identifier='accountable_watermarks'
    ) -%}
    {%- if table is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set result = run_query(
        "select max(raw_load_id) from " ~ watermark_relation()
        ~ " where model_name = '" ~ this.identifier ~ "'"
    ) -%}
    {{ return(result.columns[0].values()[0]) }}
{%- endmacro %}


{# The newest raw load in the warehouse now (0 when nothing was loaded): an integer. #}
{% macro current_raw_load_id() -%}
    {%- set loads = source('segment', 'loads') if execute and this is not none else none -%}
    {%- if loads is none or adapter.get_relation(
        database=loads.database, schema=loads.schema, identifier=loads.identifier
    ) is none -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set result = run_query(
        "select coalesce(max(load_id), 0) from " ~ source('segment', 'loads')
    ) -%}
    {{ return(result.columns[0].values()[0] | int) }}
{%- endmacro %}


{#
    post-hooks of every incremental model: it has now taken in every load up to the newest.
    Two portable statements (delete, insert), not an engine's upsert.
    Use: post_hook=watermark_hooks()
#}
{% macro watermark_hooks() -%}
    {{ return([
        "delete from " ~ watermark_relation() ~ " where model_name = '{{ this.identifier }}'",
        "insert into " ~ watermark_relation() ~ " (model_name, raw_load_id, recorded_at) "
        ~ "select '{{ this.identifier }}', coalesce(max(load_id), 0), current_timestamp "
        ~ "from {{ source('segment', 'loads') }}",
    ]) }}
{%- endmacro %}


{# A filter keeping the messages of loads after `watermark`; every message when it is none. #}
{% macro loaded_after(watermark, load_id='load_id') -%}
    {%- if watermark is none -%}
        true
    {%- else -%}
        {{ load_id }} > {{ watermark }}
    {%- endif -%}
{%- endmacro %}


{#
    An incremental model that reads the change bookkeeping of other incremental models (who
    changed owner, which memberships changed) must run after them: otherwise changes made later
    would be stamped with a load it has already taken in, and missed. dbt build and dbt run do
    run them in order; a selection that skips them (`dbt run -s int_users` after a load) stops
    here with what to run instead.
#}
{% macro assert_upstream_watermarks_current(models) -%}
    {%- set watermark = incremental_watermark() -%}
    {%- if watermark is not none -%}
        {%- set current_load = current_raw_load_id() -%}
        {%- set result = run_query(
            "select model_name, raw_load_id from " ~ watermark_relation()
            ~ " where model_name in ('" ~ models | join("', '") ~ "')"
        ) -%}
        {%- set seen = {} -%}
        {%- for row in result.rows -%}
            {%- do seen.update({row[0]: row[1]}) -%}
        {%- endfor -%}
        {%- for name in models -%}
            {%- if seen.get(name) is none or seen[name] < current_load -%}
                {{ exceptions.raise_compiler_error(
                    this.identifier ~ " is incremental and reads the changes " ~ name
                    ~ " records, which has not taken in the newest load (" ~ current_load
                    ~ ") yet. Build them together: `dbt build --select +" ~ this.identifier
                    ~ "` (or `dbt build`)."
                ) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
