-- The raw landing schema. One table per Segment message type, typed common fields, JSON columns
-- for traits / properties / context and the whole message, and the lineage of every row.
-- All timestamps are UTC (TIMESTAMP without time zone). Ids that are null or '' are stored null.
create schema if not exists raw;

create sequence if not exists raw.load_id_seq start 1;

create table if not exists raw.loads (
    load_id bigint not null,        -- one id per `accountable load` call
    file varchar not null,          -- absolute path of the file
    lines bigint not null,          -- non-blank lines (batch files: elements of `batch`)
    inserted bigint not null,
    duplicates bigint not null,
    rejected bigint not null,
    loaded_at timestamp not null,
    seconds double
);

create table if not exists raw.rejected (
    load_id bigint not null,
    file varchar not null,
    line bigint not null,           -- 1-based line number; batch files: 1-based element position
    reason varchar not null,        -- invalid_json, not_an_object, missing_type, unknown_type,
                                    -- missing_message_id, missing_identity, missing_timestamp
    detail varchar,                 -- a human sentence: what was wrong
    raw_text varchar not null,      -- the original text of the line / element
    rejected_at timestamp not null
);

-- The common columns, repeated per table by the loader (see load.py: RAW_TABLES).
