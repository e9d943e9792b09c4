with

source as (
    select * from {{ source('segment', 'loads') }}
),

renamed as (
    select
        ----------  ids
        source.load_id,
        source.file as source_file,

        ----------  accounting
        source.lines,
        source.inserted,
        source.duplicates,
        source.rejected,
        source.skipped_reason,
        source.skipped_reason is not null as is_skipped,

        ----------  time (UTC)
        source.loaded_at,
        source.seconds
    from source
)

select * from renamed
