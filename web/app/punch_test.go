package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/punch"
	"kintai/rules"
	"kintai/store"
	"kintai/web"
)

// The fixture's clock starts at 2026-06-01 09:30 in Tokyo, a Monday.
var fixtureDay = kintai.NewDate(2026, 6, 1)

// jst returns the instant of a wall-clock time in Tokyo.
func tokyoTime(t *testing.T, m time.Month, d, h, min int) time.Time {
	t.Helper()
	return time.Date(2026, m, d, h, min, 0, 0, mustTokyo(t))
}

func refTime(t time.Time) *time.Time { return &t }
func refFloat(f float64) *float64    { return &f }

// onBothDialects runs fn on a fixture over SQLite and over PostgreSQL.
func onBothDialects(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { fn(t, newFixture(t, d)) })
	}
}

// setClock moves the fixture's clock forward to at.
func (f *fixture) setClock(t *testing.T, at time.Time) {
	t.Helper()
	d := at.Sub(f.clock.Now())
	if d < 0 {
		t.Fatalf("setClock(%v): the clock stands at %v and only moves forward", at, f.clock.Now())
	}
	f.clock.Advance(d)
}

// send makes one request without a testing.T, so goroutines can use it.
// in is sent as JSON, or as is when it is a string.
func (c *client) send(ctx context.Context, method, path string, in any) (int, []byte, error) {
	var body []byte
	switch v := in.(type) {
	case nil:
	case string:
		body = []byte(v)
	default:
		var err error
		if body, err = json.Marshal(v); err != nil {
			return 0, nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.f.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.cookie})
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// call sends a request and decodes the JSON answer into out (if not nil).
func (c *client) call(t *testing.T, method, path string, in, out any) int {
	t.Helper()
	status, raw, err := c.send(context.Background(), method, path, in)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return status
}

// punch posts one punch; the reply also carries an error body.
func (c *client) punch(t *testing.T, in any) (int, punchReply) {
	t.Helper()
	var r punchReply
	status := c.call(t, "POST", "/api/v1/punches", in, &r)
	return status, r
}

// batchAnswer is the answer to POST /api/v1/punches/batch.
type batchAnswer struct {
	Results  []batchItem     `json:"results"`
	Stored   int             `json:"stored"`
	Replayed int             `json:"replayed"`
	Refused  int             `json:"refused"`
	Error    web.ErrorDetail `json:"error"`
}

func (c *client) batch(t *testing.T, in []punchInput) (int, batchAnswer) {
	t.Helper()
	var r batchAnswer
	status := c.call(t, "POST", "/api/v1/punches/batch", map[string]any{"punches": in}, &r)
	return status, r
}

// punchListAnswer is the answer to GET /api/v1/punches.
type punchListAnswer struct {
	Items      []punch.Punch     `json:"items"`
	Total      int               `json:"total"`
	Exceptions []punch.Exception `json:"exceptions"`
}

// cardPunch is a terminal's IC card punch for staff member staffID.
func cardPunch(key string, staffID int64, kind punch.Kind, deviceAt *time.Time) punchInput {
	return punchInput{Input: punch.Input{ClientKey: key, StaffID: staffID, Kind: kind, Method: punch.MethodCard, DeviceAt: deviceAt}}
}

// terminalID returns the id of the fixture's terminal.
func (f *fixture) terminalID(t *testing.T) int64 {
	t.Helper()
	var ping struct {
		Terminal store.Terminal `json:"terminal"`
	}
	if status := f.as("device").call(t, "GET", "/api/v1/device/ping", nil, &ping); status != http.StatusOK {
		t.Fatalf("GET /api/v1/device/ping = %d, want 200", status)
	}
	return ping.Terminal.ID
}

// assignPattern creates work pattern p and puts the given people on it from
// 2026-05-01. Call it before their first punch: the punch path caches
// schedules.
func (f *fixture) assignPattern(t *testing.T, p store.WorkPattern, people ...string) {
	t.Helper()
	ctx := context.Background()
	err := f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		if err := tx.CreateWorkPattern(ctx, &p); err != nil {
			return err
		}
		for _, key := range people {
			if err := tx.AssignWorkPattern(ctx, f.staff[key].ID, p.ID, kintai.NewDate(2026, 5, 1), kintai.Date{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("assign pattern %s: %v", p.Code, err)
	}
}

// countPunches returns the stored rows and distinct keys.
func (f *fixture) countPunches(t *testing.T) (rows, keys int64) {
	t.Helper()
	rows, keys, err := f.db.PunchCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rows, keys
}

// Patterns used below: 08:30–17:15 on weekdays, and 22:00–07:00 every day.
var (
	testDayPattern   = store.WorkPattern{Code: "D1", Name: "日勤", StartMin: 510, EndMin: 1035, BreakMin: 60, Weekdays: 0b0111110}
	testNightPattern = store.WorkPattern{Code: "N1", Name: "夜勤", StartMin: 1320, EndMin: 1860, BreakMin: 60, Weekdays: 0b1111111}
)

func TestPunchFromTerminal(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	tid := f.terminalID(t)
	dev := f.as("device")
	staff := f.staff["staff"]
	now := f.clock.Now()
	tests := []struct {
		name   string
		in     punchInput
		skewMS int64
		flags  []punch.Flag
	}{
		{"by staff_id", cardPunch("t-1", staff.ID, punch.ClockIn, refTime(now.Add(-3*time.Second))), -3000, nil},
		{"by staff_no", punchInput{Input: punch.Input{ClientKey: "t-2", Kind: punch.BreakStart, Method: punch.MethodFace,
			DeviceAt: refTime(now.Add(1500 * time.Millisecond))}, StaffNo: staff.StaffNo}, 1500, nil},
		{"naming its own terminal and site", punchInput{Input: punch.Input{ClientKey: "t-3", StaffID: staff.ID, Kind: punch.BreakEnd,
			Method: punch.MethodPIN, TerminalID: tid, SiteID: f.site.ID}}, 0, nil},
		{"device clock far ahead", cardPunch("t-4", staff.ID, punch.ClockOut, refTime(now.Add(10*time.Minute))), 600000, []punch.Flag{punch.FlagLargeSkew}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, got := dev.punch(t, tt.in)
			if status != http.StatusCreated || got.Punch == nil || got.Replayed || got.Error != nil {
				t.Fatalf("POST /api/v1/punches = %d %+v, want 201 with a new punch", status, got)
			}
			want := punch.Punch{
				ID: got.Punch.ID,
				Input: punch.Input{ClientKey: tt.in.ClientKey, StaffID: staff.ID, Kind: tt.in.Kind, Method: tt.in.Method,
					DeviceAt: tt.in.DeviceAt, TerminalID: tid, SiteID: f.site.ID, WorkLocation: punch.WorkOffice},
				ReceivedAt: now, At: now, SkewMS: tt.skewMS, BusinessDay: fixtureDay, Flags: tt.flags,
			}
			if diff := cmp.Diff(want, *got.Punch); diff != "" {
				t.Errorf("punch differs (-want +got):\n%s", diff)
			}
			stored, err := f.db.FindPunchByID(ctx, got.Punch.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(*got.Punch, *stored); diff != "" {
				t.Errorf("stored punch differs from the reply (-reply +stored):\n%s", diff)
			}
		})
	}
	punches, err := f.db.FindPunches(ctx, store.PunchFilter{StaffIDs: []int64{staff.ID}, From: fixtureDay, To: fixtureDay})
	if err != nil {
		t.Fatal(err)
	}
	if len(punches) != len(tests) {
		t.Errorf("FindPunches found %d punches, want %d", len(punches), len(tests))
	}
	if rows, keys := f.countPunches(t); rows != int64(len(tests)) || keys != rows {
		t.Errorf("PunchCounts = %d rows, %d keys, want %d of each", rows, keys, len(tests))
	}
}

func TestPunchIdempotency(t *testing.T) {
	onBothDialects(t, func(t *testing.T, f *fixture) {
		dev, self := f.as("device"), f.as("staff")
		staff := f.staff["staff"]
		in := cardPunch("k-1", staff.ID, punch.ClockIn, refTime(f.clock.Now()))
		otherKind := in
		otherKind.Kind = punch.ClockOut
		otherTime := in
		otherTime.DeviceAt = refTime(in.DeviceAt.Add(time.Second))
		byNo := in
		byNo.StaffID, byNo.StaffNo = 0, staff.StaffNo
		fromPC := punchInput{Input: punch.Input{ClientKey: "k-1", Kind: punch.ClockIn, Method: punch.MethodPC}}
		tests := []struct {
			name   string
			c      *client
			in     punchInput
			status int
			// sameAs names the earlier row whose punch must come back; "" for a new punch.
			sameAs string
			reason string // for a conflict
		}{
			{"first send", dev, in, http.StatusCreated, "", ""},
			{"same key and content", dev, in, http.StatusOK, "first send", ""},
			{"same punch naming staff_no", dev, byNo, http.StatusOK, "first send", ""},
			{"same key, other kind", dev, otherKind, http.StatusConflict, "", punch.ReasonKeyConflict},
			{"same key, other device time", dev, otherTime, http.StatusConflict, "", punch.ReasonKeyConflict},
			{"same key from a staff session", self, fromPC, http.StatusCreated, "", ""},
			{"staff session sends it again", self, fromPC, http.StatusOK, "same key from a staff session", ""},
		}
		seen := map[string]punch.Punch{}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				// Later sends arrive later; a replay keeps the first receive time.
				f.clock.Advance(time.Minute)
				status, got := tt.c.punch(t, tt.in)
				if status != tt.status {
					t.Fatalf("POST /api/v1/punches = %d %+v, want %d", status, got, tt.status)
				}
				if tt.reason != "" {
					if got.Error == nil || got.Error.Code != kintai.ECONFLICT || got.Error.Reason != tt.reason || got.Error.Field != "client_key" || !hasJapanese(got.Error.Message) {
						t.Errorf("error = %+v, want code conflict, reason %s, field client_key and a Japanese message", got.Error, tt.reason)
					}
					return
				}
				if got.Punch == nil {
					t.Fatalf("reply %+v has no punch", got)
				}
				if got.Replayed != (tt.sameAs != "") {
					t.Errorf("replayed = %v, want %v", got.Replayed, tt.sameAs != "")
				}
				if tt.sameAs != "" {
					if diff := cmp.Diff(seen[tt.sameAs], *got.Punch); diff != "" {
						t.Errorf("replay differs from the first result (-first +replay):\n%s", diff)
					}
					return
				}
				for name, p := range seen {
					if p.ID == got.Punch.ID {
						t.Errorf("new punch has the id of %q's punch", name)
					}
				}
				seen[tt.name] = *got.Punch
			})
		}
		if got := seen["same key from a staff session"]; got.TerminalID != 0 || got.Method != punch.MethodPC || got.StaffID != staff.ID {
			t.Errorf("session punch = %+v, want staff %d by pc without a terminal", got, staff.ID)
		}
		if rows, keys := f.countPunches(t); rows != 2 || keys != 2 {
			t.Errorf("PunchCounts = %d rows, %d keys, want 2 and 2", rows, keys)
		}
	})
}

