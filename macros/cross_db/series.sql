{#
    Spines without packages (the dbt hub is out of reach).

    number_series(upper_bound): a select of one column `number`, the whole numbers 0..upper_bound.
    `upper_bound` is a SQL expression, possibly a scalar subquery over the model's own CTEs; an
    upper bound that is null or negative gives no rows. The default implementation multiplies
    digits (up to 10^6 - 1), enough for a day spine of two thousand years.

    date_spine(start_date, end_date): a select of one column `date_day`, every date from
    start_date to end_date inclusive (SQL date expressions; none when end < start or either null).
#}
{% macro number_series(upper_bound) -%}
    {{ return(adapter.dispatch('number_series', 'accountable')(upper_bound)) }}
{%- endmacro %}

{% macro default__number_series(upper_bound) -%}
    select numbers.number
    from (
        select
            units.digit
            + 10 * tens.digit
            + 100 * hundreds.digit
            + 1000 * thousands.digit
            + 10000 * ten_thousands.digit
            + 100000 * hundred_thousands.digit as number
        {%- for power in ['units', 'tens', 'hundreds', 'thousands', 'ten_thousands', 'hundred_thousands'] %}
        {{ 'from' if loop.first else 'cross join' }} (
            {%- for digit in range(10) %}
            select {{ digit }} as digit{{ ' union all' if not loop.last }}
            {%- endfor %}
        ) as {{ power }}
        {%- endfor %}
    ) as numbers
    where numbers.number <= ({{ upper_bound }})
{%- endmacro %}

{% macro duckdb__number_series(upper_bound) -%}
    select cast(generate_series as {{ dbt.type_int() }}) as number
    from generate_series(0, cast(coalesce(({{ upper_bound }}), -1) as bigint))
{%- endmacro %}


{% macro date_spine(start_date, end_date) -%}
    select
        cast({{ dbt.dateadd('day', 'day_numbers.number', start_date) }} as date) as date_day
    from (
        {{ number_series(dbt.datediff(start_date, end_date, 'day')) }}
    ) as day_numbers
{%- endmacro %}
