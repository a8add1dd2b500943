package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/japanese"

	"kintai"
	"kintai/calendar"
	"kintai/punch"
	"kintai/rules"
	"kintai/store"
)

// call is one API request of a table test and the answer it wants.
type call struct {
	name   string
	who    string
	method string
	path   string
	body   any
	status int
	code   string // the error code, for refusals
	field  string // the error field, when one is named
}

// run makes the calls in order.
func (f *fixture) run(t *testing.T, calls []call) {
	t.Helper()
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			resp, body := f.as(c.who).json(c.method, c.path, c.body)
			if resp.StatusCode != c.status {
				t.Fatalf("%s %s as %s = %d %v, want %d", c.method, c.path, c.who, resp.StatusCode, body, c.status)
			}
			if c.code != "" && errCode(body) != c.code {
				t.Errorf("%s %s as %s: error %v, want code %s", c.method, c.path, c.who, body, c.code)
			}
			if c.field != "" {
				e, _ := body["error"].(map[string]any)
				if e["field"] != c.field {
					t.Errorf("%s %s as %s: error %v, want field %s", c.method, c.path, c.who, body, c.field)
				}
			}
		})
	}
}

// decode sends a request and decodes the JSON answer into out.
func (f *fixture) decode(t *testing.T, who, method, path string, in, out any) {
	t.Helper()
	var body string
	if in != nil {
		b, _ := json.Marshal(in)
		body = string(b)
	}
	resp := f.as(who).do(method, path, "application/json", body)
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s as %s = %d %s", method, path, who, resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s %s: %v in %s", method, path, err, raw)
	}
}

var apiStd = rules.Pattern{Code: "STD", Name: "標準", Kind: rules.PatternFixed, Weekdays: 62,
	Hours: rules.Span{StartMin: 510, EndMin: 1035}, Breaks: []rules.Span{{StartMin: 720, EndMin: 780}}}

// createPattern creates p as HR and returns it with its id.
func (f *fixture) createPattern(t *testing.T, p rules.Pattern) rules.Pattern {
	t.Helper()
	var out rules.Pattern
	f.decode(t, "hr", "POST", "/api/v1/patterns", p, &out)
	return out
}

func staffPath(f *fixture, key, rest string) string {
	return fmt.Sprintf("/api/v1/staff/%d/%s", f.staff[key].ID, rest)
}

func TestPatternsAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	std := f.createPattern(t, apiStd)
	if std.ID == 0 || !cmp.Equal(std.Hours, apiStd.Hours) {
		t.Fatalf("created %+v", std)
	}
	edited := std
	edited.Name = "標準（改）"
	f.run(t, []call{
		{"list as staff", "staff", "GET", "/api/v1/patterns", nil, 200, "", ""},
		{"create as staff", "staff", "POST", "/api/v1/patterns", apiStd, 403, kintai.EFORBIDDEN, ""},
		{"create without a code", "hr", "POST", "/api/v1/patterns", rules.Pattern{Name: "x", Kind: rules.PatternShift}, 400, kintai.EINVALID, "code"},
		{"create a bad flex pattern", "hr", "POST", "/api/v1/patterns", rules.Pattern{Code: "F", Name: "x", Kind: rules.PatternFlex}, 400, kintai.EINVALID, "unit_weeks"},
		{"create twice", "hr", "POST", "/api/v1/patterns", apiStd, 409, kintai.ECONFLICT, "code"},
		{"unknown field", "hr", "POST", "/api/v1/patterns", map[string]any{"code": "X", "colour": "red"}, 400, kintai.EINVALID, "colour"},
		{"update", "hr", "PUT", fmt.Sprintf("/api/v1/patterns/%d", std.ID), edited, 200, "", ""},
		{"update an unknown pattern", "hr", "PUT", "/api/v1/patterns/999", edited, 404, kintai.ENOTFOUND, ""},
		{"update as approver", "approver", "PUT", fmt.Sprintf("/api/v1/patterns/%d", std.ID), edited, 403, kintai.EFORBIDDEN, ""},
		{"assign", "hr", "POST", staffPath(f, "staff", "patterns"), map[string]any{"pattern_id": std.ID, "valid_from": "2026-04-01"}, 201, "", ""},
		{"assign an unknown pattern", "hr", "POST", staffPath(f, "staff", "patterns"), map[string]any{"pattern_id": 999, "valid_from": "2026-04-01"}, 400, kintai.EINVALID, "pattern_id"},
		{"assign out of scope", "hr", "POST", staffPath(f, "other", "patterns"), map[string]any{"pattern_id": std.ID, "valid_from": "2026-04-01"}, 404, kintai.ENOTFOUND, ""},
		{"assign as admin", "admin", "POST", staffPath(f, "other", "patterns"), map[string]any{"pattern_id": std.ID, "valid_from": "2026-04-01"}, 201, "", ""},
		{"own assignments", "staff", "GET", staffPath(f, "staff", "patterns"), nil, 200, "", ""},
		{"another's assignments", "staff", "GET", staffPath(f, "other", "patterns"), nil, 404, kintai.ENOTFOUND, ""},
	})
	var asg list[store.PatternAssignment]
	f.decode(t, "approver", "GET", staffPath(f, "staff", "patterns"), nil, &asg)
	if asg.Total != 1 || asg.Items[0].Pattern.Name != "標準（改）" || asg.Items[0].ValidFrom != kintai.NewDate(2026, 4, 1) {
		t.Errorf("assignments = %+v, want the edited pattern from 2026-04-01", asg)
	}
}

func TestShiftsAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	flex := f.createPattern(t, rules.Pattern{Code: "FLEX", Name: "フレックス", Kind: rules.PatternFlex, Weekdays: 62, UnitWeeks: 1,
		RequiredMin: 2325, Core: &rules.Span{StartMin: 600, EndMin: 900}, Band: &rules.Span{StartMin: 420, EndMin: 1320}})
	f.decode(t, "hr", "POST", staffPath(f, "staff", "patterns"), map[string]any{"pattern_id": flex.ID, "valid_from": "2026-06-01"}, &store.PatternAssignment{})
	day := func(date string, start, end int) map[string]any {
		return map[string]any{"date": date, "hours": rules.Span{StartMin: start, EndMin: end}}
	}
	good := map[string]any{"shifts": []any{day("2026-06-01", 540, 1065), map[string]any{"date": "2026-06-06", "off": true}}}
	f.run(t, []call{
		{"put as the approver", "approver", "PUT", staffPath(f, "staff", "shifts?month=2026-06"), good, 200, "", ""},
		{"put own as staff", "staff", "PUT", staffPath(f, "staff", "shifts?month=2026-06"), good, 403, kintai.EFORBIDDEN, ""},
		{"put out of scope", "approver", "PUT", staffPath(f, "other", "shifts?month=2026-06"), good, 404, kintai.ENOTFOUND, ""},
		{"put hours that end before they start", "hr", "PUT", staffPath(f, "staff", "shifts?month=2026-06"),
			map[string]any{"shifts": []any{day("2026-06-02", 600, 540)}}, 400, kintai.EINVALID, "hours"},
		{"put a day of another month", "hr", "PUT", staffPath(f, "staff", "shifts?month=2026-06"),
			map[string]any{"shifts": []any{day("2026-07-01", 540, 600)}}, 400, kintai.EINVALID, "date"},
		{"bad month", "staff", "GET", staffPath(f, "staff", "shifts?month=June"), nil, 400, kintai.EINVALID, "month"},
		{"another's shifts", "staff", "GET", staffPath(f, "other", "shifts"), nil, 404, kintai.ENOTFOUND, ""},
	})
	var got shiftList
	f.decode(t, "staff", "GET", staffPath(f, "staff", "shifts?month=2026-06"), nil, &got)
	if got.Total != 2 || got.Items[0].Hours.StartMin != 540 || !got.Items[1].Off || got.Month != kintai.NewDate(2026, 6, 1) {
		t.Errorf("shifts = %+v, want 6/1 9:00– and 6/6 off", got)
	}
	// One day of a week's flex plan: saved, with the plan's problems.
	var put shiftList
	f.decode(t, "approver", "PUT", staffPath(f, "staff", "shifts?month=2026-06"), good, &put)
	if put.Total != 2 || len(put.PlanProblems) == 0 || !strings.HasPrefix(put.PlanProblems[0], "2026-06-01〜2026-06-07: ") {
		t.Errorf("PUT shifts = %+v, want the first week's plan problems", put)
	}
}

