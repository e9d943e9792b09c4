{#
    The run scope: what an incremental run takes in, decided once per run (docs/DEVELOPING.md).

    - The manifest (table accountable_manifest, one row per incremental model) records the newest
      load each model has taken in. It is written once, in on-run-end, for the models that
      succeeded.
    - The run's window of new loads starts after the oldest manifest entry among the incremental
      models this run builds (a model that fell behind widens the window: it catches up) and ends
      at the newest load. Model int_run__scope computes it once, with the people, anonymous ids
      and accounts the window touches; the incremental models read that one model.
    - An incremental model recomputes each touched entity from all of its history. A run whose
      window has no start (first run, --full-refresh, a model with no manifest entry or no
      table) rebuilds every incremental model from all messages.
#}

{% macro manifest_relation() -%}
    {{ target.schema }}.accountable_manifest
{%- endmacro %}


{# on-run-start: the manifest exists before any model reads it (committed at once) #}
{% macro create_manifest_table() -%}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- do run_query(
            "create table if not exists " ~ manifest_relation() ~ " ("
            ~ "model_name varchar primary key, "
            ~ "last_load_id bigint not null, "
            ~ "recorded_at timestamp not null)"
        ) -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
{%- endmacro %}


{# The incremental models of the project (graph nodes). #}
{% macro incremental_model_nodes() -%}
    {%- set nodes = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.config.materialized == 'incremental' -%}
            {%- do nodes.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(nodes) }}
{%- endmacro %}


{#
    The last load before the run's window (an integer), or none: rebuild from all messages.
    It is the oldest manifest entry among the incremental models this run builds; none when one
    of them has no entry or no table, or on --full-refresh.
#}
{% macro run_window_start() -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for node in incremental_model_nodes() if node.unique_id in selected_resources -%}
        {%- if adapter.get_relation(
            database=node.database, schema=node.schema, identifier=node.alias
        ) is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- do names.append(node.name) -%}
    {%- endfor -%}
    {%- if names | length == 0 or adapter.get_relation(
        database=target.database, schema=target.schema, identifier='accountable_manifest'
    ) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set result = run_query(
        "select count(*), min(last_load_id) from " ~ manifest_relation()
        ~ " where model_name in ('" ~ names | join("', '") ~ "')"
    ) -%}
    {%- set row = result.rows[0] -%}
    {%- if row[0] < names | length -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(row[1] | int) }}
{%- endmacro %}


{#
    This run's window as int_run__scope recorded it: a dict with from_load_id (none: rebuild from
    all messages) and lookback_from. An incremental model run without int_run__scope in the same
    invocation stops here: the scope it would read is an older run's.
#}
{% macro run_window() -%}
    {%- set scope = ref('int_run__scope') -%}
    {%- if adapter.get_relation(
        database=scope.database, schema=scope.schema, identifier=scope.identifier
    ) is none -%}
        {#- never built (a compile, a lint): nothing to scope -#}
        {{ return({'from_load_id': none, 'lookback_from': none}) }}
    {%- endif -%}
    {%- set result = run_query(
        "select from_load_id, lookback_from, entity_id from " ~ ref('int_run__scope')
        ~ " where entity_type = 'run'"
    ) -%}
    {%- if result.rows | length != 1 or result.rows[0][2] != invocation_id -%}
        {{ exceptions.raise_compiler_error(
            this.identifier ~ " is incremental: it recomputes what the run scope int_run__scope"
            ~ " says this run touched, and this run did not build int_run__scope. Select it too:"
            ~ " `dbt build --select +" ~ this.identifier ~ "` (or `dbt build`)."
        ) }}
    {%- endif -%}
    {%- set row = result.rows[0] -%}
    {{ return({
        'from_load_id': none if row[0] is none else row[0] | int,
        'lookback_from': none if row[1] is none else row[1] | string,
    }) }}
{%- endmacro %}


{#
    Whether this model recomputes only the entities of the run scope (else: all of them). It
    first checks that the run builds the run-scope models this one reads (int_run__*): their
    content (and the views' SQL) is decided per run, so one left from an earlier run would make
    even a full rebuild read the wrong messages.
#}
{% macro run_is_scoped() -%}
    {%- if not execute or this is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if model.resource_type == 'model' and flags.WHICH in ('build', 'run') -%}
        {%- set pending = [model.unique_id] -%}
        {%- set seen = [] -%}
        {%- for _ in range(20) if pending -%}
            {%- set parents = [] -%}
            {%- for node_id in pending -%}
                {%- for parent in graph.nodes[node_id].depends_on.nodes
                    if parent in graph.nodes and parent not in seen -%}
                    {%- do seen.append(parent) -%}
                    {%- if graph.nodes[parent].name.startswith('int_run__') -%}
                        {%- do parents.append(parent) -%}
                        {%- if parent not in selected_resources -%}
                            {{ exceptions.raise_compiler_error(
                                this.identifier ~ " reads the run scope " ~ graph.nodes[parent].name
                                ~ ", which this run does not build (it is decided per run). Select"
                                ~ " it too: `dbt build --select +" ~ this.identifier ~ "` (or"
                                ~ " `dbt build`)."
                            ) }}
                        {%- endif -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endfor -%}
            {%- do pending.clear() -%}
            {%- do pending.extend(parents) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if not is_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(run_window()['from_load_id'] is not none) }}
{%- endmacro %}


{#
    pre-hook of the incremental models, the one delete of delete-then-insert: forget the rows of
    the entities the run recomputes (`entity_type` rows of int_run__scope; none: the model
    deletes nothing and writes the rows that changed), or every row when the run rebuilds from
    all messages. Nothing on a first build.
#}
{% macro forget_run_scope(key, entity_type) -%}
    {#- named outside the branch, so that parsing records the dependency -#}
    {%- do ref('int_run__scope') -%}
    {%- set scoped = run_is_scoped() -%}
    {%- if execute and is_incremental() -%}
        {%- if not scoped -%}
            delete from {{ this }}
        {%- elif entity_type is not none -%}
            delete from {{ this }}
            where {{ key }} in ({{ run_scope_ids(entity_type) }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#
    The ids of the run scope's `entity_type` rows, as a subquery: `where key in (...)`. For the
    scoped branch of a model that has the forget_run_scope pre-hook, which declares the
    dependency (so unit tests, which build from all messages, need no scope input).
#}
{% macro run_scope_ids(entity_type) -%}
    select scope.entity_id
    from {{ ref('int_run__scope') }} as scope
    where scope.entity_type = '{{ entity_type }}'
{%- endmacro %}


{# A filter keeping `column` values of the run scope's `entity_type` rows; true when not `scoped`. #}
{% macro in_run_scope(column, entity_type, scoped) -%}
    {%- if scoped -%}
        {{ column }} in ({{ run_scope_ids(entity_type) }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{# on-run-end: each incremental model that succeeded has taken in every load of the window. #}
{% macro write_manifest(results) -%}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- set incremental = incremental_model_nodes() | map(attribute='unique_id') | list -%}
        {%- set names = [] -%}
        {%- for result in results -%}
            {%- if result.status == 'success' and result.node.unique_id in incremental -%}
                {%- do names.append(result.node.name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if names -%}
            {%- set scope = graph.nodes['model.accountable.int_run__scope'].relation_name -%}
            {%- do run_query(
                "delete from " ~ manifest_relation()
                ~ " where model_name in ('" ~ names | join("', '") ~ "');"
                ~ " insert into " ~ manifest_relation() ~ " (model_name, last_load_id, recorded_at)"
                ~ " select names.model_name, scope.to_load_id, current_timestamp"
                ~ " from (values ('" ~ names | join("'), ('") ~ "')) as names (model_name)"
                ~ " cross join " ~ scope ~ " as scope"
                ~ " where scope.entity_type = 'run' and scope.entity_id = '" ~ invocation_id ~ "'"
            ) -%}
            {%- do adapter.commit() -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#
    The rows of `new_rows` (a CTE name) that a delete+insert incremental model must write: those
    whose key is not in the model's table yet, and those whose `columns` differ from the row
    stored under their key (`columns`: the ones a re-processed row can change; the others are
    fixed for a key). A re-processed row that comes out the same costs no delete and no insert
    (docs/DEVELOPING.md). Only for a scoped run: the model's table exists.
#}
{% macro rows_that_changed(new_rows, key, columns) -%}
    select {{ new_rows }}.*
    from {{ new_rows }}
    left join {{ this }} as stored
        on {{ new_rows }}.{{ key }} = stored.{{ key }}
    where
        stored.{{ key }} is null
        {%- for column in columns %}
        or {{ new_rows }}.{{ column }} is distinct from stored.{{ column }}
        {%- endfor %}
{%- endmacro %}
