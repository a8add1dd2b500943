package app

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"kintai"
	"kintai/punch"
	"kintai/web/browsertest"
)

// The kiosk tests drive /kiosk in headless Chromium whose camera plays a
// clip made from labelled photos: pairing, enrolment with a code, face
// punches, liveness, other people, the card and PIN fallback, and an
// offline run with the server stopped and started again.

// The people of the clips. Two photos of one person with the head turned
// differently stand in for a living face (the head-turn liveness check);
// one photo, however it moves, stands for a spoof.
var (
	enrolledFace = []string{"bernadette/bernadette1.png", "bernadette/bernadette4.png"}
	strangerFace = []string{"sheldon/sheldon1.png", "sheldon/sheldon5.png"}
)

// turnClip is a living face: the head turns a little and back (two photos
// of the person, half a second each).
func turnClip(dir string, photos []string) []clipPart {
	return []clipPart{{Photo: filepath.Join(dir, photos[0]), Secs: 0.5}, {Photo: filepath.Join(dir, photos[1]), Secs: 0.5}}
}

// stillClip is a photo held up to the camera: sensor noise, and the photo
// moved, turned and tilted (squeezed) by hand, which a flat picture cannot
// turn into a head turn or a blink.
func stillClip(dir, photo string) []clipPart {
	return []clipPart{{Photo: filepath.Join(dir, photo), Secs: 2,
		Filter: "noise=alls=10:allf=t,rotate=0.06*sin(2*PI*t):fillcolor=black," +
			"scale=w='trunc(320*(0.88+0.12*cos(2*PI*t))/2)*2':h=240:eval=frame,pad=320:240:(ow-iw)/2:0"}}
}

// kioskPage is a tab on the kiosk with its camera clip.
type kioskPage struct {
	*page
	k     *kioskServer
	faces string
	clip  string
	// problems collects what the browser reports as broken: uncaught
	// exceptions and Content Security Policy violations (such as WASM
	// compiled without 'wasm-unsafe-eval').
	problems *[]string
	mu       *sync.Mutex
}

func newKioskPage(t *testing.T, cfg func(*Config)) *kioskPage {
	t.Helper()
	faces := facesDir(t)
	clip := filepath.Join(t.TempDir(), "camera.y4m")
	makeClip(t, clip, turnClip(faces, enrolledFace)...)
	ctx := newCameraBrowser(t, clip)
	k := newKioskServer(t, cfg)
	p := &kioskPage{page: &page{t: t, f: k.f, ctx: ctx}, k: k, faces: faces, clip: clip, problems: new([]string), mu: new(sync.Mutex)}
	err := chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			msg = "exception: " + ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
		case *cdplog.EventEntryAdded:
			if strings.Contains(ev.Entry.Text, "Content Security Policy") || strings.Contains(ev.Entry.Text, "Permissions policy") {
				msg = "console: " + ev.Entry.Text
			}
		case *runtime.EventConsoleAPICalled:
			if len(ev.Args) > 0 && strings.Contains(string(ev.Args[0].Value), "CSP violation") {
				msg = "console: " + string(ev.Args[0].Value)
			}
		}
		if msg != "" {
			p.mu.Lock()
			*p.problems = append(*p.problems, msg)
			p.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// Pages report CSP violations as events, not always as console
	// messages: turn them into console errors the listener sees.
	if _, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{
		Source: `document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))`}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, m := range *p.problems {
			t.Errorf("browser reported %s", m)
		}
	})
	return p
}

func (p *kioskPage) in(t *testing.T) *kioskPage { c := *p; c.page = p.page.in(t); return &c }

// camera makes the camera show parts from the next scan on: the kiosk
// turns the camera off between punches, and the fake camera reads its file
// afresh when it is turned on.
func (p *kioskPage) camera(parts ...clipPart) { makeClip(p.t, p.clip, parts...) }