// shiftJIS encodes s as Shift_JIS.
func shiftJIS(t *testing.T, s string) string {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCalendarAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	const file = "国民の祝日・休日月日,国民の祝日・休日名称\r\n2027/1/1,元日\r\n2027/6/1,試験の日\r\n"
	upload := func(who, contentType, body string) (int, map[string]any) {
		resp := f.as(who).do("POST", "/api/v1/calendar/holidays/import", contentType, body)
		raw, _ := io.ReadAll(resp.Body)
		var out map[string]any
		json.Unmarshal(raw, &out)
		return resp.StatusCode, out
	}
	if st, out := upload("admin", "text/csv", shiftJIS(t, file)); st != 200 || fmt.Sprint(out["years"]) != "[2027]" || out["days"] != 2.0 {
		t.Errorf("Shift_JIS upload = %d %v, want 2 days of 2027", st, out)
	}
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	fw, _ := mw.CreateFormFile("file", "syukujitsu.csv")
	fw.Write([]byte(file))
	mw.Close()
	if st, out := upload("admin", mw.FormDataContentType(), mp.String()); st != 200 || out["days"] != 2.0 {
		t.Errorf("multipart upload = %d %v, want 2 days", st, out)
	}
	st, out := upload("admin", "text/csv", "国民の祝日・休日月日,国民の祝日・休日名称\n2027/2/30,ない日\n")
	if e, _ := out["error"].(map[string]any); st != 400 || !strings.Contains(fmt.Sprint(e["message"]), "2行目") {
		t.Errorf("bad file = %d %v, want 400 naming line 2", st, out)
	}
	if st, _ := upload("approver", "text/csv", file); st != 403 {
		t.Errorf("upload as an approver = %d, want 403", st)
	}

	f.run(t, []call{
		{"add an entity day", "admin", "POST", "/api/v1/calendar/entity-days", map[string]any{"date": "2026-06-23", "name": "慰霊の日"}, 201, "", ""},
		{"add it twice", "admin", "POST", "/api/v1/calendar/entity-days", map[string]any{"date": "2026-06-23", "name": "慰霊の日"}, 409, kintai.ECONFLICT, ""},
		{"add without a name", "admin", "POST", "/api/v1/calendar/entity-days", map[string]any{"date": "2026-06-24"}, 400, kintai.EINVALID, "name"},
		{"add as an approver", "approver", "POST", "/api/v1/calendar/entity-days", map[string]any{"date": "2026-06-24", "name": "x"}, 403, kintai.EFORBIDDEN, ""},
		{"bad year", "staff", "GET", "/api/v1/calendar/holidays?year=20x6", nil, 400, kintai.EINVALID, "year"},
	})
	var hol holidayList
	f.decode(t, "staff", "GET", "/api/v1/calendar/holidays?year=2026", nil, &hol)
	find := func(d kintai.Date) calendar.Day {
		for _, h := range hol.Items {
			if h.Date == d {
				return h
			}
		}
		return calendar.Day{}
	}
	if h := find(kintai.NewDate(2026, 1, 1)); h.Kind != calendar.National {
		t.Errorf("2026-01-01 = %+v, want national", h)
	}
	if h := find(kintai.NewDate(2026, 6, 23)); h.Kind != calendar.Entity || h.Name != "慰霊の日" {
		t.Errorf("2026-06-23 = %+v, want the entity day", h)
	}
	if h := find(kintai.NewDate(2026, 12, 29)); h.Kind != calendar.YearEnd {
		t.Errorf("2026-12-29 = %+v, want 年末年始", h)
	}
	f.decode(t, "staff", "GET", "/api/v1/calendar/holidays?year=2027", nil, &hol)
	if h := find(kintai.NewDate(2027, 6, 1)); h.Name != "試験の日" {
		t.Errorf("2027-06-01 = %+v, want the uploaded day", h)
	}
	f.run(t, []call{
		{"delete it", "admin", "DELETE", "/api/v1/calendar/entity-days/2026-06-23", nil, 204, "", ""},
		{"delete it again", "admin", "DELETE", "/api/v1/calendar/entity-days/2026-06-23", nil, 404, kintai.ENOTFOUND, ""},
		{"delete a bad date", "admin", "DELETE", "/api/v1/calendar/entity-days/June", nil, 400, kintai.EINVALID, "date"},
	})
}

func TestRuleSettingsAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	f.run(t, []call{
		{"read as staff", "staff", "GET", "/api/v1/rule-settings", nil, 403, kintai.EFORBIDDEN, ""},
		{"change as an approver", "approver", "PUT", "/api/v1/rule-settings", map[string]any{"rules": map[string]any{"alert_share": 70}}, 403, kintai.EFORBIDDEN, ""},
		{"a bad value", "admin", "PUT", "/api/v1/rule-settings", map[string]any{"rules": map[string]any{"alert_share": 170}}, 400, kintai.EINVALID, "rules.alert_share"},
		{"an unknown setting", "admin", "PUT", "/api/v1/rule-settings", map[string]any{"rules": map[string]any{"overtime": 1}}, 400, kintai.EINVALID, "overtime"},
	})
	var got store.RuleSettings
	f.decode(t, "hr", "GET", "/api/v1/rule-settings", nil, &got)
	if diff := cmp.Diff(store.DefaultRuleSettings(), got); diff != "" {
		t.Errorf("settings before any change (-want +got):\n%s", diff)
	}
	f.decode(t, "admin", "PUT", "/api/v1/rule-settings", map[string]any{"rules": map[string]any{"hourly_formula": "municipal"},
		"calendar": map[string]any{"year_end": false}}, &got)
	want := store.DefaultRuleSettings()
	want.Rules.HourlyFormula, want.Calendar.YearEnd = rules.FormulaMunicipal, false
	want.UpdatedAt = f.clock.Now()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("settings after a partial change (-want +got):\n%s", diff)
	}
}

func TestPayAndCapsAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	var cap store.CapAssignment
	f.decode(t, "hr", "POST", "/api/v1/cap-profiles", map[string]any{"org_unit_id": f.jinji.ID, "profile": "heteronomous", "valid_from": "2026-04-10"}, &cap)
	if cap.ID == 0 || cap.ValidFrom != kintai.NewDate(2026, 4, 1) {
		t.Errorf("created cap profile %+v, want from 2026-04-01", cap)
	}
	f.run(t, []call{
		{"set pay", "hr", "PUT", staffPath(f, "staff", "pay"), map[string]any{"valid_from": "2026-04-01", "hourly_yen": 1300}, 200, "", ""},
		{"set no pay", "hr", "PUT", staffPath(f, "staff", "pay"), map[string]any{"valid_from": "2026-04-01"}, 400, kintai.EINVALID, "monthly_yen"},
		{"set pay out of scope", "hr", "PUT", staffPath(f, "other", "pay"), map[string]any{"valid_from": "2026-04-01", "monthly_yen": 300000}, 404, kintai.ENOTFOUND, ""},
		{"set pay as approver", "approver", "PUT", staffPath(f, "staff", "pay"), map[string]any{"valid_from": "2026-04-01", "monthly_yen": 300000}, 403, kintai.EFORBIDDEN, ""},
		{"read pay as staff", "staff", "GET", staffPath(f, "staff", "pay"), nil, 403, kintai.EFORBIDDEN, ""},
		{"mark special", "hr", "PUT", staffPath(f, "staff", "special-months/2026-06"), map[string]any{"reason": "台風対応"}, 200, "", ""},
		{"mark special without a reason", "hr", "PUT", staffPath(f, "staff", "special-months/2026-07"), map[string]any{"reason": ""}, 400, kintai.EINVALID, "reason"},
		{"mark a bad month", "hr", "PUT", staffPath(f, "staff", "special-months/2026-13"), map[string]any{"reason": "x"}, 400, kintai.EINVALID, "month"},
		{"cap profile out of scope", "hr", "POST", "/api/v1/cap-profiles", map[string]any{"org_unit_id": f.zaisei.ID, "profile": "labor36", "valid_from": "2026-04-01"}, 403, kintai.EFORBIDDEN, ""},
		{"unknown profile", "hr", "POST", "/api/v1/cap-profiles", map[string]any{"org_unit_id": f.jinji.ID, "profile": "lax", "valid_from": "2026-04-01"}, 400, kintai.EINVALID, "profile"},
		{"cap profiles as approver", "approver", "GET", "/api/v1/cap-profiles", nil, 403, kintai.EFORBIDDEN, ""},
	})
	var pay list[store.Pay]
	f.decode(t, "hr", "GET", staffPath(f, "staff", "pay"), nil, &pay)
	if pay.Total != 1 || pay.Items[0].HourlyYen != 1300 {
		t.Errorf("pay = %+v, want 1,300 yen an hour", pay)
	}
	var special list[store.SpecialMonth]
	f.decode(t, "hr", "GET", staffPath(f, "staff", "special-months"), nil, &special)
	if special.Total != 1 || special.Items[0].Reason != "台風対応" {
		t.Errorf("special months = %+v", special)
	}
	var caps list[store.CapAssignment]
	f.decode(t, "hr", "GET", "/api/v1/cap-profiles", nil, &caps)
	if caps.Total != 1 || caps.Items[0].Profile != rules.CapHeteronomous {
		t.Errorf("cap profiles = %+v", caps)
	}
	f.run(t, []call{
		{"unmark special", "hr", "DELETE", staffPath(f, "staff", "special-months/2026-06"), nil, 204, "", ""},
		{"unmark it again", "hr", "DELETE", staffPath(f, "staff", "special-months/2026-06"), nil, 404, kintai.ENOTFOUND, ""},
		{"delete the cap profile", "hr", "DELETE", fmt.Sprintf("/api/v1/cap-profiles/%d", cap.ID), nil, 204, "", ""},
		{"delete it again", "hr", "DELETE", fmt.Sprintf("/api/v1/cap-profiles/%d", cap.ID), nil, 404, kintai.ENOTFOUND, ""},
	})
}

