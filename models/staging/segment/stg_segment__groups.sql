with

source as (
    select * from {{ source('segment', 'groups') }}
),

renamed as (
    select
        {{ segment_staging_columns('source') }},

        ----------  groups
        source.traits
    from source
)

select * from renamed
