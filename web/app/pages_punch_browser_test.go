package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/punch"
	"kintai/store"
	"kintai/web/browsertest"
)

// The punch tests run on a fixed calendar, so that weekdays, shifts and
// "a past day" are the same whenever they run: Monday 1 June 2026 is the
// past day, Tuesday 2 June is today. The fixture is made on the Monday at
// 09:30 Tokyo time.
var (
	monday  = kintai.NewDate(2026, 6, 1)
	tuesday = kintai.NewDate(2026, 6, 2)
)

// tokyo returns the instant of hh:mm on day in Asia/Tokyo.
func tokyo(t *testing.T, day kintai.Date, hh, mm int) time.Time {
	return day.Time(mustTokyo(t)).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
}

// startAt puts the fixture's clock back to at, before anything happens in
// the test: newPage brings it up to the wall clock, and these tests want
// their fixed calendar instead. After this the clock moves only forward
// (fixture.setClock).
func (p *page) startAt(at time.Time) { p.f.clock.Advance(at.Sub(p.f.clock.Now())) }

// punchAPI records a punch for the fixture person key through the API, as
// their phone would.
func (f *fixture) punchAPI(key string, kind punch.Kind) {
	f.t.Helper()
	resp, body := f.as(key).json("POST", "/api/v1/punches", map[string]any{
		"client_key": fmt.Sprintf("seed-%s-%s-%d", key, kind, f.clock.Now().Unix()), "kind": kind, "method": "mobile"})
	if resp.StatusCode != http.StatusCreated {
		f.t.Fatalf("punch %s for %s: status %d %v", kind, key, resp.StatusCode, body)
	}
}

// punchesOn returns the stored punches of the fixture person key on day.
func (f *fixture) punchesOn(key string, day kintai.Date) []punch.Punch {
	f.t.Helper()
	ps, err := f.db.FindPunches(context.Background(), store.PunchFilter{StaffIDs: []int64{f.staff[key].ID}, From: day, To: day})
	if err != nil {
		f.t.Fatal(err)
	}
	return ps
}