func TestPunchRefusals(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	annex := kintai.Site{Code: "S0002", Name: "分庁舎"}
	if err := f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error { return tx.CreateSite(ctx, &annex) }); err != nil {
		t.Fatal(err)
	}
	tid := f.terminalID(t)
	dev, self := f.as("device"), f.as("staff")
	staff := f.staff["staff"]
	withSite := cardPunch("r-site", staff.ID, punch.ClockIn, nil)
	withSite.SiteID = annex.ID
	byPC := cardPunch("r-pc", staff.ID, punch.ClockIn, nil)
	byPC.Method = punch.MethodPC
	otherTerminal := cardPunch("r-term", staff.ID, punch.ClockIn, nil)
	otherTerminal.TerminalID = tid + 1
	mine := func(key string) punch.Input {
		return punch.Input{ClientKey: key, Kind: punch.ClockIn, Method: punch.MethodMobile}
	}
	forOther := punchInput{Input: mine("r-other")}
	forOther.StaffID = f.staff["other"].ID
	forOtherNo := punchInput{Input: mine("r-other-no"), StaffNo: f.staff["other"].StaffNo}
	byCard := punchInput{Input: mine("r-card")}
	byCard.Method, byCard.TerminalID = punch.MethodCard, tid
	latOnly := punchInput{Input: mine("r-lat")}
	latOnly.Lat = refFloat(35.6895)
	badKind := cardPunch("r-kind", staff.ID, "lunch", nil)
	noKey := cardPunch("", staff.ID, punch.ClockIn, nil)
	tests := []struct {
		name    string
		c       *client
		in      any
		status  int
		code    string
		reason  string
		field   string
		message string // exact, when it is fixed
	}{
		{"staff outside 任用期間", dev, cardPunch("r-expired", f.staff["expired"].ID, punch.ClockIn, nil),
			403, kintai.EFORBIDDEN, reasonOutsideAppointment, "staff_id", "任用期間外のため打刻できません。"},
		{"terminal names another site", dev, withSite, 403, kintai.EFORBIDDEN, reasonSiteMismatch, "site_id", "この端末は指定の拠点に登録されていません。"},
		{"unknown staff_no", dev, punchInput{Input: punch.Input{ClientKey: "r-no", Kind: punch.ClockIn, Method: punch.MethodCard}, StaffNo: "999999"},
			404, kintai.ENOTFOUND, reasonUnknownStaff, "staff_no", "職員番号が見つかりません。"},
		{"unknown staff_id", dev, cardPunch("r-id", 999999, punch.ClockIn, nil), 404, kintai.ENOTFOUND, reasonUnknownStaff, "staff_id", "職員が見つかりません。"},
		{"terminal punches by pc", dev, byPC, 400, kintai.EINVALID, reasonMethod, "method", "端末からの打刻方法は顔認証・ICカード・暗証番号のいずれかです。"},
		{"staff session punches by card", self, byCard, 400, kintai.EINVALID, reasonMethod, "method", "PC・スマートフォンからの打刻方法は pc か mobile です。"},
		{"staff punches for someone else", self, forOther, 403, kintai.EFORBIDDEN, reasonOtherStaff, "staff_id", "本人以外の打刻はできません。"},
		{"staff punches for someone else's staff_no", self, forOtherNo, 403, kintai.EFORBIDDEN, reasonOtherStaff, "staff_id", "本人以外の打刻はできません。"},
		{"terminal names another terminal", dev, otherTerminal, 400, kintai.EINVALID, "", "terminal_id", "端末IDが認証情報と一致しません。"},
		{"terminal names nobody", dev, cardPunch("r-nobody", 0, punch.ClockIn, nil), 400, kintai.EINVALID, "", "staff_id", ""},
		{"malformed JSON", dev, `{"client_key": "r-json",`, 400, kintai.EINVALID, "", "", ""},
		{"unknown field", dev, `{"client_key": "r-field", "staff_id": 1, "kind": "clock_in", "method": "card", "color": "red"}`,
			400, kintai.EINVALID, "", "color", ""},
		{"bad kind", dev, badKind, 400, kintai.EINVALID, "", "kind", "打刻の種類が不正です。"},
		{"no client_key", dev, noKey, 400, kintai.EINVALID, "", "client_key", "識別キー(client_key)を指定してください。"},
		{"lat without lng", self, latOnly, 400, kintai.EINVALID, "", "lng", "緯度と経度は両方指定してください。"},
		{"no credential", f.as(""), cardPunch("r-anon", staff.ID, punch.ClockIn, nil), 401, kintai.EUNAUTHORIZED, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, got := tt.c.punch(t, tt.in)
			if status != tt.status || got.Error == nil {
				t.Fatalf("POST /api/v1/punches = %d %+v, want %d with an error", status, got, tt.status)
			}
			e := got.Error
			if e.Code != tt.code || e.Reason != tt.reason || e.Field != tt.field {
				t.Errorf("error = code %q reason %q field %q, want %q %q %q", e.Code, e.Reason, e.Field, tt.code, tt.reason, tt.field)
			}
			if tt.message != "" && e.Message != tt.message {
				t.Errorf("message = %q, want %q", e.Message, tt.message)
			}
			if !hasJapanese(e.Message) || e.MessageEN == "" {
				t.Errorf("messages = %q, %q, want Japanese and English", e.Message, e.MessageEN)
			}
		})
	}
	if rows, _ := f.countPunches(t); rows != 0 {
		t.Errorf("%d punches stored, want none", rows)
	}
}

