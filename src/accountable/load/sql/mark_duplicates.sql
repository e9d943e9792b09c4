update _accountable_parsed as parsed
set outcome = 'duplicate'
from _accountable_duplicates as duplicates
where parsed.file_idx = duplicates.file_idx and parsed.line = duplicates.line