// TestMonthAPI posts punches through the API and finds them in the month
// after the background recompute's RecomputeStale.
func TestMonthAPI(t *testing.T) {
	onBothDialects(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		std := f.createPattern(t, apiStd)
		for _, who := range []string{"staff", "approver"} {
			f.decode(t, "hr", "POST", staffPath(f, who, "patterns"), map[string]any{"pattern_id": std.ID, "valid_from": "2026-04-01"}, &store.PatternAssignment{})
		}
		f.decode(t, "hr", "PUT", staffPath(f, "staff", "pay"), map[string]any{"valid_from": "2026-04-01", "hourly_yen": 1300}, &store.Pay{})
		// Tuesday 2 June: 8:25 to 23:30.
		f.setClock(t, tokyoTime(t, 6, 2, 8, 25))
		f.punchAPI("staff", punch.ClockIn)
		f.setClock(t, tokyoTime(t, 6, 2, 23, 30))
		f.punchAPI("staff", punch.ClockOut)

		opts := store.RecomputeOptions{Loc: mustTokyo(t), AsOf: f.clock.Now()}
		st, err := f.db.RecomputeStale(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		if st.Punches < 2 {
			// The background loop may have folded them in already.
			if _, err := f.db.FindMonthResult(ctx, f.staff["staff"].ID, kintai.NewDate(2026, 6, 1)); err != nil {
				t.Fatalf("RecomputeStale read %d punches and there is no June result: %v", st.Punches, err)
			}
		}
		res, err := f.db.FindMonthResult(ctx, f.staff["staff"].ID, kintai.NewDate(2026, 6, 1))
		if err != nil {
			t.Fatal(err)
		}
		d := res.Days[1]
		if d.WorkedMin != 845 || d.OvertimeMin != 380 || d.RegularMin != 465 || d.NightMin != 90 {
			t.Errorf("June 2nd after RecomputeStale: worked %d, regular %d, overtime %d, night %d; want 845, 465, 380, 90",
				d.WorkedMin, d.RegularMin, d.OvertimeMin, d.NightMin)
		}

		var got monthReply
		f.decode(t, "staff", "GET", fmt.Sprintf("/api/v1/months/2026-06/staff/%d", f.staff["staff"].ID), nil, &got)
		if got.Totals.OvertimeMin != 380 || len(got.Days) != 30 || got.Totals.HourlyYen != 1300 {
			t.Errorf("GET own June = overtime %d, %d days, hourly %d; want 380, 30, 1300", got.Totals.OvertimeMin, len(got.Days), got.Totals.HourlyYen)
		}
		// 380 minutes over two working days is 45 h by about the 16th.
		if got.ForecastOn.IsZero() || !strings.Contains(got.ForecastMessage, "45時間") {
			t.Errorf("forecast = %v %q, want a day and a message about 45 h", got.ForecastOn, got.ForecastMessage)
		}
		monthPath := func(key string) string { return fmt.Sprintf("/api/v1/months/2026-06/staff/%d", f.staff[key].ID) }
		f.run(t, []call{
			{"another's month", "staff", "GET", monthPath("other"), nil, 404, kintai.ENOTFOUND, ""},
			{"a month in scope", "approver", "GET", monthPath("staff"), nil, 200, "", ""},
			{"a month outside the appointment", "admin", "GET", monthPath("expired"), nil, 404, kintai.ENOTFOUND, ""},
			{"a bad month", "staff", "GET", fmt.Sprintf("/api/v1/months/2026-6/staff/%d", f.staff["staff"].ID), nil, 400, kintai.EINVALID, "month"},
			{"team as staff", "staff", "GET", "/api/v1/months/2026-06/team", nil, 403, kintai.EFORBIDDEN, ""},
			{"recompute as approver", "approver", "POST", "/api/v1/months/2026-06/recompute", nil, 403, kintai.EFORBIDDEN, ""},
		})

		var team list[teamMonthRow]
		f.decode(t, "approver", "GET", "/api/v1/months/2026-06/team", nil, &team)
		var ids []int64
		for _, r := range team.Items {
			ids = append(ids, r.StaffID)
			if r.Days != nil {
				t.Errorf("team row of %s has days", r.StaffNo)
			}
		}
		want := []int64{f.staff["admin"].ID, f.staff["hr"].ID, f.staff["approver"].ID, f.staff["staff"].ID}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("team of the approver of 人事課 = %v, want %v (appointed, in scope)", ids, want)
		}
		for _, tt := range []struct {
			who  string
			want int
		}{{"hr", 4}, {"admin", 5}} {
			var st store.RecomputeStats
			f.decode(t, tt.who, "POST", "/api/v1/months/2026-06/recompute", nil, &st)
			if st.StaffMonths != tt.want {
				t.Errorf("recompute June as %s: %d staff-months, want %d", tt.who, st.StaffMonths, tt.want)
			}
		}
	})
}