// A revoked terminal is refused at once, even though the punch path caches
// credentials.
func TestPunchRevokedTerminal(t *testing.T) {
	f := newFixture(t, store.SQLite)
	dev, admin := f.as("device"), f.as("admin")
	staff := f.staff["staff"]
	if status, got := dev.punch(t, cardPunch("v-1", staff.ID, punch.ClockIn, nil)); status != http.StatusCreated {
		t.Fatalf("punch before revoking = %d %+v, want 201", status, got)
	}
	path := "/api/v1/terminals/" + strconv.FormatInt(f.terminalID(t), 10) + "/revoke"
	if status := admin.call(t, "POST", path, nil, nil); status != http.StatusNoContent {
		t.Fatalf("POST %s = %d, want 204", path, status)
	}
	status, got := dev.punch(t, cardPunch("v-2", staff.ID, punch.ClockOut, nil))
	if status != http.StatusUnauthorized || got.Error == nil || got.Error.Code != kintai.EUNAUTHORIZED {
		t.Errorf("punch after revoking = %d %+v, want 401 unauthorized", status, got)
	}
	if status, _ := dev.batch(t, []punchInput{cardPunch("v-3", staff.ID, punch.ClockOut, refTime(f.clock.Now()))}); status != http.StatusUnauthorized {
		t.Errorf("batch after revoking = %d, want 401", status)
	}
	if rows, _ := f.countPunches(t); rows != 1 {
		t.Errorf("%d punches stored, want 1", rows)
	}
}

func TestPunchGeofence(t *testing.T) {
	f := newFixture(t, store.SQLite)
	// The site gets a 200 m geofence around the Tokyo city hall.
	site := siteInput{Code: f.site.Code, Name: f.site.Name, Lat: refFloat(35.6895), Lng: refFloat(139.6917), RadiusM: new(200)}
	path := "/api/v1/sites/" + strconv.FormatInt(f.site.ID, 10)
	if status := f.as("admin").call(t, "PUT", path, site, nil); status != http.StatusOK {
		t.Fatalf("PUT %s = %d, want 200", path, status)
	}
	// A second server on the same database refuses punches outside the fence.
	policy := punch.DefaultPolicy()
	policy.GeofenceRefuse = true
	strict, err := New(Config{DB: f.db, Loc: mustTokyo(t), Now: f.clock.Now, PunchPolicy: policy})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(strict)
	t.Cleanup(func() { srv.Close(); strict.Close() })
	fs := *f
	fs.app, fs.srv = strict, srv

	mobile := func(key string, lat, lng float64) punchInput {
		return punchInput{Input: punch.Input{ClientKey: key, Kind: punch.ClockIn, Method: punch.MethodMobile, Lat: refFloat(lat), Lng: refFloat(lng), AccuracyM: refFloat(15)}}
	}
	at := func(in punchInput, wl punch.WorkLocation) punchInput { in.WorkLocation = wl; return in }
	noLocation := func(key string) punchInput {
		return punchInput{Input: punch.Input{ClientKey: key, Kind: punch.ClockIn, Method: punch.MethodMobile}}
	}
	byPC := func(in punchInput) punchInput { in.Method = punch.MethodPC; return in }
	const farLat, farLng = 35.0116, 135.7681 // Kyoto
	tests := []struct {
		name     string
		c        *client
		in       punchInput
		status   int
		flags    []punch.Flag
		reason   string
		site     int64
		location punch.WorkLocation
	}{
		{"inside", f.as("staff"), mobile("g-1", 35.6900, 139.6920), 201, nil, "", f.site.ID, punch.WorkOffice},
		{"just outside, within the fix's accuracy", f.as("staff"), mobile("g-2", 35.6914, 139.6917), 201, nil, "", f.site.ID, punch.WorkOffice},
		{"far away", f.as("staff"), mobile("g-3", farLat, farLng), 201, []punch.Flag{punch.FlagOutsideGeofence}, "", f.site.ID, punch.WorkOffice},
		{"no location", f.as("staff"), noLocation("g-4"), 201, []punch.Flag{punch.FlagNoLocation}, "", f.site.ID, punch.WorkOffice},
		{"telework far away", f.as("staff"), at(mobile("g-5", farLat, farLng), punch.WorkHome), 201, nil, "", 0, punch.WorkHome},
		{"pc far away", f.as("staff"), byPC(mobile("g-6", farLat, farLng)), 201, nil, "", f.site.ID, punch.WorkOffice},
		{"refusing: inside", fs.as("staff"), mobile("s-1", 35.6900, 139.6920), 201, nil, "", f.site.ID, punch.WorkOffice},
		{"refusing: far away", fs.as("staff"), mobile("s-2", farLat, farLng), 403, nil, punch.ReasonOutsideGeofence, 0, ""},
		{"refusing: no location", fs.as("staff"), noLocation("s-3"), 403, nil, punch.ReasonNoLocation, 0, ""},
		{"refusing: telework far away", fs.as("staff"), at(mobile("s-4", farLat, farLng), punch.WorkHome), 201, nil, "", 0, punch.WorkHome},
		{"refusing: trip far away", fs.as("staff"), at(mobile("s-5", farLat, farLng), punch.WorkTrip), 201, nil, "", 0, punch.WorkTrip},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, got := tt.c.punch(t, tt.in)
			if status != tt.status {
				t.Fatalf("POST /api/v1/punches = %d %+v, want %d", status, got, tt.status)
			}
			if tt.reason != "" {
				if got.Error == nil || got.Error.Code != kintai.EFORBIDDEN || got.Error.Reason != tt.reason || got.Error.Field != "lat" || !hasJapanese(got.Error.Message) {
					t.Errorf("error = %+v, want forbidden, reason %s, field lat, a Japanese message", got.Error, tt.reason)
				}
				return
			}
			p := got.Punch
			if p == nil {
				t.Fatalf("reply %+v has no punch", got)
			}
			if !slices.Equal(p.Flags, tt.flags) || p.SiteID != tt.site || p.WorkLocation != tt.location || p.StaffID != f.staff["staff"].ID {
				t.Errorf("punch has flags %q, site %d, work location %q, staff %d; want %q, %d, %q, %d",
					p.Flags, p.SiteID, p.WorkLocation, p.StaffID, tt.flags, tt.site, tt.location, f.staff["staff"].ID)
			}
		})
	}
	if rows, _ := f.countPunches(t); rows != 9 {
		t.Errorf("%d punches stored, want 9", rows)
	}
}

