package app

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"kintai"
	"kintai/calendar"
	"kintai/punch"
	"kintai/rules"
	"kintai/store"
	"kintai/web"
)

// The pages of the work-time rules engine: the staff member's month
// (出勤簿), the supervisor's team month with the cap alerts (チーム月次), and
// HR's settings: work patterns and their assignment, day-by-day shifts,
// the holiday calendar and the rule parameters.

// --- Formatting -------------------------------------------------------------

// hm writes minutes as H:MM ("7:45", "155:00", "-0:30").
func hm(min int) string {
	sign := ""
	if min < 0 {
		sign, min = "-", -min
	}
	return fmt.Sprintf("%s%d:%02d", sign, min/60, min%60)
}

// hmOrBlank is hm for a table cell: zero is left empty so the figures that
// matter stand out.
func hmOrBlank(min int) string {
	if min == 0 {
		return ""
	}
	return hm(min)
}

// durJa writes minutes in words: "1時間30分", "45分", "2時間", "0分".
func durJa(min int) string {
	sign := ""
	if min < 0 {
		sign, min = "-", -min
	}
	switch h, m := min/60, min%60; {
	case h == 0:
		return fmt.Sprintf("%s%d分", sign, m)
	case m == 0:
		return fmt.Sprintf("%s%d時間", sign, h)
	default:
		return fmt.Sprintf("%s%d時間%d分", sign, h, m)
	}
}

// groupDigits writes n with thousands separators: 1234567 → "1,234,567".
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// yen writes an amount as "12,345円".
func yen(n int64) string { return groupDigits(n) + "円" }

// clockText writes minutes after midnight as a time of day, "8:30";
// minutes past 1440 keep counting ("25:30"), as shift rosters write them.
func clockText(min int) string { return fmt.Sprintf("%d:%02d", min/60, min%60) }

// spanText writes a span as "8:30–17:15".
func spanText(s rules.Span) string { return clockText(s.StartMin) + "–" + clockText(s.EndMin) }

// spansText writes spans as "12:00–13:00, 15:00–15:15".
func spansText(spans []rules.Span) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = spanText(s)
	}
	return strings.Join(parts, ", ")
}

// monthLabel writes the month of d as "2026年10月".
func monthLabel(d kintai.Date) string { return fmt.Sprintf("%d年%d月", d.Year, d.Month) }

// monthParam writes the month of d as the query parameter "2026-10".
func monthParam(d kintai.Date) string { return fmt.Sprintf("%04d-%02d", d.Year, d.Month) }

// parseMonth reads ?month=YYYY-MM into the first day of that month; an
// empty value is the month of today.
func parseMonth(s string, today kintai.Date) (kintai.Date, error) {
	if s == "" {
		return kintai.NewDate(today.Year, today.Month, 1), nil
	}
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Year() < 1948 || t.Year() > 2999 {
		return kintai.Date{}, kintai.Invalid("month", "月の形式が正しくありません（例: 2026-10）。", "month must be YYYY-MM.")
	}
	return kintai.NewDate(t.Year(), t.Month(), 1), nil
}

// monthEnd returns the last day of the month starting on first.
func monthEnd(first kintai.Date) kintai.Date { return kintai.NewDate(first.Year, first.Month+1, 0) }

// weekdayClass is the CSS class of a day's weekday: sat, sun or "".
func weekdayClass(d kintai.Date) string {
	switch d.Weekday() {
	case time.Saturday:
		return "sat"
	case time.Sunday:
		return "sun"
	}
	return ""
}

// dayKindInfo is how the pages show a day kind.
type dayKindInfo struct {
	Label, LabelEN, Class string
}

var dayKinds = map[rules.DayKind]dayKindInfo{
	rules.Workday:           {"勤務日", "Workday", "workday"},
	rules.RestDay:           {"週休日", "Rest day", "rest"},
	rules.DesignatedRestDay: {"週休日", "Rest day (outside the 60 h count)", "rest"},
	rules.Holiday:           {"祝日", "Holiday", "holiday"},
	rules.YearEnd:           {"年末年始", "Year-end holiday", "year-end"},
}

// dayKindOf returns the label of kind k, with the calendar's name of the
// holiday (文化の日) when there is one.
func dayKindOf(k rules.DayKind, holiday *calendar.Day) dayKindInfo {
	info, ok := dayKinds[k]
	if !ok {
		info = dayKindInfo{string(k), string(k), ""}
	}
	if holiday != nil && (k == rules.Holiday || k == rules.YearEnd) && holiday.Name != "" {
		info.Label = holiday.Name
	}
	return info
}

// alertLevels labels the levels of rules.Alert.
var alertLevels = map[string]dayKindInfo{
	rules.LevelNotice: {"注意", "Notice", "notice"},
	rules.LevelBreach: {"上限超過", "Cap exceeded", "breach"},
	rules.LevelDoctor: {"面接指導", "Doctor's interview", "doctor"},
	rules.LevelInfo:   {"記録", "For the record", "info"},
}

// alertRank orders levels by urgency, for the row colour of the team page.
var alertRank = map[string]int{rules.LevelInfo: 1, rules.LevelNotice: 2, rules.LevelBreach: 3, rules.LevelDoctor: 4}

// alertLine is one alert as the pages show it.
type alertLine struct {
	Code, Level, LevelLabel, LevelEN string
	Message, MessageEN               string
}

func alertLines(alerts []rules.Alert) []alertLine {
	out := make([]alertLine, 0, len(alerts))
	for _, a := range alerts {
		lv := alertLevels[a.Level]
		out = append(out, alertLine{Code: a.Code, Level: a.Level, LevelLabel: lv.Label, LevelEN: lv.LabelEN,
			Message: a.Message, MessageEN: a.MessageEn})
	}
	return out
}

// topLevel returns the most urgent level among alerts ("" for none).
func topLevel(alerts []rules.Alert) string {
	top := ""
	for _, a := range alerts {
		if alertRank[a.Level] > alertRank[top] {
			top = a.Level
		}
	}
	return top
}

// --- The month (出勤簿) -------------------------------------------------------

// monthSource is what the month page is made from: the stored results of
// one staff member's month and what the results do not keep (the
// punches, the day's planned hours, the holiday names).
type monthSource struct {
	Staff *kintai.Staff
	Unit  string
	First kintai.Date
	Today kintai.Date
	Loc   *time.Location
	// Result is the month's totals; nil when the month has no results
	// yet (nothing computed: a future month).
	Result *rules.MonthResult
	Days   []rules.DayResult
	// Shifts are the regular hours planned for each day (nil: none).
	Shifts   map[kintai.Date]*rules.Shift
	Punches  []punch.Punch
	Holidays map[kintai.Date]calendar.Day
	Alerts   []rules.Alert
	// Forecast is the day the month's overtime is projected to go over
	// ForecastCap, if it is.
	Forecast    kintai.Date
	ForecastCap rules.MonthCap
	ComputedAt  time.Time
	ShowAmounts bool
	// Self is set when the staff member is looking at their own month.
	Self bool
}

// monthRow is one day of the 出勤簿.
type monthRow struct {
	Date         kintai.Date
	Label        string // 10/1
	Weekday      string // 木
	WeekdayClass string
	Kind         dayKindInfo
	Schedule     string // 8:30–17:15
	Scheduled    string // 7:45
	In, Out      string // 8:29, 翌0:30
	Breaks       []string
	Worked       string
	Overtime     string
	Night        string
	Leave        string
	LateEarly    []string
	Absence      string
	Telework     bool
	Exceptions   []punch.Exception
	Warnings     []rules.Warning
	Class        string
}

// categoryLine is one pay category of the month.
type categoryLine struct {
	Code, Label, Rate, Time string
	Hours                   int
	Unit, Amount            string
}

// monthView is the month page.
type monthView struct {
	Staff      *kintai.Staff
	Unit       string
	Month      string // 2026年10月
	MonthParam string // 2026-10
	Prev, Next string
	StaffParam string // "&staff=ID" when looking at someone else's month
	Self       bool
	Computed   bool
	ComputedAt string
	Rows       []monthRow
	Totals     []totalLine
	Categories []categoryLine
	ShowAmount bool
	HourlyYen  string
	AmountYen  string
	Alerts     []alertLine
	Forecast   string
	ForecastEN string
	Exceptions int
	Warnings   int
	Close      monthCloseLine // 月次締め (pages_close.go)
}

// totalLine is one monthly total.
type totalLine struct {
	ID, Label, LabelEN, Value string
}

