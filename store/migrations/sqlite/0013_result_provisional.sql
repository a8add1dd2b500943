-- A result computed while a day of its window was still in progress is
-- provisional: once that day is over (rules.DayEnd) a clock-in without a
-- clock-out becomes an exception and missed hours become absence, so the
-- result must be computed again. provisional_until is the earliest such
-- day end; NULL when every day was over. Results stored before this
-- migration that were computed before their window (the month and the
-- week after) ended are due now.
ALTER TABLE month_results ADD COLUMN provisional_until TEXT;
CREATE INDEX month_results_provisional ON month_results (provisional_until) WHERE provisional_until IS NOT NULL;
UPDATE month_results SET provisional_until = computed_at WHERE computed_at < strftime('%Y-%m-%dT%H:%M:%fZ', month_on, '+1 month', '+8 days');
