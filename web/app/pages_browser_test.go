package app

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/store"
	"kintai/web/browsertest"
)

// The page tests drive the real pages in headless Chromium against the
// fixture's server: what a person types, clicks and reads.

// page is one browser tab on the fixture's server.
type page struct {
	t   *testing.T
	f   *fixture
	ctx context.Context
}

func newPage(t *testing.T) *page {
	t.Helper()
	ctx := browsertest.New(t) // first, so a missing browser skips before any set-up
	f := newFixture(t, store.SQLite)
	// The session cookie's Expires comes from the server's clock. The
	// fixture's clock stands in the past of the browser's, which would drop
	// the cookie on arrival, so bring it up to the wall clock.
	if d := time.Since(f.clock.Now()); d > 0 {
		f.clock.Advance(d)
	}
	return &page{t: t, f: f, ctx: ctx}
}

// stepTimeout bounds one browser step, so a missing element fails its
// subtest quickly instead of using up the whole test's time.
const stepTimeout = 10 * time.Second

func (p *page) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(p.ctx, stepTimeout)
}

// in returns p for subtest t, so failures are reported on it.
func (p *page) in(t *testing.T) *page { c := *p; c.t = t; return &c }

// fail stops the test, keeping a picture of the page when screenshots are on.
func (p *page) fail(format string, args ...any) {
	p.t.Helper()
	browsertest.Screenshot(p.t, p.ctx, "failure")
	p.t.Fatalf(format, args...)
}

// do runs actions that return nothing.
func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.fail("browser: %v", err)
	}
}

// read runs one action and returns its value.
func read[T any](p *page, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.fail("browser: %v", err)
	}
	return v
}

// open loads path and returns the HTTP status of the page it ends on.
func (p *page) open(path string) int {
	p.t.Helper()
	resp := read(p, chromedp.NavigateResponse(p.f.srv.URL+path))
	return int(resp.Status)
}

// submit clicks the button sel, waits for the next page and returns its
// HTTP status (after redirects).
func (p *page) submit(sel string) int {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		p.fail("submit %s: %v", sel, err)
	}
	return int(resp.Status)
}

// fill replaces the value of the field sel by typing v key by key.
func (p *page) fill(sel, v string) {
	p.t.Helper()
	p.do(p.clear(sel), chromedp.SendKeys(chromedp.CSS(sel), v))
}

// compose replaces the value of the field sel with v as an input method
// commits it. Key events cannot type the ideographic space (U+3000) that
// separates family and given names, so this inserts the text instead.
func (p *page) compose(sel, v string) {
	p.t.Helper()
	p.do(p.clear(sel), chromedp.Focus(chromedp.CSS(sel)), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: v})
		return err
	}))
}

// clear empties the field sel by script: chromedp v0.23.0's SetValue cannot
// set "" (the empty argument is dropped on the wire and the field reads
// "undefined").
func (p *page) clear(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, sel)))
}

func (p *page) text(sel string) string {
	p.t.Helper()
	return strings.TrimSpace(read(p, chromedp.Text(chromedp.CSS(sel))))
}

func (p *page) value(sel string) string {
	p.t.Helper()
	return read(p, chromedp.Value(chromedp.CSS(sel)))
}

// texts returns the text content of every element matching the CSS
// selector sel, trimmed; it does not wait, so it also answers "none".
func (p *page) texts(sel string) []string {
	p.t.Helper()
	js := fmt.Sprintf(`[...document.querySelectorAll(%q)].map(e => e.textContent.trim())`, sel)
	return read(p, chromedp.Evaluate[[]string](js))
}

// path returns the current page's path and query.
func (p *page) path() string {
	p.t.Helper()
	u, err := url.Parse(read(p, chromedp.Location()))
	if err != nil {
		p.fail("location: %v", err)
	}
	return u.RequestURI()
}

// signIn signs in through the login form as the fixture person key.
func (p *page) signIn(key string) {
	p.t.Helper()
	p.open("/login")
	p.fill("#staff_no", p.f.staff[key].StaffNo)
	p.fill("#password", testPassword)
	if st := p.submit("main form button[type=submit]"); st != 200 {
		p.fail("sign in as %s: status %d, want 200", key, st)
	}
}