// buildMonth makes the month page from src.
func buildMonth(src monthSource) monthView {
	last := monthEnd(src.First)
	v := monthView{Staff: src.Staff, Unit: src.Unit, Month: monthLabel(src.First), MonthParam: monthParam(src.First),
		Prev: monthParam(src.First.AddDays(-1)), Next: monthParam(last.AddDays(1)), Self: src.Self,
		Computed: src.Result != nil, ShowAmount: src.ShowAmounts && src.Result != nil}
	if !src.Self && src.Staff != nil {
		v.StaffParam = "&staff=" + strconv.FormatInt(src.Staff.ID, 10)
	}
	if !src.ComputedAt.IsZero() {
		v.ComputedAt = src.ComputedAt.In(src.Loc).Format("2006-01-02 15:04")
	}
	days := map[kintai.Date]rules.DayResult{}
	for _, d := range src.Days {
		days[d.Date] = d
	}
	punches := map[kintai.Date][]punch.Punch{}
	for _, p := range src.Punches {
		punches[p.BusinessDay] = append(punches[p.BusinessDay], p)
	}
	warnings := map[kintai.Date][]rules.Warning{}
	if src.Result != nil {
		for _, w := range src.Result.Warnings {
			warnings[w.Date] = append(warnings[w.Date], w)
		}
	} else {
		for _, d := range src.Days {
			warnings[d.Date] = append(warnings[d.Date], d.Warnings...)
		}
	}
	for day := src.First; !day.After(last); day = day.AddDays(1) {
		d, ok := days[day]
		row := monthRow{Date: day, Label: fmt.Sprintf("%d/%d", day.Month, day.Day), Weekday: weekdaysJA[day.Weekday()],
			WeekdayClass: weekdayClass(day), Warnings: warnings[day]}
		var hol *calendar.Day
		if h, ok := src.Holidays[day]; ok {
			hol = &h
		}
		kind := d.Kind
		if !ok {
			kind = rules.Workday
			if hol != nil {
				kind = rules.Holiday
				if hol.Kind == calendar.YearEnd {
					kind = rules.YearEnd
				}
			}
		}
		row.Kind = dayKindOf(kind, hol)
		if sh := src.Shifts[day]; sh != nil {
			row.Schedule = instantClock(sh.Start, day, src.Loc) + "–" + instantClock(sh.End, day, src.Loc)
			row.Scheduled = hm(sh.RegularMinutes())
		} else if ok && d.ScheduledMin > 0 {
			row.Scheduled = hm(d.ScheduledMin)
		}
		row.In, row.Out, row.Breaks = punchSummary(punch.Sequence(punches[day]), day, src.Loc)
		if ok {
			row.Worked = hmOrBlank(d.WorkedMin)
			row.Overtime = hmOrBlank(d.OvertimeMin)
			row.Night = hmOrBlank(d.NightMin)
			row.Leave = hmOrBlank(d.LeaveMin + d.UnpaidLeaveMin)
			if d.LateMin > 0 {
				row.LateEarly = append(row.LateEarly, "遅刻 "+hm(d.LateMin))
			}
			if d.EarlyMin > 0 {
				row.LateEarly = append(row.LateEarly, "早退 "+hm(d.EarlyMin))
			}
			if rest := d.AbsenceMin - d.LateMin - d.EarlyMin; rest > 0 {
				row.Absence = hm(rest)
			}
			row.Telework = d.Telework
			row.Exceptions = d.Exceptions
		}
		if row.Exceptions == nil && len(punches[day]) > 0 && !ok {
			// No result for the day (not computed yet): still show the
			// punch exceptions, as 打刻履歴 does.
			row.Exceptions = punch.Exceptions(src.Staff.ID, day, punches[day], day.Before(src.Today))
		}
		v.Exceptions += len(row.Exceptions)
		v.Warnings += len(row.Warnings)
		row.Class = row.Kind.Class + " " + row.WeekdayClass
		if day == src.Today {
			row.Class += " today"
		}
		if len(row.Exceptions) > 0 {
			row.Class += " has-exception"
		}
		v.Rows = append(v.Rows, row)
	}
	if r := src.Result; r != nil {
		v.Totals = []totalLine{
			{"days-worked", "出勤日数", "Days worked", strconv.Itoa(r.DaysWorked) + "日"},
			{"scheduled", "勤務予定", "Scheduled", hm(r.ScheduledMin)},
			{"worked", "勤務時間", "Worked", hm(r.WorkedMin)},
			{"overtime", "超過勤務", "Overtime", hm(r.OvertimeMin)},
			{"over60", "うち60時間超", "Beyond 60 h", hm(r.Over60Min)},
			{"night", "深夜", "Night (22–5)", hm(r.NightMin)},
			{"holiday-pay", "休日勤務", "Regular hours on holidays", hm(r.HolidayPayMin)},
			{"late-early", "遅刻・早退", "Late and early", hm(r.LateMin + r.EarlyMin)},
			{"leave", "休暇", "Leave", hm(r.LeaveMin + r.UnpaidLeaveMin)},
			{"absence", "欠勤等", "Absence", hm(r.AbsenceMin)},
			{"telework", "在宅勤務等", "Telework days", strconv.Itoa(r.TeleworkDays) + "日"},
		}
		for _, c := range r.Categories {
			l := categoryLine{Code: c.Code, Label: c.Label, Rate: strconv.Itoa(c.RatePct) + "/100", Time: hm(c.Min), Hours: c.Hours}
			if v.ShowAmount {
				l.Unit, l.Amount = yen(c.UnitYen), yen(c.AmountYen)
			}
			v.Categories = append(v.Categories, l)
		}
		if v.ShowAmount {
			v.HourlyYen, v.AmountYen = yen(r.HourlyYen), yen(r.AmountYen)
		}
	}
	v.Alerts = alertLines(src.Alerts)
	if !src.Forecast.IsZero() {
		v.Forecast, v.ForecastEN = rules.ForecastMessage(src.Forecast, src.ForecastCap)
	}
	return v
}

// instantClock writes t as a time of day on business day day: "8:30",
// "翌0:30" for the next calendar day.
func instantClock(t time.Time, day kintai.Date, loc *time.Location) string {
	lt := t.In(loc)
	s := fmt.Sprintf("%d:%02d", lt.Hour(), lt.Minute())
	switch civil := kintai.DateOf(t, loc); {
	case civil.After(day):
		return "翌" + s
	case civil.Before(day):
		return "前日" + s
	}
	return s
}

// punchSummary returns the first clock-in, the last clock-out and the
// breaks and absences (休憩, 外出) of a day's effective punches, in order.
func punchSummary(seq []punch.Punch, day kintai.Date, loc *time.Location) (in, out string, breaks []string) {
	var open *punch.Punch
	for i, p := range seq {
		at := instantClock(p.At, day, loc)
		switch p.Kind {
		case punch.ClockIn:
			if in == "" {
				in = at
			}
		case punch.ClockOut:
			out = at
		case punch.BreakStart, punch.GoOut:
			if open != nil {
				breaks = append(breaks, pairLabel(open.Kind)+" "+instantClock(open.At, day, loc)+"–")
			}
			open = &seq[i]
		case punch.BreakEnd, punch.Return:
			if open != nil {
				breaks = append(breaks, pairLabel(open.Kind)+" "+instantClock(open.At, day, loc)+"–"+at)
				open = nil
			} else {
				breaks = append(breaks, pairLabel(p.Kind)+" –"+at)
			}
		}
	}
	if open != nil {
		breaks = append(breaks, pairLabel(open.Kind)+" "+instantClock(open.At, day, loc)+"–")
	}
	return in, out, breaks
}

func pairLabel(k punch.Kind) string {
	if k == punch.GoOut || k == punch.Return {
		return "外出"
	}
	return "休憩"
}

// --- The team month (チーム月次) ----------------------------------------------

// teamSource is one staff member's month on the team page.
type teamSource struct {
	Staff    kintai.Staff
	Unit     string
	Result   *rules.MonthResult // nil: not computed
	Alerts   []rules.Alert
	Forecast kintai.Date // zero: no forecast
	Cap      rules.MonthCap
}

// teamLine is one line of the team page.
type teamLine struct {
	Rank       int
	StaffID    int64
	StaffNo    string
	Name       string
	Unit       string
	Computed   bool
	Worked     string
	Overtime   string
	Over60     string
	Night      string
	Exceptions int
	Alerts     []alertLine
	Level      string
	Forecast   string
	ForecastEN string
	overtime   int
}

// buildTeam makes the team page's rows, by overtime (most first) when
// byOvertime is set and by 職員番号 otherwise.
func buildTeam(srcs []teamSource, byOvertime bool) []teamLine {
	rows := make([]teamLine, 0, len(srcs))
	for _, s := range srcs {
		row := teamLine{StaffID: s.Staff.ID, StaffNo: s.Staff.StaffNo, Name: s.Staff.Name, Unit: s.Unit,
			Alerts: alertLines(s.Alerts), Level: topLevel(s.Alerts)}
		if r := s.Result; r != nil {
			row.Computed = true
			row.Worked, row.Overtime, row.Over60, row.Night = hm(r.WorkedMin), hm(r.OvertimeMin), hm(r.Over60Min), hm(r.NightMin)
			row.Exceptions = r.ExceptionDays
			row.overtime = r.OvertimeMin
		}
		if !s.Forecast.IsZero() {
			row.Forecast, row.ForecastEN = rules.ForecastMessage(s.Forecast, s.Cap)
		}
		rows = append(rows, row)
	}
	sortTeam(rows, byOvertime)
	return rows
}

func sortTeam(rows []teamLine, byOvertime bool) {
	less := func(a, b teamLine) int { return strings.Compare(a.StaffNo, b.StaffNo) }
	if byOvertime {
		less = func(a, b teamLine) int {
			if a.overtime != b.overtime {
				return b.overtime - a.overtime
			}
			return strings.Compare(a.StaffNo, b.StaffNo)
		}
	}
	slices.SortStableFunc(rows, less)
	for i := range rows {
		rows[i].Rank = i + 1
	}
}

// --- Work patterns (勤務パターン) ----------------------------------------------

var patternKinds = []dayKindInfo{
	{"固定勤務", "Fixed hours", string(rules.PatternFixed)},
	{"シフト勤務", "Shifts set day by day", string(rules.PatternShift)},
	{"時差出勤", "Staggered hours", string(rules.PatternStaggered)},
	{"フレックスタイム", "Flex time", string(rules.PatternFlex)},
}

func patternKindLabel(k rules.PatternKind) string {
	for _, pk := range patternKinds {
		if pk.Class == string(k) {
			return pk.Label
		}
	}
	return string(k)
}

// patternForm is a pattern as typed into the form, kept as text so that a
// mistake is shown back as entered.
type patternForm struct {
	ID                     int64
	Code, Name, Kind       string
	Weekdays               [7]bool
	Hours, Breaks, Options string
	UnitWeeks, Required    string
	Core, Band, MinDaily   string
	PartTime               bool
}

func patternFormOf(p rules.Pattern) patternForm {
	f := patternForm{ID: p.ID, Code: p.Code, Name: p.Name, Kind: string(p.Kind), Breaks: spansText(p.Breaks),
		Options: spansText(p.Options), PartTime: p.PartTime}
	for d := range 7 {
		f.Weekdays[d] = p.Weekdays&(1<<d) != 0
	}
	if p.Hours.Minutes() > 0 {
		f.Hours = spanText(p.Hours)
	}
	if p.Kind == rules.PatternFlex {
		f.UnitWeeks = strconv.Itoa(p.UnitWeeks)
		f.Required = hm(p.RequiredMin)
		f.MinDaily = hm(p.MinDailyMin)
	}
	if p.Core != nil {
		f.Core = spanText(*p.Core)
	}
	if p.Band != nil {
		f.Band = spanText(*p.Band)
	}
	return f
}

