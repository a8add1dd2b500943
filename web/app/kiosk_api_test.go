package app

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/face"
	"kintai/punch"
	"kintai/store"
	"kintai/web"
)

// faceAPIFixture is the fixture served by an app that holds a face
// template key, with synthetic faces: person n is a fixed random point,
// and their photos are points near it.
type faceAPIFixture struct {
	*fixture
	key []byte
	rng *rand.Rand
}

// newFaceAPIFixture replaces the fixture's app with one configured by
// cfg (which gets the fixture's database, zone and clock) on the same data.
func newFaceAPIFixture(t *testing.T, d store.Dialect, cfg Config) *faceAPIFixture {
	t.Helper()
	f := newFixture(t, d)
	f.srv.Close()
	f.app.Close()
	cfg.DB, cfg.Loc, cfg.Now = f.db, mustTokyo(t), f.clock.Now
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.app = a
	t.Cleanup(a.Close)
	f.srv = httptest.NewServer(a)
	t.Cleanup(f.srv.Close)
	return &faceAPIFixture{fixture: f, key: cfg.FaceKey, rng: rand.New(rand.NewPCG(7, 8))}
}

// forFaceDialects runs fn on SQLite and on PostgreSQL.
func forFaceDialects(t *testing.T, fn func(t *testing.T, d store.Dialect)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}

var faceAPIKey = bytes.Repeat([]byte{0x5a}, face.KeySize)

// person returns the descriptor at the centre of person n's face: about
// 1.4 away from any other person's.
func (f *faceAPIFixture) person(n int) []float64 {
	r := rand.New(rand.NewPCG(uint64(n), 99))
	v := make([]float64, face.Dim)
	for i := range v {
		v[i] = r.NormFloat64() * 0.09
	}
	return v
}

// near returns a point dist away from v in a random direction.
func (f *faceAPIFixture) near(v []float64, dist float64) []float64 {
	dir := make([]float64, len(v))
	var norm float64
	for i := range dir {
		dir[i] = f.rng.NormFloat64()
		norm += dir[i] * dir[i]
	}
	out := make([]float64, len(v))
	for i := range v {
		out[i] = v[i] + dir[i]/math.Sqrt(norm)*dist
	}
	return out
}

// samples returns three enrolment samples of person n.
func (f *faceAPIFixture) samples(n int) [][]float64 {
	p := f.person(n)
	return [][]float64{f.near(p, 0.02), f.near(p, 0.02), f.near(p, 0.02)}
}

// api sends a JSON request as who and returns the status and the body.
func (f *faceAPIFixture) api(t *testing.T, who, method, path string, in any) (int, map[string]any) {
	t.Helper()
	resp, body := f.as(who).json(method, path, in)
	return resp.StatusCode, body
}

// enrolSelf enrols fixture person key as face n through the portal.
func (f *faceAPIFixture) enrolSelf(t *testing.T, key string, n int) {
	t.Helper()
	if status, body := f.api(t, key, "POST", "/api/v1/face/enrol", map[string]any{"model": face.Model, "samples": f.samples(n)}); status != http.StatusCreated {
		t.Fatalf("enrol %s: %d %v, want 201", key, status, body)
	}
}

func errReason(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["reason"].(string)
	return s
}

func errField(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["field"].(string)
	return s
}

func num(body map[string]any, key string) int64 {
	v, _ := body[key].(float64)
	return int64(v)
}

func (f *faceAPIFixture) auditActions(t *testing.T, entity string) []string {
	t.Helper()
	es, err := f.db.FindAuditEntries(context.Background(), store.AuditFilter{Entity: entity})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Action)
	}
	return out
}

func TestKioskPairing(t *testing.T) {
	f := newFaceAPIFixture(t, store.SQLite, Config{FaceKey: faceAPIKey})
	issue := func() string {
		t.Helper()
		status, body := f.api(t, "hr", "POST", "/api/v1/kiosk/pairing-codes", map[string]any{"site_id": f.site.ID})
		code, _ := body["code"].(string)
		if status != http.StatusCreated || len(code) != 8 {
			t.Fatalf("issue pairing code = %d %v, want 201 with 8 digits", status, body)
		}
		return code
	}
	code := issue()
	var paired pairReply
	if status := f.as("").call(t, "POST", "/api/v1/kiosk/pair", map[string]any{"code": code[:4] + "-" + code[4:], "name": "3F 入口"}, &paired); status != http.StatusCreated {
		t.Fatalf("pair = %d, want 201", status)
	}
	if !strings.HasPrefix(paired.Credential, "kd_") || paired.Site != (kioskSite{f.site.ID, f.site.Code, f.site.Name}) {
		t.Errorf("pair = %+v, want a kd_ credential for site %s", paired, f.site.Name)
	}
	kiosk := &client{f: f.fixture, bearer: paired.Credential}
	var cfg kioskConfig
	if status := kiosk.call(t, "GET", "/api/v1/kiosk/config", nil, &cfg); status != http.StatusOK {
		t.Fatalf("config = %d, want 200", status)
	}
	want := kioskConfig{Site: paired.Site, TerminalID: paired.TerminalID, TerminalName: "3F 入口", Model: face.Model, FaceEnabled: true,
		Threshold: 0.5, Margin: 0.08, ServerTime: f.clock.Now().UTC()}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}

	tests := []struct {
		name   string
		who    string
		path   string
		in     any
		status int
		field  string
	}{
		{"used code", "", "/api/v1/kiosk/pair", map[string]any{"code": code}, 400, "code"},
		{"no code", "", "/api/v1/kiosk/pair", map[string]any{"name": "x"}, 400, "code"},
		{"name too long", "", "/api/v1/kiosk/pair", map[string]any{"code": "12345678", "name": strings.Repeat("長", 65)}, 400, "name"},
		{"unknown site", "hr", "/api/v1/kiosk/pairing-codes", map[string]any{"site_id": f.site.ID + 99}, 404, ""},
		{"no site", "hr", "/api/v1/kiosk/pairing-codes", map[string]any{}, 400, "site_id"},
		{"staff may not issue", "staff", "/api/v1/kiosk/pairing-codes", map[string]any{"site_id": f.site.ID}, 403, ""},
		{"device may not issue", "device", "/api/v1/kiosk/pairing-codes", map[string]any{"site_id": f.site.ID}, 401, ""},
	}
	for _, tt := range tests {
		status, body := f.api(t, tt.who, "POST", tt.path, tt.in)
		if status != tt.status || errField(body) != tt.field {
			t.Errorf("%s: POST %s = %d %v, want %d on field %q", tt.name, tt.path, status, body, tt.status, tt.field)
		}
		if e, _ := body["error"].(map[string]any); e["message"] == "" || e["message_en"] == "" {
			t.Errorf("%s: error %v lacks a Japanese or English message", tt.name, e)
		}
	}

	// Guessing is throttled: after 5 wrong codes (the used one above
	// counts) even a right one waits.
	good := issue()
	for i := range pairFailsPerAddr - 1 {
		if status, _ := f.api(t, "", "POST", "/api/v1/kiosk/pair", map[string]any{"code": strconv.Itoa(10000000 + i)}); status != http.StatusBadRequest {
			t.Fatalf("wrong code %d = %d, want 400", i, status)
		}
	}
	status, body := f.api(t, "", "POST", "/api/v1/kiosk/pair", map[string]any{"code": good})
	if status != http.StatusForbidden || errReason(body) != "too_many_attempts" {
		t.Errorf("pair after 5 wrong codes = %d %v, want 403 too_many_attempts", status, body)
	}
	f.clock.Advance(codeWindow)
	if status, body := f.api(t, "", "POST", "/api/v1/kiosk/pair", map[string]any{"code": good}); status != http.StatusBadRequest {
		t.Errorf("pair with a code past its 10 minutes = %d %v, want 400", status, body)
	}

	// Revoking the kiosk (as any terminal) takes effect at once.
	if status, _ := f.api(t, "admin", "POST", "/api/v1/terminals/"+strconv.FormatInt(paired.TerminalID, 10)+"/revoke", nil); status != http.StatusNoContent {
		t.Fatalf("revoke = %d, want 204", status)
	}
	if status := kiosk.call(t, "GET", "/api/v1/kiosk/config", nil, nil); status != http.StatusUnauthorized {
		t.Errorf("config after revocation = %d, want 401", status)
	}
	if got := f.auditActions(t, "kiosk_pairing_code"); len(got) != 2 {
		t.Errorf("pairing code audit = %v, want two issues", got)
	}
	if got := f.auditActions(t, "terminal"); !slices.Contains(got, "kiosk.pair") || !slices.Contains(got, "terminal.revoke") {
		t.Errorf("terminal audit = %v, want kiosk.pair and terminal.revoke", got)
	}
}

