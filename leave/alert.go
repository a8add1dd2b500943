package leave

import (
	"fmt"

	"kintai"
)

// FiveDayPolicy is the optional alert for staff granted 10 days or more
// who take fewer than 5 in the year. 労基法 第39条第7項 (the employer's
// duty to designate 5 days) does not apply to ordinary local public
// servants (地公法 第58条第3項, rules-jp.md §0.3, TC-AL-08): this is a
// policy warning, never a legal check.
type FiveDayPolicy struct {
	Enabled bool `json:"enabled"`
	// MinGrantDays is the grant from which the alert applies (10) and
	// TargetDays the days to take (5).
	MinGrantDays int `json:"min_grant_days"`
	TargetDays   int `json:"target_days"`
}

// DefaultFiveDayPolicy returns the policy on, 5 days for grants of 10 or
// more.
func DefaultFiveDayPolicy() FiveDayPolicy {
	return FiveDayPolicy{Enabled: true, MinGrantDays: 10, TargetDays: 5}
}

// Validate checks p.
func (p FiveDayPolicy) Validate() error {
	if p.MinGrantDays < 0 || p.TargetDays < 0 {
		return kintai.Invalid("five_day", "年5日の取得目標の設定が不正です。", "The 5-day policy's figures are out of range.")
	}
	return nil
}

// AlertFiveDays is the code of the five-day alert.
const AlertFiveDays = "five_days"

// Alert levels of the five-day alert.
const (
	LevelNotice  = "notice"  // the year is not over: days are still to be taken
	LevelOverdue = "overdue" // the year ended short
)

// Alert is the five-day policy alert for one staff member and year.
type Alert struct {
	Code      string `json:"code"`
	Level     string `json:"level"`
	GrantDays int    `json:"grant_days"`
	Used      Amount `json:"used"`
	// Short is what is still to be taken to reach the target.
	Short Amount `json:"short"`
	// YearEnd is the last day of the fiscal year and DaysLeft the calendar
	// days from the day checked to it, both included (0 once it is past).
	YearEnd   kintai.Date `json:"year_end"`
	DaysLeft  int         `json:"days_left"`
	Message   string      `json:"message"`    // Japanese
	MessageEn string      `json:"message_en"` // English
}

// FiveDayAlert applies DefaultFiveDayPolicy: see FiveDayPolicy.Check.
func FiveDayAlert(grantDays int, used Amount, dayMin int, fiscalYearEnd, asOf kintai.Date) (Alert, bool) {
	return DefaultFiveDayPolicy().Check(grantDays, used, dayMin, fiscalYearEnd, asOf)
}

// Check returns an alert when a staff member granted at least
// MinGrantDays days has used less than TargetDays by asOf, in a year
// ending on fiscalYearEnd, with what is still to take and the days left
// to take it. used is in the staff member's days of dayMin minutes; the
// caller decides which uses count (Ledger.UsedBetween: with or without
// hourly leave). ok is false when there is nothing to say.
func (p FiveDayPolicy) Check(grantDays int, used Amount, dayMin int, fiscalYearEnd, asOf kintai.Date) (a Alert, ok bool) {
	if !p.Enabled || grantDays < p.MinGrantDays || dayMin <= 0 {
		return Alert{}, false
	}
	short := p.TargetDays*dayMin - used.Minutes(dayMin)
	if short <= 0 {
		return Alert{}, false
	}
	a = Alert{
		Code: AlertFiveDays, Level: LevelNotice, GrantDays: grantDays,
		Used: used.Normalize(dayMin), Short: FromMinutes(short, dayMin), YearEnd: fiscalYearEnd,
		DaysLeft: max(daysBetween(asOf, fiscalYearEnd)+1, 0),
	}
	if a.DaysLeft == 0 {
		a.Level = LevelOverdue
		a.Message = fmt.Sprintf("年次休暇の取得が%d日に届かないまま年度が終わりました（取得%s、不足%s）。", p.TargetDays, a.Used, a.Short)
		a.MessageEn = fmt.Sprintf("The year ended with fewer than %d days of annual leave taken (%s taken, %s short).", p.TargetDays, a.Used.English(), a.Short.English())
		return a, true
	}
	a.Message = fmt.Sprintf("年次休暇の取得が%d日に届いていません（取得%s）。%sまでの残り%d日であと%sの取得が必要です。", p.TargetDays, a.Used, fiscalYearEnd, a.DaysLeft, a.Short)
	a.MessageEn = fmt.Sprintf("Fewer than %d days of annual leave taken (%s). %s more to take in the %d days to %s.", p.TargetDays, a.Used.English(), a.Short.English(), a.DaysLeft, fiscalYearEnd)
	return a, true
}
