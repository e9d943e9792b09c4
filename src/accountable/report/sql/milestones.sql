-- The milestones configured when the marts were built (fct_account_milestones has a row per
-- account per configured milestone).
select distinct milestone
from fct_account_milestones
order by milestone
