package rules

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/punch"
)

var monthJST = time.FixedZone("JST", 9*60*60)

// May 2025: the 1st is a Thursday; the 10th a Saturday, the 11th a Sunday.
func may(day int) kintai.Date { return kintai.NewDate(2025, time.May, day) }

func mayAt(day, h, m int) time.Time {
	return time.Date(2025, time.May, day, h, m, 0, 0, monthJST).UTC()
}

// Segment builders: minutes starting at hour h on a May day.
func segWork(day, h, min int) Segment {
	return Segment{Start: mayAt(day, h, 0), Min: min, Class: ClassWorkday, Counts60: true}
}

func segWorkNight(day, h, min int) Segment {
	sg := segWork(day, h, min)
	sg.Night = true
	return sg
}

func segSat(day, h, min int) Segment {
	return Segment{Start: mayAt(day, h, 0), Min: min, Class: ClassRest, Counts60: true}
}

func segSun(day, h, min int) Segment {
	return Segment{Start: mayAt(day, h, 0), Min: min, Class: ClassRest}
}

func segBand(day, h, min int, night bool) Segment {
	sg := segWork(day, h, min)
	sg.Band100, sg.Night = true, night
	return sg
}

// otDay is a day whose results are its overtime segments.
func otDay(kind DayKind, segs ...Segment) DayResult {
	d := DayResult{Kind: kind, Segments: segs}
	if len(segs) > 0 {
		d.Date = kintai.DateOf(segs[0].Start, monthJST)
	}
	for _, sg := range segs {
		d.OvertimeMin += sg.Min
		d.WorkedMin += sg.Min
		if sg.Band100 {
			d.Band100Min += sg.Min
		}
	}
	return d
}

func mayInput(hourly int64, days ...DayResult) MonthInput {
	return MonthInput{Year: 2025, Month: time.May, Days: days, Pay: Pay{HourlyYen: hourly}}
}

// weekdays returns the weekdays of May 2025 from the first, n of them.
func weekdays(n int) []int {
	var out []int
	for d := 1; len(out) < n; d++ {
		if wd := may(d).Weekday(); wd != time.Saturday && wd != time.Sunday {
			out = append(out, d)
		}
	}
	return out
}