func TestPunchBatch(t *testing.T) {
	onBothDialects(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		dev := f.as("device")
		staff, hr := f.staff["staff"], f.staff["hr"]
		// The terminal sent this live but never saw the answer, so it is
		// also in the offline queue.
		live := cardPunch("live-1", staff.ID, punch.ClockIn, refTime(f.clock.Now().Add(-500*time.Millisecond)))
		status, first := dev.punch(t, live)
		if status != http.StatusCreated {
			t.Fatalf("live punch = %d %+v, want 201", status, first)
		}
		f.setClock(t, tokyoTime(t, 6, 1, 12, 30))
		received := f.clock.Now()
		unknown := punchInput{Input: punch.Input{ClientKey: "b-bad", Kind: punch.ClockIn, Method: punch.MethodCard,
			DeviceAt: refTime(tokyoTime(t, 6, 1, 8, 50))}, StaffNo: "999999"}
		// Out of time order on purpose.
		queue := []punchInput{
			cardPunch("b-3", staff.ID, punch.BreakEnd, refTime(tokyoTime(t, 6, 1, 11, 45))),
			cardPunch("b-1", hr.ID, punch.ClockIn, refTime(tokyoTime(t, 6, 1, 8, 40))),
			live,
			cardPunch("b-2", staff.ID, punch.BreakStart, refTime(tokyoTime(t, 6, 1, 11, 0))),
			unknown,
			cardPunch("b-4", hr.ID, punch.GoOut, refTime(tokyoTime(t, 6, 1, 10, 0))),
			cardPunch("b-5", hr.ID, punch.Return, refTime(tokyoTime(t, 6, 1, 10, 30))),
		}
		wantStatus := []string{"stored", "stored", "replayed", "stored", "refused", "stored", "stored"}

		status, got := dev.batch(t, queue)
		if status != http.StatusOK {
			t.Fatalf("POST /api/v1/punches/batch = %d %+v, want 200", status, got)
		}
		if got.Stored != 5 || got.Replayed != 1 || got.Refused != 1 || len(got.Results) != len(queue) {
			t.Fatalf("batch = %d stored, %d replayed, %d refused, %d results; want 5, 1, 1, %d", got.Stored, got.Replayed, got.Refused, len(got.Results), len(queue))
		}
		for i, it := range got.Results {
			in := queue[i]
			if it.Index != i || it.ClientKey != in.ClientKey || it.Status != wantStatus[i] {
				t.Errorf("result %d = index %d key %q status %q, want %d %q %q", i, it.Index, it.ClientKey, it.Status, i, in.ClientKey, wantStatus[i])
				continue
			}
			switch it.Status {
			case "refused":
				if it.Punch != nil || it.Error == nil || it.Error.Code != kintai.ENOTFOUND || it.Error.Reason != reasonUnknownStaff || !hasJapanese(it.Error.Message) {
					t.Errorf("result %d = %+v, want refused with not_found, reason %s", i, it, reasonUnknownStaff)
				}
			case "replayed":
				if it.Punch == nil || it.Error != nil {
					t.Fatalf("result %d = %+v, want the first punch", i, it)
				}
				if diff := cmp.Diff(*first.Punch, *it.Punch); diff != "" {
					t.Errorf("replayed punch differs from the live one (-live +replay):\n%s", diff)
				}
			case "stored":
				if it.Punch == nil || it.Error != nil {
					t.Fatalf("result %d = %+v, want a punch", i, it)
				}
				p := it.Punch
				if !p.Delayed || !p.At.Equal(*in.DeviceAt) || !p.ReceivedAt.Equal(received) || p.BusinessDay != fixtureDay ||
					p.SkewMS != in.DeviceAt.Sub(received).Milliseconds() || p.TerminalID == 0 || p.SiteID != f.site.ID {
					t.Errorf("result %d: punch %+v, want delayed, at %v (the device time), received %v, business day %v, skew %d ms",
						i, p, *in.DeviceAt, received, fixtureDay, in.DeviceAt.Sub(received).Milliseconds())
				}
			}
		}
		all, err := f.db.FindPunches(ctx, store.PunchFilter{From: fixtureDay, To: fixtureDay})
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, p := range all {
			if p.StaffID == staff.ID {
				order = append(order, p.ClientKey)
			}
		}
		if want := []string{"live-1", "b-2", "b-3"}; !slices.Equal(order, want) {
			t.Errorf("staff member's punches in time order = %q, want %q", order, want)
		}
		if len(all) != 6 {
			t.Errorf("%d punches stored, want 6", len(all))
		}

		t.Run("same batch again", func(t *testing.T) {
			f.clock.Advance(time.Minute)
			status, again := dev.batch(t, queue)
			if status != http.StatusOK || again.Stored != 0 || again.Replayed != 6 || again.Refused != 1 {
				t.Fatalf("batch again = %d: %d stored, %d replayed, %d refused; want 200: 0, 6, 1", status, again.Stored, again.Replayed, again.Refused)
			}
			for i, it := range again.Results {
				if it.Status == "replayed" && (got.Results[i].Punch == nil || it.Punch.ID != got.Results[i].Punch.ID) {
					t.Errorf("result %d replays punch %d, want the first answer's", i, it.Punch.ID)
				}
			}
			if rows, keys := f.countPunches(t); rows != 6 || keys != 6 {
				t.Errorf("PunchCounts = %d rows, %d keys, want 6 and 6", rows, keys)
			}
		})

		t.Run("limits", func(t *testing.T) {
			now := f.clock.Now()
			noTime := cardPunch("l-none", staff.ID, punch.ClockOut, nil)
			byPC := cardPunch("l-pc", staff.ID, punch.ClockOut, refTime(now.Add(-time.Minute)))
			byPC.Method = punch.MethodPC
			tests := []struct {
				in     punchInput
				status string
				code   string
				reason string
				field  string
			}{
				{cardPunch("l-old", staff.ID, punch.ClockOut, refTime(now.Add(-8*24*time.Hour))), "refused", kintai.EFORBIDDEN, punch.ReasonTooOld, "device_at"},
				{cardPunch("l-ahead", staff.ID, punch.ClockOut, refTime(now.Add(10*time.Minute))), "refused", kintai.EFORBIDDEN, punch.ReasonDeviceClockAhead, "device_at"},
				{noTime, "refused", kintai.EINVALID, "", "device_at"},
				{byPC, "refused", kintai.EINVALID, reasonMethod, "method"},
				{cardPunch("l-week", staff.ID, punch.ClockOut, refTime(now.Add(-6*24*time.Hour))), "stored", "", "", ""},
				{cardPunch("l-ok", staff.ID, punch.ClockOut, refTime(now.Add(-time.Minute))), "stored", "", "", ""},
			}
			var queue []punchInput
			for _, tt := range tests {
				queue = append(queue, tt.in)
			}
			status, got := dev.batch(t, queue)
			if status != http.StatusOK || got.Stored != 2 || got.Refused != 4 {
				t.Fatalf("batch = %d: %d stored, %d refused, want 200: 2, 4", status, got.Stored, got.Refused)
			}
			for i, tt := range tests {
				it := got.Results[i]
				var code, reason, field string
				if it.Error != nil {
					code, reason, field = it.Error.Code, it.Error.Reason, it.Error.Field
				}
				if it.Status != tt.status || code != tt.code || reason != tt.reason || field != tt.field {
					t.Errorf("%s: %s %q %q %q, want %s %q %q %q", tt.in.ClientKey, it.Status, code, reason, field, tt.status, tt.code, tt.reason, tt.field)
				}
			}
		})

		t.Run("size", func(t *testing.T) {
			before, _ := f.countPunches(t)
			now := f.clock.Now()
			many := func(n int, prefix string) []punchInput {
				out := make([]punchInput, n)
				for i := range out {
					out[i] = cardPunch(fmt.Sprintf("%s-%04d", prefix, i), staff.ID, punch.Kinds[i%len(punch.Kinds)], refTime(now.Add(-time.Duration(n-i)*time.Second)))
				}
				return out
			}
			status, got := dev.batch(t, many(1001, "big"))
			if status != http.StatusBadRequest || got.Error.Code != kintai.EINVALID || got.Error.Reason != punch.ReasonBatchTooLarge || got.Error.Field != "punches" {
				t.Errorf("batch of 1001 = %d %+v, want 400 invalid, reason %s, field punches", status, got.Error, punch.ReasonBatchTooLarge)
			}
			if rows, _ := f.countPunches(t); rows != before {
				t.Errorf("a refused batch stored %d punches", rows-before)
			}
			if status, got := dev.batch(t, many(1000, "full")); status != http.StatusOK || got.Stored != 1000 {
				t.Errorf("batch of 1000 = %d with %d stored, want 200 with 1000", status, got.Stored)
			}
		})

		t.Run("staff session", func(t *testing.T) {
			status, got := f.as("staff").batch(t, []punchInput{{Input: punch.Input{ClientKey: "s-1", Kind: punch.ClockIn, Method: punch.MethodPC}}})
			if status != http.StatusForbidden || got.Error.Code != kintai.EFORBIDDEN {
				t.Errorf("batch from a staff session = %d %+v, want 403", status, got.Error)
			}
		})
	})
}

