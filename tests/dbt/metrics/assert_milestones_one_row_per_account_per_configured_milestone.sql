-- fct_account_milestones holds exactly one row per account per milestone named in var milestones:
-- no account or milestone missing, no milestone that is not configured.
with

milestones as (
    select * from {{ ref('fct_account_milestones') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

milestone_definitions as (
    {{ milestone_definition_rows() }}
),

expected as (
    select
        accounts.account_id,
        milestone_definitions.milestone
    from accounts
    cross join milestone_definitions
),

final as (
    select
        coalesce(expected.account_id, milestones.account_id) as account_id,
        coalesce(expected.milestone, milestones.milestone) as milestone,
        expected.account_id is not null as is_expected,
        milestones.account_id is not null as is_present
    from expected
    full outer join milestones
        on
            expected.account_id = milestones.account_id
            and expected.milestone = milestones.milestone
    where expected.account_id is null or milestones.account_id is null
)

select * from final