func TestComputeMonthCategories(t *testing.T) {
	s := DefaultSettings()

	var ot01 []DayResult // TC-OT-01
	for i, d := range weekdays(10) {
		segs := []Segment{segWork(d, 17, 120)}
		if i < 5 {
			segs = append(segs, segWorkNight(d, 22, 60))
		}
		ot01 = append(ot01, otDay(Workday, segs...))
	}
	ot01 = append(ot01, otDay(RestDay, segSat(10, 9, 480)))

	var ot02 []DayResult // TC-OT-02: 20 days × 3h30m = 70 h
	for _, d := range weekdays(20) {
		ot02 = append(ot02, otDay(Workday, segWork(d, 17, 210)))
	}

	var ot04 []DayResult // TC-OT-04: 22 days × 2h30m = 55 h, and 10 h on Sunday the 11th
	for _, d := range weekdays(22) {
		ot04 = append(ot04, otDay(Workday, segWork(d, 17, 150)))
		if d == 9 {
			ot04 = append(ot04, otDay(DesignatedRestDay, segSun(11, 8, 600)))
		}
	}

	var ot04Over []DayResult // 66 h on weekdays, then Sunday: still 135
	for _, d := range weekdays(22) {
		ot04Over = append(ot04Over, otDay(Workday, segWork(d, 17, 180)))
	}
	ot04Over = append(ot04Over, otDay(DesignatedRestDay, segSun(25, 8, 300)))

	var satOver []DayResult // 60 h on weekdays, 1 h more on Thursday, then 5 h on Saturday
	for _, d := range weekdays(20) {
		satOver = append(satOver, otDay(Workday, segWork(d, 17, 180)))
	}
	satOver = append(satOver, otDay(Workday, segWork(29, 17, 60)), otDay(RestDay, segSat(31, 8, 300)))

	var split []DayResult // 58 h, then a night segment of 3 h crossing 60 h
	for _, d := range weekdays(20) {
		if d == 28 {
			split = append(split, otDay(Workday, segWork(d, 17, 174), segWorkNight(d, 22, 180)))
			continue
		}
		split = append(split, otDay(Workday, segWork(d, 17, 174)))
	}

	var bandOver []DayResult // 59 h on weekdays, then a band hour and a half
	for _, d := range weekdays(20) {
		bandOver = append(bandOver, otDay(Workday, segWork(d, 17, 177)))
	}
	bandOver = append(bandOver, otDay(Workday, segBand(30, 15, 90, false)))

	tests := []struct {
		name       string
		in         MonthInput
		want       []Category
		wantAmount int64
		wantOver60 int
		wantRest   int
		// wantOver60Rest is the part of wantOver60 worked as ClassRest.
		wantOver60Rest int
	}{
		{
			name: "TC-OT-01", in: mayInput(1638, ot01...), wantAmount: 70933,
			want: []Category{
				{Code: "ot125", Label: "超過勤務(125)", RatePct: 125, Min: 1200, Hours: 20, UnitYen: 2048, AmountYen: 40960},
				{Code: "ot150_night", Label: "超過勤務 深夜(150)", RatePct: 150, Min: 300, Hours: 5, UnitYen: 2457, AmountYen: 12285},
				{Code: "ot135", Label: "週休日等(135)", RatePct: 135, Min: 480, Hours: 8, UnitYen: 2211, AmountYen: 17688},
			},
		},
		{
			name: "TC-OT-01 from monthly pay", wantAmount: 70933,
			in: MonthInput{Year: 2025, Month: time.May, Days: ot01, Pay: Pay{MonthlyYen: 275000}},
			want: []Category{
				{Code: "ot125", Label: "超過勤務(125)", RatePct: 125, Min: 1200, Hours: 20, UnitYen: 2048, AmountYen: 40960},
				{Code: "ot150_night", Label: "超過勤務 深夜(150)", RatePct: 150, Min: 300, Hours: 5, UnitYen: 2457, AmountYen: 12285},
				{Code: "ot135", Label: "週休日等(135)", RatePct: 135, Min: 480, Hours: 8, UnitYen: 2211, AmountYen: 17688},
			},
		},
		{
			name: "TC-OT-02", in: mayInput(1638, ot02...), wantAmount: 147450, wantOver60: 600,
			want: []Category{
				{Code: "ot125", Label: "超過勤務(125)", RatePct: 125, Min: 3600, Hours: 60, UnitYen: 2048, AmountYen: 122880},
				{Code: "ot150_over60", Label: "60時間超(150)", RatePct: 150, Min: 600, Hours: 10, UnitYen: 2457, AmountYen: 24570},
			},
		},
		{
			name: "TC-OT-04 Sunday outside the count", in: mayInput(1638, ot04...), wantAmount: 134750, wantRest: 600,
			want: []Category{
				{Code: "ot125", Label: "超過勤務(125)", RatePct: 125, Min: 3300, Hours: 55, UnitYen: 2048, AmountYen: 112640},
				{Code: "ot135", Label: "週休日等(135)", RatePct: 135, Min: 600, Hours: 10, UnitYen: 2211, AmountYen: 22110},
			},
		},
		{
			name: "Sunday after 60 h stays 135", in: mayInput(1638, ot04Over...),
			wantAmount: 60*2048 + 6*2457 + 5*2211, wantOver60: 360, wantRest: 300,
			want: []Category{
				{Code: "ot125", Label: "超過勤務(125)", RatePct: 125, Min: 3600, Hours: 60, UnitYen: 2048, AmountYen: 122880},
				{Code: "ot135", Label: "週休日等(135)", RatePct: 135, Min: 300, Hours: 5, UnitYen: 2211, AmountYen: 11055},
				{Code: "ot150_over60", Label: "60時間超(150)", RatePct: 150, Min: 360, Hours: 6, UnitYen: 2457, AmountYen: 14742},
			},
		},
		{
			name: "Saturday beyond 60 h is 150, counted apart", in: mayInput(1638, satOver...),
			wantAmount: 60*2048 + 6*2457, wantOver60: 360, wantOver60Rest: 300,
			want: []Category{
				{Code: "ot125", Label: "超過勤務(125)", RatePct: 125, Min: 3600, Hours: 60, UnitYen: 2048, AmountYen: 122880},
				{Code: "ot150_over60", Label: "60時間超(150)", RatePct: 150, Min: 360, Hours: 6, UnitYen: 2457, AmountYen: 14742},
			},
		},
		{
			name: "segment crossing 60 h is split", in: mayInput(1638, split...),
			wantAmount: 58*2048 + 2*2457 + 1*2867, wantOver60: 60,
			want: []Category{
				{Code: "ot125", Label: "超過勤務(125)", RatePct: 125, Min: 3480, Hours: 58, UnitYen: 2048, AmountYen: 118784},
				{Code: "ot150_night", Label: "超過勤務 深夜(150)", RatePct: 150, Min: 120, Hours: 2, UnitYen: 2457, AmountYen: 4914},
				{Code: "ot175_over60", Label: "60時間超 深夜(175)", RatePct: 175, Min: 60, Hours: 1, UnitYen: 2867, AmountYen: 2867},
			},
		},
		{
			name: "band minutes count towards and pass 60 h", in: mayInput(1638, bandOver...),
			wantAmount: 59*2048 + 1*1638 + 1*2457, wantOver60: 30,
			want: []Category{
				{Code: "ot125", Label: "超過勤務(125)", RatePct: 125, Min: 3540, Hours: 59, UnitYen: 2048, AmountYen: 120832},
				{Code: "ot150_over60", Label: "60時間超(150)", RatePct: 150, Min: 30, Hours: 1, UnitYen: 2457, AmountYen: 2457},
				{Code: "band100", Label: "100/100", RatePct: 100, Min: 60, Hours: 1, UnitYen: 1638, AmountYen: 1638},
			},
		},
		{
			// Scheduled 6h00m, worked 8h00m: 1h45m at 100, 15 min at 125.
			name: "TC-PT-01", wantAmount: 2400,
			in: mayInput(1200, otDay(Workday, segBand(2, 15, 105, false), segWork(2, 16, 15))),
			want: []Category{
				{Code: "ot125", Label: "超過勤務(125)", RatePct: 125, Min: 15, Hours: 0, UnitYen: 1500, AmountYen: 0},
				{Code: "band100", Label: "100/100", RatePct: 100, Min: 105, Hours: 2, UnitYen: 1200, AmountYen: 2400},
			},
		},
		{
			name: "band at night adds 25", wantAmount: 1500,
			in: mayInput(1200, otDay(Workday, segBand(2, 22, 60, true))),
			want: []Category{
				{Code: "band125_night", Label: "100/100 深夜(125)", RatePct: 125, Min: 60, Hours: 1, UnitYen: 1500, AmountYen: 1500},
			},
		},
		{
			name: "TC-OT-06 10h29m", wantAmount: 10 * 2048,
			in: mayInput(1638, otDay(Workday, segWork(2, 17, 300)), otDay(Workday, segWork(7, 17, 329))),
			want: []Category{
				{Code: "ot125", Label: "超過勤務(125)", RatePct: 125, Min: 629, Hours: 10, UnitYen: 2048, AmountYen: 20480},
			},
		},
		{
			name: "TC-OT-06 10h30m", wantAmount: 11 * 2048,
			in: mayInput(1638, otDay(Workday, segWork(2, 17, 300)), otDay(Workday, segWork(7, 17, 330))),
			want: []Category{
				{Code: "ot125", Label: "超過勤務(125)", RatePct: 125, Min: 630, Hours: 11, UnitYen: 2048, AmountYen: 22528},
			},
		},
		{
			// 3 h × 2,048 = 6,144, not 3 × 1,638 × 1.25 = 6,142.5 → 6,143.
			name: "unit per hour, then times hours", wantAmount: 6144,
			in: mayInput(1638, otDay(Workday, segWork(2, 17, 180))),
			want: []Category{
				{Code: "ot125", Label: "超過勤務(125)", RatePct: 125, Min: 180, Hours: 3, UnitYen: 2048, AmountYen: 6144},
			},
		},
		{
			name: "holiday pay and TC-NIGHT-01 夜勤手当", wantAmount: 8*2211 + 7*410,
			in: mayInput(1638,
				DayResult{Date: may(5), Kind: Holiday, ScheduledMin: 465, WorkedMin: 465, RegularMin: 465, HolidayPayMin: 465},
				DayResult{Date: may(7), Kind: Workday, ScheduledMin: 480, WorkedMin: 480, RegularMin: 480, NightRegularMin: 420}),
			want: []Category{
				{Code: "holiday135", Label: "休日給(135)", RatePct: 135, Min: 465, Hours: 8, UnitYen: 2211, AmountYen: 17688},
				{Code: "night25", Label: "夜勤手当(25)", RatePct: 25, Min: 420, Hours: 7, UnitYen: 410, AmountYen: 2870},
			},
		},
		{
			name: "exempt keeps hours, pays nothing",
			in:   MonthInput{Year: 2025, Month: time.May, Days: ot01, Pay: Pay{MonthlyYen: 275000, Exempt: true}},
			want: []Category{
				{Code: "ot125", Label: "超過勤務(125)", RatePct: 125, Min: 1200, Hours: 20},
				{Code: "ot150_night", Label: "超過勤務 深夜(150)", RatePct: 150, Min: 300, Hours: 5},
				{Code: "ot135", Label: "週休日等(135)", RatePct: 135, Min: 480, Hours: 8},
			},
		},
		{name: "no overtime", in: mayInput(1638, DayResult{Date: may(2), Kind: Workday, ScheduledMin: 465}), want: []Category{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ComputeMonth(s, tt.in)
			if diff := cmp.Diff(tt.want, got.Categories); diff != "" {
				t.Errorf("ComputeMonth(%s).Categories: (-want +got)\n%s", tt.name, diff)
			}
			if got.AmountYen != tt.wantAmount {
				t.Errorf("ComputeMonth(%s).AmountYen = %d, want %d", tt.name, got.AmountYen, tt.wantAmount)
			}
			if got.Over60Min != tt.wantOver60 || got.RestDesignatedMin != tt.wantRest || got.Over60RestMin != tt.wantOver60Rest {
				t.Errorf("ComputeMonth(%s): Over60Min, RestDesignatedMin, Over60RestMin = %d, %d, %d, want %d, %d, %d",
					tt.name, got.Over60Min, got.RestDesignatedMin, got.Over60RestMin, tt.wantOver60, tt.wantRest, tt.wantOver60Rest)
			}
		})
	}
}