// newPatternForm is the blank form: Monday to Friday, 8:30–17:15 with an
// hour's break at noon (the usual 条例 hours).
func newPatternForm() patternForm {
	return patternForm{Kind: string(rules.PatternFixed), Weekdays: [7]bool{false, true, true, true, true, true, false},
		Hours: "8:30–17:15", Breaks: "12:00–13:00", UnitWeeks: "4"}
}

// readPatternForm reads the posted form.
func readPatternForm(get func(string) string, weekdays []string, id int64) patternForm {
	f := patternForm{ID: id, Code: get("code"), Name: get("name"), Kind: get("kind"), Hours: get("hours"),
		Breaks: get("breaks"), Options: get("options"), UnitWeeks: get("unit_weeks"), Required: get("required"),
		Core: get("core"), Band: get("band"), MinDaily: get("min_daily"), PartTime: get("part_time") != ""}
	for _, w := range weekdays {
		if n, err := strconv.Atoi(w); err == nil && n >= 0 && n < 7 {
			f.Weekdays[n] = true
		}
	}
	return f
}

// pattern converts the form; only the fields of its kind are read, so a
// value left in a hidden section does no harm.
func (f patternForm) pattern() (rules.Pattern, error) {
	p := rules.Pattern{ID: f.ID, Code: f.Code, Name: f.Name, Kind: rules.PatternKind(f.Kind), PartTime: f.PartTime}
	if p.Code == "" {
		return p, kintai.Invalid("code", "勤務パターンのコードを入力してください。", "The pattern code is required.")
	}
	for d, on := range f.Weekdays {
		if on {
			p.Weekdays |= 1 << d
		}
	}
	var err error
	switch p.Kind {
	case rules.PatternFixed, rules.PatternStaggered:
		if p.Hours, err = parseSpan("hours", f.Hours, "勤務時間", "Hours"); err != nil {
			return p, err
		}
		if p.Breaks, err = parseSpans("breaks", f.Breaks, "休憩", "Breaks"); err != nil {
			return p, err
		}
		if p.Kind == rules.PatternStaggered {
			if p.Options, err = parseSpans("options", f.Options, "時差出勤の選択肢", "Options"); err != nil {
				return p, err
			}
		}
	case rules.PatternFlex:
		p.Weekdays = 0 // flex days come from the allotments
		if p.UnitWeeks, err = strconv.Atoi(strings.TrimSpace(f.UnitWeeks)); err != nil {
			return p, kintai.Invalid("unit_weeks", "単位期間は1〜4週間で指定してください。", "The unit period must be 1 to 4 weeks.")
		}
		if p.RequiredMin, err = parseDuration("required", f.Required, "単位期間の総勤務時間", "The total hours of the unit period"); err != nil {
			return p, err
		}
		if strings.TrimSpace(f.Band) != "" {
			b, err := parseSpan("band", f.Band, "フレキシブルタイム", "The flexible band")
			if err != nil {
				return p, err
			}
			p.Band = &b
		}
		if strings.TrimSpace(f.Core) != "" {
			c, err := parseSpan("core", f.Core, "コアタイム", "The core time")
			if err != nil {
				return p, err
			}
			p.Core = &c
		}
		if strings.TrimSpace(f.MinDaily) != "" {
			if p.MinDailyMin, err = parseDuration("min_daily", f.MinDaily, "1日の最短勤務時間", "The least daily hours"); err != nil {
				return p, err
			}
		}
	case rules.PatternShift:
		p.Weekdays = 0
	}
	if err := rules.ValidatePattern(p); err != nil {
		return p, err
	}
	return p, nil
}

// normDigits turns full-width digits and separators into ASCII, so that
// "８：３０～１７：１５" typed with an input method reads as 8:30-17:15.
var normDigits = strings.NewReplacer(
	"０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9",
	"：", ":", "～", "-", "〜", "-", "–", "-", "—", "-", "ー", "-", "－", "-", "、", ",", "，", ",", "　", " ")

