-- Lines of the transaction per file and outcome (inserted, duplicate, or the rejection reason).
select file_idx, coalesce(reason, outcome) as outcome, count(*) as messages
from _accountable_parsed
group by all
