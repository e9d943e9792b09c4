-- The parsed lines whose messageId was loaded before: into a raw table, or on an earlier line
-- (the first copy in file order, then line order, wins). The CTE loaded_before has one
-- `select message_id from raw.<table> where message_id in (select ... from accepted)` per raw
-- table: each builds its hash table on the new ids and streams the raw table's ids past it, so a
-- big warehouse costs one scan of a column per transaction.
create or replace temp table _accountable_duplicates as
with

accepted as (
    select file_idx, line, message_id
    from _accountable_parsed
    where outcome = 'inserted'
),

loaded_before as (
    {loaded_before}
),

repeated_ids as (
    select message_id
    from accepted
    group by message_id
    having count(*) > 1
),

later_copies as (
    select file_idx, line
    from (
        select
            accepted.file_idx,
            accepted.line,
            row_number() over (
                partition by accepted.message_id order by accepted.file_idx, accepted.line
            ) as copy_number
        from accepted
        inner join repeated_ids on accepted.message_id = repeated_ids.message_id
    )
    where copy_number > 1
)

select accepted.file_idx, accepted.line
from accepted
inner join loaded_before on accepted.message_id = loaded_before.message_id
union
select file_idx, line
from later_copies