func TestFaceEnrolAndIdentify(t *testing.T) {
	forFaceDialects(t, func(t *testing.T, d store.Dialect) {
		f := newFaceAPIFixture(t, d, Config{FaceKey: faceAPIKey})
		staff, approver := f.staff["staff"], f.staff["approver"]

		// HR issues a code; the appointee enrols at the kiosk with it.
		status, body := f.api(t, "hr", "POST", "/api/v1/face/enrolment-codes", map[string]any{"staff_id": staff.ID})
		code, _ := body["code"].(string)
		if status != http.StatusCreated || len(code) != 9 || body["name"] != staff.Name || body["staff_no"] != staff.StaffNo {
			t.Fatalf("issue enrolment code = %d %v", status, body)
		}
		typed := strings.ToLower(strings.Replace(code, "-", "", 1))
		status, body = f.api(t, "device", "POST", "/api/v1/face/enrol", map[string]any{"code": typed, "model": face.Model, "samples": f.samples(1)})
		if status != http.StatusCreated || num(body, "staff_id") != staff.ID || num(body, "samples") != 3 || body["name"] != staff.Name {
			t.Fatalf("enrol at the kiosk = %d %v, want 201 for %s", status, body, staff.Name)
		}
		if status, body := f.api(t, "device", "POST", "/api/v1/face/enrol", map[string]any{"code": code, "model": face.Model, "samples": f.samples(1)}); status != http.StatusBadRequest || errField(body) != "code" {
			t.Errorf("enrol with a used code = %d %v, want 400 on code", status, body)
		}
		// Another enrols themselves in the portal.
		f.enrolSelf(t, "approver", 2)

		// The database holds sealed templates only, bound to their owner.
		tpl, err := f.db.FindFaceTemplate(context.Background(), staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := face.Open(faceAPIKey, face.Model, approver.ID, tpl.Ciphertext); err == nil {
			t.Error("a template opened for another staff member")
		}
		if got, err := face.Open(faceAPIKey, face.Model, staff.ID, tpl.Ciphertext); err != nil || len(got) != 3 {
			t.Errorf("Open(own template) = %d samples, %v", len(got), err)
		}

		identify := func(probe []float64) matchReply {
			t.Helper()
			var m matchReply
			if status := f.as("device").call(t, "POST", "/api/v1/face/identify", map[string]any{"descriptor": probe, "model": face.Model}, &m); status != http.StatusOK {
				t.Fatalf("identify = %d, want 200", status)
			}
			return m
		}
		tests := []struct {
			name   string
			probe  []float64
			status face.Status
			who    *kintai.Staff
		}{
			{"the kiosk's appointee", f.near(f.person(1), 0.15), face.StatusMatch, staff},
			{"the portal's", f.near(f.person(2), 0.2), face.StatusMatch, approver},
			{"a little far", f.near(f.person(1), 0.55), face.StatusUncertain, staff},
			{"a stranger", f.person(3), face.StatusNone, nil},
		}
		for _, tt := range tests {
			got := identify(tt.probe)
			if got.Status != tt.status {
				t.Errorf("%s: identify = %+v, want %s", tt.name, got, tt.status)
				continue
			}
			if tt.who == nil {
				if got.StaffID != 0 || got.Name != "" || got.StaffNo != "" {
					t.Errorf("%s: identify = %+v, want nobody named", tt.name, got)
				}
				continue
			}
			if got.StaffID != tt.who.ID || got.StaffNo != tt.who.StaffNo || got.Name != tt.who.Name || got.Distance == nil || got.Margin == nil {
				t.Errorf("%s: identify = %+v, want %s with distance and margin", tt.name, got, tt.who.Name)
			}
		}

		var st faceStatus
		if status := f.as("staff").call(t, "GET", "/api/v1/me/face", nil, &st); status != http.StatusOK {
			t.Fatalf("GET /api/v1/me/face = %d", status)
		}
		want := faceStatus{Enrolled: true, Model: face.Model, Samples: 3, CreatedAt: f.clock.Now().UTC(), DeleteOn: kintai.NewDate(2027, 4, 1)}
		if diff := cmp.Diff(want, st); diff != "" {
			t.Errorf("GET /api/v1/me/face (-want +got):\n%s", diff)
		}

		// Withdrawal takes the person out of the gallery at once.
		if status, _ := f.api(t, "staff", "DELETE", "/api/v1/me/face", nil); status != http.StatusNoContent {
			t.Fatalf("withdraw = %d, want 204", status)
		}
		if got := identify(f.near(f.person(1), 0.15)); got.Status != face.StatusNone {
			t.Errorf("identify after withdrawal = %+v, want none", got)
		}
		if status, _ := f.api(t, "staff", "DELETE", "/api/v1/me/face", nil); status != http.StatusNotFound {
			t.Errorf("withdraw twice = %d, want 404", status)
		}
		if status := f.as("staff").call(t, "GET", "/api/v1/me/face", nil, &st); status != http.StatusOK || st.Enrolled {
			t.Errorf("GET /api/v1/me/face after withdrawal = %d %+v, want not enrolled", status, st)
		}
		// HR deletes the other enrolment.
		if status, _ := f.api(t, "hr", "DELETE", "/api/v1/staff/"+strconv.FormatInt(approver.ID, 10)+"/face", nil); status != http.StatusNoContent {
			t.Errorf("HR delete = %d, want 204", status)
		}
		if got := identify(f.near(f.person(2), 0.1)); got.Status != face.StatusNone {
			t.Errorf("identify after HR deletion = %+v, want none", got)
		}
		wantAudit := []string{"face.enrol", "face.enrol", "face.withdraw", "face.delete"}
		if diff := cmp.Diff(wantAudit, f.auditActions(t, "face_template")); diff != "" {
			t.Errorf("face_template audit (-want +got):\n%s", diff)
		}
		es, _ := f.db.FindAuditEntries(context.Background(), store.AuditFilter{})
		for _, e := range es {
			if strings.Contains(e.After+e.Before, "ciphertext") || strings.Contains(e.After, code) {
				t.Errorf("audit entry %s holds a template or a code: %s", e.Action, e.After)
			}
		}
	})
}

func TestFaceEnrolRefusals(t *testing.T) {
	f := newFaceAPIFixture(t, store.SQLite, Config{FaceKey: faceAPIKey})
	good := f.samples(1)
	short := slices.Clone(good)
	short[1] = short[1][:127]
	apart := [][]float64{good[0], good[1], f.person(2)}
	codeFor := func(key string) string {
		t.Helper()
		status, body := f.api(t, "hr", "POST", "/api/v1/face/enrolment-codes", map[string]any{"staff_id": f.staff[key].ID})
		if status != http.StatusCreated {
			t.Fatalf("issue code for %s = %d %v", key, status, body)
		}
		return body["code"].(string)
	}
	tests := []struct {
		name   string
		who    string
		in     any
		status int
		field  string
	}{
		{"two samples", "staff", map[string]any{"model": face.Model, "samples": good[:2]}, 400, "samples"},
		{"eleven samples", "staff", map[string]any{"model": face.Model, "samples": slices.Repeat(good, 4)[:11]}, 400, "samples"},
		{"a short sample", "staff", map[string]any{"model": face.Model, "samples": short}, 400, "samples[1]"},
		{"two people", "staff", map[string]any{"model": face.Model, "samples": apart}, 400, "samples"},
		{"another model", "staff", map[string]any{"model": "human-1024", "samples": good}, 400, "model"},
		{"text for a number", "staff", map[string]any{"model": face.Model, "samples": [][]any{{"x"}}}, 400, "samples"},
		{"a photo", "staff", map[string]any{"model": face.Model, "samples": good, "photo": "data:image/jpeg;base64,AAAA"}, 400, "photo"},
		{"staff with a code", "staff", map[string]any{"code": "ABCD-EFGH", "model": face.Model, "samples": good}, 400, "code"},
		{"kiosk without a code", "device", map[string]any{"model": face.Model, "samples": good}, 400, "code"},
		{"kiosk with a wrong code", "device", map[string]any{"code": "ABCD-EFGH", "model": face.Model, "samples": good}, 400, "code"},
	}
	for _, tt := range tests {
		status, body := f.api(t, tt.who, "POST", "/api/v1/face/enrol", tt.in)
		if status != tt.status || errField(body) != tt.field {
			t.Errorf("%s: enrol = %d %v, want %d on field %q", tt.name, status, body, tt.status, tt.field)
		}
	}
	if _, err := f.db.FindFaceTemplate(context.Background(), f.staff["staff"].ID); kintai.ErrorCode(err) != kintai.ENOTFOUND {
		t.Errorf("a refused enrolment stored a template: %v", err)
	}

	// Outside the 任用期間: no code, no enrolment.
	status, body := f.api(t, "hr", "POST", "/api/v1/face/enrolment-codes", map[string]any{"staff_id": f.staff["expired"].ID})
	if status != http.StatusForbidden || errReason(body) != reasonOutsideAppointment {
		t.Errorf("code for an ended appointment = %d %v, want 403 outside_appointment", status, body)
	}
	status, body = f.api(t, "hr", "POST", "/api/v1/face/enrolment-codes", map[string]any{"staff_id": f.staff["other"].ID})
	if status != http.StatusNotFound {
		t.Errorf("code for staff outside HR's scope = %d %v, want 404", status, body)
	}

	// A code for someone whose appointment ends before it is used.
	f.setClock(t, time.Date(2027, 3, 25, 0, 30, 0, 0, time.UTC))
	code := codeFor("staff")
	f.setClock(t, time.Date(2027, 4, 1, 0, 30, 0, 0, time.UTC))
	status, body = f.api(t, "device", "POST", "/api/v1/face/enrol", map[string]any{"code": code, "model": face.Model, "samples": good})
	if status != http.StatusForbidden || errReason(body) != reasonOutsideAppointment {
		t.Errorf("enrol after the appointment ended = %d %v, want 403 outside_appointment", status, body)
	}

	// A kiosk that keeps guessing codes is stopped.
	code = codeFor("approver")
	for i := range enrolFailsPerTerm {
		if status, _ := f.api(t, "device", "POST", "/api/v1/face/enrol", map[string]any{"code": "ZZZZ-ZZZ" + strconv.Itoa(i), "model": face.Model, "samples": good}); status != http.StatusBadRequest {
			t.Fatalf("wrong code %d = %d, want 400", i, status)
		}
	}
	status, body = f.api(t, "device", "POST", "/api/v1/face/enrol", map[string]any{"code": code, "model": face.Model, "samples": good})
	if status != http.StatusForbidden || errReason(body) != "too_many_attempts" {
		t.Errorf("enrol after 10 wrong codes = %d %v, want 403 too_many_attempts", status, body)
	}
}

func TestFaceWithoutKey(t *testing.T) {
	f := newFaceAPIFixture(t, store.SQLite, Config{})
	probe := map[string]any{"descriptor": f.person(1), "model": face.Model}
	tests := []struct {
		name, who, method, path string
		in                      any
	}{
		{"identify", "device", "POST", "/api/v1/face/identify", probe},
		{"verify", "device", "POST", "/api/v1/face/verify", map[string]any{"descriptor": f.person(1), "model": face.Model, "staff_no": f.staff["staff"].StaffNo}},
		{"enrol", "staff", "POST", "/api/v1/face/enrol", map[string]any{"model": face.Model, "samples": f.samples(1)}},
		{"enrolment code", "hr", "POST", "/api/v1/face/enrolment-codes", map[string]any{"staff_id": f.staff["staff"].ID}},
		{"face punch", "device", "POST", "/api/v1/punches", map[string]any{"client_key": "nk-1", "kind": "clock_in", "method": "face", "descriptor": f.person(1), "model": face.Model}},
	}
	for _, tt := range tests {
		status, body := f.api(t, tt.who, tt.method, tt.path, tt.in)
		e, _ := body["error"].(map[string]any)
		if status != http.StatusConflict || errReason(body) != "face_disabled" || !strings.Contains(e["message"].(string), "暗号鍵") {
			t.Errorf("%s without a key = %d %v, want 409 face_disabled with a Japanese message", tt.name, status, body)
		}
	}
	var cfg kioskConfig
	f.as("device").call(t, "GET", "/api/v1/kiosk/config", nil, &cfg)
	if cfg.FaceEnabled {
		t.Error("config says face_enabled without a key")
	}
	// Offline face punches are not lost: they wait for HR.
	var got struct {
		Results []batchItem `json:"results"`
	}
	item := map[string]any{"client_key": "nk-2", "kind": "clock_in", "method": "face", "device_at": f.clock.Now().Add(-time.Hour), "descriptor": f.person(1), "model": face.Model}
	if status := f.as("device").call(t, "POST", "/api/v1/punches/batch", map[string]any{"punches": []any{item}}, &got); status != http.StatusOK {
		t.Fatalf("batch = %d", status)
	}
	if r := got.Results[0]; r.Status != "review" || r.Review == nil || r.Review.Reason != store.ReviewNoGallery {
		t.Errorf("offline face punch without a key = %+v, want review no_gallery", r)
	}
	if _, err := New(Config{DB: f.db, Loc: time.UTC, Now: time.Now, FaceKey: []byte("short")}); err == nil {
		t.Error("New with a 5-byte face key succeeded, want an error")
	}
}

// addSiteStaff adds a second site with a terminal and a staff member
// (key "elsewhere") who works only there, and returns the terminal's client.
func (f *faceAPIFixture) addSiteStaff(t *testing.T) *client {
	t.Helper()
	ctx := context.Background()
	var secret string
	err := f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		site := kintai.Site{Code: "S0002", Name: "出張所"}
		if err := tx.CreateSite(ctx, &site); err != nil {
			return err
		}
		term := store.Terminal{Code: "T0002", Name: "出張所 入口", SiteID: site.ID}
		var err error
		if secret, err = tx.CreateTerminal(ctx, &term); err != nil {
			return err
		}
		s := &kintai.Staff{StaffNo: "200001", Name: "出張所　職員", Kana: "シュッチョウジョ", EmploymentType: kintai.Regular,
			AppointedOn: kintai.NewDate(2020, 4, 1), OrgUnitID: f.jinji.ID, SiteIDs: []int64{site.ID}}
		if err := tx.CreateStaff(ctx, s); err != nil {
			return err
		}
		f.staff["elsewhere"] = s
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return &client{f: f.fixture, bearer: secret}
}

func TestFaceGalleryScope(t *testing.T) {
	f := newFaceAPIFixture(t, store.SQLite, Config{FaceKey: faceAPIKey})
	other := f.addSiteStaff(t)
	f.enrolSelf(t, "elsewhere", 4)
	f.enrolSelf(t, "staff", 1)
	probe := map[string]any{"descriptor": f.near(f.person(4), 0.1), "model": face.Model}

	var m matchReply
	f.as("device").call(t, "POST", "/api/v1/face/identify", probe, &m)
	if m.Status != face.StatusNone || m.StaffID != 0 {
		t.Errorf("identify at another site's kiosk = %+v, want none: the template is not in this site's gallery", m)
	}
	status, body := f.api(t, "device", "POST", "/api/v1/face/verify", map[string]any{"descriptor": probe["descriptor"], "model": face.Model, "staff_no": "200001"})
	if status != http.StatusNotFound || errReason(body) != "face_not_enrolled" {
		t.Errorf("verify at another site's kiosk = %d %v, want 404 face_not_enrolled", status, body)
	}
	other.call(t, "POST", "/api/v1/face/identify", probe, &m)
	if m.Status != face.StatusMatch || m.StaffID != f.staff["elsewhere"].ID {
		t.Errorf("identify at the staff member's own site = %+v, want a match", m)
	}

	// Moving the staff member to the first site moves their face with them.
	err := f.db.WithTx(context.Background(), kintai.Actor{System: true}, func(tx *store.Tx) error {
		s := *f.staff["elsewhere"]
		s.SiteIDs = []int64{f.site.ID}
		_, err := tx.UpdateStaff(context.Background(), &s)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.as("device").call(t, "POST", "/api/v1/face/identify", probe, &m)
	if m.Status != face.StatusMatch {
		t.Errorf("identify after moving sites = %+v, want a match", m)
	}
	other.call(t, "POST", "/api/v1/face/identify", probe, &m)
	if m.Status != face.StatusNone {
		t.Errorf("identify at the old site = %+v, want none", m)
	}

	// After the 任用期間 the staff member is not identified, and the
	// daily purge deletes the template.
	f.setClock(t, time.Date(2027, 4, 1, 0, 30, 0, 0, time.UTC)) // 09:30 on 1 April in Tokyo
	f.as("device").call(t, "POST", "/api/v1/face/identify", map[string]any{"descriptor": f.near(f.person(1), 0.1), "model": face.Model}, &m)
	if m.Status != face.StatusNone {
		t.Errorf("identify after the appointment ended = %+v, want none", m)
	}
	if _, err := f.app.purgeFaces(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.FindFaceTemplate(context.Background(), f.staff["staff"].ID); kintai.ErrorCode(err) != kintai.ENOTFOUND {
		t.Errorf("template after the purge: %v, want not_found", err)
	}
	if _, err := f.db.FindFaceTemplate(context.Background(), f.staff["elsewhere"].ID); err != nil {
		t.Errorf("template of staff without an end date: %v, want kept", err)
	}
	if got := f.auditActions(t, "face_template"); !slices.Contains(got, "face.purge") {
		t.Errorf("face_template audit = %v, want face.purge", got)
	}
}

// TestFacePurgeAtStart checks that a server purges the templates of ended
// appointments when it starts, without a request.
func TestFacePurgeAtStart(t *testing.T) {
	f := newFaceAPIFixture(t, store.SQLite, Config{FaceKey: faceAPIKey})
	f.enrolSelf(t, "staff", 1)
	f.enrolSelf(t, "approver", 2)
	f.setClock(t, time.Date(2027, 4, 1, 0, 30, 0, 0, time.UTC))
	a, err := New(Config{DB: f.db, Loc: mustTokyo(t), Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := f.db.FindFaceTemplate(context.Background(), f.staff["staff"].ID)
		if kintai.ErrorCode(err) == kintai.ENOTFOUND {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("template of an ended appointment still there 5 s after start: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := f.db.FindFaceTemplate(context.Background(), f.staff["approver"].ID); err != nil {
		t.Errorf("template of a regular staff member: %v, want kept", err)
	}
	es, err := f.db.FindAuditEntries(context.Background(), store.AuditFilter{Entity: "face_template", EntityID: strconv.FormatInt(f.staff["staff"].ID, 10)})
	if err != nil {
		t.Fatal(err)
	}
	last := es[len(es)-1]
	if last.Action != "face.purge" || last.Actor != "system" || !strings.Contains(last.Before, face.Model) || strings.Contains(last.Before, "ciphertext") {
		t.Errorf("last audit entry = %+v, want face.purge by system with the model, without the template", last)
	}
}

func TestFaceVerify(t *testing.T) {
	f := newFaceAPIFixture(t, store.SQLite, Config{FaceKey: faceAPIKey})
	staff := f.staff["staff"]
	f.enrolSelf(t, "staff", 1)
	if status, body := f.api(t, "hr", "PUT", "/api/v1/staff/"+strconv.FormatInt(staff.ID, 10)+"/card", map[string]any{"card_id": "01a2b3c4"}); status != http.StatusOK {
		t.Fatalf("set card = %d %v", status, body)
	}
	mine, theirs := f.near(f.person(1), 0.2), f.near(f.person(2), 0.1)
	tests := []struct {
		name   string
		in     map[string]any
		status int
		match  face.Status
		reason string
	}{
		{"by staff number", map[string]any{"staff_no": staff.StaffNo, "descriptor": mine}, 200, face.StatusMatch, ""},
		{"by card", map[string]any{"card_id": "01A2B3C4", "descriptor": mine}, 200, face.StatusMatch, ""},
		{"someone else's face", map[string]any{"staff_no": staff.StaffNo, "descriptor": theirs}, 200, face.StatusNone, ""},
		{"not enrolled", map[string]any{"staff_no": f.staff["hr"].StaffNo, "descriptor": mine}, 404, "", "face_not_enrolled"},
		{"unknown number", map[string]any{"staff_no": "999999", "descriptor": mine}, 404, "", reasonUnknownStaff},
		{"unknown card", map[string]any{"card_id": "FFFF", "descriptor": mine}, 404, "", "unknown_card"},
		{"both", map[string]any{"staff_no": staff.StaffNo, "card_id": "01A2B3C4", "descriptor": mine}, 400, "", ""},
		{"neither", map[string]any{"descriptor": mine}, 400, "", ""},
		{"no descriptor", map[string]any{"staff_no": staff.StaffNo}, 400, "", ""},
	}
	for _, tt := range tests {
		tt.in["model"] = face.Model
		status, body := f.api(t, "device", "POST", "/api/v1/face/verify", tt.in)
		if status != tt.status || errReason(body) != tt.reason {
			t.Errorf("%s: verify = %d %v, want %d %q", tt.name, status, body, tt.status, tt.reason)
			continue
		}
		if status == 200 && (face.Status(body["status"].(string)) != tt.match || num(body, "staff_id") != staff.ID || body["distance"] == nil) {
			t.Errorf("%s: verify = %v, want %s for %s with a distance", tt.name, body, tt.match, staff.Name)
		}
	}
}

// punchBody decodes a punch answer or error.
type punchBody struct {
	Punch *punch.Punch    `json:"punch"`
	Error web.ErrorDetail `json:"error"`
}

func TestKioskCardAndPIN(t *testing.T) {
	f := newFaceAPIFixture(t, store.SQLite, Config{FaceKey: faceAPIKey})
	staff, approver := f.staff["staff"], f.staff["approver"]
	cardPath := func(s *kintai.Staff) string { return "/api/v1/staff/" + strconv.FormatInt(s.ID, 10) + "/card" }
	if status, body := f.api(t, "hr", "PUT", cardPath(staff), map[string]any{"card_id": " 0114e2b8 "}); status != http.StatusOK || body["card_id"] != "0114E2B8" {
		t.Fatalf("set card = %d %v, want 200 with the card ID normalised", status, body)
	}
	var st faceStatus
	f.as("hr").call(t, "GET", "/api/v1/staff/"+strconv.FormatInt(staff.ID, 10)+"/face", nil, &st)
	if !st.Card || st.CardID != "0114E2B8" || st.Enrolled {
		t.Errorf("HR's view = %+v, want the card, no enrolment", st)
	}
	st = faceStatus{}
	f.as("staff").call(t, "GET", "/api/v1/me/face", nil, &st)
	if !st.Card || st.CardID != "" {
		t.Errorf("own view = %+v, want a card without its ID", st)
	}
	cardTests := []struct {
		name   string
		who    string
		path   string
		in     any
		status int
	}{
		{"a card of another", "hr", cardPath(approver), map[string]any{"card_id": "0114E2B8"}, 409},
		{"outside HR's scope", "hr", cardPath(f.staff["other"]), map[string]any{"card_id": "AA"}, 404},
		{"a space inside", "hr", cardPath(approver), map[string]any{"card_id": "01 14"}, 400},
		{"no card_id", "hr", cardPath(approver), map[string]any{}, 400},
		{"not HR", "approver", cardPath(staff), map[string]any{"card_id": "AA"}, 403},
	}
	for _, tt := range cardTests {
		if status, body := f.api(t, tt.who, "PUT", tt.path, tt.in); status != tt.status {
			t.Errorf("%s: PUT card = %d %v, want %d", tt.name, status, body, tt.status)
		}
	}

	pinTests := []struct {
		pin    string
		status int
	}{{"123", 400}, {"123456789", 400}, {"12a4", 400}, {"1111", 400}, {"4321", 400}, {"7890", 400}, {"2468", 204}}
	for _, tt := range pinTests {
		if status, body := f.api(t, "staff", "PUT", "/api/v1/me/pin", map[string]any{"pin": tt.pin}); status != tt.status {
			t.Errorf("PUT /api/v1/me/pin %q = %d %v, want %d", tt.pin, status, body, tt.status)
		}
	}

	send := func(in map[string]any) (int, punchBody) {
		t.Helper()
		var out punchBody
		status := f.as("device").call(t, "POST", "/api/v1/punches", in, &out)
		return status, out
	}
	n := 0
	p := func(kv ...any) map[string]any {
		n++
		m := map[string]any{"client_key": "cp-" + strconv.Itoa(n), "kind": "clock_in"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name   string
		in     map[string]any
		status int
		reason string
		field  string
	}{
		{"card", p("method", "card", "card_id", "0114e2b8"), 201, "", ""},
		{"unknown card", p("method", "card", "card_id", "DEAD"), 404, "unknown_card", "card_id"},
		{"card with the face method", p("method", "face", "card_id", "0114E2B8"), 400, "", "method"},
		{"card and another staff id", p("method", "card", "card_id", "0114E2B8", "staff_id", approver.ID), 400, "", "card_id"},
		{"PIN", p("method", "pin", "staff_no", staff.StaffNo, "pin", "2468"), 201, "", ""},
		{"PIN without staff number", p("method", "pin", "pin", "2468"), 400, "", "staff_no"},
		{"PIN of nobody", p("method", "pin", "staff_no", "999999", "pin", "2468"), 403, "wrong_pin", "pin"},
		{"PIN not set", p("method", "pin", "staff_no", approver.StaffNo, "pin", "2468"), 403, "pin_not_set", "pin"},
		{"card and PIN", p("method", "pin", "staff_no", staff.StaffNo, "pin", "2468", "card_id", "0114E2B8"), 400, "", "card_id"},
	}
	for _, tt := range tests {
		status, got := send(tt.in)
		if status != tt.status || got.Error.Reason != tt.reason || got.Error.Field != tt.field {
			t.Errorf("%s: punch = %d %+v, want %d %q on %q", tt.name, status, got.Error, tt.status, tt.reason, tt.field)
			continue
		}
		if status == 201 && (got.Punch.StaffID != staff.ID || string(got.Punch.Method) != tt.in["method"]) {
			t.Errorf("%s: punch = %+v, want %s's", tt.name, got.Punch, staff.Name)
		}
	}
	// Staff may not send terminal credentials from their own devices.
	status, body := f.api(t, "staff", "POST", "/api/v1/punches", map[string]any{"client_key": "own-1", "kind": "clock_in", "method": "pc", "card_id": "0114E2B8"})
	if status != http.StatusBadRequest {
		t.Errorf("a staff punch with a card = %d %v, want 400", status, body)
	}

	// Wrong PINs lock the PIN; the right one then waits too.
	for i := range pinLockAfter {
		status, got := send(p("method", "pin", "staff_no", staff.StaffNo, "pin", "1357"))
		want := "wrong_pin"
		if i == pinLockAfter-1 {
			want = "pin_locked"
		}
		if status != http.StatusForbidden || got.Error.Reason != want {
			t.Fatalf("wrong PIN %d = %d %+v, want 403 %s (never 401: that unpairs a kiosk)", i+1, status, got.Error, want)
		}
	}
	if status, got := send(p("method", "pin", "staff_no", staff.StaffNo, "pin", "2468")); status != http.StatusForbidden || got.Error.Reason != "pin_locked" {
		t.Errorf("right PIN while locked = %d %+v, want 403 pin_locked", status, got.Error)
	}
	f.clock.Advance(pinLockFor)
	if status, _ := send(p("method", "pin", "staff_no", staff.StaffNo, "pin", "2468")); status != http.StatusCreated {
		t.Errorf("right PIN after the lock = %d, want 201", status)
	}
	if p, _ := f.db.FindPIN(context.Background(), staff.ID); p.Failed != 0 {
		t.Errorf("failures after a right PIN = %d, want 0", p.Failed)
	}

	// Removing the card stops it at once.
	if status, _ := f.api(t, "hr", "PUT", cardPath(staff), map[string]any{"card_id": ""}); status != http.StatusOK {
		t.Fatalf("remove card = %d", status)
	}
	if status, got := send(p("method", "card", "card_id", "0114E2B8")); status != http.StatusNotFound || got.Error.Reason != "unknown_card" {
		t.Errorf("punch with a removed card = %d %+v, want 404 unknown_card", status, got.Error)
	}

	// Neither the PIN nor the whole card ID is kept anywhere.
	es, _ := f.db.FindAuditEntries(context.Background(), store.AuditFilter{})
	for _, e := range es {
		if strings.Contains(e.After+e.Before, "2468") || strings.Contains(e.After+e.Before, "1357") || strings.Contains(e.After+e.Before, "0114E2B8") {
			t.Errorf("audit entry %s holds a PIN or a card ID: %s", e.Action, e.After)
		}
	}
	if got := f.auditActions(t, "staff"); !slices.Contains(got, "staff.pin_failed") || !slices.Contains(got, "staff.card_set") || !slices.Contains(got, "staff.pin_set") {
		t.Errorf("staff audit = %v, want staff.card_set, staff.pin_set and staff.pin_failed", got)
	}
}

func TestFacePunchLive(t *testing.T) {
	f := newFaceAPIFixture(t, store.SQLite, Config{FaceKey: faceAPIKey, ConditionCheck: true})
	staff := f.staff["staff"]
	f.enrolSelf(t, "staff", 1)
	f.enrolSelf(t, "approver", 2)
	tests := []struct {
		name   string
		in     map[string]any
		status int
		reason string
		who    *kintai.Staff
	}{
		{"confirmed face", map[string]any{"staff_id": staff.ID, "descriptor": f.near(f.person(1), 0.2)}, 201, "", staff},
		{"someone else's face", map[string]any{"staff_id": staff.ID, "descriptor": f.near(f.person(2), 0.1)}, 403, "face_mismatch", nil},
		{"face alone", map[string]any{"descriptor": f.near(f.person(2), 0.1)}, 201, "", f.staff["approver"]},
		{"a stranger", map[string]any{"descriptor": f.person(5)}, 403, "face_not_recognised", nil},
		{"not enrolled", map[string]any{"staff_id": f.staff["hr"].ID, "descriptor": f.person(5)}, 404, "face_not_enrolled", nil},
		{"bad descriptor", map[string]any{"staff_id": staff.ID, "descriptor": f.person(1)[:10]}, 400, "", nil},
		{"no model", map[string]any{"staff_id": staff.ID, "descriptor": f.person(1), "model": ""}, 400, "", nil},
		{"smile out of range", map[string]any{"staff_id": staff.ID, "smile": 2}, 400, "", nil},
	}
	for i, tt := range tests {
		in := map[string]any{"client_key": "lf-" + strconv.Itoa(i), "kind": "clock_in", "method": "face", "model": face.Model, "smile": 0.75}
		for k, v := range tt.in {
			in[k] = v
		}
		var got punchBody
		status := f.as("device").call(t, "POST", "/api/v1/punches", in, &got)
		if status != tt.status || got.Error.Reason != tt.reason {
			t.Errorf("%s: punch = %d %+v, want %d %q", tt.name, status, got.Error, tt.status, tt.reason)
			continue
		}
		if tt.who != nil && (got.Punch == nil || got.Punch.StaffID != tt.who.ID || got.Punch.Method != punch.MethodFace) {
			t.Errorf("%s: punch = %+v, want a face punch of %s", tt.name, got.Punch, tt.who.Name)
		}
	}
	// The smile score of the clock-in is the staff member's to see.
	var cond struct {
		Enabled bool              `json:"enabled"`
		Items   []store.Condition `json:"items"`
	}
	f.as("staff").call(t, "GET", "/api/v1/me/condition", nil, &cond)
	if !cond.Enabled || len(cond.Items) != 1 || cond.Items[0].Smile != 0.75 || cond.Items[0].Day != fixtureDay {
		t.Errorf("GET /api/v1/me/condition = %+v, want one score of 0.75 on %v", cond, fixtureDay)
	}
	// Nothing of the descriptor reaches the stored punch or the audit trail.
	es, _ := f.db.FindAuditEntries(context.Background(), store.AuditFilter{Entity: "punch"})
	for _, e := range es {
		if strings.Contains(e.After, "descriptor") || strings.Contains(e.After, "smile") {
			t.Errorf("punch audit entry holds the descriptor or smile: %s", e.After)
		}
	}
}

// batchResult is the answer to a batch with its review count.
type batchResult struct {
	Results []batchItem `json:"results"`
	Stored  int         `json:"stored"`
	Review  int         `json:"review"`
	Refused int         `json:"refused"`
}

func TestFaceBatchOffline(t *testing.T) {
	forFaceDialects(t, func(t *testing.T, d store.Dialect) {
		f := newFaceAPIFixture(t, d, Config{FaceKey: faceAPIKey})
		staff, approver := f.staff["staff"], f.staff["approver"]
		f.enrolSelf(t, "staff", 1)
		f.enrolSelf(t, "approver", 2)
		if status, _ := f.api(t, "hr", "PUT", "/api/v1/staff/"+strconv.FormatInt(staff.ID, 10)+"/card", map[string]any{"card_id": "C1"}); status != http.StatusOK {
			t.Fatal("set card")
		}
		// 08:10 to 08:15 in Tokyo, while the server was away.
		at := func(min int) string { return tokyoTime(t, time.June, 1, 8, 10+min).Format(time.RFC3339) }
		item := func(key string, minute int, kv ...any) map[string]any {
			m := map[string]any{"client_key": key, "kind": "clock_in", "method": "face", "device_at": at(minute), "model": face.Model}
			for i := 0; i < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		}
		queue := []any{
			item("q-match", 0, "descriptor", f.near(f.person(1), 0.2)),
			item("q-stranger", 1, "descriptor", f.person(9)),
			item("q-uncertain", 2, "descriptor", f.near(f.person(2), 0.55)),
			item("q-mismatch", 3, "descriptor", f.near(f.person(2), 0.1), "staff_id", staff.ID),
			item("q-short", 4, "descriptor", f.person(1)[:100]),
			item("q-card", 5, "method", "card", "card_id", "c1"),
			item("q-nodevice", 0, "descriptor", f.person(1), "device_at", nil),
		}
		send := func() batchResult {
			t.Helper()
			var got batchResult
			if status := f.as("device").call(t, "POST", "/api/v1/punches/batch", map[string]any{"punches": queue}, &got); status != http.StatusOK {
				t.Fatalf("batch = %d", status)
			}
			return got
		}
		first := send()
		type outcome struct {
			Status, Reason string
			StaffID        int64
		}
		summary := func(r batchResult) []outcome {
			var out []outcome
			for _, it := range r.Results {
				o := outcome{Status: it.Status}
				switch {
				case it.Punch != nil:
					o.StaffID = it.Punch.StaffID
				case it.Review != nil:
					o.Reason = it.Review.Reason
				case it.Error != nil:
					o.Reason = it.Error.Field
				}
				out = append(out, o)
			}
			return out
		}
		want := []outcome{
			{"stored", "", staff.ID},
			{"review", store.ReviewNone, 0},
			{"review", store.ReviewUncertain, 0},
			{"review", store.ReviewMismatch, 0},
			{"refused", "descriptor", 0},
			{"stored", "", staff.ID},
			{"refused", "device_at", 0},
		}
		if diff := cmp.Diff(want, summary(first)); diff != "" {
			t.Errorf("first upload (-want +got):\n%s", diff)
		}
		if first.Stored != 2 || first.Review != 3 || first.Refused != 2 {
			t.Errorf("counts = %d stored, %d review, %d refused; want 2, 3, 2", first.Stored, first.Review, first.Refused)
		}
		if p := first.Results[0].Punch; p == nil || !p.Delayed || p.Method != punch.MethodFace || !p.At.Equal(tokyoTime(t, time.June, 1, 8, 10)) {
			t.Errorf("matched offline punch = %+v, want a delayed face punch at its device time", p)
		}

		// Uploading again changes nothing.
		second := send()
		want[0].Status, want[5].Status = "replayed", "replayed"
		if diff := cmp.Diff(want, summary(second)); diff != "" {
			t.Errorf("second upload (-want +got):\n%s", diff)
		}
		for i := 1; i <= 3; i++ {
			if first.Results[i].Review.ID != second.Results[i].Review.ID {
				t.Errorf("item %d: review %d then %d, want the same review", i, first.Results[i].Review.ID, second.Results[i].Review.ID)
			}
		}
		if rows, _ := f.countPunches(t); rows != 2 {
			t.Errorf("punches stored = %d, want 2", rows)
		}

		// HR sees the three, with candidates.
		var list struct {
			Items []faceReviewView `json:"items"`
		}
		if status := f.as("hr").call(t, "GET", "/api/v1/face/reviews", nil, &list); status != http.StatusOK || len(list.Items) != 3 {
			t.Fatalf("GET /api/v1/face/reviews = %d with %d items, want 3", status, len(list.Items))
		}
		byKey := map[string]faceReviewView{}
		for _, v := range list.Items {
			byKey[v.ClientKey] = v
			if v.SiteName != f.site.Name || v.TerminalName == "" || v.Kind != punch.ClockIn {
				t.Errorf("review %s = %+v, want the site and terminal named", v.ClientKey, v)
			}
		}
		unc := byKey["q-uncertain"]
		if len(unc.Candidates) == 0 || unc.Candidates[0].StaffID != approver.ID || unc.Candidates[0].Distance == nil {
			t.Errorf("uncertain review candidates = %+v, want %s first", unc.Candidates, approver.Name)
		}
		if mm := byKey["q-mismatch"]; len(mm.Candidates) != 1 || mm.Candidates[0].StaffID != staff.ID {
			t.Errorf("mismatch review candidates = %+v, want the named staff member", mm.Candidates)
		}

		// HR assigns one, rejects another.
		decide := func(id int64, in any) (int, map[string]any) {
			return f.api(t, "hr", "POST", "/api/v1/face/reviews/"+strconv.FormatInt(id, 10), in)
		}
		status, body := decide(unc.ID, map[string]any{"staff_id": approver.ID})
		if status != http.StatusOK {
			t.Fatalf("approve = %d %v", status, body)
		}
		stored, _ := body["punch"].(map[string]any)
		if num(stored, "staff_id") != approver.ID || stored["method"] != "manual" || stored["at"] != tokyoTime(t, time.June, 1, 8, 12).UTC().Format(time.RFC3339) {
			t.Errorf("approved punch = %v, want a manual punch of %s at 08:12", stored, approver.Name)
		}
		if status, body := decide(byKey["q-stranger"].ID, map[string]any{"reject": true, "reason": "来庁者"}); status != http.StatusOK {
			t.Errorf("reject = %d %v", status, body)
		}
		refusals := []struct {
			name   string
			id     int64
			in     any
			status int
		}{
			{"decided already", unc.ID, map[string]any{"staff_id": approver.ID}, 409},
			{"neither", byKey["q-mismatch"].ID, map[string]any{}, 400},
			{"both", byKey["q-mismatch"].ID, map[string]any{"staff_id": staff.ID, "reject": true}, 400},
			{"outside HR's scope", byKey["q-mismatch"].ID, map[string]any{"staff_id": f.staff["other"].ID}, 404},
			{"unknown review", 999, map[string]any{"reject": true}, 404},
		}
		for _, tt := range refusals {
			if status, body := decide(tt.id, tt.in); status != tt.status {
				t.Errorf("%s: decide = %d %v, want %d", tt.name, status, body, tt.status)
			}
		}
		if status, _ := f.api(t, "staff", "GET", "/api/v1/face/reviews", nil); status != http.StatusForbidden {
			t.Errorf("staff listing reviews = %d, want 403", status)
		}

		// The kiosk uploading once more gets the approved punch back.
		third := send()
		want[2] = outcome{"replayed", "", approver.ID}
		if diff := cmp.Diff(want, summary(third)); diff != "" {
			t.Errorf("upload after the decisions (-want +got):\n%s", diff)
		}
		if rows, _ := f.countPunches(t); rows != 3 {
			t.Errorf("punches stored = %d, want 3", rows)
		}
		wantAudit := []string{"face.review_create", "face.review_create", "face.review_create", "face.review_approve", "face.review_reject"}
		if diff := cmp.Diff(wantAudit, f.auditActions(t, "face_review")); diff != "" {
			t.Errorf("face_review audit (-want +got):\n%s", diff)
		}
	})
}

func TestConditionSummary(t *testing.T) {
	f := newFaceAPIFixture(t, store.SQLite, Config{ConditionCheck: true})
	ctx := context.Background()
	day1, day2 := fixtureDay, fixtureDay.AddDays(1)
	record := func(key string, day kintai.Date, smile float64) {
		t.Helper()
		if err := f.db.WithTx(ctx, kintai.Actor{TerminalID: 1}, func(tx *store.Tx) error {
			return tx.RecordCondition(ctx, f.staff[key].ID, day, smile)
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Five of 人事課 on day 1, and 財政課's one; four of 人事課 on day 2.
	for i, key := range []string{"admin", "hr", "approver", "staff", "expired", "other"} {
		record(key, day1, float64(i)/10)
		if i < 4 {
			record(key, day2, 0.5)
		}
	}
	type summary struct {
		Enabled  bool                 `json:"enabled"`
		MinGroup int                  `json:"min_group"`
		Items    []store.ConditionDay `json:"items"`
	}
	approx := cmp.Comparer(func(x, y float64) bool { return math.Abs(x-y) < 1e-9 })
	tests := []struct {
		name, who, query string
		want             []store.ConditionDay
	}{
		{"approver of 人事課", "approver", "", []store.ConditionDay{{Day: day1, Count: 5, Average: 0.2}}},
		{"admin, everyone", "admin", "", []store.ConditionDay{{Day: day1, Count: 6, Average: 0.25}}},
		{"admin, 財政課 alone", "admin", "&org_unit_id=" + strconv.FormatInt(f.zaisei.ID, 10), []store.ConditionDay{}},
		{"approver asking for 財政課", "approver", "&org_unit_id=" + strconv.FormatInt(f.zaisei.ID, 10), []store.ConditionDay{}},
	}
	for _, tt := range tests {
		var got summary
		if status := f.as(tt.who).call(t, "GET", "/api/v1/condition/summary?from=2026-06-01&to=2026-06-02"+tt.query, nil, &got); status != http.StatusOK {
			t.Errorf("%s: summary = %d", tt.name, status)
			continue
		}
		if diff := cmp.Diff(summary{true, conditionMinGroup, tt.want}, got, approx); diff != "" {
			t.Errorf("%s: summary (-want +got):\n%s", tt.name, diff)
		}
	}
	if status, _ := f.api(t, "staff", "GET", "/api/v1/condition/summary", nil); status != http.StatusForbidden {
		t.Errorf("staff asking for the summary = %d, want 403", status)
	}
	var mine struct {
		Items []store.Condition `json:"items"`
	}
	f.as("staff").call(t, "GET", "/api/v1/me/condition?from=2026-06-01&to=2026-06-30", nil, &mine)
	if diff := cmp.Diff([]store.Condition{{Day: day1, Smile: 0.3}, {Day: day2, Smile: 0.5}}, mine.Items); diff != "" {
		t.Errorf("own scores (-want +got):\n%s", diff)
	}
}

// TestNoPhotosAccepted checks that no endpoint takes an image: the
// decoder refuses unknown fields, and no field of the kiosk API is one.
func TestNoPhotosAccepted(t *testing.T) {
	f := newFaceAPIFixture(t, store.SQLite, Config{FaceKey: faceAPIKey})
	img := "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ=="
	for _, tt := range []struct {
		who, path, field, with string
		value                  any
	}{
		{"device", "/api/v1/face/identify", "image", "descriptor", f.person(1)},
		{"device", "/api/v1/face/verify", "photo", "descriptor", f.person(1)},
		{"device", "/api/v1/punches", "image", "descriptor", f.person(1)},
		{"staff", "/api/v1/face/enrol", "photos", "samples", f.samples(1)},
	} {
		status, body := f.api(t, tt.who, "POST", tt.path, map[string]any{tt.field: img, "model": face.Model, tt.with: tt.value})
		if status != http.StatusBadRequest || errField(body) != tt.field {
			t.Errorf("POST %s with %s = %d %v, want 400 naming the field", tt.path, tt.field, status, body)
		}
	}
}

// TestOpenAPIKioskSchemas holds the kiosk API's schemas to its Go types,
// as TestOpenAPISchemasMatchGo does for the rest.
func TestOpenAPIKioskSchemas(t *testing.T) {
	doc := openAPIDocument(t)
	tests := []struct {
		schema   string
		value    any
		response bool
	}{
		{"KioskSite", kioskSite{}, true},
		{"KioskPairReply", pairReply{}, true},
		{"KioskConfig", kioskConfig{}, true},
		{"FaceMatch", matchReply{}, true},
		{"FaceStatus", faceStatus{}, true},
		{"FaceCandidate", faceCandidate{}, true},
		{"FaceReview", faceReviewView{}, true},
		{"ReviewRef", reviewRef{}, true},
		{"Condition", store.Condition{}, true},
		{"ConditionDay", store.ConditionDay{}, true},
		{"BatchItem", batchItem{}, true},
		{"PunchInput", punchInput{}, false},
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
	// The inline bodies of the handlers, decoded into these shapes.
	for _, name := range []string{"FaceProbe", "FaceVerifyInput", "FaceEnrolInput", "KioskPairInput", "KioskPairingCodeInput",
		"EnrolmentCodeInput", "PINInput", "CardInput", "FaceReviewDecision"} {
		if _, err := jsonPointer(doc, "#/components/schemas/"+name); err != nil {
			t.Errorf("schema %s: %v", name, err)
		}
	}
}
