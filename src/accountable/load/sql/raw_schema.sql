-- The raw landing schema. One table per Segment message type, typed common fields, JSON columns
-- for traits / properties / context and the whole message, and the lineage of every row.
-- All timestamps are UTC (TIMESTAMP without time zone). Ids that are null or '' are stored null.
-- The JSON and id columns are marked `compressed` in a block comment after their type: the loader
-- stores them with ZSTD when the database file's storage format has it for strings (DuckDB 1.2 or
-- later; the loader creates new warehouses so), and leaves the choice to DuckDB otherwise (FSST).
-- ZSTD makes them about 2.5x smaller than FSST and is cheaper to write (database.schema_sql).
create schema if not exists raw;

create sequence if not exists raw.load_id_seq start 1;

create table if not exists raw.loads (
    load_id bigint not null,                      -- one id per `accountable load` call
    file varchar not null,                        -- absolute path of the file
    lines bigint not null,                        -- non-blank lines (batch files: elements of `batch`)
    inserted bigint not null,
    duplicates bigint not null,
    rejected bigint not null,
    loaded_at timestamp not null,
    seconds double,
    skipped_reason varchar                        -- null: loaded; else why the file was not read
);
-- Warehouses created before skipped files were recorded.
alter table raw.loads add column if not exists skipped_reason varchar;

create table if not exists raw.rejected (
    load_id bigint not null,
    file varchar not null,
    line bigint not null,                         -- 1-based line number; batch files: 1-based element position
    reason varchar not null,                      -- a code of load.REASONS (CONTRACT.md section 2)
    detail varchar,                               -- a human sentence: what was wrong
    raw_text varchar not null,                    -- the original text of the line / element
    rejected_at timestamp not null
);

-- One table per message type. The first ten columns and the last six are the same in all six
-- tables; the type-specific columns sit between received_at and context. The loader names every
-- column it inserts (statements.py), so a change here must be made there too.

create table if not exists raw.identifies (
    message_id varchar /* compressed */ not null, -- messageId; unique across the six tables
    type varchar,                                 -- the message type, lowercase
    user_id varchar /* compressed */,
    anonymous_id varchar /* compressed */,
    group_id varchar /* compressed */,            -- top-level groupId
    context_group_id varchar /* compressed */,    -- context.groupId
    timestamp timestamp,                          -- UTC; null when missing or unparseable
    original_timestamp timestamp,
    sent_at timestamp,
    received_at timestamp,
    traits json /* compressed */,
    context json /* compressed */,
    message json /* compressed */,                -- the whole message (batch elements: with sentAt / context filled in)
    _file varchar,                                -- absolute path of the file the row came from
    _line bigint,                                 -- 1-based line number; batch files: 1-based element position
    _load_id bigint,
    _loaded_at timestamp
);

create table if not exists raw.groups (
    message_id varchar /* compressed */ not null, -- messageId; unique across the six tables
    type varchar,                                 -- the message type, lowercase
    user_id varchar /* compressed */,
    anonymous_id varchar /* compressed */,
    group_id varchar /* compressed */,            -- top-level groupId
    context_group_id varchar /* compressed */,    -- context.groupId
    timestamp timestamp,                          -- UTC; null when missing or unparseable
    original_timestamp timestamp,
    sent_at timestamp,
    received_at timestamp,
    traits json /* compressed */,
    context json /* compressed */,
    message json /* compressed */,                -- the whole message (batch elements: with sentAt / context filled in)
    _file varchar,                                -- absolute path of the file the row came from
    _line bigint,                                 -- 1-based line number; batch files: 1-based element position
    _load_id bigint,
    _loaded_at timestamp
);

create table if not exists raw.tracks (
    message_id varchar /* compressed */ not null, -- messageId; unique across the six tables
    type varchar,                                 -- the message type, lowercase
    user_id varchar /* compressed */,
    anonymous_id varchar /* compressed */,
    group_id varchar /* compressed */,            -- top-level groupId
    context_group_id varchar /* compressed */,    -- context.groupId
    timestamp timestamp,                          -- UTC; null when missing or unparseable
    original_timestamp timestamp,
    sent_at timestamp,
    received_at timestamp,
    event varchar /* compressed */,
    properties json /* compressed */,
    context json /* compressed */,
    message json /* compressed */,                -- the whole message (batch elements: with sentAt / context filled in)
    _file varchar,                                -- absolute path of the file the row came from
    _line bigint,                                 -- 1-based line number; batch files: 1-based element position
    _load_id bigint,
    _loaded_at timestamp
);

create table if not exists raw.pages (
    message_id varchar /* compressed */ not null, -- messageId; unique across the six tables
    type varchar,                                 -- the message type, lowercase
    user_id varchar /* compressed */,
    anonymous_id varchar /* compressed */,
    group_id varchar /* compressed */,            -- top-level groupId
    context_group_id varchar /* compressed */,    -- context.groupId
    timestamp timestamp,                          -- UTC; null when missing or unparseable
    original_timestamp timestamp,
    sent_at timestamp,
    received_at timestamp,
    name varchar /* compressed */,
    properties json /* compressed */,
    context json /* compressed */,
    message json /* compressed */,                -- the whole message (batch elements: with sentAt / context filled in)
    _file varchar,                                -- absolute path of the file the row came from
    _line bigint,                                 -- 1-based line number; batch files: 1-based element position
    _load_id bigint,
    _loaded_at timestamp
);

create table if not exists raw.screens (
    message_id varchar /* compressed */ not null, -- messageId; unique across the six tables
    type varchar,                                 -- the message type, lowercase
    user_id varchar /* compressed */,
    anonymous_id varchar /* compressed */,
    group_id varchar /* compressed */,            -- top-level groupId
    context_group_id varchar /* compressed */,    -- context.groupId
    timestamp timestamp,                          -- UTC; null when missing or unparseable
    original_timestamp timestamp,
    sent_at timestamp,
    received_at timestamp,
    name varchar /* compressed */,
    properties json /* compressed */,
    context json /* compressed */,
    message json /* compressed */,                -- the whole message (batch elements: with sentAt / context filled in)
    _file varchar,                                -- absolute path of the file the row came from
    _line bigint,                                 -- 1-based line number; batch files: 1-based element position
    _load_id bigint,
    _loaded_at timestamp
);

create table if not exists raw.aliases (
    message_id varchar /* compressed */ not null, -- messageId; unique across the six tables
    type varchar,                                 -- the message type, lowercase
    user_id varchar /* compressed */,
    anonymous_id varchar /* compressed */,
    group_id varchar /* compressed */,            -- top-level groupId
    context_group_id varchar /* compressed */,    -- context.groupId
    timestamp timestamp,                          -- UTC; null when missing or unparseable
    original_timestamp timestamp,
    sent_at timestamp,
    received_at timestamp,
    previous_id varchar /* compressed */,
    context json /* compressed */,
    message json /* compressed */,                -- the whole message (batch elements: with sentAt / context filled in)
    _file varchar,                                -- absolute path of the file the row came from
    _line bigint,                                 -- 1-based line number; batch files: 1-based element position
    _load_id bigint,
    _loaded_at timestamp
);