// parseClock reads a time of day "8:30" (or "830", "25:30" past midnight)
// as minutes after midnight.
func parseClock(s string) (int, bool) {
	s = strings.TrimSpace(normDigits.Replace(s))
	h, m, found := strings.Cut(s, ":")
	if !found {
		if len(s) < 3 || len(s) > 4 {
			return 0, false
		}
		h, m = s[:len(s)-2], s[len(s)-2:]
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 48 || mm < 0 || mm > 59 || len(m) != 2 {
		return 0, false
	}
	return hh*60 + mm, true
}

// parseDuration reads hours and minutes "7:45" (or "155:00", or whole
// hours "38") as minutes.
func parseDuration(field, s, whatJA, whatEN string) (int, error) {
	s = strings.TrimSpace(normDigits.Replace(s))
	bad := kintai.Invalid(field, whatJA+"は「7:45」のように時間:分で入力してください。", whatEN+" must be hours:minutes, like 7:45.")
	if s == "" {
		return 0, bad
	}
	h, m, found := strings.Cut(s, ":")
	hh, err := strconv.Atoi(h)
	if err != nil || hh < 0 || hh > 9999 {
		return 0, bad
	}
	mm := 0
	if found {
		if mm, err = strconv.Atoi(m); err != nil || len(m) != 2 || mm < 0 || mm > 59 {
			return 0, bad
		}
	}
	return hh*60 + mm, nil
}

// parseSpan reads "8:30-17:15" (or with 〜 or –).
func parseSpan(field, s, whatJA, whatEN string) (rules.Span, error) {
	bad := kintai.Invalid(field, whatJA+"は「8:30-17:15」のように開始-終了で入力してください。", whatEN+" must be start-end, like 8:30-17:15.")
	a, b, found := strings.Cut(strings.TrimSpace(normDigits.Replace(s)), "-")
	if !found {
		return rules.Span{}, bad
	}
	start, ok1 := parseClock(a)
	end, ok2 := parseClock(b)
	if !ok1 || !ok2 {
		return rules.Span{}, bad
	}
	return rules.Span{StartMin: start, EndMin: end}, nil
}

// parseSpans reads a list of spans separated by commas, semicolons or new
// lines; an empty text is no spans.
func parseSpans(field, s, whatJA, whatEN string) ([]rules.Span, error) {
	s = normDigits.Replace(s)
	var out []rules.Span
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if strings.TrimSpace(part) == "" {
			continue
		}
		sp, err := parseSpan(field, part, whatJA, whatEN)
		if err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, nil
}

// --- Rule settings (計算設定) ---------------------------------------------------

// settingKind is how one setting is typed.
type settingKind int

const (
	settingDuration settingKind = iota // hours:minutes, "7:45"
	settingClock                       // a time of day, "22:00"
	settingPercent                     // a whole number of percent
	settingMinutes                     // a whole number of minutes
	settingWeekday                     // a weekday
	settingMonth                       // a month
	settingBool                        // on or off
	settingSelect                      // one of Choices
)

// settingChoice is one value of a choice setting.
type settingChoice struct {
	Value, Label string
}

// settingField describes one field of rules.Settings for the form: how it
// is typed, its bounds, and how to read and write it.
type settingField struct {
	Name      string // the JSON name of the field
	Label     string
	LabelEN   string
	Note      string // what the default rests on
	Kind      settingKind
	Min, Max  int // bounds, in the field's unit (minutes, percent)
	Choices   []settingChoice
	get       func(*rules.Settings) int
	set       func(*rules.Settings, int)
	getString func(*rules.Settings) string
	setString func(*rules.Settings, string)
}

var weekdayChoices = func() []settingChoice {
	out := make([]settingChoice, 7)
	for d := range 7 {
		out[d] = settingChoice{strconv.Itoa(d), weekdaysJA[d] + "曜日"}
	}
	return out
}()

var monthChoices = func() []settingChoice {
	out := make([]settingChoice, 12)
	for m := range 12 {
		out[m] = settingChoice{strconv.Itoa(m + 1), strconv.Itoa(m+1) + "月"}
	}
	return out
}()

func intField(name, ja, en, note string, kind settingKind, lo, hi int, p func(*rules.Settings) *int) settingField {
	return settingField{Name: name, Label: ja, LabelEN: en, Note: note, Kind: kind, Min: lo, Max: hi,
		get: func(s *rules.Settings) int { return *p(s) }, set: func(s *rules.Settings, v int) { *p(s) = v }}
}

// settingFields are the fields of the settings form, in the order of
// rules-jp.md §11. BreakFloor has a form of its own (breakFloorRows).
var settingFields = []settingField{
	intField("daily_min", "1日の勤務時間", "Regular hours a day", "勤務時間条例（7時間45分）", settingDuration, 1, 24*60, func(s *rules.Settings) *int { return &s.DailyMin }),
	intField("weekly_min", "1週間の勤務時間", "Regular hours a week", "勤務時間条例（38時間45分）", settingDuration, 1, 7*24*60, func(s *rules.Settings) *int { return &s.WeeklyMin }),
	{Name: "week_start", Label: "週の始まり", LabelEN: "First day of the week", Note: "日曜日", Kind: settingWeekday, Min: 0, Max: 6, Choices: weekdayChoices,
		get: func(s *rules.Settings) int { return int(s.WeekStart) }, set: func(s *rules.Settings, v int) { s.WeekStart = time.Weekday(v) }},
	intField("day_boundary_min", "勤務日の切替時刻", "Business day starts at", "5:00（深夜帯の終わり）", settingClock, 0, 12*60, func(s *rules.Settings) *int { return &s.DayBoundaryMin }),
	intField("break_before_overtime_min", "超過勤務前の休憩（分）", "Break before overtime (min)", "なし（八女市は30分）", settingMinutes, 0, 120, func(s *rules.Settings) *int { return &s.BreakBeforeOvertimeMin }),
	intField("rate_workday", "超過勤務 第1号の支給割合", "Overtime rate, workday (%)", "給与法16条 125", settingPercent, 100, 500, func(s *rules.Settings) *int { return &s.RateWorkday }),
	intField("rate_rest", "超過勤務 第2号（週休日等）の支給割合", "Overtime rate, rest days (%)", "給与法16条 135", settingPercent, 100, 500, func(s *rules.Settings) *int { return &s.RateRest }),
	intField("rate_night_add", "深夜の加算割合", "Night addition (%)", "給与法16条 +25", settingPercent, 0, 200, func(s *rules.Settings) *int { return &s.RateNightAdd }),
	intField("rate_over60", "60時間超の支給割合", "Rate beyond 60 h (%)", "給与法16条3項 150", settingPercent, 100, 500, func(s *rules.Settings) *int { return &s.RateOver60 }),
	intField("rate_over60_night", "60時間超 深夜の支給割合", "Rate beyond 60 h at night (%)", "175", settingPercent, 100, 500, func(s *rules.Settings) *int { return &s.RateOver60Night }),
	intField("rate_holiday", "休日給の支給割合", "Holiday pay rate (%)", "給与法17条 135", settingPercent, 100, 500, func(s *rules.Settings) *int { return &s.RateHoliday }),
	intField("rate_night_shift", "夜勤手当の支給割合", "Night-shift allowance (%)", "給与法18条 25", settingPercent, 0, 200, func(s *rules.Settings) *int { return &s.RateNightShift }),
	intField("rate_band", "短時間勤務者の100分の100帯の割合", "Part-timers' band rate (%)", "給与法16条2項 100", settingPercent, 100, 500, func(s *rules.Settings) *int { return &s.RateBand }),
	intField("night_start_min", "深夜帯の開始", "Night window starts", "22:00", settingClock, 0, 24*60-1, func(s *rules.Settings) *int { return &s.NightStartMin }),
	intField("night_end_min", "深夜帯の終了", "Night window ends", "5:00", settingClock, 0, 24*60-1, func(s *rules.Settings) *int { return &s.NightEndMin }),
	intField("over60_min", "60時間超の基準（1か月）", "Monthly overtime beyond which the 60 h rate applies", "60時間", settingDuration, 1, 744*60, func(s *rules.Settings) *int { return &s.Over60Min }),
	{Name: "designated_rest_day", Label: "60時間の算定から除く週休日", LabelEN: "Rest day outside the 60 h count", Note: "日曜日", Kind: settingWeekday, Min: 0, Max: 6, Choices: weekdayChoices,
		get: func(s *rules.Settings) int { return int(s.DesignatedRestDay) }, set: func(s *rules.Settings, v int) { s.DesignatedRestDay = time.Weekday(v) }},
	{Name: "band_enabled", Label: "短時間勤務者の100分の100帯を適用する", LabelEN: "Apply the part-timers' 100/100 band", Note: "適用する", Kind: settingBool,
		get: func(s *rules.Settings) int { return boolInt(s.BandEnabled) }, set: func(s *rules.Settings, v int) { s.BandEnabled = v != 0 }},
	intField("band_day_min", "100分の100帯の上限（1日）", "Band limit a day", "7時間45分", settingDuration, 1, 24*60, func(s *rules.Settings) *int { return &s.BandDayMin }),
	intField("band_week_min", "100分の100帯の上限（1週間）", "Band limit a week", "38時間45分", settingDuration, 1, 7*24*60, func(s *rules.Settings) *int { return &s.BandWeekMin }),
	{Name: "hourly_formula", Label: "勤務1時間当たりの給与額の算式", LabelEN: "Hourly-rate formula", Note: "国に準じる（÷ 38時間45分×52）", Kind: settingSelect,
		Choices:   []settingChoice{{rules.FormulaNational, "国に準じる（祝日等を控除しない）"}, {rules.FormulaMunicipal, "条例方式（祝日等の時間を控除する）"}},
		getString: func(s *rules.Settings) string { return s.HourlyFormula }, setString: func(s *rules.Settings, v string) { s.HourlyFormula = v }},
	{Name: "holiday_count", Label: "控除する祝日等の数え方", LabelEN: "Holidays the municipal formula deducts", Note: "月〜金の祝日・年末年始", Kind: settingSelect,
		Choices:   []settingChoice{{calendar.RuleWeekdays, "月〜金の祝日・年末年始"}, {calendar.RuleNotSaturday, "土曜の祝日を除く（日曜の祝日は含む）"}},
		getString: func(s *rules.Settings) string { return s.HolidayCount }, setString: func(s *rules.Settings, v string) { s.HolidayCount = v }},
	intField("month_round_min", "月の端数処理（この分以上を1時間に切上げ）", "Monthly rounding: minutes that round up to an hour", "30分以上切上げ・未満切捨て", settingMinutes, 0, 60, func(s *rules.Settings) *int { return &s.MonthRoundMin }),
	{Name: "fiscal_year_start", Label: "年度の始まり", LabelEN: "Fiscal year starts", Note: "4月", Kind: settingMonth, Min: 1, Max: 12, Choices: monthChoices,
		get: func(s *rules.Settings) int { return int(s.FiscalYearStart) }, set: func(s *rules.Settings, v int) { s.FiscalYearStart = time.Month(v) }},
	intField("alert_share", "上限の何％で注意を出すか", "Alert at this share of a cap (%)", "80％", settingPercent, 0, 100, func(s *rules.Settings) *int { return &s.AlertShare }),
	intField("interval_min", "勤務間インターバルの目安", "Rest between shifts, guide", "11時間", settingDuration, 0, 24*60, func(s *rules.Settings) *int { return &s.IntervalMin }),
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// text writes the field's value in s as the form shows it.
func (f settingField) text(s *rules.Settings) string {
	if f.getString != nil {
		return f.getString(s)
	}
	v := f.get(s)
	switch f.Kind {
	case settingDuration:
		return hm(v)
	case settingClock:
		return clockText(v)
	}
	return strconv.Itoa(v)
}

// display writes the field's value for people: the choice's label, "する".
func (f settingField) display(s *rules.Settings) string {
	t := f.text(s)
	switch f.Kind {
	case settingBool:
		if t == "1" {
			return "する"
		}
		return "しない"
	case settingPercent:
		return t + "%"
	case settingMinutes:
		return t + "分"
	}
	for _, c := range f.Choices {
		if c.Value == t {
			return c.Label
		}
	}
	return t
}

// parse reads the field's posted value into s.
func (f settingField) parse(s *rules.Settings, raw string) error {
	raw = strings.TrimSpace(normDigits.Replace(raw))
	if f.setString != nil {
		for _, c := range f.Choices {
			if c.Value == raw {
				f.setString(s, raw)
				return nil
			}
		}
		return kintai.Invalid(f.Name, f.Label+"の値が正しくありません。", f.LabelEN+": unknown value.")
	}
	var v int
	var ok bool
	switch f.Kind {
	case settingBool:
		v, ok = boolInt(raw != "" && raw != "0"), true
	case settingDuration:
		m, err := parseDuration(f.Name, raw, f.Label, f.LabelEN)
		if err != nil {
			return err
		}
		v, ok = m, true
	case settingClock:
		v, ok = parseClock(raw)
		if !ok {
			return kintai.Invalid(f.Name, f.Label+"は「22:00」のように時:分で入力してください。", f.LabelEN+" must be a time of day, like 22:00.")
		}
	default:
		n, err := strconv.Atoi(raw)
		v, ok = n, err == nil
	}
	if !ok {
		return kintai.Invalid(f.Name, f.Label+"は整数で入力してください。", f.LabelEN+" must be a whole number.")
	}
	if f.Kind != settingBool && (v < f.Min || v > f.Max) {
		lo, hi := f.boundText(f.Min), f.boundText(f.Max)
		return kintai.Invalid(f.Name, fmt.Sprintf("%sは%s〜%sの範囲で入力してください。", f.Label, lo, hi),
			fmt.Sprintf("%s must be between %s and %s.", f.LabelEN, lo, hi))
	}
	f.set(s, v)
	return nil
}

func (f settingField) boundText(v int) string {
	switch f.Kind {
	case settingDuration:
		return hm(v)
	case settingClock:
		return clockText(v)
	}
	return strconv.Itoa(v)
}

// settingRow is one field of the settings form as the template shows it.
type settingRow struct {
	Name, Label, LabelEN, Note string
	Kind                       string // duration, clock, number, select, check
	Value, Default, DefaultRaw string
	Choices                    []settingChoice
	Changed, Bad               bool
}

// breakFloorRows is how many steps of the break floor the form offers.
const breakFloorRows = 3

// settingsForm is the settings form: the values as typed, and the field
// at fault.
type settingsForm struct {
	Rows       []settingRow
	BreakFloor [breakFloorRows]struct{ Over, Break string }
	DefaultBF  string
	err        error
}

func (f settingsForm) formErr() error { return f.err }

// settingsFormOf fills the form from s; values, when not nil, are what was
// typed (shown back after an error).
func settingsFormOf(s rules.Settings, values map[string]string, bad string) settingsForm {
	def := rules.DefaultSettings()
	var f settingsForm
	for _, fd := range settingFields {
		row := settingRow{Name: fd.Name, Label: fd.Label, LabelEN: fd.LabelEN, Note: fd.Note, Value: fd.text(&s),
			Default: fd.display(&def), DefaultRaw: fd.text(&def), Choices: fd.Choices, Bad: fd.Name == bad}
		switch fd.Kind {
		case settingDuration:
			row.Kind = "duration"
		case settingClock:
			row.Kind = "clock"
		case settingPercent, settingMinutes:
			row.Kind = "number"
		case settingBool:
			row.Kind = "check"
		default:
			row.Kind = "select"
		}
		if values != nil {
			row.Value = values[fd.Name]
			if fd.Kind == settingBool {
				row.Value = boolText(values[fd.Name] != "")
			}
		}
		row.Changed = row.Value != row.DefaultRaw
		f.Rows = append(f.Rows, row)
	}
	for i := range breakFloorRows {
		if values != nil {
			f.BreakFloor[i].Over, f.BreakFloor[i].Break = values[fmt.Sprintf("bf_over_%d", i)], values[fmt.Sprintf("bf_break_%d", i)]
		} else if i < len(s.BreakFloor) {
			f.BreakFloor[i].Over, f.BreakFloor[i].Break = hm(s.BreakFloor[i].OverMin), strconv.Itoa(s.BreakFloor[i].BreakMin)
		}
	}
	var parts []string
	for _, st := range def.BreakFloor {
		parts = append(parts, fmt.Sprintf("%s超 → %d分", durJa(st.OverMin), st.BreakMin))
	}
	f.DefaultBF = strings.Join(parts, "、")
	return f
}

func boolText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// readSettings reads the posted settings over base (the settings stored
// now, so that a field this form does not know keeps its value). values
// are the posted texts, for showing back.
func readSettings(base rules.Settings, get func(string) string) (rules.Settings, map[string]string, error) {
	s := base
	values := map[string]string{}
	for _, fd := range settingFields {
		values[fd.Name] = get(fd.Name)
	}
	for i := range breakFloorRows {
		for _, k := range []string{"bf_over_%d", "bf_break_%d"} {
			name := fmt.Sprintf(k, i)
			values[name] = get(name)
		}
	}
	for _, fd := range settingFields {
		if err := fd.parse(&s, values[fd.Name]); err != nil {
			return s, values, err
		}
	}
	s.BreakFloor = nil
	for i := range breakFloorRows {
		over, brk := strings.TrimSpace(values[fmt.Sprintf("bf_over_%d", i)]), strings.TrimSpace(normDigits.Replace(values[fmt.Sprintf("bf_break_%d", i)]))
		if over == "" && brk == "" {
			continue
		}
		o, err := parseDuration("break_floor", over, "休憩の基準となる勤務時間", "The hours of work for a break")
		if err != nil {
			return s, values, err
		}
		b, err := strconv.Atoi(brk)
		if err != nil || b <= 0 || b > 240 {
			return s, values, kintai.Invalid("break_floor", "休憩時間（分）は1〜240の整数で入力してください。", "The break must be 1 to 240 minutes.")
		}
		if n := len(s.BreakFloor); n > 0 && (o <= s.BreakFloor[n-1].OverMin || b < s.BreakFloor[n-1].BreakMin) {
			return s, values, kintai.Invalid("break_floor", "休憩の基準は勤務時間の短い順に、休憩が減らないように入力してください。",
				"List the break steps by hours of work, with breaks that do not shrink.")
		}
		s.BreakFloor = append(s.BreakFloor, rules.BreakStep{OverMin: o, BreakMin: b})
	}
	if s.NightStartMin == s.NightEndMin {
		return s, values, kintai.Invalid("night_end_min", "深夜帯の開始と終了が同じです。", "The night window starts and ends at the same time.")
	}
	if s.BandDayMin > s.BandWeekMin {
		return s, values, kintai.Invalid("band_week_min", "100分の100帯の1週間の上限は1日の上限以上にしてください。", "The band's weekly limit must be at least its daily limit.")
	}
	if s.DailyMin > s.WeeklyMin {
		return s, values, kintai.Invalid("weekly_min", "1週間の勤務時間は1日の勤務時間以上にしてください。", "Weekly hours must be at least the daily hours.")
	}
	return s, values, nil
}

// --- The holiday calendar (カレンダー) -------------------------------------------

// calendarKinds labels the kinds of holiday.
var calendarKinds = map[calendar.Kind]dayKindInfo{
	calendar.National: {"祝日", "National holiday", "holiday"},
	calendar.YearEnd:  {"年末年始", "Year-end", "year-end"},
	calendar.Entity:   {"団体の休日", "Entity holiday", "entity"},
}

// calendarCell is one day of a month's grid; Day 0 is padding.
type calendarCell struct {
	Day          int
	Class, Title string
}

// calendarMonth is one month of the year view.
type calendarMonth struct {
	Label string
	Weeks [][7]calendarCell
}

// holidayLine is one holiday of the year's list.
type holidayLine struct {
	Date                   kintai.Date
	Label, Weekday, Name   string
	Kind, KindLabel, Class string
	Entity                 bool
}

// uploadErrors is a rejected holiday file's message split into its lines.
type uploadErrors struct {
	Summary, SummaryEN string
	Lines, LinesEN     []string
}

// splitUploadError splits the message of calendar.Parse (a summary, then
// one line per bad line of the file) for a list.
func splitUploadError(err error) *uploadErrors {
	ja, en := kintai.ErrorMessages(err)
	jl, el := strings.Split(ja, "\n"), strings.Split(en, "\n")
	return &uploadErrors{Summary: jl[0], SummaryEN: el[0], Lines: jl[1:], LinesEN: el[1:]}
}

// calendarView is the calendar page.
type calendarView struct {
	Year, PrevYear, NextYear int
	Through                  string
	Warning, WarningEN       string
	Months                   []calendarMonth
	Holidays                 []holidayLine
	Options                  calendar.Options
	YearEndFrom, YearEndTo   string
	UploadErrors             *uploadErrors
	EntityDate, EntityName   string
	err                      error
}

func (v calendarView) formErr() error { return v.err }

// buildCalendar makes the year view of cal. today decides the warning:
// the national data must cover the year shown and the next year, so that
// next year's shifts can be planned.
func buildCalendar(cal *calendar.Calendar, year int, today kintai.Date) calendarView {
	v := calendarView{Year: year, PrevYear: year - 1, NextYear: year + 1, Options: cal.Options()}
	if o := v.Options; o.YearEndFrom.Month != 0 {
		v.YearEndFrom = fmt.Sprintf("%d/%d", o.YearEndFrom.Month, o.YearEndFrom.Day)
		v.YearEndTo = fmt.Sprintf("%d/%d", o.YearEndTo.Month, o.YearEndTo.Day)
	}
	through := cal.Through()
	if !through.IsZero() {
		v.Through = fmt.Sprintf("%d年%d月%d日", through.Year, through.Month, through.Day)
	}
	need := max(year, today.Year+1)
	if through.IsZero() || through.Year < need {
		last := "ありません"
		lastEN := "none"
		if !through.IsZero() {
			last = v.Through + "までです"
			lastEN = "up to " + through.String()
		}
		v.Warning = fmt.Sprintf("祝日データは%s。%d年の祝日が入っていないため、その年の祝日は平日として計算されます。内閣府の最新の syukujitsu.csv を取り込んでください。", last, need)
		v.WarningEN = fmt.Sprintf("The national holiday data goes %s: holidays of %d are unknown and count as working days. Upload the Cabinet Office's latest syukujitsu.csv.", lastEN, need)
	}
	for m := time.January; m <= time.December; m++ {
		first := kintai.NewDate(year, m, 1)
		cm := calendarMonth{Label: fmt.Sprintf("%d月", m)}
		var week [7]calendarCell
		for d := first; d.Month == m; d = d.AddDays(1) {
			wd := d.Weekday()
			c := calendarCell{Day: d.Day, Class: weekdayClass(d)}
			if h, ok := cal.Lookup(d); ok {
				c.Class, c.Title = calendarKinds[h.Kind].Class, h.Name
				v.Holidays = append(v.Holidays, holidayLine{Date: d, Label: fmt.Sprintf("%d月%d日", d.Month, d.Day),
					Weekday: weekdaysJA[wd], Name: h.Name, Kind: string(h.Kind), KindLabel: calendarKinds[h.Kind].Label,
					Class: calendarKinds[h.Kind].Class, Entity: h.Kind == calendar.Entity})
			}
			week[wd] = c
			if wd == time.Saturday || d.AddDays(1).Month != m {
				cm.Weeks = append(cm.Weeks, week)
				week = [7]calendarCell{}
			}
		}
		v.Months = append(v.Months, cm)
	}
	return v
}

// parseMonthDay reads "12/29" (or "12-29", "12月29日").
func parseMonthDay(field, s string) (calendar.MonthDay, error) {
	s = strings.NewReplacer("月", "/", "日", "", "-", "/").Replace(strings.TrimSpace(normDigits.Replace(s)))
	a, b, ok := strings.Cut(s, "/")
	m, err1 := strconv.Atoi(a)
	d, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return calendar.MonthDay{}, kintai.Invalid(field, "月日は「12/29」のように入力してください。", "Write the day as month/day, like 12/29.")
	}
	return calendar.MonthDay{Month: time.Month(m), Day: d}, nil
}

// --- Handlers: work patterns ----------------------------------------------------

// patternListRow is one pattern in the list.
type patternListRow struct {
	ID                                int64
	Code, Name, Kind, Weekdays, Hours string
	Breaks, Detail                    string
}

func patternRow(p rules.Pattern) patternListRow {
	row := patternListRow{ID: p.ID, Code: p.Code, Name: p.Name, Kind: patternKindLabel(p.Kind), Breaks: spansText(p.Breaks)}
	var days []string
	for d := range 7 {
		if p.Weekdays&(1<<d) != 0 {
			days = append(days, weekdaysJA[d])
		}
	}
	switch p.Kind {
	case rules.PatternFixed, rules.PatternStaggered:
		row.Weekdays, row.Hours = strings.Join(days, ""), spanText(p.Hours)
		if p.Kind == rules.PatternStaggered {
			row.Detail = "選択肢: " + spansText(p.Options)
		}
	case rules.PatternShift:
		row.Weekdays, row.Hours = "シフトによる", "シフトによる"
	case rules.PatternFlex:
		row.Weekdays, row.Hours = "割振りによる", "割振りによる"
		row.Detail = fmt.Sprintf("単位期間%d週間・総勤務時間%s", p.UnitWeeks, hm(p.RequiredMin))
		if p.Core != nil {
			row.Detail += "・コアタイム" + spanText(*p.Core)
		}
		if p.Band != nil {
			row.Detail += "・フレキシブルタイム" + spanText(*p.Band)
		}
		if p.MinDailyMin > 0 {
			row.Detail += "・1日の最短" + hm(p.MinDailyMin)
		}
	}
	if p.PartTime {
		row.Detail = strings.TrimPrefix(row.Detail+"・短時間勤務", "・")
	}
	return row
}

func (a *App) renderPatterns(w http.ResponseWriter, r *http.Request, status int, f patternForm, ferr error) error {
	ps, err := a.db.FindPatterns(r.Context())
	if err != nil {
		return err
	}
	rows := make([]patternListRow, len(ps))
	for i, p := range ps {
		rows[i] = patternRow(p)
	}
	title := "勤務パターン"
	extra := map[string]any{"Patterns": rows, "Kinds": patternKinds, "Weekdays": weekdaysJA[:], "UnitWeeks": []int{1, 2, 3, 4}}
	return a.pages.render(w, r, status, "patterns", title, form[patternForm]{Values: f, Extra: extra, err: ferr})
}

func (a *App) pagePatterns(w http.ResponseWriter, r *http.Request) error {
	return a.renderPatterns(w, r, http.StatusOK, newPatternForm(), nil)
}

func (a *App) pagePatternEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := a.db.FindPatternByID(r.Context(), id)
	if err != nil {
		return err
	}
	return a.renderPatterns(w, r, http.StatusOK, patternFormOf(*p), nil)
}