func TestBrowserLogin(t *testing.T) {
	p := newPage(t)
	hr := p.f.staff["hr"]

	t.Run("wrong password", func(t *testing.T) {
		p := p.in(t)
		p.open("/login")
		p.fill("#staff_no", hr.StaffNo)
		p.fill("#password", "not-the-password")
		if st := p.submit("main form button[type=submit]"); st != 401 {
			t.Errorf("status = %d, want 401", st)
		}
		browsertest.Screenshot(t, p.ctx, "login-error")
		if got, want := p.text(".error[role=alert] p"), "職員番号またはパスワードが正しくありません。"; got != want {
			t.Errorf("error = %q, want %q", got, want)
		}
		if got := p.value("#staff_no"); got != hr.StaffNo {
			t.Errorf("staff number field = %q, want %q kept", got, hr.StaffNo)
		}
		if got := p.value("#password"); got != "" {
			t.Errorf("password field = %q, want it empty", got)
		}
	})

	t.Run("sign in", func(t *testing.T) {
		p := p.in(t)
		p.signIn("hr")
		if got := p.path(); got != "/" {
			t.Errorf("landed on %q, want /", got)
		}
		browsertest.Screenshot(t, p.ctx, "home")
		if got, want := p.text("header .me"), hr.Name+"（"+hr.StaffNo+"）"; got != want {
			t.Errorf("header = %q, want %q", got, want)
		}
		if got := p.text("main .card p"); !strings.HasPrefix(got, hr.Name+" さん（常勤・人事課）") {
			t.Errorf("home says %q, want the name, employment type and unit", got)
		}
		if got := p.texts("ul.menu a"); !strings.Contains(strings.Join(got, "|"), "職員CSV取込") {
			t.Errorf("menu = %q, want the HR entries", got)
		}
	})
}

func TestBrowserLogout(t *testing.T) {
	p := newPage(t)
	p.signIn("hr")

	t.Run("sign out", func(t *testing.T) {
		p := p.in(t)
		if st := p.submit("form.logout button"); st != 200 {
			t.Errorf("status = %d, want 200", st)
		}
		if got := p.path(); !strings.HasPrefix(got, "/login") {
			t.Errorf("after sign-out on %q, want /login", got)
		}
		if got := p.text(".flash"); got != "ログアウトしました。" {
			t.Errorf("flash = %q", got)
		}
		if got := p.texts("header .me"); len(got) != 0 {
			t.Errorf("still shows %q as signed in", got)
		}
	})

	t.Run("protected page redirects", func(t *testing.T) {
		p := p.in(t)
		p.open("/staff")
		if got, want := p.path(), "/login?next=%2Fstaff"; got != want {
			t.Errorf("/staff after sign-out landed on %q, want %q", got, want)
		}
	})

	t.Run("sign in returns to the page", func(t *testing.T) {
		p := p.in(t)
		// Still on /login?next=/staff from the previous step.
		p.fill("#staff_no", p.f.staff["hr"].StaffNo)
		p.fill("#password", testPassword)
		p.submit("main form button[type=submit]")
		if got := p.path(); got != "/staff" {
			t.Errorf("landed on %q, want /staff", got)
		}
	})
}

