package app

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/punch"
	"kintai/rules"
	"kintai/store"
	"kintai/web/browsertest"
)

// The rules pages are tested on October 2026, a month with a national
// holiday (スポーツの日, Monday 12 October), as of Monday 19 October at
// 09:00 in Tokyo: the month is in progress, so the team page forecasts.
//
// Both "staff" and "hr" work the standard pattern 8:30–17:15 with a fixed
// break 12:00–13:00, Monday to Friday:
//
//   - staff: clocks in at 8:30 and out at 21:15 on the ten weekdays of
//     1–16 October but the 2nd (4 h overtime each), except the 7th, out
//     at 22:00 (4 h 45 min): 40 h 45 min, over 80 % of 45 h (a notice), and
//     at that pace past 45 h on the 21st. On the 2nd they clock in and
//     never out (an exception), and the 8th starts 10 h 30 min after the
//     7th ended (a rest-interval warning).
//   - hr: 8:30–22:15 on all eleven weekdays of 1–16 October (5 h
//     overtime, 15 min of it at night): 55 h, over 45 h (a breach).
var (
	october  = kintai.NewDate(2026, 10, 1)
	oct19    = kintai.NewDate(2026, 10, 19)
	standard = rules.Pattern{Code: "T01", Name: "標準勤務", Kind: rules.PatternFixed, Weekdays: 0b0111110,
		Hours: rules.Span{StartMin: 8*60 + 30, EndMin: 17*60 + 15}, Breaks: []rules.Span{{StartMin: 12 * 60, EndMin: 13 * 60}}}
)

// seedOctober assigns the standard pattern and pay, and records the
// punches of October described above through the API, moving the clock
// (which must stand before 1 October 08:30 in Tokyo) to 19 October 09:00.
func seedOctober(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	err := f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		p := standard
		if err := tx.CreatePattern(ctx, &p); err != nil {
			return err
		}
		for _, key := range []string{"staff", "hr"} {
			if _, err := tx.AssignPattern(ctx, f.staff[key].ID, p.ID, kintai.NewDate(2026, 4, 1), kintai.Date{}); err != nil {
				return err
			}
		}
		return tx.SetPay(ctx, &store.Pay{StaffID: f.staff["staff"].ID, ValidFrom: kintai.NewDate(2026, 4, 1), Pay: rules.Pay{MonthlyYen: 275000}})
	})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	type event struct {
		key  string
		kind punch.Kind
		hh   int
		mm   int
	}
	for day := october; day.Before(oct19); day = day.AddDays(1) {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday || day.Day == 12 {
			continue
		}
		events := []event{{"staff", punch.ClockIn, 8, 30}, {"hr", punch.ClockIn, 8, 30}}
		switch day.Day {
		case 2: // staff never clocks out
		case 7:
			events = append(events, event{"staff", punch.ClockOut, 22, 0})
		default:
			events = append(events, event{"staff", punch.ClockOut, 21, 15})
		}
		events = append(events, event{"hr", punch.ClockOut, 22, 15})
		for _, e := range events {
			f.setClock(t, tokyo(t, day, e.hh, e.mm))
			f.punchAPI(e.key, e.kind)
		}
	}
	f.setClock(t, tokyo(t, oct19, 9, 0))
}