// postedForm returns a trimmed reader of the posted form.
func postedForm(r *http.Request) func(string) string {
	r.ParseForm()
	return func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
}

func (a *App) pagePatternSave(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = web.PathID(r, "id"); err != nil {
			return err
		}
	}
	get := postedForm(r)
	f := readPatternForm(get, r.PostForm["weekdays"], id)
	p, err := f.pattern()
	if err == nil {
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
			if id == 0 {
				return tx.CreatePattern(r.Context(), &p)
			}
			return tx.UpdatePattern(r.Context(), &p)
		})
	}
	if isFormError(err) {
		return a.renderPatterns(w, r, web.Status(kintai.ErrorCode(err)), f, err)
	}
	if err != nil {
		return err
	}
	verb := "登録"
	if id != 0 {
		verb = "保存"
	}
	return redirect(w, r, "/settings/patterns/"+strconv.FormatInt(p.ID, 10), "勤務パターン「"+p.Name+"」を"+verb+"しました。")
}

// --- Handlers: a staff member's patterns and pay ---------------------------------

// windowText writes a validity window's end ("" for open-ended).
func windowText(d kintai.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// staffPatternsForm is what was typed on the staff member's pattern page.
type staffPatternsForm struct {
	PatternID                      int64
	ValidFrom, ValidTo             string
	MonthlyYen, HourlyYen, PayFrom string
	Exempt                         bool
}

func (a *App) renderStaffPatterns(w http.ResponseWriter, r *http.Request, status int, s *kintai.Staff, in staffPatternsForm, ferr error) error {
	ctx := r.Context()
	as, err := a.db.FindPatternAssignments(ctx, s.ID)
	if err != nil {
		return err
	}
	pays, err := a.db.FindPay(ctx, s.ID)
	if err != nil {
		return err
	}
	ps, err := a.db.FindPatterns(ctx)
	if err != nil {
		return err
	}
	var lines []assignLine
	for _, x := range as {
		row := patternRow(x.Pattern)
		lines = append(lines, assignLine{x.ValidFrom.String(), windowText(x.ValidTo), x.Pattern.Name, x.Pattern.Code, row.Kind, row.Hours})
	}
	var payLines []payLine
	for _, p := range pays {
		l := payLine{From: p.ValidFrom.String(), To: windowText(p.ValidTo), Exempt: p.Exempt}
		if p.MonthlyYen > 0 {
			l.Monthly = yen(p.MonthlyYen)
		}
		if p.HourlyYen > 0 {
			l.Hourly = yen(p.HourlyYen)
		}
		payLines = append(payLines, l)
	}
	if in.ValidFrom == "" {
		in.ValidFrom = a.today().String()
	}
	if in.PayFrom == "" {
		in.PayFrom = kintai.NewDate(a.today().Year, a.today().Month, 1).String()
	}
	v := staffPatternsView{staffPatternsForm: in, Staff: s, Assignments: lines, Pay: payLines, Patterns: ps, err: ferr}
	return a.pages.render(w, r, status, "staff_patterns", "勤務パターンの割当", v)
}

// assignLine is one pattern assignment of a staff member.
type assignLine struct{ From, To, Name, Code, Kind, Hours string }

// payLine is one window of a staff member's pay.
type payLine struct {
	From, To, Monthly, Hourly string
	Exempt                    bool
}

// staffPatternsView is the staff member's pattern and pay page.
type staffPatternsView struct {
	staffPatternsForm
	Staff       *kintai.Staff
	Assignments []assignLine
	Pay         []payLine
	Patterns    []rules.Pattern
	err         error
}

func (v staffPatternsView) formErr() error { return v.err }

func (a *App) pageStaffPatterns(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.staffInScope(r, id, kintai.RoleApprover)
	if err != nil {
		return err
	}
	return a.renderStaffPatterns(w, r, http.StatusOK, s, staffPatternsForm{}, nil)
}

// parseFormDate reads a date field of a form.
func parseFormDate(field, s, whatJA, whatEN string, optional bool) (kintai.Date, error) {
	if s == "" && optional {
		return kintai.Date{}, nil
	}
	d, err := kintai.ParseDate(s)
	if err != nil {
		return d, kintai.Invalid(field, whatJA+"の形式が正しくありません（例: 2026-10-01）。", whatEN+" must be YYYY-MM-DD.")
	}
	return d, nil
}

func (a *App) pageStaffAssign(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.staffInScope(r, id, kintai.RoleHR)
	if err != nil {
		return err
	}
	get := postedForm(r)
	in := staffPatternsForm{ValidFrom: get("valid_from"), ValidTo: get("valid_to")}
	in.PatternID, _ = strconv.ParseInt(get("pattern_id"), 10, 64)
	from, err := parseFormDate("valid_from", in.ValidFrom, "適用開始日", "The first day", false)
	var to kintai.Date
	if err == nil {
		to, err = parseFormDate("valid_to", in.ValidTo, "適用終了日", "The last day", true)
	}
	var asg *store.PatternAssignment
	if err == nil {
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
			var err error
			asg, err = tx.AssignPattern(r.Context(), s.ID, in.PatternID, from, to)
			return err
		})
	}
	if isFormError(err) {
		return a.renderStaffPatterns(w, r, web.Status(kintai.ErrorCode(err)), s, in, err)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/staff/"+strconv.FormatInt(s.ID, 10)+"/patterns", "勤務パターン「"+asg.Pattern.Name+"」を"+from.String()+"から割り当てました。")
}

