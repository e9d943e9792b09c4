-- The transaction's new messages of one type, in one statement per table: one big statement lets
-- DuckDB compress and write the rows on all cores as it goes (small appends would stay in memory
-- and be compressed at commit on one core). A plain filtered scan on purpose: any join (even
-- with a two-row list of files) also makes DuckDB keep the rows until commit. `$files` is the
-- list of file paths of the call, indexed by file_idx.
insert into raw.{table} ({columns})
select
    {values}
from _accountable_parsed as parsed
where parsed.outcome = 'inserted' and parsed.type = '{message_type}'