func TestPunchExceptions(t *testing.T) {
	f := newFixture(t, store.SQLite)
	dev := f.as("device")
	staff, hr, other := f.staff["staff"], f.staff["hr"], f.staff["other"]
	ids := map[string]int64{}
	for _, p := range []struct {
		who  *kintai.Staff
		kind punch.Kind
		at   time.Time
	}{
		{staff, punch.ClockIn, tokyoTime(t, 6, 1, 9, 30)},
		{hr, punch.ClockIn, tokyoTime(t, 6, 1, 9, 31)},
		{other, punch.ClockIn, tokyoTime(t, 6, 1, 9, 32)},
		{hr, punch.ClockOut, tokyoTime(t, 6, 1, 18, 0)},
		{staff, punch.ClockIn, tokyoTime(t, 6, 2, 9, 0)}, // today: still at work
	} {
		f.setClock(t, p.at)
		key := fmt.Sprintf("e-%d-%s-%d", p.who.ID, p.kind, p.at.Day())
		status, got := dev.punch(t, cardPunch(key, p.who.ID, p.kind, nil))
		if status != http.StatusCreated {
			t.Fatalf("punch %s = %d %+v", key, status, got)
		}
		ids[key] = got.Punch.ID
	}
	f.setClock(t, tokyoTime(t, 6, 2, 10, 0))
	missing := func(who *kintai.Staff) punch.Exception {
		return punch.Exception{StaffID: who.ID, Day: fixtureDay, Code: punch.MissingClockOut, Message: "退勤の打刻がありません。",
			MessageEN: "There is no clock-out.", PunchIDs: []int64{ids[fmt.Sprintf("e-%d-clock_in-1", who.ID)]}}
	}

	t.Run("own punches", func(t *testing.T) {
		var got punchListAnswer
		if status := f.as("staff").call(t, "GET", "/api/v1/punches", nil, &got); status != http.StatusOK {
			t.Fatalf("GET /api/v1/punches = %d", status)
		}
		if got.Total != 2 || len(got.Items) != 2 {
			t.Errorf("total %d, %d items, want 2", got.Total, len(got.Items))
		}
		if diff := cmp.Diff([]punch.Exception{missing(staff)}, got.Exceptions); diff != "" {
			t.Errorf("exceptions differ (-want +got):\n%s", diff)
		}
	})
	t.Run("a clean day", func(t *testing.T) {
		var got punchListAnswer
		path := "/api/v1/punches?from=2026-06-01&to=2026-06-01"
		if status := f.as("hr").call(t, "GET", path, nil, &got); status != http.StatusOK {
			t.Fatalf("GET %s = %d", path, status)
		}
		if got.Total != 2 || len(got.Exceptions) != 0 {
			t.Errorf("%d punches, exceptions %+v; want 2 and none", got.Total, got.Exceptions)
		}
	})
	t.Run("approver reads a staff member's punches", func(t *testing.T) {
		var got punchListAnswer
		path := "/api/v1/punches?staff_id=" + strconv.FormatInt(staff.ID, 10)
		if status := f.as("approver").call(t, "GET", path, nil, &got); status != http.StatusOK || got.Total != 2 {
			t.Fatalf("GET %s = %d with %d punches, want 200 with 2", path, status, got.Total)
		}
		path = "/api/v1/punches?staff_id=" + strconv.FormatInt(other.ID, 10)
		if status := f.as("approver").call(t, "GET", path, nil, nil); status != http.StatusNotFound {
			t.Errorf("GET %s (財政課) = %d, want 404", path, status)
		}
	})
	tests := []struct {
		name  string
		who   string
		query string
		want  []punch.Exception
	}{
		{"approver of 人事課", "approver", "", []punch.Exception{missing(staff)}},
		{"approver asks for 財政課", "approver", "?org_unit_id=" + strconv.FormatInt(f.zaisei.ID, 10), []punch.Exception{}},
		{"administrator", "admin", "", []punch.Exception{missing(staff), missing(other)}},
		{"range without the day", "admin", "?from=2026-06-02&to=2026-06-30", []punch.Exception{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got list[punch.Exception]
			path := "/api/v1/punch-exceptions" + tt.query
			if status := f.as(tt.who).call(t, "GET", path, nil, &got); status != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200", path, status)
			}
			slices.SortFunc(got.Items, func(a, b punch.Exception) int { return int(a.StaffID - b.StaffID) })
			if diff := cmp.Diff(tt.want, got.Items); diff != "" || got.Total != len(tt.want) {
				t.Errorf("exceptions (total %d) differ (-want +got):\n%s", got.Total, diff)
			}
		})
	}
	if status := f.as("staff").call(t, "GET", "/api/v1/punch-exceptions", nil, nil); status != http.StatusForbidden {
		t.Errorf("GET /api/v1/punch-exceptions as staff = %d, want 403", status)
	}
}