func (a *App) pageStaffPay(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.staffInScope(r, id, kintai.RoleHR)
	if err != nil {
		return err
	}
	get := postedForm(r)
	in := staffPatternsForm{MonthlyYen: get("monthly_yen"), HourlyYen: get("hourly_yen"), PayFrom: get("pay_from"), Exempt: get("exempt") != ""}
	p := store.Pay{StaffID: s.ID}
	p.Exempt = in.Exempt
	readYen := func(field, v, ja, en string) (int64, error) {
		v = strings.NewReplacer(",", "", "円", "", "¥", "").Replace(normDigits.Replace(v))
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, kintai.Invalid(field, ja+"は円単位の整数で入力してください。", en+" must be whole yen.")
		}
		return n, nil
	}
	p.MonthlyYen, err = readYen("monthly_yen", in.MonthlyYen, "月額", "The monthly pay")
	if err == nil {
		p.HourlyYen, err = readYen("hourly_yen", in.HourlyYen, "時間額", "The hourly pay")
	}
	if err == nil {
		p.ValidFrom, err = parseFormDate("valid_from", in.PayFrom, "適用開始日", "The first day", false)
	}
	if err == nil {
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.SetPay(r.Context(), &p) })
	}
	if isFormError(err) {
		return a.renderStaffPatterns(w, r, web.Status(kintai.ErrorCode(err)), s, in, err)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/staff/"+strconv.FormatInt(s.ID, 10)+"/patterns", "給与を"+p.ValidFrom.String()+"から登録しました。")
}

// --- Handlers: the holiday calendar ---------------------------------------------

func (a *App) renderCalendar(w http.ResponseWriter, r *http.Request, status int, year int, upload *uploadErrors, entity [2]string, ferr error) error {
	cal, err := a.db.Calendar(r.Context())
	if err != nil {
		return err
	}
	v := buildCalendar(cal, year, a.today())
	v.UploadErrors = upload
	v.EntityDate, v.EntityName = entity[0], entity[1]
	v.err = ferr
	return a.pages.render(w, r, status, "calendar", "カレンダー（休日）", v)
}

func (a *App) pageCalendar(w http.ResponseWriter, r *http.Request) error {
	year := a.today().Year
	if s := r.URL.Query().Get("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 1948 || y > 2999 {
			return kintai.Invalid("year", "年は1948〜2999で指定してください。", "year must be 1948 to 2999.")
		}
		year = y
	}
	return a.renderCalendar(w, r, http.StatusOK, year, nil, [2]string{}, nil)
}

