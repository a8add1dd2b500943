package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"kintai"
	"kintai/leave"
	"kintai/password"
	"kintai/store"
	"kintai/store/storetest"
)

// fixture is a small organisation: 総務部 with 人事課 and 財政課, a site,
// a terminal, and one person per role.
type fixture struct {
	t        *testing.T
	db       *store.DB
	app      *App
	srv      *httptest.Server
	clock    *storetest.Clock
	dept     kintai.OrgUnit
	jinji    kintai.OrgUnit // 人事課: the HR officer's and approver's scope
	zaisei   kintai.OrgUnit // 財政課: outside their scope
	site     kintai.Site
	terminal string // device credential
	staff    map[string]*kintai.Staff
}

const testPassword = "correct-horse-42"

func newFixture(t *testing.T, d store.Dialect, configure ...func(*Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := storetest.NewClock(time.Date(2026, 6, 1, 0, 30, 0, 0, time.UTC))
	f := &fixture{t: t, clock: clock, db: storetest.Open(t, d, clock.Now), staff: map[string]*kintai.Staff{}}
	hash, err := password.Hash(testPassword, password.Params{Memory: 1024, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	err = f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		f.dept = kintai.OrgUnit{Code: "B01", Name: "総務部", Kind: kintai.Department}
		if err := tx.CreateOrgUnit(ctx, &f.dept); err != nil {
			return err
		}
		f.jinji = kintai.OrgUnit{Code: "B01-K01", Name: "人事課", Kind: kintai.Section, ParentID: f.dept.ID}
		f.zaisei = kintai.OrgUnit{Code: "B01-K02", Name: "財政課", Kind: kintai.Section, ParentID: f.dept.ID}
		for _, u := range []*kintai.OrgUnit{&f.jinji, &f.zaisei} {
			if err := tx.CreateOrgUnit(ctx, u); err != nil {
				return err
			}
		}
		f.site = kintai.Site{Code: "S0001", Name: "本庁舎"}
		if err := tx.CreateSite(ctx, &f.site); err != nil {
			return err
		}
		term := store.Terminal{Code: "T0001", Name: "本庁舎 通用口", SiteID: f.site.ID}
		if f.terminal, err = tx.CreateTerminal(ctx, &term); err != nil {
			return err
		}
		people := []struct {
			key  string
			unit int64
			kind kintai.EmploymentType
			role kintai.Role
			ends kintai.Date
		}{
			{"admin", f.jinji.ID, kintai.Regular, kintai.RoleAdmin, kintai.Date{}},
			{"hr", f.jinji.ID, kintai.Regular, kintai.RoleHR, kintai.Date{}},
			{"approver", f.jinji.ID, kintai.Regular, kintai.RoleApprover, kintai.Date{}},
			{"staff", f.jinji.ID, kintai.FiscalPart, "", kintai.NewDate(2027, 3, 31)},
			{"other", f.zaisei.ID, kintai.Regular, "", kintai.Date{}},
			{"expired", f.jinji.ID, kintai.FiscalPart, "", kintai.NewDate(2026, 3, 31)},
		}
		for i, p := range people {
			s := &kintai.Staff{StaffNo: "10000" + string(rune('1'+i)), Name: "試験　" + p.key, Kana: "シケン　タロウ",
				EmploymentType: p.kind, AppointedOn: kintai.NewDate(2025, 4, 1), AppointmentEndsOn: p.ends,
				OrgUnitID: p.unit, SiteIDs: []int64{f.site.ID}}
			if err := tx.CreateStaff(ctx, s); err != nil {
				return err
			}
			if err := tx.SetPassword(ctx, s.ID, hash); err != nil {
				return err
			}
			if p.role != "" {
				scope := f.jinji.ID
				if p.role == kintai.RoleAdmin {
					scope = 0
				}
				if err := tx.CreateGrant(ctx, &kintai.Grant{StaffID: s.ID, Role: p.role, OrgUnitID: scope}); err != nil {
					return err
				}
			}
			f.staff[p.key] = s
			// 10 days of annual leave for the year, for the leave requests of the tests.
			if err := tx.AddLeaveGrant(ctx, &store.LeaveGrant{StaffID: s.ID, Balance: leave.Annual, Grant: leave.Grant{
				Amount: leave.DaysAmount(10), GrantedOn: kintai.NewDate(2026, 4, 1), ExpiresOn: kintai.NewDate(2027, 3, 31), Note: "試験用"}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	cfg := Config{DB: f.db, Loc: mustTokyo(t), Now: clock.Now}
	for _, fn := range configure {
		fn(&cfg)
	}
	f.app, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.app.Close) // after the server has closed (cleanups run last first)
	f.srv = httptest.NewServer(f.app)
	t.Cleanup(f.srv.Close)
	return f
}

func mustTokyo(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// client is a signed-in (or anonymous) caller.
type client struct {
	f      *fixture
	cookie string
	csrf   string
	bearer string
}

// as returns a client signed in as the fixture person key ("" for anonymous,
// "device" for the terminal). Sessions are made in the store directly, so
// tests do not pay for password hashing.
func (f *fixture) as(key string) *client {
	c := &client{f: f}
	switch key {
	case "":
	case "device":
		c.bearer = f.terminal
	default:
		err := f.db.WithTx(context.Background(), kintai.Actor{System: true}, func(tx *store.Tx) error {
			tok, s, err := tx.CreateSession(context.Background(), f.staff[key].ID, time.Hour)
			c.cookie, c.csrf = tok, s.CSRFToken
			return err
		})
		if err != nil {
			f.t.Fatal(err)
		}
	}
	return c
}

// do sends a request; body is JSON unless it is a url.Values-encoded string
// with contentType set.
func (c *client) do(method, path, contentType, body string) *http.Response {
	c.f.t.Helper()
	req, err := http.NewRequest(method, c.f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		c.f.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie})
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	c.f.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (c *client) json(method, path string, in any) (*http.Response, map[string]any) {
	c.f.t.Helper()
	var body string
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			c.f.t.Fatal(err)
		}
		body = string(b)
	}
	resp := c.do(method, path, "application/json", body)
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return resp, out
}

func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}
