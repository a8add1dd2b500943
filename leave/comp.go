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

// CheckCompUse reports whether askMin minutes of 超勤代休時間 may be
// taken at once by a staff member whose day is dayMin minutes and who has
// leftMin minutes of it left: CompUnitMin (4 hours) or a whole day, or,
// when less than the unit is left, all of it, the rest of the unit being
// made up with annual leave asked for apart (§3.5). Placing the time at
// the start or end of the working day is the schedule's concern.
func (s Settings) CheckCompUse(askMin, leftMin, dayMin int) error {
	switch {
	case askMin <= 0:
		return kintai.Invalid("amount", "超勤代休時間の時間数を指定してください。", "The time off must be positive.")
	case askMin == s.CompUnitMin || askMin == dayMin:
		return nil
	case leftMin < s.CompUnitMin && askMin == leftMin:
		return nil
	}
	unit, day := MinutesAmount(s.CompUnitMin), MinutesAmount(dayMin)
	return kintai.Invalid("amount",
		fmt.Sprintf("超勤代休時間は%s又は1日（%s）単位で取得します（申請%s）。残りが%sに満たないときは残り全部を申請し、不足分は年次休暇を合わせて申請してください。", unit, day, MinutesAmount(askMin), unit),
		fmt.Sprintf("超勤代休時間 is taken by %s or a whole day (%s); this asks for %s. With less than %s left, ask for all of it and make up the rest with annual leave.", unit.English(), day.English(), MinutesAmount(askMin).English(), unit.English()))
}