func (a *App) pageCalendarUpload(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, calendar.MaxBytes+64<<10)
	file, _, err := r.FormFile("file")
	// The page the file was sent from is shown again with the errors.
	year, yerr := strconv.Atoi(r.FormValue("year"))
	if yerr != nil || year < 1948 || year > 2999 {
		year = a.today().Year
	}
	if err != nil {
		return a.renderCalendar(w, r, http.StatusUnprocessableEntity, year, nil, [2]string{},
			kintai.Invalid("file", "祝日CSVファイルを選んでください（1MiBまで）。", "Choose a holiday CSV file (up to 1 MiB)."))
	}
	defer file.Close()
	days, err := calendar.Parse(file)
	var res store.HolidayImport
	if err == nil {
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
			var err error
			res, err = tx.ImportHolidays(r.Context(), days)
			return err
		})
	}
	if isFormError(err) {
		return a.renderCalendar(w, r, http.StatusUnprocessableEntity, year, splitUploadError(err), [2]string{}, nil)
	}
	if err != nil {
		return err
	}
	years := make([]string, len(res.Years))
	for i, y := range res.Years {
		years[i] = strconv.Itoa(y)
	}
	return redirect(w, r, "/settings/calendar?year="+strconv.Itoa(res.Years[len(res.Years)-1]),
		fmt.Sprintf("祝日を%d日分取り込みました（%s年）。", res.Days, strings.Join(years, "・")))
}

func (a *App) pageCalendarAddDay(w http.ResponseWriter, r *http.Request) error {
	get := postedForm(r)
	entity := [2]string{get("date"), get("name")}
	d := calendar.Day{Name: entity[1], Kind: calendar.Entity}
	var err error
	d.Date, err = parseFormDate("date", entity[0], "日付", "The date", false)
	if err == nil {
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.AddEntityDay(r.Context(), &d) })
	}
	year := a.today().Year
	if !d.Date.IsZero() {
		year = d.Date.Year
	}
	if isFormError(err) {
		return a.renderCalendar(w, r, web.Status(kintai.ErrorCode(err)), year, nil, entity, err)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/settings/calendar?year="+strconv.Itoa(year), fmt.Sprintf("%d月%d日を「%s」として追加しました。", d.Date.Month, d.Date.Day, d.Name))
}

func (a *App) pageCalendarDeleteDay(w http.ResponseWriter, r *http.Request) error {
	get := postedForm(r)
	d, err := parseFormDate("date", get("date"), "日付", "The date", false)
	if err != nil {
		return err
	}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.DeleteEntityDay(r.Context(), d) }); err != nil {
		return err
	}
	return redirect(w, r, "/settings/calendar?year="+strconv.Itoa(d.Year), fmt.Sprintf("%d月%d日の団体の休日を削除しました。", d.Month, d.Day))
}

func (a *App) pageCalendarOptions(w http.ResponseWriter, r *http.Request) error {
	get := postedForm(r)
	rs, err := a.db.FindRuleSettings(r.Context())
	if err != nil {
		return err
	}
	o := calendar.Options{YearEnd: get("year_end") != ""}
	o.YearEndFrom, err = parseMonthDay("year_end_from", get("year_end_from"))
	if err == nil {
		o.YearEndTo, err = parseMonthDay("year_end_to", get("year_end_to"))
	}
	if err == nil {
		err = o.Validate()
	}
	if err == nil {
		rs.Calendar = o
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.SaveRuleSettings(r.Context(), &rs) })
	}
	if isFormError(err) {
		return a.renderCalendar(w, r, web.Status(kintai.ErrorCode(err)), a.today().Year, nil, [2]string{}, err)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/settings/calendar", "年末年始の設定を保存しました。")
}

// --- Handlers: rule settings -----------------------------------------------------

func (a *App) pageRuleSettings(w http.ResponseWriter, r *http.Request) error {
	rs, err := a.db.FindRuleSettings(r.Context())
	if err != nil {
		return err
	}
	return a.pages.render(w, r, http.StatusOK, "rule_settings", "計算設定", settingsFormOf(rs.Rules, nil, ""))
}

func (a *App) pageRuleSettingsSave(w http.ResponseWriter, r *http.Request) error {
	rs, err := a.db.FindRuleSettings(r.Context())
	if err != nil {
		return err
	}
	s, values, err := readSettings(rs.Rules, postedForm(r))
	if err == nil {
		rs.Rules = s
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.SaveRuleSettings(r.Context(), &rs) })
	}
	if isFormError(err) {
		field := strings.TrimPrefix(web.Detail(err).Field, "rules.")
		f := settingsFormOf(rs.Rules, values, field)
		f.err = err
		return a.pages.render(w, r, web.Status(kintai.ErrorCode(err)), "rule_settings", "計算設定", f)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/settings/rules", "計算設定を保存しました。先月以降の集計をやり直します。")
}

// --- Handlers: day-by-day shifts ---------------------------------------------------

// shiftRow is one day of the shift grid.
type shiftRow struct {
	Date                  kintai.Date
	Label, Weekday, Class string
	Kind                  dayKindInfo
	Default               string // the pattern's hours that day
	Hours, Breaks         string
	Off                   bool
}

// shiftsView is the shift grid of one staff member's month.
type shiftsView struct {
	Staff                              *kintai.Staff
	Month, MonthParam, Prev, Next      string
	Pattern, PatternKind, PatternHours string
	Staggered                          bool
	Options                            []string
	Rows                               []shiftRow
	Planned                            string
	// FlexProblems are the unit periods whose flex allotments do not add
	// up (rules.ValidateFlexPlan); they are saved all the same, since a
	// plan is built up day by day.
	FlexProblems []string
	err          error
}

func (v shiftsView) formErr() error { return v.err }

// planner answers rules.Plan for one staff member's days from the stored
// master data.
type planner struct {
	assignments []store.PatternAssignment
	settings    rules.Settings
	cal         *calendar.Calendar
	loc         *time.Location
}

func (a *App) plannerFor(r *http.Request, staffID int64) (*planner, error) {
	ctx := r.Context()
	as, err := a.db.FindPatternAssignments(ctx, staffID)
	if err != nil {
		return nil, err
	}
	rs, err := a.db.FindRuleSettings(ctx)
	if err != nil {
		return nil, err
	}
	cal, err := a.db.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	return &planner{assignments: as, settings: rs.Rules, cal: cal, loc: a.cfg.Loc}, nil
}

// pattern returns the pattern in force on day, or nil.
func (p *planner) pattern(day kintai.Date) *rules.Pattern {
	for i := range p.assignments {
		if p.assignments[i].Covers(day) {
			return &p.assignments[i].Pattern
		}
	}
	return nil
}

func (p *planner) holiday(d kintai.Date) (rules.DayKind, bool) { return store.HolidayFunc(p.cal)(d) }

// plan returns the kind and hours of day with the day shift ds (nil: the
// pattern's own). Without a pattern the day is a working day with no
// hours, or a holiday.
func (p *planner) plan(day kintai.Date, ds *rules.DayShift) (rules.DayKind, *rules.Shift, error) {
	pat := p.pattern(day)
	if pat == nil {
		if k, ok := p.holiday(day); ok {
			return k, nil, nil
		}
		return rules.Workday, nil, nil
	}
	return rules.Plan(*pat, day, ds, p.holiday, p.settings, p.loc)
}

func (a *App) renderShifts(w http.ResponseWriter, r *http.Request, status int, s *kintai.Staff, first kintai.Date, posted func(string) string, ferr error) error {
	pl, err := a.plannerFor(r, s.ID)
	if err != nil {
		return err
	}
	last := monthEnd(first)
	stored, err := a.db.FindDayShifts(r.Context(), s.ID, first, last)
	if err != nil {
		return err
	}
	byDay := map[kintai.Date]rules.DayShift{}
	for _, d := range stored {
		byDay[d.Date] = d.DayShift
	}
	v := shiftsView{Staff: s, Month: monthLabel(first), MonthParam: monthParam(first), Prev: monthParam(first.AddDays(-1)),
		Next: monthParam(last.AddDays(1)), err: ferr}
	for day := first; !day.After(last); day = day.AddDays(1) {
		if p := pl.pattern(day); p != nil && v.Pattern == "" {
			v.Pattern, v.PatternKind = p.Name, patternKindLabel(p.Kind)
			if p.Kind == rules.PatternFixed || p.Kind == rules.PatternStaggered {
				v.PatternHours = spanText(p.Hours)
			}
			if p.Kind == rules.PatternStaggered {
				v.Staggered = true
				v.Options = append([]string{spanText(p.Hours)}, strings.Split(spansText(p.Options), ", ")...)
			}
		}
	}
	planned := 0
	for day := first; !day.After(last); day = day.AddDays(1) {
		row := shiftRow{Date: day, Label: fmt.Sprintf("%d/%d", day.Month, day.Day), Weekday: weekdaysJA[day.Weekday()]}
		kind, sh, err := pl.plan(day, nil)
		if err != nil {
			return err
		}
		var hol *calendar.Day
		if h, ok := pl.cal.Lookup(day); ok {
			hol = &h
		}
		row.Kind = dayKindOf(kind, hol)
		if sh != nil {
			row.Default = instantClock(sh.Start, day, a.cfg.Loc) + "–" + instantClock(sh.End, day, a.cfg.Loc)
		}
		ds, has := byDay[day]
		if posted != nil {
			key := day.String()
			row.Hours, row.Breaks, row.Off = posted("hours_"+key), posted("breaks_"+key), posted("off_"+key) != ""
		} else if has {
			row.Off = ds.Off
			if !ds.Off {
				row.Hours, row.Breaks = spanText(ds.Hours), spansText(ds.Breaks)
			}
		}
		var dsp *rules.DayShift
		if has {
			dsp = &ds
		}
		if k, sh, err := pl.plan(day, dsp); err == nil && k == rules.Workday && sh != nil {
			planned += sh.RegularMinutes()
		}
		row.Class = row.Kind.Class + " " + weekdayClass(day)
		v.Rows = append(v.Rows, row)
	}
	v.Planned = durJa(planned)
	if v.FlexProblems, err = a.flexProblems(r.Context(), s.ID, first); err != nil {
		return err
	}
	return a.pages.render(w, r, status, "shifts", "シフト（勤務割振り）", v)
}

func (a *App) pageShifts(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.staffInScope(r, id, kintai.RoleApprover)
	if err != nil {
		return err
	}
	first, err := parseMonth(r.URL.Query().Get("month"), a.today())
	if err != nil {
		return err
	}
	return a.renderShifts(w, r, http.StatusOK, s, first, nil, nil)
}

