with

account_milestones as (
    select * from {{ ref('int_account_milestones') }}
)

select * from account_milestones
