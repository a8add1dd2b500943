package leave

import (
	"time"

	"kintai"
	"kintai/calendar"
)

// Leave type codes of DefaultTypes that other packages refer to.
const (
	CodeAnnual       = "annual"
	CodeSick         = "sick"
	CodeSummer       = "summer"
	CodeCompensatory = "compensatory"
	CodeOvertimeComp = "overtime_comp"
	CodeBereavement  = "bereavement"
)

// DefaultTypes returns the common leave types of rules-jp.md §4.4 as a
// starting list. Days vary by entity: every type except 年次休暇 and
// 超勤代休時間 is marked ToConfirm, with the source and what is not
// confirmed in Note.
func DefaultTypes() []Type {
	all := []Unit{UnitDay, UnitHalfDay, UnitHour}
	dayHour := []Unit{UnitDay, UnitHour}
	days := []Unit{UnitDay}
	byYear := func(one, two int) *Limit {
		return &Limit{Period: PerCalendarYear, Cases: []Case{
			{Code: "one", Name: "対象者1人", Days: one},
			{Code: "two_or_more", Name: "対象者2人以上", Days: two},
		}}
	}
	return []Type{
		{Code: CodeAnnual, Name: "年次休暇", Category: Annual, Units: all, Paid: true,
			Note: "勤務時間法17条 [確認]. Units: national rules allow days and hours (15 min for shift workers); 半日 is an entity's choice."},
		{Code: CodeSick, Name: "病気休暇", Category: Sick, Units: dayHour, Paid: true, ToConfirm: true,
			Limit: &Limit{Days: 90, Period: PerSpell},
			Note:  "規則15-14 21条 [確認]: 90 days in a row with 除外日 excluded; 生理日, 公務災害 and 通勤災害 are outside the limit; pay is halved after 90 days. Terms for 会計年度任用職員 differ by entity."},
		{Code: CodeSummer, Name: "夏季休暇", Category: Summer, Units: days, Paid: true, ToConfirm: true,
			Limit:  &Limit{Days: 5, Period: PerCalendarYear},
			Window: &Window{From: calendar.MonthDay{Month: time.July, Day: 1}, To: calendar.MonthDay{Month: time.September, Day: 30}},
			Note:   "Many municipalities 5 days [二次]; national 3 days in July–September [未確認]."},
		{Code: "marriage", Name: "結婚休暇", Category: Special, Units: days, Paid: true, ToConfirm: true,
			Limit: &Limit{Days: 7, Period: PerEvent},
			Note:  "7 days [二次, 江津市]; national 5 days [未確認]. The period around the wedding in which it must be taken is not checked."},
		{Code: "child_sick", Name: "子の看護休暇", Category: Special, Units: dayHour, Paid: true, ToConfirm: true,
			Limit: byYear(5, 10), Note: "5 days a year, 10 for two or more children [二次]."},
		{Code: "family_care", Name: "短期介護休暇", Category: Special, Units: dayHour, Paid: true, ToConfirm: true,
			Limit: byYear(5, 10), Note: "5 days a year, 10 for two or more family members needing care [二次]."},
		{Code: CodeBereavement, Name: "忌引休暇", Category: Special, Units: days, Paid: true, ToConfirm: true,
			Limit: &Limit{Period: PerEvent, Cases: bereavementCases()},
			Note:  "規則15-14 別表第2, partly garbled in the copy seen (rules-jp.md §4.4). Travel days (往復日数) that many rules add are not included."},
		{Code: "prenatal", Name: "産前休暇", Category: Special, Units: days, Paid: true, ToConfirm: true,
			Limit: &Limit{Period: PerEvent, CalendarDays: true, Cases: []Case{
				{Code: "single", Name: "単胎", Days: 8 * 7},
				{Code: "multiple", Name: "多胎", Days: 14 * 7},
			}},
			Note: "8 weeks (14 for multiple births) [二次]; national 6 weeks [未確認]. Counted in calendar days."},
		{Code: "postnatal", Name: "産後休暇", Category: Special, Units: days, Paid: true, ToConfirm: true,
			Limit: &Limit{Days: 8 * 7, Period: PerEvent, CalendarDays: true},
			Note:  "8 weeks after the birth [二次]. Counted in calendar days."},
		{Code: "childcare_time", Name: "育児時間", Category: Special, Units: []Unit{UnitQuarterHour}, Paid: true, ToConfirm: true,
			UnpaidFor: []kintai.EmploymentType{kintai.FiscalPart},
			Limit:     &Limit{Min: 60, Period: PerDay},
			Note:      "2 × 30 minutes a day; unpaid for part-time non-regular staff under 規則15-15 [確認] (rules-jp.md §4.4)."},
		{Code: "election", Name: "選挙権行使等", Category: Special, Units: all, Paid: true, ToConfirm: true,
			Note: "The time needed [二次]."},
		{Code: "court", Name: "裁判員・証人等", Category: Special, Units: all, Paid: true, ToConfirm: true,
			Note: "The time needed [二次]."},
		{Code: "disaster_home", Name: "災害（住居の滅失・損壊）", Category: Special, Units: days, Paid: true, ToConfirm: true,
			Limit: &Limit{Days: 7, Period: PerEvent, CalendarDays: true},
			Note:  "Up to 1 week [二次]."},
		{Code: "disaster_traffic", Name: "災害・感染症等による交通遮断", Category: Special, Units: all, Paid: true, ToConfirm: true,
			Note: "The time needed [二次]."},
		{Code: "volunteer", Name: "ボランティア休暇", Category: Special, Units: dayHour, Paid: true, ToConfirm: true,
			Limit: &Limit{Days: 5, Period: PerCalendarYear},
			Note:  "Days per year vary by entity; 5 is a common figure [未確認]."},
		{Code: "marrow_donor", Name: "骨髄等ドナー", Category: Special, Units: dayHour, Paid: true, ToConfirm: true,
			Note: "The time needed [二次]."},
		{Code: CodeCompensatory, Name: "代休", Category: Compensatory, Units: days, Paid: true, ToConfirm: true,
			Note: "A day off given for work on a 休日; bounded by the days owed (a Ledger), not by a limit."},
		{Code: CodeOvertimeComp, Name: "超勤代休時間", Category: OvertimeComp, Units: dayHour, Paid: true,
			Note: "勤務時間法13条の2 [確認]; 4 hours or a whole day within the 2 months after the overtime [二次] (CheckCompDesignation)."},
	}
}