// TestRulesSchemasMatchGo holds the rules engine's schemas to the JSON
// fields of their Go types, as TestOpenAPISchemasMatchGo does for the
// others.
func TestRulesSchemasMatchGo(t *testing.T) {
	doc := openAPIDocument(t)
	tests := []struct {
		schema   string
		value    any
		response bool
	}{
		{"Span", rules.Span{}, true},
		{"Pattern", rules.Pattern{}, true},
		{"PatternInput", rules.Pattern{}, false},
		{"PatternAssignment", store.PatternAssignment{}, true},
		{"AssignInput", assignInput{}, false},
		{"DayShift", store.DayShift{}, true},
		{"DayShiftList", shiftList{}, true},
		{"DayShiftInput", shiftInput{}, false},
		{"DayShiftInput/properties/shifts/items", shiftDay{}, false},
		{"Pay", store.Pay{}, true},
		{"PayInput", payInput{}, false},
		{"SpecialMonth", store.SpecialMonth{}, true},
		{"SpecialMonthInput", specialInput{}, false},
		{"Holiday", calendar.Day{}, true},
		{"HolidayList", holidayList{}, true},
		{"HolidayImport", store.HolidayImport{}, true},
		{"EntityDayInput", entityDayInput{}, false},
		{"MonthDay", calendar.MonthDay{}, true},
		{"CalendarOptions", calendar.Options{}, true},
		{"Settings", rules.Settings{}, true},
		{"Settings/properties/break_floor/items", rules.BreakStep{}, true},
		{"RuleSettings", store.RuleSettings{}, true},
		{"RuleSettingsInput", store.RuleSettings{}, false},
		{"RuleSettingsInput/properties/rules", rules.Settings{}, false},
		{"CapAssignment", store.CapAssignment{}, true},
		{"CapAssignmentInput", capInput{}, false},
		{"Category", rules.Category{}, true},
		{"RuleWarning", rules.Warning{}, true},
		{"Alert", rules.Alert{}, true},
		{"Segment", rules.Segment{}, true},
		{"DayResult", rules.DayResult{}, true},
		{"MonthTotals", rules.MonthResult{}, true},
		{"MonthResult", monthReply{}, true},
		{"TeamMonthRow", teamMonthRow{}, true},
		{"RecomputeStats", store.RecomputeStats{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			v, err := jsonPointer(doc, "#/components/schemas/"+tt.schema)
			if err != nil {
				t.Fatal(err)
			}
			schema := v.(map[string]any)
			props, _ := schema["properties"].(map[string]any)
			var gotProps []string
			for p := range props {
				gotProps = append(gotProps, p)
			}
			slices.Sort(gotProps)
			fields, omitted := jsonFields(reflect.TypeOf(tt.value))
			if diff := cmp.Diff(fields, gotProps); diff != "" {
				t.Errorf("properties differ from the JSON fields of %T (-go +doc):\n%s", tt.value, diff)
			}
			if !tt.response {
				if schema["additionalProperties"] != false {
					t.Error("an input schema must set additionalProperties: false (the decoder refuses unknown fields)")
				}
				return
			}
			var required []string
			for _, r := range schema["required"].([]any) {
				required = append(required, r.(string))
			}
			slices.Sort(required)
			var always []string
			for _, f := range fields {
				if !omitted[f] {
					always = append(always, f)
				}
			}
			if diff := cmp.Diff(always, required); diff != "" {
				t.Errorf("required differs from the never-omitted fields of %T (-go +doc):\n%s", tt.value, diff)
			}
		})
	}
}

// TestRecomputeLoop checks that the server folds punches into the results
// by itself.
func TestRecomputeLoop(t *testing.T) {
	defer func(d time.Duration) { recomputeEvery = d }(recomputeEvery)
	recomputeEvery = 50 * time.Millisecond
	f := newFixture(t, store.SQLite)
	std := f.createPattern(t, apiStd)
	f.decode(t, "hr", "POST", staffPath(f, "staff", "patterns"), map[string]any{"pattern_id": std.ID, "valid_from": "2026-04-01"}, &store.PatternAssignment{})
	f.setClock(t, tokyoTime(t, 6, 2, 8, 30))
	f.punchAPI("staff", punch.ClockIn)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, punches, err := f.db.StaleCount(context.Background()); err == nil && punches == 0 {
			if _, err := f.db.FindMonthResult(context.Background(), f.staff["staff"].ID, kintai.NewDate(2026, 6, 1)); err != nil {
				t.Fatalf("the watermark moved past the punch but June has no result: %v", err)
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the background recompute did not fold the punch in within 10s")
}