func TestComputeMonthRates(t *testing.T) {
	// An entity with other rates: the figures and the labels follow Settings.
	s := DefaultSettings()
	s.RateWorkday, s.RateNightAdd = 130, 30
	got := ComputeMonth(s, mayInput(1000, otDay(Workday, segWork(2, 17, 60), segWorkNight(2, 22, 60))))
	want := []Category{
		{Code: "ot125", Label: "超過勤務(130)", RatePct: 130, Min: 60, Hours: 1, UnitYen: 1300, AmountYen: 1300},
		{Code: "ot150_night", Label: "超過勤務 深夜(160)", RatePct: 160, Min: 60, Hours: 1, UnitYen: 1600, AmountYen: 1600},
	}
	if diff := cmp.Diff(want, got.Categories); diff != "" {
		t.Errorf("ComputeMonth(rates 130/+30).Categories: (-want +got)\n%s", diff)
	}
}

func TestComputeMonthTotals(t *testing.T) {
	s := DefaultSettings()
	own := Warning{Code: "break_floor", Date: may(7), Message: "休憩", MessageEn: "break"}
	days := []DayResult{
		{Date: may(1), Kind: Workday, ScheduledMin: 465, WorkedMin: 525, RegularMin: 465, OvertimeMin: 60,
			NightMin: 0, Segments: []Segment{segWork(1, 17, 60)}, Telework: true,
			FirstIn: mayAt(1, 8, 30), LastOut: mayAt(1, 18, 15)},
		{Date: may(2), Kind: Workday, ScheduledMin: 465, WorkedMin: 405, RegularMin: 405, LateMin: 30, EarlyMin: 30,
			AbsenceMin: 60, FirstIn: mayAt(2, 9, 0), LastOut: mayAt(2, 16, 45),
			Exceptions: []punch.Exception{{Code: "missing_out"}}},
		{Date: may(3), Kind: RestDay},
		{Date: may(4), Kind: DesignatedRestDay, WorkedMin: 120, OvertimeMin: 120,
			Segments: []Segment{segSun(4, 9, 120)}, Special: true, FirstIn: mayAt(4, 9, 0), LastOut: mayAt(4, 11, 0)},
		{Date: may(5), Kind: Holiday, ScheduledMin: 465, WorkedMin: 465, RegularMin: 465, HolidayPayMin: 465,
			FirstIn: mayAt(5, 8, 30), LastOut: mayAt(5, 17, 15)},
		{Date: may(7), Kind: Workday, ScheduledMin: 465, LeaveMin: 240, UnpaidLeaveMin: 225, Warnings: []Warning{own}},
		{Date: may(8), Kind: Workday, ScheduledMin: 465, WorkedMin: 525, RegularMin: 465, OvertimeMin: 60, NightMin: 60,
			Segments: []Segment{segWorkNight(8, 22, 60)}, Special: true, Telework: true,
			FirstIn: mayAt(8, 13, 30), LastOut: mayAt(8, 23, 15)},
	}
	got := ComputeMonth(s, mayInput(1638, days...))
	got.Categories, got.Warnings = nil, nil
	want := MonthResult{
		Year: 2025, Month: time.May,
		DaysWorked: 5, ScheduledMin: 2325, WorkedMin: 2040, RegularMin: 1800, OvertimeMin: 240,
		NightMin: 60, LateMin: 30, EarlyMin: 30, LeaveMin: 240, UnpaidLeaveMin: 225, AbsenceMin: 60,
		HolidayPayMin: 465, TeleworkDays: 2, ExceptionDays: 1, SpecialMin: 180, RestDesignatedMin: 120,
		HourlyYen: 1638, AmountYen: 2048 + 2*2211 + 2457 + 8*2211,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ComputeMonth(totals): (-want +got)\n%s", diff)
	}
}