func TestBrowserStaff(t *testing.T) {
	p := newPage(t)
	p.signIn("hr")
	inScope := []string{"試験　admin", "試験　approver", "試験　expired", "試験　hr", "試験　staff"}

	search := func(p *page, q string) (count string, names []string) {
		p.t.Helper()
		p.open("/staff")
		p.fill("#q", q)
		p.submit("form.search button[type=submit]")
		return p.text("p.count"), p.texts("#staff tbody td:nth-child(2) a")
	}
	sorted := func(s []string) []string { s = append([]string(nil), s...); slices.Sort(s); return s }

	t.Run("list shows only the HR officer's scope", func(t *testing.T) {
		p := p.in(t)
		p.open("/staff")
		browsertest.Screenshot(t, p.ctx, "list")
		if got := p.text("p.count"); got != "5件" {
			t.Errorf("count = %q, want 5件", got)
		}
		if diff := cmp.Diff(inScope, sorted(p.texts("#staff tbody td:nth-child(2) a"))); diff != "" {
			t.Errorf("listed staff (-want +got):\n%s", diff)
		}
		if st := p.open(fmt.Sprintf("/staff/%d", p.f.staff["other"].ID)); st != 404 {
			t.Errorf("財政課's staff member: status %d, want 404", st)
		}
	})

	t.Run("search kana in hiragana", func(t *testing.T) {
		p := p.in(t)
		count, names := search(p, "しけん")
		if count != "5件" {
			t.Errorf("count = %q, want 5件", count)
		}
		if diff := cmp.Diff(inScope, sorted(names)); diff != "" {
			t.Errorf("found (-want +got):\n%s", diff)
		}
		if got := p.value("#q"); got != "しけん" {
			t.Errorf("search box = %q, want the query kept", got)
		}
	})

	t.Run("search by name", func(t *testing.T) {
		p := p.in(t)
		count, names := search(p, "試験 staff")
		if count != "1件" || !cmp.Equal(names, []string{"試験　staff"}) {
			t.Errorf("found %s %q, want 1件 [試験　staff]", count, names)
		}
		count, names = search(p, "other")
		if count != "0件" || len(names) != 0 {
			t.Errorf("out-of-scope search found %s %q, want 0件", count, names)
		}
		if got := p.text("#staff tbody td"); got != "該当する職員はいません。" {
			t.Errorf("empty result says %q", got)
		}
	})

	staff := p.f.staff["staff"]
	editPath := fmt.Sprintf("/staff/%d", staff.ID)

	t.Run("edit", func(t *testing.T) {
		p := p.in(t)
		p.open("/staff")
		p.submit(fmt.Sprintf(`#staff a[href=%q]`, editPath))
		if got := p.path(); got != editPath {
			t.Fatalf("opened %q, want %q", got, editPath)
		}
		if got := p.value("input[name=name]"); got != staff.Name {
			t.Errorf("name field = %q, want %q", got, staff.Name)
		}
		p.compose("input[name=name]", "更新　花子")
		if st := p.submit("main form.card button[type=submit]"); st != 200 {
			t.Errorf("status = %d, want 200", st)
		}
		browsertest.Screenshot(t, p.ctx, "saved")
		if got, want := p.text(".flash"), "職員「更新　花子」を保存しました。"; got != want {
			t.Errorf("flash = %q, want %q", got, want)
		}
		if got := p.value("input[name=name]"); got != "更新　花子" {
			t.Errorf("name field after save = %q", got)
		}
		s, err := p.f.db.FindStaffByID(context.Background(), staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Name != "更新　花子" || s.Kana != staff.Kana || !cmp.Equal(s.SiteIDs, staff.SiteIDs) {
			t.Errorf("stored %q %q sites %v, want the new name and the rest unchanged", s.Name, s.Kana, s.SiteIDs)
		}
	})

	t.Run("edit with bad kana", func(t *testing.T) {
		p := p.in(t)
		p.open(editPath)
		p.compose("input[name=name]", "誤り　太郎")
		p.fill("input[name=kana]", "shiken")
		if st := p.submit("main form.card button[type=submit]"); st != 400 {
			t.Errorf("status = %d, want 400", st)
		}
		browsertest.Screenshot(t, p.ctx, "error")
		if got, want := p.text(".error[role=alert] p"), "カナは全角カタカナで入力してください。"; got != want {
			t.Errorf("error = %q, want %q", got, want)
		}
		if got := p.value("input[name=name]"); got != "誤り　太郎" {
			t.Errorf("name field = %q, want the typed value kept", got)
		}
		if got := p.value("input[name=kana]"); got != "shiken" {
			t.Errorf("kana field = %q, want the typed value kept", got)
		}
		s, err := p.f.db.FindStaffByID(context.Background(), staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Name != "更新　花子" || s.Kana != staff.Kana {
			t.Errorf("stored %q %q after a refused save", s.Name, s.Kana)
		}
	})
}

func TestBrowserImport(t *testing.T) {
	p := newPage(t)
	p.signIn("hr")
	dir := t.TempDir()
	writeCSV := func(name string, rows ...string) string {
		path := filepath.Join(dir, name)
		body := "職員番号,氏名,カナ,雇用区分,任用開始日,任用終了日,所属コード,拠点コード,上司職員番号,メールアドレス\r\n" +
			strings.Join(rows, "\r\n") + "\r\n"
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good1 := "300001,取込　一郎,トリコミ　イチロウ,常勤,2026-04-01,,B01-K01,S0001,100002,"
	good2 := "300002,取込　二郎,とりこみ　じろう,会計年度任用パートタイム,2026-04-01,2027-03-31,B01-K01,S0001,300001,jiro@example.lg.jp"
	bad := "300003,取込　三郎,トリコミ　サブロウ,常勤,2026-04-01,,X99,S0001,,"
	badFile := writeCSV("bad.csv", good1, bad)
	goodFile := writeCSV("good.csv", good1, good2)

	upload := func(p *page, file string) int {
		p.t.Helper()
		p.open("/staff/import")
		p.do(chromedp.SetUploadFiles(chromedp.CSS("input#file"), []string{file}))
		return p.submit("button#preview")
	}
	stored := func(t *testing.T, no string) bool {
		t.Helper()
		_, err := p.f.db.FindStaffByNo(context.Background(), no)
		if err != nil && kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Fatal(err)
		}
		return err == nil
	}

	t.Run("preview with errors", func(t *testing.T) {
		p := p.in(t)
		if st := upload(p, badFile); st != 422 {
			t.Errorf("status = %d, want 422", st)
		}
		browsertest.Screenshot(t, p.ctx, "errors")
		if got := p.text("#result h2"); !strings.HasPrefix(got, "確認結果") {
			t.Errorf("heading = %q, want 確認結果", got)
		}
		rows := p.texts("#errors tbody tr")
		want := []string{"3所属コード所属コード「X99」は登録されていません。No org unit has code \"X99\"."}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("error rows (-want +got):\n%s", diff)
		}
		if got := p.texts("#apply"); len(got) != 0 {
			t.Error("the apply button is offered for a file with errors")
		}
		for _, no := range []string{"300001", "300003"} {
			if stored(t, no) {
				t.Errorf("staff %s was stored by a preview with errors", no)
			}
		}
	})

	t.Run("preview and apply", func(t *testing.T) {
		p := p.in(t)
		if st := upload(p, goodFile); st != 200 {
			t.Errorf("preview status = %d, want 200", st)
		}
		browsertest.Screenshot(t, p.ctx, "preview")
		if got := []string{p.text("#created"), p.text("#updated"), p.text("#unchanged")}; !cmp.Equal(got, []string{"2", "0", "0"}) {
			t.Errorf("新規/更新/変更なし = %v, want [2 0 0]", got)
		}
		if stored(t, "300001") {
			t.Fatal("the preview stored staff")
		}
		if st := p.submit("button#apply"); st != 200 {
			t.Errorf("apply status = %d, want 200", st)
		}
		browsertest.Screenshot(t, p.ctx, "applied")
		if got := p.text("#result h2"); !strings.HasPrefix(got, "取込結果") {
			t.Errorf("heading = %q, want 取込結果", got)
		}
		if got := p.text("#result .flash"); got != "取り込みが完了しました。" {
			t.Errorf("result says %q", got)
		}
		if got := p.text("#created"); got != "2" {
			t.Errorf("created = %s, want 2", got)
		}
		s, err := p.f.db.FindStaffByNo(context.Background(), "300002")
		if err != nil {
			t.Fatalf("imported staff: %v", err)
		}
		one, err := p.f.db.FindStaffByNo(context.Background(), "300001")
		if err != nil {
			t.Fatalf("imported staff: %v", err)
		}
		if s.Name != "取込　二郎" || s.Kana != "トリコミ　ジロウ" || s.OrgUnitID != p.f.jinji.ID || s.SupervisorID != one.ID ||
			s.EmploymentType != kintai.FiscalPart || s.AppointmentEndsOn != kintai.NewDate(2027, 3, 31) {
			t.Errorf("stored %+v", s)
		}
	})

	t.Run("same file again", func(t *testing.T) {
		p := p.in(t)
		if st := upload(p, goodFile); st != 200 {
			t.Errorf("status = %d, want 200", st)
		}
		if got := []string{p.text("#created"), p.text("#updated"), p.text("#unchanged")}; !cmp.Equal(got, []string{"0", "0", "2"}) {
			t.Errorf("新規/更新/変更なし = %v, want [0 0 2]", got)
		}
	})
}

func TestBrowserSitesAndOrgUnits(t *testing.T) {
	p := newPage(t)
	p.signIn("admin")

	t.Run("create site", func(t *testing.T) {
		p := p.in(t)
		p.open("/sites")
		form := `main form[action="/sites"] `
		p.fill(form+"input[name=code]", "S0002")
		p.fill(form+"input[name=name]", "第二庁舎")
		p.fill(form+"input[name=address]", "本町1-2-3")
		p.fill(form+"input[name=lat]", "35.6812")
		p.fill(form+"input[name=lng]", "139.7671")
		p.fill(form+"input[name=radius_m]", "150")
		if st := p.submit(form + "button[type=submit]"); st != 200 {
			t.Errorf("status = %d, want 200", st)
		}
		browsertest.Screenshot(t, p.ctx, "sites")
		if got, want := p.text(".flash"), "拠点「第二庁舎」を登録しました。"; got != want {
			t.Errorf("flash = %q, want %q", got, want)
		}
		rows := p.texts("main table.list tbody tr")
		want := []string{"S0001本庁舎なし", "S0002第二庁舎本町1-2-3半径150m"}
		if diff := cmp.Diff(want, squeezeCells(rows)); diff != "" {
			t.Errorf("site rows (-want +got):\n%s", diff)
		}
	})

	t.Run("site form error keeps values", func(t *testing.T) {
		p := p.in(t)
		p.open("/sites")
		form := `main form[action="/sites"] `
		p.fill(form+"input[name=code]", "S0003")
		p.fill(form+"input[name=name]", "出張所")
		p.fill(form+"input[name=lat]", "北緯35度")
		p.fill(form+"input[name=lng]", "139.7")
		p.fill(form+"input[name=radius_m]", "100")
		if st := p.submit(form + "button[type=submit]"); st != 400 {
			t.Errorf("status = %d, want 400", st)
		}
		if got, want := p.text(".error[role=alert] p"), "緯度・経度・半径は数値で入力してください。"; got != want {
			t.Errorf("error = %q, want %q", got, want)
		}
		if got := p.value(form + "input[name=lat]"); got != "北緯35度" {
			t.Errorf("lat field = %q, want the typed value kept", got)
		}
	})

	t.Run("org unit tree", func(t *testing.T) {
		p := p.in(t)
		p.open("/org-units")
		browsertest.Screenshot(t, p.ctx, "org-units")
		// Read without trimming: full-width spaces indent a child.
		got := read(p, chromedp.Evaluate[[]string](`[...document.querySelectorAll("main table.list tbody td:first-child")].map(e => e.textContent)`))
		want := []string{"総務部", "人事課", "財政課"}
		trimmed := make([]string, len(got))
		for i, s := range got {
			trimmed[i] = strings.TrimLeft(s, "　")
		}
		if diff := cmp.Diff(want, trimmed); diff != "" {
			t.Errorf("units (-want +got):\n%s", diff)
		}
		if len(got) == 3 && (strings.HasPrefix(got[0], "　") || !strings.HasPrefix(got[1], "　") || !strings.HasPrefix(got[2], "　")) {
			t.Errorf("units %q: want 課 indented under 部", got)
		}
		if got := p.texts("main table.list tbody td:nth-child(2)"); !cmp.Equal(got, []string{"部", "課", "課"}) {
			t.Errorf("kinds = %q, want [部 課 課]", got)
		}
	})
}

// squeezeCells removes the white space between table cells.
func squeezeCells(rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.Join(strings.Fields(r), "")
	}
	return out
}