func (a *App) pageShiftsSave(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.staffInScope(r, id, kintai.RoleApprover)
	if err != nil {
		return err
	}
	first, err := parseMonth(r.URL.Query().Get("month"), a.today())
	if err != nil {
		return err
	}
	last := monthEnd(first)
	get := postedForm(r)
	shifts, err := a.readShifts(r, s.ID, first, last, get)
	if err == nil {
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
			return tx.PutDayShifts(r.Context(), s.ID, first, last, shifts)
		})
	}
	if isFormError(err) {
		return a.renderShifts(w, r, web.Status(kintai.ErrorCode(err)), s, first, get, err)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/staff/"+strconv.FormatInt(s.ID, 10)+"/shifts?month="+monthParam(first), monthLabel(first)+"のシフトを保存しました。")
}

// readShifts reads the posted grid and checks each day against the
// staff member's pattern as rules.Plan will. An error names the day's
// field (hours_2026-10-01).
func (a *App) readShifts(r *http.Request, staffID int64, first, last kintai.Date, get func(string) string) ([]store.DayShift, error) {
	pl, err := a.plannerFor(r, staffID)
	if err != nil {
		return nil, err
	}
	var out []store.DayShift
	for day := first; !day.After(last); day = day.AddDays(1) {
		key := day.String()
		hours, breaks, off := get("hours_"+key), get("breaks_"+key), get("off_"+key) != ""
		label := fmt.Sprintf("%d/%d", day.Month, day.Day)
		ds := store.DayShift{StaffID: staffID, Date: day}
		switch {
		case off:
			ds.Off = true
		case hours == "" && breaks == "":
			continue
		default:
			if ds.Hours, err = parseSpan("hours_"+key, hours, label+"の勤務時間", label+": the hours"); err != nil {
				return nil, err
			}
			if ds.Breaks, err = parseSpans("breaks_"+key, breaks, label+"の休憩", label+": the breaks"); err != nil {
				return nil, err
			}
		}
		if _, _, err := pl.plan(day, &ds.DayShift); err != nil {
			if e, ok := err.(*kintai.Error); ok {
				e2 := *e
				e2.Field = e.Field + "_" + key
				return nil, &e2
			}
			return nil, err
		}
		out = append(out, ds)
	}
	return out, nil
}

// --- Handlers: the month and the team month ------------------------------------------

// pageRecomputeOptions are the options of the recomputes a page asks for.
func (a *App) pageRecomputeOptions(r *http.Request) store.RecomputeOptions {
	return store.RecomputeOptions{Loc: a.cfg.Loc, AsOf: a.cfg.Now(), Actor: actorFrom(r)}
}

// findResult returns staffID's month with its days, computing it first
// when it is missing or out of date; nil when there is none (a month
// outside the 任用期間).
func (a *App) findResult(r *http.Request, staffID int64, first kintai.Date) (*store.MonthResult, error) {
	if err := a.db.EnsureMonthResults(r.Context(), first, []int64{staffID}, a.pageRecomputeOptions(r)); err != nil {
		return nil, err
	}
	res, err := a.db.FindMonthResult(r.Context(), staffID, first)
	if kintai.ErrorCode(err) == kintai.ENOTFOUND {
		return nil, nil
	}
	return res, err
}

// pageMonth is the 出勤簿: the signed-in staff member's month, or with
// ?staff= the month of someone in the approver's scope.
func (a *App) pageMonth(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := identityFrom(ctx)
	q := r.URL.Query()
	first, err := parseMonth(q.Get("month"), a.today())
	if err != nil {
		return err
	}
	target := id.staff
	if s := q.Get("staff"); s != "" {
		sid, err := strconv.ParseInt(s, 10, 64)
		if err != nil || sid <= 0 {
			return kintai.Invalid("staff", "staff が正しくありません。", "Invalid staff.")
		}
		// Someone else's month is for those in scope; to anyone else the
		// staff member does not exist.
		if target, err = a.findVisibleStaff(r, sid); err != nil {
			return err
		}
	}
	self := target.ID == id.staff.ID
	last := monthEnd(first)
	res, err := a.findResult(r, target.ID, first)
	if err != nil {
		return err
	}
	punches, err := a.db.FindPunches(ctx, store.PunchFilter{StaffIDs: []int64{target.ID}, From: first, To: last})
	if err != nil {
		return err
	}
	pl, err := a.plannerFor(r, target.ID)
	if err != nil {
		return err
	}
	stored, err := a.db.FindDayShifts(ctx, target.ID, first, last)
	if err != nil {
		return err
	}
	byDay := map[kintai.Date]*rules.DayShift{}
	for i := range stored {
		byDay[stored[i].Date] = &stored[i].DayShift
	}
	src := monthSource{Staff: target, First: first, Today: a.today(), Loc: a.cfg.Loc, Punches: punches, Self: self,
		Shifts: map[kintai.Date]*rules.Shift{}, Holidays: map[kintai.Date]calendar.Day{}}
	for day := first; !day.After(last); day = day.AddDays(1) {
		if _, sh, err := pl.plan(day, byDay[day]); err == nil && sh != nil {
			src.Shifts[day] = sh
		}
	}
	for _, h := range pl.cal.Range(first, last) {
		src.Holidays[h.Date] = h
	}
	tree, err := a.db.OrgTree(ctx)
	if err != nil {
		return err
	}
	// Amounts are for the staff member and for HR; a supervisor sees the
	// hours.
	src.ShowAmounts = self || id.actor.Can(kintai.RoleHR, target.OrgUnitID, tree)
	if res != nil {
		src.Result, src.Days, src.Alerts, src.ComputedAt = &res.Totals, res.Days, res.Alerts, res.ComputedAt
		src.Forecast, src.ForecastCap = res.ForecastOn, rules.MonthCapOf(res.Profile)
	}
	units, err := a.db.FindOrgUnits(ctx)
	if err != nil {
		return err
	}
	src.Unit = unitIndex(units)[target.OrgUnitID].Name
	title := "勤務表（出勤簿）"
	if !self {
		title += " " + target.Name
	}
	v := buildMonth(src)
	if v.Close, err = a.monthClose(r, target, first, self); err != nil {
		return err
	}
	return a.pages.render(w, r, http.StatusOK, "my_month", title, v)
}

// teamView is the team month page.
type teamView struct {
	Month, MonthParam, Prev, Next string
	Query, UnitQuery              string
	Unit                          int64
	Units                         []unitRow
	Sort                          string
	Rows                          []teamLine
	Breach, Notice, Doctor        int
	Close                         teamCloseView // 月次締め (pages_close.go)
}

// pageTeamMonth is the supervisor's team month: the staff in scope with
// their totals, cap alerts and forecast, by overtime (超過勤務の多い順).
func (a *App) pageTeamMonth(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	first, err := parseMonth(q.Get("month"), a.today())
	if err != nil {
		return err
	}
	unit, err := queryUnit(r)
	if err != nil {
		return err
	}
	if unit != 0 {
		if err := a.requireScope(ctx, r, kintai.RoleApprover, unit); err != nil {
			return err
		}
	}
	sortBy := q.Get("sort")
	switch sortBy {
	case "":
		sortBy = "overtime"
	case "overtime", "staff_no":
	default:
		return kintai.Invalid("sort", "sort は overtime か staff_no です。", "sort must be overtime or staff_no.")
	}
	last := monthEnd(first)
	staff, err := a.scopedStaff(r, unit)
	if err != nil {
		return err
	}
	staff = slices.DeleteFunc(staff, func(s kintai.Staff) bool {
		return s.AppointedOn.After(last) || (!s.AppointmentEndsOn.IsZero() && s.AppointmentEndsOn.Before(first))
	})
	ids := staffIDs(staff)
	if err := a.db.EnsureMonthResults(ctx, first, ids, a.pageRecomputeOptions(r)); err != nil {
		return err
	}
	results, err := a.db.FindMonthResults(ctx, store.ResultFilter{Month: first, StaffIDs: ids})
	if err != nil {
		return err
	}
	byStaff := map[int64]*store.MonthResult{}
	for i := range results {
		byStaff[results[i].StaffID] = &results[i]
	}
	units, err := a.db.FindOrgUnits(ctx)
	if err != nil {
		return err
	}
	names := unitIndex(units)
	v := teamView{Month: monthLabel(first), MonthParam: monthParam(first), Prev: monthParam(first.AddDays(-1)),
		Next: monthParam(last.AddDays(1)), Unit: unit, Sort: sortBy}
	if unit != 0 {
		v.UnitQuery = "&org_unit_id=" + strconv.FormatInt(unit, 10)
	}
	v.Query = v.UnitQuery + "&sort=" + sortBy
	srcs := make([]teamSource, 0, len(staff))
	for _, s := range staff {
		src := teamSource{Staff: s, Unit: names[s.OrgUnitID].Name}
		if res := byStaff[s.ID]; res != nil {
			src.Result, src.Alerts = &res.Totals, res.Alerts
			src.Forecast, src.Cap = res.ForecastOn, rules.MonthCapOf(res.Profile)
			// Each count is of people, whatever their number of alerts.
			levels := map[string]bool{}
			for _, al := range res.Alerts {
				levels[al.Level] = true
			}
			v.Breach += boolInt(levels[rules.LevelBreach])
			v.Notice += boolInt(levels[rules.LevelNotice])
			v.Doctor += boolInt(levels[rules.LevelDoctor])
		}
		srcs = append(srcs, src)
	}
	v.Rows = buildTeam(srcs, sortBy == "overtime")
	scope, err := a.staffScope(ctx, actorFrom(r))
	if err != nil {
		return err
	}
	for _, u := range treeRows(units) {
		if scope == nil || slices.Contains(scope, u.ID) {
			v.Units = append(v.Units, u)
		}
	}
	if v.Close, err = a.teamClose(r, first, unit, names); err != nil {
		return err
	}
	return a.pages.render(w, r, http.StatusOK, "team_month", "チーム月次", v)
}
