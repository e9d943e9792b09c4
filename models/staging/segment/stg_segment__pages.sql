with

source as (
    select * from {{ source('segment', 'pages') }}
),

renamed as (
    select
        {{ segment_staging_columns('source') }},

        ----------  pages
        source.name as page_name,
        source.properties
    from source
)

select * from renamed
