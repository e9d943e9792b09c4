-- The cohort retention triangle, pivoted like a cohort table: one row per cohort, one column per
-- period number, each cell the percentage of the cohort active in that period (null where the
-- period has not happened yet). Change the parameters below; compile with `dbt compile` and run
-- the SQL in target/compiled/accountable/analyses/.
{%- set retention_model = 'account_retention' %}  {#- or user_retention #}
{%- set period = 'week' %}                         {#- one of var retention_periods #}
{%- set period_numbers = 12 %}                     {#- columns period_0 .. period_<n - 1> #}

with

retention as (
    select * from {{ ref(retention_model) }}
),

triangle as (
    select
        cohort_start,
        {%- for period_number in range(period_numbers) %}
        round(100 * max(case when period_number = {{ period_number }} then retention_rate end), 1)
            as period_{{ period_number }},
        {%- endfor %}
        cohort_size
    from retention
    where period = {{ sql_string(period) }}
    group by cohort_start, cohort_size
)

select * from triangle
order by cohort_start
