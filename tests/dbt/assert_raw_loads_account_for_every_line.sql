-- Contract section 2: for every file of every load, lines = inserted + duplicates + rejected.
select *
from {{ ref('stg_segment__loads') }}
where lines != inserted + duplicates + rejected