// waitShown waits until the kiosk shows the section id.
func (p *kioskPage) waitShown(id string) {
	p.t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.getElementById(%q); return !!e && !e.hidden })()`, id)
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		shown := read(p.page, chromedp.Evaluate[[]string](`[...document.querySelectorAll('main > section')].filter(s => !s.hidden).map(s => s.id + ': ' + s.textContent.replace(/\s+/g, ' ').trim())`))
		p.fail("waiting for #%s: %v (the kiosk shows %q)", id, err, shown)
	}
}

// punch presses the kind button and waits for the name to be shown.
func (p *kioskPage) scanFor(kind punch.Kind) {
	p.t.Helper()
	p.waitShown("home")
	p.do(chromedp.Click(chromedp.CSS("button.kind." + string(kind))))
	p.waitShown("confirm")
}

// dataset reads the data attribute name of the element id.
func (p *kioskPage) dataset(id, name string) string {
	p.t.Helper()
	return read(p.page, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById(%q).dataset[%q] || ''`, id, name)))
}

// punchesOfToday returns the stored punches of the fixture person key made
// during the test. The kiosk's clock is the wall clock, so a punch made
// between midnight and the business-day boundary (05:00) belongs to
// yesterday's business day: both days are read.
func (p *kioskPage) punchesOfToday(key string) []punch.Punch {
	p.t.Helper()
	today := kintai.DateOf(p.k.now(), mustTokyo(p.t))
	return append(p.f.punchesOn(key, today.AddDays(-1)), p.f.punchesOn(key, today)...)
}

// only returns the punches of kind in ps.
func only(ps []punch.Punch, kind punch.Kind) []punch.Punch {
	var out []punch.Punch
	for _, x := range ps {
		if x.Kind == kind {
			out = append(out, x)
		}
	}
	return out
}

// pair pairs the tab's kiosk with the fixture's site, with a code HR
// issues through the API, and returns the new terminal's id.
func (p *kioskPage) pair() int64 {
	p.t.Helper()
	resp, body := p.f.as("hr").json("POST", "/api/v1/kiosk/pairing-codes", map[string]any{"site_id": p.f.site.ID})
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		p.t.Fatalf("pairing code: status %d %v", resp.StatusCode, body)
	}
	code, _ := body["code"].(string)
	return p.pairWith(code)
}

// pairWith pairs the tab's kiosk through the pairing form with code and
// returns the new terminal's id.
func (p *kioskPage) pairWith(code string) int64 {
	p.t.Helper()
	if st := p.open("/kiosk"); st != 200 {
		p.t.Fatalf("GET /kiosk: status %d", st)
	}
	p.waitShown("pair")
	p.fill("#pair-code", code)
	p.compose("#pair-name", "本庁舎 1F 入口")
	p.do(chromedp.Click(chromedp.CSS("#pair-form button[type=submit]")))
	p.waitShown("home")
	if got := p.text("#kiosk-site"); got != p.f.site.Name {
		p.t.Errorf("kiosk shows site %q, want %q", got, p.f.site.Name)
	}
	terms, err := p.f.db.FindTerminals(context.Background(), p.f.site.ID)
	if err != nil {
		p.t.Fatal(err)
	}
	for _, term := range terms {
		if term.Name == "本庁舎 1F 入口" {
			return term.ID
		}
	}
	p.t.Fatalf("no terminal named 本庁舎 1F 入口 among %+v", terms)
	return 0
}

// enrolAtKiosk enrols the fixture person key with a code from HR, in the
// kiosk's 顔の登録 mode, with the camera showing parts.
func (p *kioskPage) enrolAtKiosk(key string, parts ...clipPart) {
	p.t.Helper()
	resp, body := p.f.as("hr").json("POST", "/api/v1/face/enrolment-codes", map[string]any{"staff_id": p.f.staff[key].ID})
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		p.t.Fatalf("enrolment code: status %d %v", resp.StatusCode, body)
	}
	p.camera(parts...)
	p.waitShown("home")
	p.do(chromedp.Click(chromedp.CSS("#to-enrol")))
	p.fill("#enrol-code", body["code"].(string))
	p.do(chromedp.Click(chromedp.CSS("#enrol-form button[type=submit]")))
	p.waitShown("result")
	if got, want := p.text("#result-text"), p.f.staff[key].Name+"さんの顔を登録しました"; !strings.HasPrefix(got, want) {
		p.fail("after enrolment the kiosk says %q (%s), want %q", got, p.text("#result-detail"), want)
	}
	p.do(chromedp.Click(chromedp.CSS("#result-ok")))
}