func TestComputeMonthInterval(t *testing.T) {
	s := DefaultSettings()
	worked := func(day int, in, out time.Time) DayResult {
		return DayResult{Date: may(day), Kind: Workday, WorkedMin: 465, FirstIn: in, LastOut: out}
	}
	warn9h := func(day int) Warning {
		return Warning{Code: "short_interval", Date: may(day),
			Message:   "勤務間インターバルが9時間00分です（目安11時間00分）。",
			MessageEn: "Rest between shifts was 9h00m (guide: 11h00m)."}
	}
	own := Warning{Code: "break_floor", Date: may(2), Message: "休憩", MessageEn: "break"}
	withOwn := worked(2, mayAt(2, 8, 30), mayAt(2, 17, 15))
	withOwn.Warnings = []Warning{own}
	tests := []struct {
		name string
		in   MonthInput
		want []Warning
	}{
		{
			name: "TC-INT-01 23:30 to 08:30",
			in:   mayInput(1638, worked(1, mayAt(1, 8, 30), mayAt(1, 23, 30)), worked(2, mayAt(2, 8, 30), mayAt(2, 17, 15))),
			want: []Warning{warn9h(2)},
		},
		{
			name: "11 h exactly is enough",
			in:   mayInput(1638, worked(1, mayAt(1, 8, 30), mayAt(1, 21, 30)), worked(2, mayAt(2, 8, 30), mayAt(2, 17, 15))),
			want: []Warning{},
		},
		{
			name: "day's own warnings come first",
			in:   mayInput(1638, worked(1, mayAt(1, 8, 30), mayAt(1, 23, 30)), withOwn),
			want: []Warning{own, warn9h(2)},
		},
		{
			name: "a day off between",
			in: mayInput(1638, worked(1, mayAt(1, 8, 30), mayAt(1, 23, 30)), DayResult{Date: may(2), Kind: Workday},
				worked(3, mayAt(3, 8, 30), mayAt(3, 17, 15))),
			want: []Warning{},
		},
		{
			name: "previous month's last clock-out",
			in: MonthInput{Year: 2025, Month: time.May, PrevLastOut: time.Date(2025, time.April, 30, 23, 30, 0, 0, monthJST),
				Days: []DayResult{worked(1, mayAt(1, 8, 30), mayAt(1, 17, 15))}},
			want: []Warning{warn9h(1)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ComputeMonth(s, tt.in)
			if diff := cmp.Diff(tt.want, got.Warnings); diff != "" {
				t.Errorf("ComputeMonth(%s).Warnings: (-want +got)\n%s", tt.name, diff)
			}
		})
	}
}

