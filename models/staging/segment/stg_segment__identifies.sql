with

source as (
    select * from {{ source('segment', 'identifies') }}
),

renamed as (
    select
        {{ segment_staging_columns('source') }},

        ----------  identifies
        source.traits
    from source
)

select * from renamed
