with

source as (
    select * from {{ source('segment', 'tracks') }}
),

renamed as (
    select
        {{ segment_staging_columns('source') }},

        ----------  tracks
        source.event as event_name,
        source.properties
    from source
)

select * from renamed
