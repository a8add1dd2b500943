-- 超勤代休時間 earned by a month's overtime beyond 60 hours is granted when
-- the month is closed. The uplift it replaces differs on working days
-- (25/100) and rest days (15/100), so results keep the rest-day part of
-- over60_min; results stored before this column that have overtime
-- beyond 60 hours are due for computing again. The grant records the
-- month that earned it (earned_on, its first day), one grant per staff
-- member and month, updated when a reopened month is closed again.
-- Payroll also takes the leave by category (年休, 病休, 特休 …), kept as
-- JSON; results with leave are due again as well.
ALTER TABLE month_results ADD COLUMN over60_rest_min INTEGER NOT NULL DEFAULT 0;
ALTER TABLE month_results ADD COLUMN leave_by_category TEXT NOT NULL DEFAULT '{}';
UPDATE month_results SET provisional_until = computed_at
	WHERE (over60_min > 0 OR leave_min > 0 OR unpaid_leave_min > 0) AND provisional_until IS NULL;
ALTER TABLE leave_grants ADD COLUMN earned_on TEXT;
CREATE UNIQUE INDEX leave_grants_earned ON leave_grants (staff_id, balance, earned_on) WHERE earned_on IS NOT NULL;