// A night shift's punches belong to the day the shift starts, and the shift
// is not reported as missing its clock-out, or shown as not in, while it
// runs past midnight.
func TestPunchNightShift(t *testing.T) {
	f := newFixture(t, store.SQLite)
	f.assignPattern(t, testNightPattern, "staff")
	dev := f.as("device")
	staff := f.staff["staff"]
	// Sessions last an hour here, so each look signs in afresh.
	stateOf := func(t *testing.T) presenceRow {
		t.Helper()
		var board list[presenceRow]
		if status := f.as("approver").call(t, "GET", "/api/v1/presence", nil, &board); status != http.StatusOK {
			t.Fatalf("GET /api/v1/presence = %d", status)
		}
		for _, r := range board.Items {
			if r.StaffID == staff.ID {
				return r
			}
		}
		t.Fatalf("staff member missing from the board %+v", board.Items)
		return presenceRow{}
	}
	steps := []struct {
		name  string
		at    time.Time
		kind  punch.Kind // "" to only look
		state punch.State
		// exceptions are the codes GET /api/v1/punches reports for 2026-06-01.
		exceptions []string
	}{
		{"clock in at 22:00", tokyoTime(t, 6, 1, 22, 0), punch.ClockIn, punch.StateIn, nil},
		{"past midnight", tokyoTime(t, 6, 2, 2, 0), "", punch.StateIn, nil},
		{"break at 03:00", tokyoTime(t, 6, 2, 3, 0), punch.BreakStart, punch.StateOnBreak, nil},
		{"back at 04:00", tokyoTime(t, 6, 2, 4, 0), punch.BreakEnd, punch.StateIn, nil},
		{"clock out at 07:05", tokyoTime(t, 6, 2, 7, 5), punch.ClockOut, punch.StateLeft, nil},
	}
	for _, tt := range steps {
		t.Run(tt.name, func(t *testing.T) {
			f.setClock(t, tt.at)
			if tt.kind != "" {
				status, got := dev.punch(t, cardPunch("n-"+string(tt.kind), staff.ID, tt.kind, nil))
				if status != http.StatusCreated {
					t.Fatalf("punch = %d %+v", status, got)
				}
				if got.Punch.BusinessDay != fixtureDay {
					t.Errorf("%s at %v belongs to %v, want %v", tt.kind, tt.at, got.Punch.BusinessDay, fixtureDay)
				}
			}
			var own punchListAnswer
			if status := f.as("staff").call(t, "GET", "/api/v1/punches?from=2026-06-01&to=2026-06-01", nil, &own); status != http.StatusOK {
				t.Fatalf("GET /api/v1/punches = %d", status)
			}
			var codes []string
			for _, e := range own.Exceptions {
				codes = append(codes, e.Code)
			}
			if !slices.Equal(codes, tt.exceptions) {
				t.Errorf("exceptions of 2026-06-01 = %q, want %q", codes, tt.exceptions)
			}
			if got := stateOf(t); got.State != tt.state || got.Missing {
				t.Errorf("presence = %s (missing %v), want %s", got.State, got.Missing, tt.state)
			}
		})
	}
	// The next night: not clocked in once the 22:00 shift has begun.
	f.setClock(t, tokyoTime(t, 6, 2, 22, 10))
	if got := stateOf(t); got.State != punch.StateNotIn || !got.Missing || got.ShiftStart == nil || !got.ShiftStart.Equal(tokyoTime(t, 6, 2, 22, 0)) {
		t.Errorf("presence at 22:10 the next day = %+v, want not_in, missing, shift from 22:00", got)
	}
}

