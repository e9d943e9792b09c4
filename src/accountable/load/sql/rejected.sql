-- The transaction's rejected lines, unless the same line of the same file was rejected before
-- (loading again changes no row).
insert into raw.rejected (load_id, file, line, reason, detail, raw_text, rejected_at)
with

rejected_here as (
    select
        $files[parsed.file_idx + 1] as file,
        parsed.line,
        parsed.reason,
        parsed.detail,
        parsed.rejected_text
    from _accountable_parsed as parsed
    where parsed.outcome = 'rejected'
)

select $load_id, file, line, reason, detail, rejected_text, $loaded_at
from rejected_here
where not exists (
    select 1
    from raw.rejected
    where
        rejected.file = rejected_here.file
        and rejected.line = rejected_here.line
        and rejected.raw_text = rejected_here.rejected_text
)
order by file, line