// waitText waits until the element sel's text contains want and returns
// the whole text.
func (p *page) waitText(sel, want string) string {
	p.t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e && e.textContent.includes(%q) ? e.textContent : false })()`, sel, want)
	ctx, cancel := p.step()
	defer cancel()
	for {
		got, err := chromedp.Run(ctx, chromedp.Poll[string](js, chromedp.WithPollingInterval(50*time.Millisecond)))
		if err == nil {
			return strings.TrimSpace(got)
		}
		// A page that reloads itself (or is navigated) while polling
		// destroys the context the poll runs in: poll the new page.
		if ctx.Err() == nil && isContextGone(err) {
			continue
		}
		p.fail("waiting for %s to say %q: %v (it says %q)", sel, want, err, p.texts(sel))
		return ""
	}
}

// isContextGone reports whether err says the page's JavaScript context went
// away under a running evaluation (a navigation or reload).
func isContextGone(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context with specified id") || strings.Contains(msg, "Execution context was destroyed")
}

// eventually waits up to 10 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestBrowserPunch(t *testing.T) {
	p := newPage(t)
	f := p.f
	// Yesterday's 出勤 with no 退勤: a missing_clock_out exception today.
	p.startAt(tokyo(t, monday, 9, 40))
	f.punchAPI("staff", punch.ClockIn)
	f.setClock(t, tokyo(t, tuesday, 8, 29))

	// The desk's location, granted to the page.
	lat, lng, acc := 35.6812, 139.7671, 20.0
	if _, err := chromedp.CallBrowser(p.ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted, Origin: f.srv.URL}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(p.ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lng, Accuracy: &acc}); err != nil {
		t.Fatal(err)
	}
	p.signIn("staff")

	t.Run("clock in", func(t *testing.T) {
		p := p.in(t)
		if st := p.open("/punch"); st != 200 {
			t.Fatalf("status %d", st)
		}
		if got := p.text("#punch-clock"); !strings.HasPrefix(got, "08:29") {
			t.Errorf("clock shows %q, want the server's 08:29", got)
		}
		if got := p.text("#punch-state"); got != "未出勤" {
			t.Errorf("state = %q, want 未出勤", got)
		}
		if got := p.texts(".punch-button"); !cmp.Equal(got, []string{"出勤Clock in", "退勤Clock out", "休憩開始Break start", "休憩終了Break end", "外出Go out", "戻りReturn"}) {
			t.Errorf("buttons = %q", got)
		}
		p.do(chromedp.Click(chromedp.CSS(".punch-button.clock_in")))
		if got := p.waitText("#punch-result", "を記録しました"); got != "出勤を記録しました 08:29" {
			t.Errorf("result = %q, want 出勤を記録しました 08:29", got)
		}
		browsertest.Screenshot(t, p.ctx, "clocked-in")
		if got := p.text("#punch-state"); got != "在席" {
			t.Errorf("state after 出勤 = %q, want 在席", got)
		}
		if got := p.texts("#punch-today li"); !cmp.Equal(got, []string{"08:29 出勤"}) {
			t.Errorf("today's punches = %q", got)
		}
		ps := f.punchesOn("staff", tuesday)
		if len(ps) != 1 {
			t.Fatalf("stored %d punches, want 1: %+v", len(ps), ps)
		}
		got := ps[0]
		if got.Kind != punch.ClockIn || got.Method != punch.MethodPC || got.WorkLocation != punch.WorkOffice || len(got.ClientKey) != 36 {
			t.Errorf("stored kind %s method %s at %s key %q, want clock_in by pc at the office with a UUID key", got.Kind, got.Method, got.WorkLocation, got.ClientKey)
		}
		if got.Lat == nil || *got.Lat != lat || *got.Lng != lng || got.AccuracyM == nil || *got.AccuracyM != acc {
			t.Errorf("stored location %v %v %v, want %v %v ±%v", got.Lat, got.Lng, got.AccuracyM, lat, lng, acc)
		}
	})

	t.Run("each press is its own punch", func(t *testing.T) {
		// Two quick presses are two punches with two keys: a double press
		// is for the staff member to resolve (double_clock_in), never
		// merged or dropped without a word.
		p := p.in(t)
		p.do(chromedp.Click(chromedp.CSS(".punch-button.clock_in")), chromedp.Click(chromedp.CSS(".punch-button.clock_in")))
		eventually(t, "three 出勤", func() bool { return len(f.punchesOn("staff", tuesday)) >= 3 })
		keys := map[string]bool{}
		for _, p := range f.punchesOn("staff", tuesday) {
			if p.Kind != punch.ClockIn {
				t.Errorf("stored %s, want only clock_in", p.Kind)
			}
			keys[p.ClientKey] = true
		}
		if len(keys) != 3 {
			t.Errorf("%d distinct keys, want 3", len(keys))
		}
		p.waitText("#punch-result", "出勤を記録しました")
	})

	t.Run("network error resends with the same key", func(t *testing.T) {
		p := p.in(t)
		// The server stores the 退勤 but the answer is lost on the way
		// back: the page must resend the same key and be told it is stored.
		ctx, cancel := context.WithCancel(p.ctx)
		defer cancel()
		paused := chromedp.Events(ctx, fetch.RequestPaused)
		if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
			{URLPattern: "*/api/v1/punches", RequestStage: fetch.RequestStageResponse}}}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(p.ctx, fetch.Disable, cdp.Empty{})
		go func() {
			n := 0
			for ev, err := range paused {
				if err != nil {
					return
				}
				if n++; n == 1 {
					chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonConnectionReset})
				} else {
					chromedp.Call(ctx, fetch.ContinueResponse, fetch.ContinueResponseParams{RequestID: ev.RequestID})
				}
			}
		}()
		p.do(chromedp.Click(chromedp.CSS(".punch-button.clock_out")))
		if got := p.waitText("#punch-result", "再送"); !strings.HasPrefix(got, "通信できませんでした。退勤を再送しています（2回目）") {
			t.Errorf("while resending the page says %q", got)
		}
		if got := p.waitText("#punch-result", "を記録しました"); got != "退勤を記録しました 08:29" {
			t.Errorf("result = %q", got)
		}
		var outs []punch.Punch
		for _, p := range f.punchesOn("staff", tuesday) {
			if p.Kind == punch.ClockOut {
				outs = append(outs, p)
			}
		}
		if len(outs) != 1 {
			t.Errorf("stored %d 退勤, want 1 (the resend replayed)", len(outs))
		}
		if got := p.text("#punch-state"); got != "退勤済" {
			t.Errorf("state = %q, want 退勤済", got)
		}
	})

	t.Run("my punches", func(t *testing.T) {
		p := p.in(t)
		if st := p.open("/my/punches"); st != 200 {
			t.Fatalf("status %d", st)
		}
		browsertest.Screenshot(t, p.ctx, "my-punches")
		if got := p.text(".month-nav .month"); got != "2026年6月" {
			t.Errorf("month = %q", got)
		}
		if got := p.texts("#punches tbody tr"); len(got) != 30 {
			t.Errorf("%d day rows, want 30", len(got))
		}
		// 08:29 in Tokyo is 23:29 UTC the day before: the page must show
		// Tokyo time on the Tokyo day.
		tue := "#day-2026-06-02 "
		if got, want := p.texts(tue+".punch"), []string{"08:29 出勤 PC", "08:29 出勤 PC", "08:29 出勤 PC", "08:29 退勤 PC"}; !cmp.Equal(got, want) {
			t.Errorf("Tuesday's punches = %q, want %q", got, want)
		}
		if got := p.texts(tue + "td.weekday"); !cmp.Equal(got, []string{"火"}) {
			t.Errorf("Tuesday's weekday = %q", got)
		}
		if got := p.texts(tue + ".exception"); !cmp.Equal(got, []string{"出勤が続けて打刻されています。", "出勤が続けて打刻されています。"}) {
			t.Errorf("Tuesday's exceptions = %q", got)
		}
		mon := "#day-2026-06-01"
		if got := p.texts(mon + " .punch"); !cmp.Equal(got, []string{"09:40 出勤 スマートフォン"}) {
			t.Errorf("Monday's punches = %q", got)
		}
		if got := p.texts(mon + ` .exception[data-code="missing_clock_out"]`); !cmp.Equal(got, []string{"退勤の打刻がありません。"}) {
			t.Errorf("Monday's exceptions = %q, want 退勤の打刻がありません。", got)
		}
		if got := p.texts(mon + ".has-exception"); len(got) != 1 {
			t.Error("Monday is not highlighted")
		}
		if got := p.texts("#day-2026-06-03.has-exception, #day-2026-06-03 .punch"); len(got) != 0 {
			t.Errorf("Wednesday shows %q, want nothing", got)
		}
		p.submit("#prev-month")
		if got := p.path(); got != "/my/punches?month=2026-05" {
			t.Errorf("previous month is %q", got)
		}
		if got := p.text(".month-nav .month"); got != "2026年5月" {
			t.Errorf("month = %q", got)
		}
		if got := p.texts("#punches .punch"); len(got) != 0 {
			t.Errorf("May shows punches %q", got)
		}
		if st := p.open("/my/punches?month=2026-13"); st != 400 {
			t.Errorf("month 2026-13: status %d, want 400", st)
		}
	})
}

func TestBrowserPunchPhone(t *testing.T) {
	p := newPage(t)
	f := p.f
	p.startAt(tokyo(t, tuesday, 8, 29))
	// A site with a geofence: a phone punch without a location is flagged.
	err := f.db.WithTx(context.Background(), kintai.Actor{System: true}, func(tx *store.Tx) error {
		s := f.site
		lat, lng, r := 35.6812, 139.7671, 200
		s.Lat, s.Lng, s.RadiusM = &lat, &lng, &r
		return tx.UpdateSite(context.Background(), &s)
	})
	if err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.Emulate(device.IPhone13))
	// The staff member refuses to share the location: the punch goes
	// ahead without it.
	if _, err := chromedp.CallBrowser(p.ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingDenied, Origin: f.srv.URL}); err != nil {
		t.Fatal(err)
	}
	p.signIn("staff")
	p.open("/punch")
	browsertest.Screenshot(t, p.ctx, "phone")

	type box struct{ W, H float64 }
	boxes := read(p, chromedp.Evaluate[[]box](`[...document.querySelectorAll(".punch-button")].map(b => { const r = b.getBoundingClientRect(); return {W: r.width, H: r.height} })`))
	if len(boxes) != 6 {
		t.Fatalf("%d buttons, want 6", len(boxes))
	}
	for i, b := range boxes {
		if b.H < 60 || b.W < 120 {
			t.Errorf("button %d is %.0f×%.0f px, want at least 120×60", i, b.W, b.H)
		}
	}
	if w := read(p, chromedp.Evaluate[float64](`document.documentElement.scrollWidth - window.innerWidth`)); w > 0 {
		t.Errorf("the page is %.0f px wider than the phone", w)
	}

	p.do(chromedp.Click(chromedp.CSS(".punch-button.clock_in")))
	if got := p.waitText("#punch-result", "を記録しました"); got != "出勤を記録しました 08:29（位置情報なし）" {
		t.Errorf("result = %q", got)
	}
	ps := f.punchesOn("staff", tuesday)
	if len(ps) != 1 {
		t.Fatalf("stored %d punches, want 1", len(ps))
	}
	if got := ps[0]; got.Method != punch.MethodMobile || got.Lat != nil || !got.HasFlag(punch.FlagNoLocation) {
		t.Errorf("stored method %s lat %v flags %v, want mobile without a location, flagged no_location", got.Method, got.Lat, got.Flags)
	}
}

func TestBrowserPresence(t *testing.T) {
	p := newPage(t)
	f := p.f
	p.startAt(tokyo(t, monday, 9, 40))
	f.assignPattern(t, testDayPattern, "staff", "hr")
	f.punchAPI("staff", punch.ClockIn) // and no 退勤
	f.setClock(t, tokyo(t, tuesday, 8, 25))
	f.punchAPI("staff", punch.ClockIn)
	f.setClock(t, tokyo(t, tuesday, 9, 30)) // hr's shift began at 08:30
	p.signIn("approver")

	if st := p.open("/presence"); st != 200 {
		t.Fatalf("status %d", st)
	}
	browsertest.Screenshot(t, p.ctx, "board")
	row := func(key string) string { return fmt.Sprintf(`#presence tr[data-staff-id="%d"]`, f.staff[key].ID) }
	cells := func(key string) []string { return p.texts(row(key) + " td") }
	count := func(state string) string { return p.text(fmt.Sprintf(`[data-count=%q]`, state)) }

	if got, want := cells("staff"), []string{f.staff["staff"].StaffNo, "試験　staff", "人事課", "在席", "08:25", "08:30〜17:15", ""}; !cmp.Equal(got, want) {
		t.Errorf("staff row = %q, want %q", got, want)
	}
	if got, want := cells("hr"), []string{f.staff["hr"].StaffNo, "試験　hr", "人事課", "未出勤", "—", "08:30〜17:15", "未打刻"}; !cmp.Equal(got, want) {
		t.Errorf("hr row = %q, want %q", got, want)
	}
	if got := p.texts(row("hr") + ".missing"); len(got) != 1 {
		t.Error("hr's row is not highlighted as 未打刻")
	}
	if got := p.texts(row("approver") + ".missing"); len(got) != 0 {
		t.Error("the approver has no shift but is marked 未打刻")
	}
	if got := p.texts(row("other")); len(got) != 0 {
		t.Error("財政課's staff member is on the approver's board")
	}
	if got := []string{count("in"), count("not_in"), count("missing")}; !cmp.Equal(got, []string{"1", "3", "1"}) {
		t.Errorf("在席/未出勤/未打刻 = %v, want [1 3 1]", got)
	}
	if got := p.texts("#org_unit_id option"); !cmp.Equal(got, []string{"担当のすべて（All）", "人事課"}) {
		t.Errorf("unit choices = %q, want the approver's scope only", got)
	}
	exc := p.texts("#exceptions tbody tr")
	if len(exc) != 1 || !strings.Contains(exc[0], "6/1（月）") || !strings.Contains(exc[0], "試験　staff") || !strings.Contains(exc[0], "退勤の打刻がありません。") {
		t.Errorf("exceptions = %q, want staff's missing clock-out on 6/1", exc)
	}

	t.Run("refresh", func(t *testing.T) {
		p := p.in(t)
		f.setClock(t, tokyo(t, tuesday, 12, 0))
		f.punchAPI("staff", punch.BreakStart)
		p.do(chromedp.Click(chromedp.CSS("#presence-refresh")))
		p.waitText(row("staff")+" td.state", "休憩中")
		if got := cells("staff")[4]; got != "12:00" {
			t.Errorf("last punch = %q, want 12:00", got)
		}
		if got := []string{count("in"), count("on_break"), count("missing")}; !cmp.Equal(got, []string{"0", "1", "1"}) {
			t.Errorf("在席/休憩中/未打刻 = %v, want [0 1 1]", got)
		}
	})

	t.Run("unit filter", func(t *testing.T) {
		p := p.in(t)
		if st := p.open(fmt.Sprintf("/presence?org_unit_id=%d", f.jinji.ID)); st != 200 {
			t.Errorf("人事課: status %d", st)
		}
		if st := p.open(fmt.Sprintf("/presence?org_unit_id=%d", f.zaisei.ID)); st != 403 {
			t.Errorf("財政課 (outside the scope): status %d, want 403", st)
		}
	})

	t.Run("staff may not", func(t *testing.T) {
		p := p.in(t)
		p.submit("form.logout button")
		p.signIn("staff")
		if st := p.open("/presence"); st != 403 {
			t.Errorf("status %d, want 403", st)
		}
		if got := p.texts(`header nav a[href="/presence"]`); len(got) != 0 {
			t.Error("the nav offers 在席状況 to a staff member")
		}
	})
}

