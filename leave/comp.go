package leave

import (
	"fmt"
	"time"

	"kintai"
)

// OvertimeCompMin returns the minutes of 超勤代休時間 (time off instead of
// the beyond-60 uplift, 勤務時間法 第13条の2) that a month's overtime
// beyond 60 hours earns: the minutes worked beyond 60 hours on working
// days (第1号, night included) × CompUpliftWorkday / 100 plus those on
// Saturdays and other 週休日 counted towards 60 hours (第2号) ×
// CompUpliftRest / 100, fractions of a minute dropped. 16 hours beyond 60
// on weekdays earn 4 hours (§3.5; the exact wording of 規則15-14 第16条の3
// is [未確認]).
func (s Settings) OvertimeCompMin(workdayMin, restMin int) int {
	return (max(workdayMin, 0)*s.CompUpliftWorkday + max(restMin, 0)*s.CompUpliftRest) / 100
}

// CompWindow returns the days in which the 超勤代休時間 earned in month
// (year, month) may be designated: the following CompWindowMonths months
// (by default the next month and the one after).
func (s Settings) CompWindow(year int, month time.Month) (from, to kintai.Date) {
	return kintai.NewDate(year, month+1, 1), kintai.NewDate(year, month+1+time.Month(s.CompWindowMonths), 0)
}

// OvertimeCompGrant returns the 超勤代休時間 earned in month (year, month)
// as a grant for the staff member's 超勤代休時間 Ledger (NewCompLedger),
// valid over CompWindow. The Amount is zero when nothing is earned.
func (s Settings) OvertimeCompGrant(year int, month time.Month, workdayMin, restMin int) Grant {
	from, to := s.CompWindow(year, month)
	return Grant{
		Amount:    MinutesAmount(s.OvertimeCompMin(workdayMin, restMin)),
		GrantedOn: from,
		ExpiresOn: to,
		Note:      fmt.Sprintf("%d年%d月の60時間超勤務分", year, month),
	}
}

// NewCompLedger returns an empty 超勤代休時間 ledger for a day of dayMin
// minutes. Its uses may take any minutes: the units (4 hours or a day,
// made up with annual leave) are CheckCompDesignation's.
func NewCompLedger(dayMin int, s Settings) Ledger {
	l := NewLedger(dayMin, s)
	l.CarriedFirst = false
	l.FreeMinutes = true
	return l
}

// CompDesignation is a day or half day of 超勤代休時間 designated for a
// staff member (超勤代休時間の指定).
type CompDesignation struct {
	// Year and Month are the month of the overtime being replaced.
	Year  int        `json:"year"`
	Month time.Month `json:"month"`
	// Date is the day of time off.
	Date kintai.Date `json:"date"`
	// CompMin is taken from the 超勤代休時間 earned, and AnnualMin is
	// annual leave joined to it to make up the unit (§3.5).
	CompMin   int `json:"comp_min"`
	AnnualMin int `json:"annual_min,omitempty"`
}

// CheckCompDesignation reports whether d may be designated for a staff
// member whose day is dayMin minutes and who has leftMin minutes of the
// month's 超勤代休時間 not yet designated: d.Date must fall in the month's
// CompWindow, and the time off, with any annual leave joined to it, must
// be CompUnitMin (4 hours) or a whole day. Placing the time at the start
// or end of the working day is the schedule's concern.
func (s Settings) CheckCompDesignation(d CompDesignation, leftMin, dayMin int) error {
	from, to := s.CompWindow(d.Year, d.Month)
	switch {
	case d.Date.Before(from) || d.Date.After(to):
		return kintai.Invalid("date", fmt.Sprintf("%d年%d月分の超勤代休時間は%sから%sまでの間に指定してください。", d.Year, d.Month, from, to),
			fmt.Sprintf("超勤代休時間 for %d-%02d must be designated from %s to %s.", d.Year, d.Month, from, to))
	case d.CompMin <= 0 || d.AnnualMin < 0:
		return kintai.Invalid("comp_min", "超勤代休時間の時間数を指定してください。", "The time off must be positive.")
	case d.CompMin > leftMin:
		return kintai.Invalid("comp_min", fmt.Sprintf("超勤代休時間の残り（%s）を超えています。", MinutesAmount(leftMin)),
			fmt.Sprintf("More than the 超勤代休時間 left (%s).", MinutesAmount(leftMin).English()))
	}
	if total := d.CompMin + d.AnnualMin; total != s.CompUnitMin && total != dayMin {
		return kintai.Invalid("comp_min", fmt.Sprintf("超勤代休時間は%s又は1日（%s）単位で指定してください（年次休暇を合わせて%s）。", MinutesAmount(s.CompUnitMin), MinutesAmount(dayMin), MinutesAmount(total)),
			fmt.Sprintf("超勤代休時間 is designated by %s or a whole day (%s), annual leave included; this is %s.", MinutesAmount(s.CompUnitMin).English(), MinutesAmount(dayMin).English(), MinutesAmount(total).English()))
	}
	return nil
}

// Use returns the part of d drawn from the 超勤代休時間 ledger.
func (d CompDesignation) Use() Use {
	return Use{Date: d.Date, Type: CodeOvertimeComp, Unit: UnitHour, Amount: MinutesAmount(d.CompMin)}
}
