-- Contract section 2: for every file of every load, lines = inserted + duplicates + rejected.
select *
from {{ source('segment', 'loads') }}
where lines != inserted + duplicates + rejected
