with

source as (
    select * from {{ source('segment', 'aliases') }}
),

renamed as (
    select
        {{ segment_staging_columns('source') }},

        ----------  aliases
        source.previous_id
    from source
)

select * from renamed
