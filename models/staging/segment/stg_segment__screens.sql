with

source as (
    select * from {{ source('segment', 'screens') }}
),

renamed as (
    select
        {{ segment_staging_columns('source') }},

        ----------  screens
        source.name as screen_name,
        source.properties
    from source
)

select * from renamed