// bereavementCases is 忌引 by relation, 人事院規則15-14 別表第2 (rules-jp.md
// §4.4). The rows for 父母, 子 and 孫 are garbled in the copy seen; the
// figures given are the national-style table of 奈良 (機構規程) and 国頭村.
func bereavementCases() []Case {
	const unsure = "[未確認] garbled in the copy of 別表第2; 奈良・国頭村 figure"
	return []Case{
		{Code: "spouse", Name: "配偶者", Days: 7},
		{Code: "parent", Name: "父母", Days: 7, Note: unsure},
		{Code: "child", Name: "子", Days: 5, Note: unsure},
		{Code: "grandparent", Name: "祖父母", Days: 3},
		{Code: "grandparent_heir", Name: "祖父母（祭具等の承継者）", Days: 7},
		{Code: "grandchild", Name: "孫", Days: 1, Note: unsure},
		{Code: "sibling", Name: "兄弟姉妹", Days: 3},
		{Code: "uncle_aunt", Name: "おじ・おば", Days: 1},
		{Code: "uncle_aunt_heir", Name: "おじ・おば（祭具等の承継者）", Days: 7},
		{Code: "step_parent", Name: "父母の配偶者・配偶者の父母", Days: 3},
		{Code: "step_parent_household", Name: "父母の配偶者・配偶者の父母（同居）", Days: 7},
		{Code: "child_spouse", Name: "子の配偶者・配偶者の子", Days: 1},
		{Code: "child_spouse_household", Name: "子の配偶者・配偶者の子（同居）", Days: 5},
		{Code: "grandparent_spouse", Name: "祖父母の配偶者・配偶者の祖父母", Days: 1},
		{Code: "grandparent_spouse_household", Name: "祖父母の配偶者・配偶者の祖父母（同居）", Days: 3},
		{Code: "sibling_spouse", Name: "兄弟姉妹の配偶者・配偶者の兄弟姉妹", Days: 1},
		{Code: "uncle_aunt_spouse", Name: "おじ又はおばの配偶者", Days: 1},
	}
}