func TestKioskBrowser(t *testing.T) {
	p := newKioskPage(t, nil)
	f := p.f
	var terminalID int64
	// Each step builds on the ones before: stop at the first that fails.
	run := func(name string, fn func(t *testing.T)) {
		if !t.Run(name, fn) {
			t.FailNow()
		}
	}

	run("pair", func(t *testing.T) {
		p := p.in(t)
		terminalID = p.pair()
		browsertest.Screenshot(t, p.ctx, "home")
		if got := p.texts("button.kind"); !slices.Equal(got, []string{"出勤Clock in", "退勤Clock out", "休憩開始Break start", "休憩終了Break end"}) {
			t.Errorf("buttons = %q", got)
		}
		type box struct{ W, H float64 }
		for i, b := range read(p.page, chromedp.Evaluate[[]box](`[...document.querySelectorAll("button.kind")].map(b => { const r = b.getBoundingClientRect(); return {W: r.width, H: r.height} })`)) {
			if b.H < 96 || b.W < 200 {
				t.Errorf("button %d is %.0f×%.0f px, want at least 200×96 for a touch screen", i, b.W, b.H)
			}
		}
	})

	run("enrol with a code", func(t *testing.T) {
		p := p.in(t)
		p.enrolAtKiosk("staff", turnClip(p.faces, enrolledFace)...)
		_, me := f.as("staff").json("GET", "/api/v1/me/face", nil)
		if me["enrolled"] != true || me["samples"] != float64(5) {
			t.Errorf("GET /api/v1/me/face = %v, want enrolled with 5 samples", me)
		}
	})

	run("punch", func(t *testing.T) {
		p := p.in(t)
		p.camera(turnClip(p.faces, enrolledFace)...)
		p.scanFor(punch.ClockIn)
		browsertest.Screenshot(t, p.ctx, "confirm")
		if got, want := p.text("#confirm-name"), f.staff["staff"].Name; got != want {
			t.Errorf("name shown = %q, want %q", got, want)
		}
		if got := p.dataset("confirm", "how"); got != "turn" {
			t.Errorf("liveness passed by %q, want turn", got)
		}
		t.Logf("face in view to name shown: %s ms", p.dataset("confirm", "ms"))
		if n := len(p.punchesOfToday("staff")); n != 0 {
			t.Fatalf("%d punches stored before the confirming tap, want 0", n)
		}
		p.do(chromedp.Click(chromedp.CSS("#confirm-yes")))
		p.waitShown("result")
		if got := p.text("#result-text"); !strings.HasPrefix(got, "出勤を記録しました") {
			t.Errorf("result = %q", got)
		}
		ps := p.punchesOfToday("staff")
		if len(ps) != 1 {
			t.Fatalf("stored %d punches, want 1: %+v", len(ps), ps)
		}
		if got := ps[0]; got.Kind != punch.ClockIn || got.Method != punch.MethodFace || got.TerminalID != terminalID || got.SiteID != f.site.ID || got.Delayed {
			t.Errorf("stored %s by %s at terminal %d site %d delayed %v, want clock_in by face at terminal %d site %d, live",
				got.Kind, got.Method, got.TerminalID, got.SiteID, got.Delayed, terminalID, f.site.ID)
		}
		p.do(chromedp.Click(chromedp.CSS("#result-ok")))
	})

	run("time to name", func(t *testing.T) {
		p := p.in(t)
		var ms []int
		for range 3 {
			p.scanFor(punch.ClockOut)
			n, _ := strconv.Atoi(p.dataset("confirm", "ms"))
			ms = append(ms, n)
			p.do(chromedp.Click(chromedp.CSS("#confirm-no")))
			p.waitShown("fallback")
			p.do(chromedp.Click(chromedp.CSS("#fallback-cancel")))
		}
		slices.Sort(ms)
		line, _ := json.Marshal(map[string]any{"face_in_view_to_name_ms": ms, "median_ms": ms[len(ms)/2], "clip": fmt.Sprintf("%dx%d@%dfps", clipW, clipH, clipFPS)})
		t.Logf("kiosk-timing %s", line)
		if ms[len(ms)/2] > 5000 {
			t.Errorf("median time from face in view to name shown = %d ms, want under 5 s", ms[len(ms)/2])
		}
		if n := len(only(p.punchesOfToday("staff"), punch.ClockOut)); n != 0 {
			t.Errorf("%d 退勤 stored after 違う and 戻る, want 0", n)
		}
	})

	run("a still photo fails liveness", func(t *testing.T) {
		p := p.in(t)
		p.camera(stillClip(p.faces, enrolledFace[0])...)
		p.waitShown("home")
		p.do(chromedp.Click(chromedp.CSS("button.kind.clock_out")))
		p.waitShown("scan")
		// The photo is found and of good quality; only liveness fails.
		p.waitText("#scan-status", "まばたきするか")
		time.Sleep(6 * time.Second) // longer than the liveness window
		browsertest.Screenshot(t, p.ctx, "still-photo")
		if got := p.dataset("scan-status", "code"); got != "liveness" {
			t.Errorf("after 6 s the kiosk asks %q (%s), want the liveness prompt", got, p.text("#scan-status"))
		}
		t.Logf("still photo: turn %s, blink %s over %s frames", p.dataset("scan-status", "turn"), p.dataset("scan-status", "blink"), p.dataset("scan-status", "frames"))
		if shown := read(p.page, chromedp.Evaluate[bool](`!document.getElementById('confirm').hidden`)); shown {
			t.Error("the kiosk accepted a still photo")
		}
		p.do(chromedp.Click(chromedp.CSS("#scan-cancel")))
		p.waitShown("home")
		if n := len(only(p.punchesOfToday("staff"), punch.ClockOut)); n != 0 {
			t.Errorf("%d 退勤 stored from a photo, want 0", n)
		}
	})

	run("someone else is not accepted", func(t *testing.T) {
		p := p.in(t)
		p.camera(turnClip(p.faces, strangerFace)...)
		p.do(chromedp.Click(chromedp.CSS("button.kind.clock_out")))
		p.waitShown("result")
		if got := p.text("#result-text"); !strings.HasPrefix(got, "登録された顔と一致しませんでした") {
			t.Errorf("result = %q, want 登録された顔と一致しませんでした", got)
		}
		if got := p.dataset("result-text", "match"); got != "none" && got != "uncertain" {
			t.Errorf("identify said %q, want none or uncertain", got)
		}
		for _, key := range []string{"staff", "other"} {
			if n := len(only(p.punchesOfToday(key), punch.ClockOut)); n != 0 {
				t.Errorf("%d 退勤 stored for %s, want 0", n, key)
			}
		}
		p.do(chromedp.Click(chromedp.CSS("#result-ok")))
	})

	run("違う falls back to the card", func(t *testing.T) {
		p := p.in(t)
		const card = "01140000AB12CD34"
		if resp, body := f.as("hr").json("PUT", fmt.Sprintf("/api/v1/staff/%d/card", f.staff["staff"].ID), map[string]any{"card_id": card}); resp.StatusCode >= 300 {
			t.Fatalf("register card: status %d %v", resp.StatusCode, body)
		}
		p.camera(turnClip(p.faces, enrolledFace)...)
		p.scanFor(punch.BreakStart)
		p.do(chromedp.Click(chromedp.CSS("#confirm-no")))
		p.waitShown("fallback")
		if got := read(p.page, chromedp.Evaluate[string](`document.activeElement.id`)); got != "card-id" {
			t.Errorf("focus on %q, want the card field (the reader types into it)", got)
		}
		// The reader types the card number and Enter.
		p.do(chromedp.KeyEvent(card + kb.Enter))
		p.waitShown("result")
		if got := p.text("#result-text"); !strings.HasPrefix(got, "休憩開始を記録しました") {
			t.Errorf("result = %q", got)
		}
		ps := only(p.punchesOfToday("staff"), punch.BreakStart)
		if len(ps) != 1 || ps[0].Method != punch.MethodCard {
			t.Errorf("stored 休憩開始 %+v, want one by card", ps)
		}
		p.do(chromedp.Click(chromedp.CSS("#result-ok")))
	})

	run("staff number and PIN", func(t *testing.T) {
		p := p.in(t)
		if resp, body := f.as("staff").json("PUT", "/api/v1/me/pin", map[string]any{"pin": "4821"}); resp.StatusCode >= 300 {
			t.Fatalf("set PIN: status %d %v", resp.StatusCode, body)
		}
		p.waitShown("home")
		p.do(chromedp.Click(chromedp.CSS("button.kind.break_end")))
		p.waitShown("scan")
		p.do(chromedp.Click(chromedp.CSS("#scan-fallback")))
		p.waitShown("fallback")
		p.fill("#pin-staff-no", f.staff["staff"].StaffNo)
		p.fill("#pin-pin", "0000")
		p.do(chromedp.Click(chromedp.CSS("#pin-form button[type=submit]")))
		p.waitShown("result")
		if got := p.text("#result-text"); !strings.HasPrefix(got, "記録できませんでした") {
			t.Errorf("wrong PIN: result = %q, want 記録できませんでした", got)
		}
		p.do(chromedp.Click(chromedp.CSS("#result-ok")))
		p.waitShown("home")
		p.do(chromedp.Click(chromedp.CSS("button.kind.break_end")))
		p.waitShown("scan")
		p.do(chromedp.Click(chromedp.CSS("#scan-fallback")))
		p.waitShown("fallback")
		p.fill("#pin-staff-no", f.staff["staff"].StaffNo)
		p.fill("#pin-pin", "4821")
		p.do(chromedp.Click(chromedp.CSS("#pin-form button[type=submit]")))
		p.waitShown("result")
		if got := p.text("#result-text"); !strings.HasPrefix(got, "休憩終了を記録しました") {
			t.Errorf("result = %q", got)
		}
		ps := only(p.punchesOfToday("staff"), punch.BreakEnd)
		if len(ps) != 1 || ps[0].Method != punch.MethodPIN {
			t.Errorf("stored 休憩終了 %+v, want one by PIN", ps)
		}
		p.do(chromedp.Click(chromedp.CSS("#result-ok")))
	})

	var strangerAt time.Time
	run("offline", func(t *testing.T) {
		p := p.in(t)
		p.waitShown("home")
		// The service worker must hold the page and its files before the
		// server goes away.
		ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
		defer cancel()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(r => !!r.active)`, chromedp.EvalAwaitPromise)); err != nil {
			t.Fatalf("service worker: %v", err)
		}
		p.k.stop()

		p.camera(turnClip(p.faces, enrolledFace)...)
		p.do(chromedp.Click(chromedp.CSS("button.kind.clock_out")))
		p.waitShown("result")
		if got := p.text("#result-text"); !strings.HasPrefix(got, "退勤を端末に保存しました") {
			t.Errorf("offline result = %q, want 退勤を端末に保存しました", got)
		}
		if got := p.text("#kiosk-queue"); got != "未送信 1件" {
			t.Errorf("queue shows %q, want 未送信 1件", got)
		}
		if got := p.dataset("kiosk-net", "online"); got != "false" {
			t.Errorf("network state %q, want false", got)
		}

		// A reload while the server is down: the service worker's page,
		// with the queue kept in IndexedDB.
		if st := p.open("/kiosk"); st != 200 {
			t.Fatalf("reload while offline: status %d", st)
		}
		p.waitShown("home")
		p.waitText("#kiosk-queue", "未送信 1件")
		browsertest.Screenshot(t, p.ctx, "offline")

		// Someone the server will not recognise punches too.
		p.camera(turnClip(p.faces, strangerFace)...)
		strangerAt = time.Now()
		p.do(chromedp.Click(chromedp.CSS("button.kind.clock_in")))
		p.waitShown("result")
		p.waitText("#kiosk-queue", "未送信 2件")
		if n := len(only(p.punchesOfToday("staff"), punch.ClockOut)); n != 0 {
			t.Fatalf("%d 退勤 stored while the server was down", n)
		}

		p.k.start() // same address, same database
		ctx2, cancel2 := context.WithTimeout(p.ctx, 30*time.Second)
		defer cancel2()
		if _, err := chromedp.Run(ctx2, chromedp.Poll[bool](`document.getElementById('kiosk-queue').dataset.count === '0'`, chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
			p.fail("the queue was not uploaded: it shows %q", p.text("#kiosk-queue"))
		}
		outs := only(p.punchesOfToday("staff"), punch.ClockOut)
		if len(outs) != 1 {
			t.Fatalf("stored %d 退勤, want 1: %+v", len(outs), outs)
		}
		if got := outs[0]; !got.Delayed || got.Method != punch.MethodFace || got.TerminalID != terminalID {
			t.Errorf("stored 退勤 delayed %v by %s at terminal %d, want a delayed face punch at terminal %d", got.Delayed, got.Method, got.TerminalID, terminalID)
		}
		if got := p.dataset("kiosk-queue", "refused"); got != "0" {
			t.Errorf("%s punches set aside as refused, want 0", got)
		}
		// A reload uploads nothing again.
		p.open("/kiosk")
		p.waitShown("home")
		time.Sleep(time.Second)
		if n := len(only(p.punchesOfToday("staff"), punch.ClockOut)); n != 1 {
			t.Errorf("%d 退勤 after a reload, want still 1", n)
		}
	})

	run("HR resolves the unknown face", func(t *testing.T) {
		p := p.in(t)
		p.signIn("hr")
		if st := p.open("/face/reviews"); st != 200 {
			t.Fatalf("GET /face/reviews: status %d", st)
		}
		p.waitText("#reviews-state", "確認待ち 1件")
		browsertest.Screenshot(t, p.ctx, "reviews")
		row := p.texts("#reviews tbody tr")
		if len(row) != 1 || !strings.Contains(row[0], "出勤") || !strings.Contains(row[0], "本庁舎") {
			t.Fatalf("review rows = %q, want the stranger's 出勤 at 本庁舎", row)
		}
		// HR names someone in their scope (人事課).
		p.fill("#reviews .review-staff-no", f.staff["approver"].StaffNo)
		p.do(chromedp.Click(chromedp.CSS("#reviews .review-actions button")))
		p.waitText("#reviews .review-result", "打刻を記録しました")
		ins := only(p.punchesOfToday("approver"), punch.ClockIn)
		if len(ins) != 1 {
			t.Fatalf("stored %d 出勤 for approver, want 1", len(ins))
		}
		if d := ins[0].At.Sub(strangerAt); d < -time.Second || d > 30*time.Second {
			t.Errorf("the resolved punch is at %v, want the kiosk's time about %v", ins[0].At, strangerAt)
		}
	})
}

// TestFacePortalBrowser covers the staff portal's face pages: a staff
// member enrols with the camera at /my/face, HR issues a printable code
// and registers a card at /staff/{id}/face.
func TestFacePortalBrowser(t *testing.T) {
	p := newKioskPage(t, func(c *Config) { c.ConditionCheck = true })
	f := p.f
	run := func(name string, fn func(t *testing.T)) {
		if !t.Run(name, fn) {
			t.FailNow()
		}
	}

	run("enrol myself", func(t *testing.T) {
		p := p.in(t)
		p.camera(turnClip(p.faces, strangerFace)...)
		p.signIn("other")
		if st := p.open("/my/face"); st != 200 {
			t.Fatalf("GET /my/face: status %d", st)
		}
		p.waitText("#face-state", "まだ登録していません")
		p.do(chromedp.Click(chromedp.CSS("#face-start")))
		ctx, cancel := context.WithTimeout(p.ctx, 40*time.Second)
		defer cancel()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('face-result').textContent.includes('顔を登録しました')`, chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
			p.fail("enrolment did not finish: %q / %q", p.text("#face-capture-status"), p.text("#face-result"))
		}
		p.waitText("#face-state", "登録済み")
		browsertest.Screenshot(t, p.ctx, "my-face")
		if got := p.text("#face-samples"); got != "5枚" {
			t.Errorf("samples = %q, want 5枚", got)
		}
		_, me := f.as("other").json("GET", "/api/v1/me/face", nil)
		if me["enrolled"] != true {
			t.Errorf("GET /api/v1/me/face = %v, want enrolled", me)
		}
		p.fill("#pin", "135790")
		p.fill("#pin-again", "135790")
		p.do(chromedp.Click(chromedp.CSS("#pin-form button[type=submit]")))
		p.waitText("#pin-result", "暗証番号を設定しました")
		_, me = f.as("other").json("GET", "/api/v1/me/face", nil)
		if me["pin"] != true {
			t.Errorf("after setting the PIN GET /api/v1/me/face = %v, want pin true", me)
		}
	})

	run("HR issues a code and a card", func(t *testing.T) {
		p := p.in(t)
		p.submit("form.logout button")
		p.signIn("hr")
		id := f.staff["staff"].ID
		if st := p.open(fmt.Sprintf("/staff/%d/face", id)); st != 200 {
			t.Fatalf("GET /staff/%d/face: status %d", id, st)
		}
		p.waitText("#face-state", "顔は登録されていません")
		p.do(chromedp.Click(chromedp.CSS("#code-issue")))
		p.waitText("#staff-face-result", "登録コードを発行しました")
		code := p.text("#code-value")
		if len(code) < 8 {
			t.Errorf("code shown = %q", code)
		}
		browsertest.Screenshot(t, p.ctx, "code-slip")
		if got := p.text(".slip-name"); !strings.Contains(got, f.staff["staff"].Name) {
			t.Errorf("slip names %q", got)
		}
		// The code works once, at a kiosk.
		resp, body := f.as("device").json("POST", "/api/v1/face/enrol", map[string]any{"code": "WRONG-CODE", "model": "faceapi-128", "samples": [][]float64{}})
		if resp.StatusCode < 400 {
			t.Errorf("enrol with a wrong code: status %d %v", resp.StatusCode, body)
		}
		p.fill("#card-id", "0114000099")
		p.do(chromedp.KeyEvent(kb.Enter))
		p.waitText("#card-result", "カードを登録しました")
		_, st := f.as("hr").json("GET", fmt.Sprintf("/api/v1/staff/%d/face", id), nil)
		if st["card"] != true {
			t.Errorf("GET /api/v1/staff/%d/face = %v, want a card", id, st)
		}
	})

	run("a kiosk paired from the site page", func(t *testing.T) {
		p := p.in(t)
		p.submit("form.logout button")
		p.signIn("admin")
		if st := p.open(fmt.Sprintf("/sites/%d", f.site.ID)); st != 200 {
			t.Fatalf("GET /sites/%d: status %d", f.site.ID, st)
		}
		p.do(chromedp.Click(chromedp.CSS("#pairing-issue")))
		p.waitText("#pairing-result", "登録コード")
		code := p.dataset("pairing-result", "code")
		if len(code) != 8 {
			t.Fatalf("pairing code shown = %q, want 8 digits", code)
		}
		p.pairWith(code)
	})

	run("the portal's enrolment works at the kiosk, with the condition check", func(t *testing.T) {
		p := p.in(t)
		p.camera(turnClip(p.faces, strangerFace)...)
		p.scanFor(punch.ClockIn)
		if got, want := p.text("#confirm-name"), f.staff["other"].Name; got != want {
			t.Errorf("name shown = %q, want %q", got, want)
		}
		p.do(chromedp.Click(chromedp.CSS("#confirm-yes")))
		p.waitShown("result")
		if n := len(only(p.punchesOfToday("other"), punch.ClockIn)); n != 1 {
			t.Fatalf("stored %d 出勤 for other, want 1", n)
		}
		_, c := f.as("other").json("GET", "/api/v1/me/condition", nil)
		items, _ := c["items"].([]any)
		if c["enabled"] != true || len(items) != 1 {
			t.Fatalf("GET /api/v1/me/condition = %v, want one score", c)
		}
		smile, _ := items[0].(map[string]any)["smile"].(float64)
		if smile < 0 || smile > 1 {
			t.Errorf("smile = %v, want 0..1", smile)
		}
		p.signIn("other")
		p.open("/my/face")
		p.waitText("#condition-list tbody", strconv.Itoa(int(math.Round(smile*100))))
	})

	run("a staff member may not", func(t *testing.T) {
		p := p.in(t)
		p.submit("form.logout button")
		p.signIn("staff")
		for _, path := range []string{fmt.Sprintf("/staff/%d/face", f.staff["staff"].ID), "/face/reviews"} {
			if st := p.open(path); st != 403 {
				t.Errorf("GET %s as staff: status %d, want 403", path, st)
			}
		}
		p.open("/")
		if got := p.texts(`header nav a[href="/my/face"]`); len(got) != 1 {
			t.Error("the nav does not offer 顔認証 to a staff member")
		}
		if got := p.texts(`header nav a[href="/face/reviews"]`); len(got) != 0 {
			t.Error("the nav offers 顔認証の確認 to a staff member")
		}
	})
}