// TestPunchFormFallback records punches through the punch page's form, as a
// browser without JavaScript does.
func TestPunchFormFallback(t *testing.T) {
	f := newFixture(t, store.SQLite)
	f.setClock(t, tokyo(t, tuesday, 8, 29))
	c := f.as("staff")
	form := func(kind, where string) *http.Response {
		t.Helper()
		v := url.Values{"csrf_token": {c.csrf}, "kind": {kind}, "work_location": {where}}
		return c.do("POST", "/punch", "application/x-www-form-urlencoded", v.Encode())
	}
	body := func(resp *http.Response) string {
		t.Helper()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	resp := c.do("GET", "/punch", "", "")
	page := body(resp)
	for _, want := range []string{`<form id="punch-form" class="punch-form" method="post" action="/punch"`, `name="kind" value="clock_in"`,
		`<option value="home">自宅</option>`, `<meta name="csrf-token" content="` + c.csrf + `">`, `<script src="/static/punch.js" defer></script>`} {
		if !strings.Contains(page, want) {
			t.Errorf("punch page lacks %s", want)
		}
	}

	resp = form("clock_in", "home")
	if want := "/punch?flash=" + url.QueryEscape("出勤を記録しました 08:29"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Fatalf("POST /punch = %d to %q, want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	resp = form("clock_in", "home")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second POST /punch = %d", resp.StatusCode)
	}
	ps := f.punchesOn("staff", tuesday)
	if len(ps) != 2 {
		t.Fatalf("stored %d punches, want 2 (each submission is a punch)", len(ps))
	}
	for _, p := range ps {
		if p.Method != punch.MethodPC || p.WorkLocation != punch.WorkHome || !strings.HasPrefix(p.ClientKey, "form-") || p.SiteID != 0 {
			t.Errorf("stored %+v, want a pc punch from home with a server key", p)
		}
	}
	if ps[0].ClientKey == ps[1].ClientKey {
		t.Error("two submissions share a key")
	}

	page = body(c.do("GET", "/punch?flash="+url.QueryEscape("出勤を記録しました 08:29"), "", ""))
	for _, want := range []string{`<p class="flash" role="status">出勤を記録しました 08:29</p>`, `data-state="in">在席</strong>`, `<option value="home" selected>自宅</option>`} {
		if !strings.Contains(page, want) {
			t.Errorf("after the punch the page lacks %s", want)
		}
	}

	resp = form("lunch", "office")
	if page := body(resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "打刻の種類が不正です。") || !strings.Contains(page, `id="punch-form"`) {
		t.Errorf("unknown kind: status %d, want 400 and the form with the error", resp.StatusCode)
	}

	// Another user's session token does not make a form post valid.
	other := f.as("hr")
	c.csrf = other.csrf
	if resp := form("clock_out", "office"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("wrong CSRF token: status %d, want 403", resp.StatusCode)
	}
	if n := len(f.punchesOn("staff", tuesday)); n != 2 {
		t.Errorf("%d punches after refused posts, want 2", n)
	}
}