func BenchmarkComputeMonth(b *testing.B) {
	s := DefaultSettings()
	var days []DayResult
	for d := 1; d <= 31; d++ {
		switch may(d).Weekday() {
		case time.Saturday:
			days = append(days, otDay(RestDay, segSat(d, 9, 240)))
		case time.Sunday:
			days = append(days, DayResult{Date: may(d), Kind: DesignatedRestDay})
		default:
			day := otDay(Workday, segWork(d, 17, 150), segWorkNight(d, 22, 30))
			day.ScheduledMin, day.RegularMin = 465, 465
			day.FirstIn, day.LastOut = mayAt(d, 8, 30), mayAt(d, 22, 30)
			days = append(days, day)
		}
	}
	in := MonthInput{Year: 2025, Month: time.May, Days: days, Pay: Pay{MonthlyYen: 275000}}
	n := 0
	for b.Loop() {
		ComputeMonth(s, in)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "staff-months/s")
}

func TestComputeMonthLeaveByCategory(t *testing.T) {
	got := ComputeMonth(DefaultSettings(), mayInput(1638,
		DayResult{Date: may(7), Kind: Workday, ScheduledMin: 465, LeaveMin: 465, LeaveByCategory: map[string]int{"annual": 465}},
		DayResult{Date: may(8), Kind: Workday, ScheduledMin: 465, LeaveMin: 120, UnpaidLeaveMin: 60, RegularMin: 285, LeaveByCategory: map[string]int{"annual": 120, "other": 60}},
		DayResult{Date: may(9), Kind: Workday, ScheduledMin: 465, LeaveMin: 465, LeaveByCategory: map[string]int{"sick": 465}}))
	want := map[string]int{"annual": 585, "other": 60, "sick": 465}
	if diff := cmp.Diff(want, got.LeaveByCategory); diff != "" {
		t.Errorf("ComputeMonth().LeaveByCategory (-want +got)\n%s", diff)
	}
}