// get fetches path as c and returns the status and the body.
func (c *client) get(path string) (int, string) {
	c.f.t.Helper()
	resp := c.do("GET", path, "", "")
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post sends a form as c and returns the status, the Location and the body.
func (c *client) post(path string, form url.Values) (int, string, string) {
	c.f.t.Helper()
	form.Set("csrf_token", c.csrf)
	resp := c.do("POST", path, "application/x-www-form-urlencoded", form.Encode())
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func TestRulesPagesRefuse(t *testing.T) {
	f := newFixture(t, store.SQLite)
	seedOctober(t, f)
	id := func(key string) string { return strconv.FormatInt(f.staff[key].ID, 10) }
	tests := []struct {
		name, who, path string
		want            int
	}{
		{"own month", "staff", "/my/month?month=2026-10", 200},
		{"own month by id", "staff", "/my/month?month=2026-10&staff=" + id("staff"), 200},
		{"staff opens a colleague's month", "staff", "/my/month?month=2026-10&staff=" + id("hr"), 404},
		{"staff opens another unit's month", "staff", "/my/month?month=2026-10&staff=" + id("other"), 404},
		{"approver opens a month in scope", "approver", "/my/month?month=2026-10&staff=" + id("staff"), 200},
		{"approver opens a month outside scope", "approver", "/my/month?month=2026-10&staff=" + id("other"), 404},
		{"bad month", "staff", "/my/month?month=2026-13", 400},
		{"staff opens the team month", "staff", "/team/month", 403},
		{"approver opens their team", "approver", "/team/month?month=2026-10&org_unit_id=" + strconv.FormatInt(f.jinji.ID, 10), 200},
		{"approver opens a unit outside scope", "approver", "/team/month?month=2026-10&org_unit_id=" + strconv.FormatInt(f.zaisei.ID, 10), 403},
		{"approver opens shifts in scope", "approver", "/staff/" + id("staff") + "/shifts?month=2026-10", 200},
		{"approver opens shifts outside scope", "approver", "/staff/" + id("other") + "/shifts?month=2026-10", 404},
		{"approver opens the patterns", "approver", "/settings/patterns", 403},
		{"approver opens the rule settings", "approver", "/settings/rules", 403},
		{"hr opens patterns of staff outside scope", "hr", "/staff/" + id("other") + "/patterns", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, body := f.as(tt.who).get(tt.path); got != tt.want {
				t.Errorf("GET %s as %s = %d, want %d\n%s", tt.path, tt.who, got, tt.want, body)
			}
		})
	}

	t.Run("approver cannot save shifts outside scope", func(t *testing.T) {
		st, _, _ := f.as("approver").post("/staff/"+id("other")+"/shifts?month=2026-11", url.Values{"hours_2026-11-02": {"9:00-13:00"}})
		if st != 404 {
			t.Errorf("status %d, want 404", st)
		}
	})
	t.Run("approver cannot see amounts", func(t *testing.T) {
		_, body := f.as("approver").get("/my/month?month=2026-10&staff=" + id("staff"))
		if strings.Contains(body, `id="amount-total"`) {
			t.Error("the approver is shown the staff member's amounts")
		}
		_, body = f.as("staff").get("/my/month?month=2026-10")
		if !strings.Contains(body, `id="amount-total"`) {
			t.Error("the staff member is not shown their own amounts")
		}
	})
}

func TestRulesShiftsForm(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	// A part-timer on day-by-day shifts.
	err := f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		p := rules.Pattern{Code: "P01", Name: "パート", Kind: rules.PatternShift, PartTime: true}
		if err := tx.CreatePattern(ctx, &p); err != nil {
			return err
		}
		_, err := tx.AssignPattern(ctx, f.staff["staff"].ID, p.ID, kintai.NewDate(2026, 4, 1), kintai.Date{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	path := "/staff/" + strconv.FormatInt(f.staff["staff"].ID, 10) + "/shifts?month=2026-07"
	c := f.as("approver")

	st, _, body := c.post(path, url.Values{"hours_2026-07-01": {"9:00-13:00"}, "hours_2026-07-02": {"13:00-9:00"}})
	if st != 400 || !strings.Contains(body, "2026-07-02: 勤務時間の終了は開始より後にしてください。") || !strings.Contains(body, `name="hours_2026-07-02" value="13:00-9:00"`) {
		t.Errorf("bad shift: status %d, want 400 naming 2026-07-02 with the value kept\n%s", st, body)
	}
	if got, err := f.db.FindDayShifts(ctx, f.staff["staff"].ID, kintai.NewDate(2026, 7, 1), kintai.NewDate(2026, 7, 31)); err != nil || len(got) != 0 {
		t.Errorf("stored %v (%v) after a refused form, want nothing", got, err)
	}

	st, loc, _ := c.post(path, url.Values{"hours_2026-07-01": {"9:00-13:00"}, "hours_2026-07-02": {"13:00-18:00"},
		"breaks_2026-07-02": {"15:00-15:15"}, "off_2026-07-03": {"1"}})
	if st != 303 {
		t.Fatalf("status %d, want 303", st)
	}
	if !strings.HasPrefix(loc, "/staff/") {
		t.Errorf("redirect to %q", loc)
	}
	got, err := f.db.FindDayShifts(ctx, f.staff["staff"].ID, kintai.NewDate(2026, 7, 1), kintai.NewDate(2026, 7, 31))
	if err != nil {
		t.Fatal(err)
	}
	want := []store.DayShift{
		{StaffID: f.staff["staff"].ID, Date: kintai.NewDate(2026, 7, 1), DayShift: rules.DayShift{Hours: rules.Span{StartMin: 540, EndMin: 780}}},
		{StaffID: f.staff["staff"].ID, Date: kintai.NewDate(2026, 7, 2), DayShift: rules.DayShift{Hours: rules.Span{StartMin: 780, EndMin: 1080},
			Breaks: []rules.Span{{StartMin: 900, EndMin: 915}}}},
		{StaffID: f.staff["staff"].ID, Date: kintai.NewDate(2026, 7, 3), DayShift: rules.DayShift{Off: true}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored shifts (-want +got):\n%s", diff)
	}
	_, body = c.get(path)
	for _, s := range []string{`name="hours_2026-07-02" value="13:00–18:00"`, `name="breaks_2026-07-02" value="15:00–15:15"`, `id="planned-total">8時間45分<`} {
		if !strings.Contains(body, s) {
			t.Errorf("the grid does not show %s", s)
		}
	}
}

func TestRulesShiftsFlex(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	// Flex time over one-week unit periods from Monday 6 July: 38:45 to
	// allot each week.
	err := f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		p := rules.Pattern{Code: "F01", Name: "フレックス", Kind: rules.PatternFlex, UnitWeeks: 1, RequiredMin: 2325,
			Band: &rules.Span{StartMin: 7 * 60, EndMin: 22 * 60}}
		if err := tx.CreatePattern(ctx, &p); err != nil {
			return err
		}
		_, err := tx.AssignPattern(ctx, f.staff["staff"].ID, p.ID, kintai.NewDate(2026, 7, 6), kintai.NewDate(2026, 7, 12))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	path := "/staff/" + strconv.FormatInt(f.staff["staff"].ID, 10) + "/shifts?month=2026-07"
	c := f.as("hr")
	if st, _, body := c.post(path, url.Values{"hours_2026-07-06": {"9:00-17:00"}}); st != 303 {
		t.Fatalf("status %d, want 303\n%s", st, body)
	}
	_, body := c.get(path)
	if !strings.Contains(body, `id="flex-problems"`) || !strings.Contains(body, "2026-07-06〜2026-07-12: ") {
		t.Errorf("the short week is not pointed out:\n%s", body)
	}
}

func TestRulesFormatting(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"hm", hm(465), "7:45"},
		{"hm long", hm(155 * 60), "155:00"},
		{"hm negative", hm(-30), "-0:30"},
		{"durJa hours and minutes", durJa(90), "1時間30分"},
		{"durJa minutes", durJa(45), "45分"},
		{"durJa hours", durJa(120), "2時間"},
		{"yen", yen(1234567), "1,234,567円"},
		{"yen small", yen(999), "999円"},
		{"yen negative", yen(-2048), "-2,048円"},
		{"span past midnight", spanText(rules.Span{StartMin: 22 * 60, EndMin: 31 * 60}), "22:00–31:00"},
		{"month", monthLabel(october), "2026年10月"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	spans, err := parseSpans("x", "８：３０～１７：１５、9:00-18:00", "x", "x")
	if want := []rules.Span{{StartMin: 510, EndMin: 1035}, {StartMin: 540, EndMin: 1080}}; err != nil || !cmp.Equal(spans, want) {
		t.Errorf("parseSpans(full width) = %v, %v, want %v", spans, err, want)
	}
	if _, err := parseDuration("required", "7:5", "総勤務時間", "Total"); kintai.ErrorCode(err) != kintai.EINVALID {
		t.Errorf("parseDuration(7:5) = %v, want invalid", err)
	}
}

// newOctoberPage opens a browser on a fixture seeded with October (see
// seedOctober) and signs in as key on 19 October.
func newOctoberPage(t *testing.T, key string) *page {
	t.Helper()
	p := newPage(t)
	p.startAt(tokyo(t, october.AddDays(-1), 12, 0))
	seedOctober(t, p.f)
	p.signIn(key)
	return p
}

// cells returns the trimmed text of the cells of row sel, by class.
func (p *page) cells(sel string, classes ...string) []string {
	p.t.Helper()
	out := make([]string, len(classes))
	for i, c := range classes {
		out[i] = strings.Join(strings.Fields(strings.Join(p.texts(sel+" td."+c), " ")), " ")
	}
	return out
}

func TestBrowserRulesMonth(t *testing.T) {
	p := newOctoberPage(t, "staff")

	t.Run("the month of days", func(t *testing.T) {
		p := p.in(t)
		if st := p.open("/my/month?month=2026-10"); st != 200 {
			t.Fatalf("status %d", st)
		}
		browsertest.Screenshot(t, p.ctx, "month")
		if got := p.text("#month-label"); got != "2026年10月" {
			t.Errorf("month = %q", got)
		}
		cols := []string{"day", "weekday", "kind", "schedule", "in", "out", "worked", "overtime", "night", "late", "notes"}
		rows := []struct {
			day  string
			want []string
		}{
			{"2026-10-01", []string{"10/1", "木", "", "8:30–17:15 7:45", "8:30", "21:15", "11:45", "4:00", "", "", ""}},
			{"2026-10-02", []string{"10/2", "金", "", "8:30–17:15 7:45", "8:30", "", "", "", "", "欠勤等 7:45", "退勤の打刻がありません。"}},
			{"2026-10-07", []string{"10/7", "水", "", "8:30–17:15 7:45", "8:30", "22:00", "12:30", "4:45", "", "", ""}},
			{"2026-10-08", []string{"10/8", "木", "", "8:30–17:15 7:45", "8:30", "21:15", "11:45", "4:00", "", "", "勤務間インターバルが10時間30分です（目安11時間00分）。"}},
			{"2026-10-10", []string{"10/10", "土", "週休日", "", "", "", "", "", "", "", ""}},
			{"2026-10-12", []string{"10/12", "月", "スポーツの日", "8:30–17:15 7:45", "", "", "", "", "", "", ""}},
		}
		for _, r := range rows {
			if diff := cmp.Diff(r.want, p.cells("#day-"+r.day, cols...)); diff != "" {
				t.Errorf("row %s (-want +got):\n%s", r.day, diff)
			}
		}
		if got := p.texts("#day-2026-10-02.has-exception .exception"); !cmp.Equal(got, []string{"退勤の打刻がありません。"}) {
			t.Errorf("10/2 exception = %q, want it shown in red", got)
		}
		totals := map[string]string{"#total-days-worked dd": "10日", "#total-worked dd": "118:15", "#total-overtime dd": "40:45", "#total-over60 dd": "0:00"}
		for sel, want := range totals {
			if got := p.text(sel); got != want {
				t.Errorf("%s = %q, want %q", sel, got, want)
			}
		}
		if got := strings.Join(spaced(p.texts("#categories tbody td")), " "); got != "超過勤務(125) 125/100 40:45 41 2,048円 83,968円" {
			t.Errorf("categories = %q", got)
		}
		if got := p.text("#amount-total"); got != "83,968円" {
			t.Errorf("total amount = %q", got)
		}
		if got := p.text("#alerts .alert.level-notice"); !strings.Contains(got, "月の超過勤務が40時間45分で、上限45時間の80%に達しました。") {
			t.Errorf("alert = %q", got)
		}
		if got := p.text("#forecast"); !strings.HasPrefix(got, "このペースでは21日に45時間を超えます") {
			t.Errorf("forecast = %q", got)
		}
	})

	t.Run("fits A4 landscape", func(t *testing.T) {
		p := p.in(t)
		// A4 landscape less the 8 mm margins is 281 mm, 1062 CSS pixels.
		const pageWidth = 1062
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		if _, err := chromedp.Call(p.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: pageWidth, Height: 750, DeviceScaleFactor: 1}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(p.ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
		width := read(p, chromedp.Evaluate[float64](`document.querySelector("#month").getBoundingClientRect().width`))
		if width > pageWidth {
			t.Errorf("the table is %.0f px wide in print, want at most %d", width, pageWidth)
		}
		if got := read(p, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header.top")).display`)); got != "none" {
			t.Errorf("the header prints (display %q)", got)
		}
		pdf, err := chromedp.Call(p.ctx, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PreferCSSPageSize: new(true)})
		if err != nil {
			t.Fatal(err)
		}
		// A4 is 297 × 210 mm, 841.9 × 595.3 pt.
		for _, box := range mediaBoxes(pdf.Data) {
			var w, h float64
			if _, err := fmt.Sscanf(box, "/MediaBox [0 0 %g %g]", &w, &h); err != nil || w < 840 || w > 843 || h < 594 || h > 597 {
				t.Errorf("page %s, want A4 landscape (841.9 × 595.3 pt)", box)
			}
		}
		if n := strings.Count(string(pdf.Data), "/Type /Page\n") + strings.Count(string(pdf.Data), "/Type /Page/"); n > 2 {
			t.Errorf("the month prints on %d pages, want at most 2", n)
		}
	})

	t.Run("next month", func(t *testing.T) {
		p := p.in(t)
		p.open("/my/month?month=2026-10")
		if st := p.submit("#next-month"); st != 200 {
			t.Fatalf("status %d", st)
		}
		if got := p.path(); got != "/my/month?month=2026-11" {
			t.Errorf("next month is %s", got)
		}
		if got := p.text("#month-label"); got != "2026年11月" {
			t.Errorf("month = %q", got)
		}
	})
}

// spaced returns texts with their white space squeezed to single spaces.
func spaced(texts []string) []string {
	out := make([]string, len(texts))
	for i, s := range texts {
		out[i] = strings.Join(strings.Fields(s), " ")
	}
	return out
}

// mediaBoxes returns the page sizes written in a PDF, for messages.
func mediaBoxes(pdf []byte) []string {
	var out []string
	s := string(pdf)
	for {
		i := strings.Index(s, "/MediaBox")
		if i < 0 {
			return out
		}
		s = s[i:]
		end := min(len(s), strings.IndexByte(s, ']')+1)
		out = append(out, s[:end])
		s = s[end:]
	}
}

func TestBrowserRulesTeam(t *testing.T) {
	p := newOctoberPage(t, "approver")
	f := p.f
	if st := p.open("/team/month?month=2026-10"); st != 200 {
		t.Fatalf("status %d", st)
	}
	browsertest.Screenshot(t, p.ctx, "team")
	names := p.texts("#team tbody td.name")
	if want := []string{"試験　hr", "試験　staff", "試験　admin", "試験　approver"}; !cmp.Equal(names, want) {
		t.Errorf("by overtime: %q, want %q", names, want)
	}
	hr := fmt.Sprintf(`#team tr[data-staff-id="%d"]`, f.staff["hr"].ID)
	if diff := cmp.Diff([]string{"1", "55:00", "2:45"}, p.cells(hr, "rank", "overtime", "night")); diff != "" {
		t.Errorf("hr's row (-want +got):\n%s", diff)
	}
	if got := p.text(hr + ` .alert[data-code="month_45"]`); got != "上限超過 月の超過勤務が55時間で、上限45時間を超えています。" {
		t.Errorf("hr's alert = %q", got)
	}
	staff := fmt.Sprintf(`#team tr[data-staff-id="%d"]`, f.staff["staff"].ID)
	if diff := cmp.Diff([]string{"2", "40:45", "1日"}, p.cells(staff, "rank", "overtime", "exceptions")); diff != "" {
		t.Errorf("staff's row (-want +got):\n%s", diff)
	}
	if got := p.text(staff + " .forecast"); !strings.HasPrefix(got, "このペースでは21日に45時間を超えます") {
		t.Errorf("staff's forecast = %q", got)
	}
	if got := p.texts("#alert-counts strong"); !cmp.Equal(got, []string{"1", "1", "0"}) {
		t.Errorf("超過/注意/面接指導 = %q, want 1 1 0", got)
	}

	if st := p.submit("#sort-staff"); st != 200 {
		t.Fatalf("sort: status %d", st)
	}
	if got, want := p.texts("#team tbody td.name"), []string{"試験　admin", "試験　hr", "試験　approver", "試験　staff"}; !cmp.Equal(got, want) {
		t.Errorf("by staff number: %q, want %q", got, want)
	}
	if st := p.submit(staff + " td.name a"); st != 200 {
		t.Fatalf("open staff's month: status %d", st)
	}
	if got := p.text("#month-staff"); !strings.HasPrefix(got, "試験　staff（100004）") {
		t.Errorf("month of %q", got)
	}
	if got := p.text("#total-overtime dd"); got != "40:45" {
		t.Errorf("staff's overtime = %q", got)
	}
	if got := p.texts("#amount-total"); len(got) != 0 {
		t.Error("the approver is shown the amounts")
	}
}

func TestBrowserRulesPatterns(t *testing.T) {
	p := newPage(t)
	p.signIn("hr")

	t.Run("staggered", func(t *testing.T) {
		p := p.in(t)
		p.open("/settings/patterns")
		p.fill("#code", "JISA")
		p.compose("#name", "時差出勤A")
		p.do(chromedp.SetValue(chromedp.CSS("#kind"), "staggered"))
		p.fill("#options", "7:30-16:15, 9:30-18:15")
		if st := p.submit("#save-pattern"); st != 200 {
			t.Fatalf("status %d", st)
		}
		if got := p.text(".flash"); got != "勤務パターン「時差出勤A」を登録しました。" {
			t.Errorf("flash = %q", got)
		}
		if diff := cmp.Diff([]string{"時差出勤", "月火水木金", "8:30–17:15", "12:00–13:00", "選択肢: 7:30–16:15, 9:30–18:15"},
			spaced(p.texts(`#patterns tr[data-code="JISA"] td`))[2:]); diff != "" {
			t.Errorf("list row (-want +got):\n%s", diff)
		}
	})

	t.Run("flex with a mistake", func(t *testing.T) {
		p := p.in(t)
		p.open("/settings/patterns")
		p.fill("#code", "FLEX1")
		p.compose("#name", "フレックス")
		p.do(chromedp.SetValue(chromedp.CSS("#kind"), "flex"))
		// Only the flex fields are shown (CSS :has on the chosen kind).
		if read(p, chromedp.Evaluate[bool](`document.querySelector("#hours").offsetParent !== null`)) {
			t.Error("the fixed hours are shown for a flex pattern")
		}
		p.do(chromedp.SetValue(chromedp.CSS("#unit_weeks"), "4"))
		p.fill("#required", "155:00")
		p.fill("#band", "7:00-22:00")
		p.fill("#core", "6:00-15:00")
		if st := p.submit("#save-pattern"); st != 400 {
			t.Errorf("status %d, want 400", st)
		}
		browsertest.Screenshot(t, p.ctx, "flex-error")
		if got := p.text("main .error p"); got != "コアタイムはフレキシブルタイムの中に設定してください。" {
			t.Errorf("error = %q", got)
		}
		if got := p.value("#core"); got != "6:00-15:00" {
			t.Errorf("core shown back as %q", got)
		}
		if got := read(p, chromedp.Evaluate[string](`document.querySelector("#core").className`)); got != "bad" {
			t.Errorf("core field class %q, want bad", got)
		}
		p.fill("#core", "10:00-15:00")
		if st := p.submit("#save-pattern"); st != 200 {
			t.Fatalf("status %d", st)
		}
		if got := p.text(".flash"); got != "勤務パターン「フレックス」を登録しました。" {
			t.Errorf("flash = %q", got)
		}
		if got := p.text(`#patterns tr[data-code="FLEX1"] td.detail`); got != "単位期間4週間・総勤務時間155:00・コアタイム10:00–15:00・フレキシブルタイム7:00–22:00" {
			t.Errorf("flex detail = %q", got)
		}
		ps, err := p.f.db.FindPatterns(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var flex *rules.Pattern
		for i := range ps {
			if ps[i].Code == "FLEX1" {
				flex = &ps[i]
			}
		}
		want := rules.Pattern{Code: "FLEX1", Name: "フレックス", Kind: rules.PatternFlex, UnitWeeks: 4, RequiredMin: 155 * 60,
			Core: &rules.Span{StartMin: 600, EndMin: 900}, Band: &rules.Span{StartMin: 420, EndMin: 1320}}
		if flex == nil {
			t.Fatal("FLEX1 not stored")
		}
		want.ID = flex.ID
		if diff := cmp.Diff(want, *flex); diff != "" {
			t.Errorf("stored (-want +got):\n%s", diff)
		}
	})
}

func TestBrowserRulesCalendar(t *testing.T) {
	p := newPage(t)
	p.signIn("hr")
	dir := t.TempDir()
	writeCSV := func(name string, rows ...string) string {
		path := filepath.Join(dir, name)
		body := "国民の祝日・休日月日,国民の祝日・休日名称\r\n" + strings.Join(rows, "\r\n") + "\r\n"
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	upload := func(p *page, file string) int {
		p.t.Helper()
		p.open("/settings/calendar?year=2028")
		p.do(chromedp.SetUploadFiles(chromedp.CSS("#csv-file"), []string{file}))
		return p.submit("#upload")
	}

	t.Run("the built-in data ends", func(t *testing.T) {
		p := p.in(t)
		p.open("/settings/calendar?year=2028")
		if got := p.text("#calendar-warning"); !strings.HasPrefix(got, "祝日データは2027年12月31日までです。2028年の祝日が入っていないため") {
			t.Errorf("warning = %q", got)
		}
	})

	t.Run("a bad line", func(t *testing.T) {
		p := p.in(t)
		if st := upload(p, writeCSV("bad.csv", "2028/1/1,元日", "2028/2/30,建国記念の日", "2028/3/20,春分の日")); st != 422 {
			t.Errorf("status %d, want 422", st)
		}
		browsertest.Screenshot(t, p.ctx, "bad-file")
		if got := p.texts("#upload-errors ul:not(.en) li"); !cmp.Equal(got, []string{"3行目: 日付「2028/2/30」が正しくありません（例: 2024/9/23）。"}) {
			t.Errorf("errors = %q", got)
		}
		if got := p.text("#calendar-year"); got != "2028年" {
			t.Errorf("the errors are shown on %q, want 2028年", got)
		}
		if got := p.texts("#holidays tr[data-kind=national]"); len(got) != 0 {
			t.Errorf("a bad file stored holidays: %q", got)
		}
	})

	t.Run("a good file", func(t *testing.T) {
		p := p.in(t)
		if st := upload(p, writeCSV("good.csv", "2028/1/1,元日", "2028/1/10,成人の日", "2028/2/11,建国記念の日")); st != 200 {
			t.Errorf("status %d", st)
		}
		if got := p.text(".flash"); got != "祝日を3日分取り込みました（2028年）。" {
			t.Errorf("flash = %q", got)
		}
		if got := p.text("#holiday-2028-01-10 td.name"); got != "成人の日" {
			t.Errorf("1/10 = %q", got)
		}
		if got := p.texts("#calendar-warning"); len(got) != 0 {
			t.Errorf("still warned: %q", got)
		}
		if got := p.text("#calendar-through"); !strings.Contains(got, "2028年12月31日") {
			t.Errorf("through = %q", got)
		}
	})

	t.Run("entity day", func(t *testing.T) {
		p := p.in(t)
		p.open("/settings/calendar?year=2028")
		p.do(chromedp.SetValue(chromedp.CSS("#entity-date"), "2028-06-23"))
		p.compose("#entity-name", "慰霊の日")
		if st := p.submit("#add-entity"); st != 200 {
			t.Errorf("status %d", st)
		}
		if got := squeezeCells(p.texts("#holiday-2028-06-23 td"))[:4]; !cmp.Equal(got, []string{"6月23日", "金", "慰霊の日", "団体の休日"}) {
			t.Errorf("row = %q", got)
		}
		if st := p.submit("#holiday-2028-06-23 button.remove"); st != 200 {
			t.Errorf("remove: status %d", st)
		}
		if got := p.texts("#holiday-2028-06-23"); len(got) != 0 {
			t.Error("the entity day is still listed")
		}
	})
}

func TestBrowserRulesSettings(t *testing.T) {
	p := newOctoberPage(t, "hr")
	month := "/my/month?month=2026-10&staff=" + strconv.FormatInt(p.f.staff["staff"].ID, 10)
	p.open(month)
	if got := p.text("#total-overtime dd"); got != "40:45" {
		t.Fatalf("overtime before = %q, want 40:45", got)
	}

	p.open("/settings/rules")
	if got := spaced(p.texts("#setting-rate_workday td.default")); !cmp.Equal(got, []string{"125% 給与法16条 125"}) {
		t.Errorf("default shown = %q", got)
	}
	p.fill("#break_before_overtime_min", "三十")
	if st := p.submit("#save-settings"); st != 400 {
		t.Errorf("status %d, want 400", st)
	}
	if got := p.text("main .error p"); got != "超過勤務前の休憩（分）は整数で入力してください。" {
		t.Errorf("error = %q", got)
	}
	if got := p.text("main .error p.en"); got != "Break before overtime (min) must be a whole number." {
		t.Errorf("English error = %q", got)
	}
	if got := p.texts("#setting-break_before_overtime_min.bad"); len(got) != 1 {
		t.Error("the field at fault is not marked")
	}
	// 八女市: 30 minutes' break after 17:15 before overtime.
	p.fill("#break_before_overtime_min", "30")
	if st := p.submit("#save-settings"); st != 200 {
		t.Fatalf("status %d", st)
	}
	if got := p.text(".flash"); !strings.HasPrefix(got, "計算設定を保存しました。") {
		t.Errorf("flash = %q", got)
	}
	if got := p.value("#break_before_overtime_min"); got != "30" {
		t.Errorf("saved value shows %q", got)
	}
	p.open(month)
	// Nine days of 4:00 and one of 4:45, each 30 minutes shorter.
	if got := p.text("#total-overtime dd"); got != "35:45" {
		t.Errorf("overtime after = %q, want 35:45", got)
	}
	if got := p.texts("#alerts .alert"); len(got) != 0 {
		t.Errorf("alerts after = %q, want none under 36 h", got)
	}
}