func TestPunchPresence(t *testing.T) {
	f := newFixture(t, store.SQLite)
	f.assignPattern(t, testDayPattern, "staff", "approver")
	dev := f.as("device")
	punches := []struct {
		who  string
		kind punch.Kind
	}{
		{"staff", punch.ClockIn},
		{"hr", punch.ClockIn},
		{"hr", punch.BreakStart},
		{"admin", punch.ClockIn},
		{"admin", punch.ClockOut},
		{"other", punch.ClockIn},
	}
	for i, p := range punches {
		f.clock.Advance(time.Minute)
		if status, got := dev.punch(t, cardPunch(fmt.Sprintf("p-%d", i), f.staff[p.who].ID, p.kind, nil)); status != http.StatusCreated {
			t.Fatalf("punch %d = %d %+v", i, status, got)
		}
	}
	board := func(t *testing.T) map[string]presenceRow {
		t.Helper()
		var got list[presenceRow]
		if status := f.as("approver").call(t, "GET", "/api/v1/presence", nil, &got); status != http.StatusOK {
			t.Fatalf("GET /api/v1/presence = %d", status)
		}
		rows := map[string]presenceRow{}
		for _, r := range got.Items {
			for key, s := range f.staff {
				if s.ID == r.StaffID {
					rows[key] = r
				}
			}
		}
		if len(rows) != len(got.Items) || got.Total != len(got.Items) {
			t.Errorf("board has %d rows (total %d), %d of them known staff", len(got.Items), got.Total, len(rows))
		}
		return rows
	}
	type want struct {
		state   punch.State
		label   string
		missing bool
		shift   bool
	}
	tests := []struct {
		name string
		at   time.Time
		want map[string]want
	}{
		{"monday morning", tokyoTime(t, 6, 1, 9, 40), map[string]want{
			"staff":    {punch.StateIn, "在席", false, true},
			"hr":       {punch.StateOnBreak, "休憩中", false, false},
			"admin":    {punch.StateLeft, "退勤済", false, false},
			"approver": {punch.StateNotIn, "未出勤", true, true},
		}},
		{"tuesday before the shift", tokyoTime(t, 6, 2, 8, 0), map[string]want{
			"staff":    {punch.StateNotIn, "未出勤", false, true},
			"hr":       {punch.StateNotIn, "未出勤", false, false},
			"admin":    {punch.StateNotIn, "未出勤", false, false},
			"approver": {punch.StateNotIn, "未出勤", false, true},
		}},
		{"tuesday after the shift start", tokyoTime(t, 6, 2, 8, 31), map[string]want{
			"staff":    {punch.StateNotIn, "未出勤", true, true},
			"hr":       {punch.StateNotIn, "未出勤", false, false},
			"admin":    {punch.StateNotIn, "未出勤", false, false},
			"approver": {punch.StateNotIn, "未出勤", true, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.setClock(t, tt.at)
			rows := board(t)
			got := map[string]want{}
			for key, r := range rows {
				got[key] = want{r.State, r.Label, r.Missing, r.ShiftStart != nil}
				if r.ShiftStart != nil {
					day := kintai.DateOf(tt.at, mustTokyo(t))
					start, end := tokyoTime(t, day.Month, day.Day, 8, 30), tokyoTime(t, day.Month, day.Day, 17, 15)
					if !r.ShiftStart.Equal(start) || !r.ShiftEnd.Equal(end) || r.ShiftStart.Location() != time.UTC || r.ShiftEnd.Location() != time.UTC {
						t.Errorf("%s: shift %v–%v, want %v–%v in UTC", key, r.ShiftStart, r.ShiftEnd, start.UTC(), end.UTC())
					}
				}
				if r.Name != f.staff[key].Name || r.StaffNo != f.staff[key].StaffNo || r.OrgUnitID != f.jinji.ID {
					t.Errorf("%s: row %+v does not describe the staff member", key, r)
				}
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("board differs (-want +got):\n%s", diff)
			}
		})
	}
	if status := f.as("staff").call(t, "GET", "/api/v1/presence", nil, nil); status != http.StatusForbidden {
		t.Errorf("GET /api/v1/presence as staff = %d, want 403", status)
	}
	var outside list[presenceRow]
	path := "/api/v1/presence?org_unit_id=" + strconv.FormatInt(f.zaisei.ID, 10)
	if status := f.as("approver").call(t, "GET", path, nil, &outside); status != http.StatusOK || len(outside.Items) != 0 {
		t.Errorf("GET %s = %d with %d rows, want 200 with none", path, status, len(outside.Items))
	}
}

// Many terminals' worth of concurrent punches, with resends of the same
// keys racing each other, are each stored exactly once.
func TestPunchConcurrent(t *testing.T) {
	onBothDialects(t, func(t *testing.T, f *fixture) {
		const goroutines, perGoroutine, distinct = 50, 20, 15
		dev := f.as("device")
		people := []int64{f.staff["staff"].ID, f.staff["hr"].ID, f.staff["approver"].ID, f.staff["admin"].ID}
		// Goroutines g and g+25 send the same keys with the same content,
		// and each sends its last five keys twice.
		input := func(g, i int) punchInput {
			g, i = g%25, i%distinct
			return cardPunch(fmt.Sprintf("c%02d-%02d", g, i), people[g%len(people)], punch.Kinds[i%len(punch.Kinds)], nil)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		var mu sync.Mutex
		created := map[string]int{}
		acked := map[string]int64{}
		var failures []string
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for i := range perGoroutine {
					in := input(g, i)
					status, raw, err := dev.send(ctx, "POST", "/api/v1/punches", in)
					var r punchReply
					if err == nil {
						err = json.Unmarshal(raw, &r)
					}
					mu.Lock()
					switch {
					case err != nil:
						failures = append(failures, fmt.Sprintf("%s: %v", in.ClientKey, err))
					case (status != http.StatusCreated && status != http.StatusOK) || r.Punch == nil:
						failures = append(failures, fmt.Sprintf("%s: %d %s", in.ClientKey, status, raw))
					default:
						if status == http.StatusCreated {
							created[in.ClientKey]++
						}
						if id, ok := acked[in.ClientKey]; ok && id != r.Punch.ID {
							failures = append(failures, fmt.Sprintf("%s: acknowledged as punch %d and %d", in.ClientKey, id, r.Punch.ID))
						}
						acked[in.ClientKey] = r.Punch.ID
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		for _, msg := range failures {
			t.Error(msg)
		}
		stored, err := f.db.PunchKeys(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		origin := "terminal:" + strconv.FormatInt(f.terminalID(t), 10) + "/"
		for key := range acked {
			if n := stored[origin+key]; n != 1 {
				t.Errorf("acknowledged key %s stored %d times, want 1", key, n)
			}
			if created[key] != 1 {
				t.Errorf("key %s answered 201 %d times, want once", key, created[key])
			}
		}
		if len(acked) != 25*distinct || len(stored) != len(acked) {
			t.Errorf("%d keys acknowledged, %d stored, want %d of each", len(acked), len(stored), 25*distinct)
		}
		if rows, keys := f.countPunches(t); rows != keys {
			t.Errorf("PunchCounts = %d rows for %d keys", rows, keys)
		}
	})
}

func TestPunchAudit(t *testing.T) {
	f := newFixture(t, store.SQLite)
	ctx := context.Background()
	dev, self := f.as("device"), f.as("staff")
	staff := f.staff["staff"]
	terminal := "terminal:" + strconv.FormatInt(f.terminalID(t), 10)
	actor := map[string]string{}
	for _, s := range []struct {
		c     *client
		in    punchInput
		actor string
	}{
		{dev, cardPunch("a-1", staff.ID, punch.ClockIn, nil), terminal},
		{dev, cardPunch("a-1", staff.ID, punch.ClockIn, nil), terminal}, // replay: no new entry
		{self, punchInput{Input: punch.Input{ClientKey: "a-2", Kind: punch.BreakStart, Method: punch.MethodPC}}, "staff:" + strconv.FormatInt(staff.ID, 10)},
		{dev, cardPunch("a-3", staff.ID, punch.ClockIn, nil), terminal}, // conflicts with nothing: new key
	} {
		f.clock.Advance(time.Minute)
		status, got := s.c.punch(t, s.in)
		if status != http.StatusCreated && status != http.StatusOK {
			t.Fatalf("punch %s = %d %+v", s.in.ClientKey, status, got)
		}
		actor[strconv.FormatInt(got.Punch.ID, 10)] = s.actor
	}
	if status, got := dev.punch(t, cardPunch("a-1", staff.ID, punch.ClockOut, nil)); status != http.StatusConflict {
		t.Fatalf("conflicting punch = %d %+v, want 409", status, got)
	}
	status, batch := dev.batch(t, []punchInput{
		cardPunch("a-4", staff.ID, punch.GoOut, refTime(f.clock.Now().Add(-time.Minute))),
		cardPunch("a-1", staff.ID, punch.ClockIn, nil), // refused: no device time
	})
	if status != http.StatusOK || batch.Stored != 1 {
		t.Fatalf("batch = %d with %d stored, want 200 with 1", status, batch.Stored)
	}
	actor[strconv.FormatInt(batch.Results[0].Punch.ID, 10)] = terminal

	var entries list[kintai.AuditEntry]
	if status := f.as("admin").call(t, "GET", "/api/v1/audit?entity=punch&limit=1000", nil, &entries); status != http.StatusOK {
		t.Fatalf("GET /api/v1/audit = %d", status)
	}
	got := map[string]int{}
	for _, e := range entries.Items {
		got[e.EntityID]++
		if e.Action != "punch.create" || e.Actor != actor[e.EntityID] {
			t.Errorf("entry %d: %s by %s about punch %s, want punch.create by %s", e.Seq, e.Action, e.Actor, e.EntityID, actor[e.EntityID])
		}
		var after punch.Punch
		if err := json.Unmarshal([]byte(e.After), &after); err != nil || strconv.FormatInt(after.ID, 10) != e.EntityID {
			t.Errorf("entry %d: after = %s (%v), want the punch", e.Seq, e.After, err)
		}
	}
	all, err := f.db.FindPunches(ctx, store.PunchFilter{From: fixtureDay, To: fixtureDay})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 || len(got) != len(all) {
		t.Errorf("%d punches stored with %d audited, want 4 of each", len(all), len(got))
	}
	for _, p := range all {
		if n := got[strconv.FormatInt(p.ID, 10)]; n != 1 {
			t.Errorf("punch %d has %d audit entries, want 1", p.ID, n)
		}
	}
	var verify struct {
		Intact  bool  `json:"intact"`
		Entries int64 `json:"entries"`
	}
	if status := f.as("admin").call(t, "GET", "/api/v1/audit/verify", nil, &verify); status != http.StatusOK || !verify.Intact {
		t.Errorf("GET /api/v1/audit/verify = %d %+v, want intact", status, verify)
	}
}

func TestPunchAppendOnly(t *testing.T) {
	onBothDialects(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		status, got := f.as("device").punch(t, cardPunch("u-1", f.staff["staff"].ID, punch.ClockIn, nil))
		if status != http.StatusCreated {
			t.Fatalf("punch = %d %+v", status, got)
		}
		for _, q := range []string{
			"UPDATE punches SET kind = 'clock_out'",
			"UPDATE punches SET effective_at = received_at",
			"DELETE FROM punches",
		} {
			if err := f.db.ExecForTest(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
		}
		stored, err := f.db.FindPunchByID(ctx, got.Punch.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(*got.Punch, *stored); diff != "" {
			t.Errorf("punch changed (-before +after):\n%s", diff)
		}
	})
}

// TestPunchDayBoundarySetting: the business day of a punch with no shift
// follows the stored rule setting day_boundary_min, and a day shift set
// after the staff member's schedule was cached decides at once.
func TestPunchDayBoundarySetting(t *testing.T) {
	onBothDialects(t, func(t *testing.T, f *fixture) {
		dev := f.as("device")
		staff := f.staff["staff"]
		punchAt := func(key string, kind punch.Kind, at time.Time, want kintai.Date) {
			t.Helper()
			f.setClock(t, at)
			status, got := dev.punch(t, cardPunch(key, staff.ID, kind, nil))
			if status != http.StatusCreated {
				t.Fatalf("punch %s = %d %+v", key, status, got)
			}
			if got.Punch.BusinessDay != want {
				t.Errorf("%s at %v belongs to %v, want %v", kind, at, got.Punch.BusinessDay, want)
			}
		}
		// 04:30 with no shift: before the default boundary of 05:00.
		punchAt("b-1", punch.ClockOut, tokyoTime(t, 6, 2, 4, 30), kintai.NewDate(2026, 6, 1))
		// The entity moves the boundary to 04:00.
		var rs store.RuleSettings
		f.decode(t, "admin", "PUT", "/api/v1/rule-settings", map[string]any{"rules": map[string]any{"day_boundary_min": 240}}, &rs)
		if rs.Rules.DayBoundaryMin != 240 {
			t.Fatalf("day_boundary_min = %d after the change, want 240", rs.Rules.DayBoundaryMin)
		}
		punchAt("b-2", punch.ClockIn, tokyoTime(t, 6, 2, 4, 40), kintai.NewDate(2026, 6, 2))
		punchAt("b-3", punch.ClockOut, tokyoTime(t, 6, 2, 9, 0), kintai.NewDate(2026, 6, 2))

		// A night shift 22:00–07:00 set for 6/3 as a day shift: its 07:05
		// clock-out belongs to 6/3, where the boundary alone says 6/4.
		ctx := context.Background()
		err := f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			return tx.PutDayShifts(ctx, staff.ID, kintai.NewDate(2026, 6, 3), kintai.NewDate(2026, 6, 3), []store.DayShift{
				{Date: kintai.NewDate(2026, 6, 3), DayShift: rules.DayShift{Hours: rules.Span{StartMin: 1320, EndMin: 1860}, Breaks: []rules.Span{{StartMin: 1560, EndMin: 1620}}}},
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		punchAt("b-4", punch.ClockIn, tokyoTime(t, 6, 3, 21, 55), kintai.NewDate(2026, 6, 3))
		punchAt("b-5", punch.ClockOut, tokyoTime(t, 6, 4, 7, 5), kintai.NewDate(2026, 6, 3))
		// The next morning has no shift: 07:05 is past the boundary.
		punchAt("b-6", punch.ClockIn, tokyoTime(t, 6, 5, 7, 5), kintai.NewDate(2026, 6, 5))
	})
}
