package store_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/face"
	"kintai/punch"
	"kintai/store"
	"kintai/store/storetest"
)

var testFaceKey = bytes.Repeat([]byte{0x42}, face.KeySize)

// sealFor seals three samples near x for staff member id.
func sealFor(t *testing.T, id int64, x float32) *store.FaceTemplate {
	t.Helper()
	samples := make([]face.Descriptor, 3)
	for i := range samples {
		samples[i][0], samples[i][1] = x, float32(i)*0.01
	}
	ct, err := face.Seal(testFaceKey, face.Model, id, samples)
	if err != nil {
		t.Fatal(err)
	}
	return &store.FaceTemplate{StaffID: id, Model: face.Model, Samples: len(samples), Ciphertext: ct}
}

// addStaff adds a staff member of sect at sites, appointed for [from, to].
func addStaff(t *testing.T, db *store.DB, no string, unit int64, from, to kintai.Date, sites ...int64) kintai.Staff {
	t.Helper()
	ctx := context.Background()
	s := kintai.Staff{StaffNo: no, Name: "職員 " + no, Kana: "ショクイン", EmploymentType: kintai.Regular,
		AppointedOn: from, AppointmentEndsOn: to, OrgUnitID: unit, SiteIDs: sites}
	if !to.IsZero() {
		s.EmploymentType = kintai.FiscalPart
	}
	if err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error { return tx.CreateStaff(ctx, &s) }); err != nil {
		t.Fatalf("add staff %s: %v", no, err)
	}
	return s
}

func auditActions(t *testing.T, db *store.DB, entity string) []kintai.AuditEntry {
	t.Helper()
	es, err := db.FindAuditEntries(context.Background(), store.AuditFilter{Entity: entity})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestFaceTemplates(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hr := kintai.Actor{StaffID: 1}
		_, sect, site, s := seed(t, db)
		var other kintai.Site
		if err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			other = kintai.Site{Code: "S0002", Name: "出張所"}
			return tx.CreateSite(ctx, &other)
		}); err != nil {
			t.Fatal(err)
		}
		elsewhere := addStaff(t, db, "000002", sect.ID, kintai.NewDate(2020, 4, 1), kintai.Date{}, other.ID)
		notYet := addStaff(t, db, "000003", sect.ID, kintai.NewDate(2026, 5, 1), kintai.NewDate(2027, 3, 31), site.ID)
		both := addStaff(t, db, "000004", sect.ID, kintai.NewDate(2020, 4, 1), kintai.Date{}, site.ID, other.ID)

		if _, err := db.FindFaceTemplate(ctx, s.ID); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Fatalf("FindFaceTemplate(not enrolled) = %v, want not_found", err)
		}
		v0, _ := db.MasterVersion(ctx)
		for _, who := range []kintai.Staff{s, elsewhere, notYet, both} {
			tpl := sealFor(t, who.ID, 0.1)
			if err := db.WithTx(ctx, hr, func(tx *store.Tx) error { return tx.SaveFaceTemplate(ctx, tpl, "code") }); err != nil {
				t.Fatalf("SaveFaceTemplate(%s) = %v", who.StaffNo, err)
			}
		}
		if v, _ := db.MasterVersion(ctx); v != v0+4 {
			t.Errorf("master version after 4 enrolments = %d, want %d", v, v0+4)
		}

		// Enrolling again replaces the template.
		again := sealFor(t, s.ID, 0.3)
		if err := db.WithTx(ctx, hr, func(tx *store.Tx) error { return tx.SaveFaceTemplate(ctx, again, "self") }); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindFaceTemplate(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Model != face.Model || got.Samples != 3 || !bytes.Equal(got.Ciphertext, again.Ciphertext) || !got.CreatedAt.Equal(t0) {
			t.Errorf("FindFaceTemplate = %+v, want the second enrolment", got)
		}
		samples, err := face.Open(testFaceKey, got.Model, s.ID, got.Ciphertext)
		if err != nil || samples[0][0] != 0.3 {
			t.Errorf("Open(stored template) = %v, %v, want the samples of the second enrolment", samples, err)
		}

		// The gallery of a site: its staff inside their 任用期間 on the day.
		ids := func(site int64, on kintai.Date) []int64 {
			t.Helper()
			gs, err := db.FindSiteFaceTemplates(ctx, site, on)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, g := range gs {
				out = append(out, g.StaffID)
				if g.StaffNo == "" || g.Name == "" || len(g.Ciphertext) == 0 {
					t.Errorf("gallery template %+v lacks its staff number, name or ciphertext", g)
				}
			}
			return out
		}
		tests := []struct {
			name string
			site int64
			on   kintai.Date
			want []int64
		}{
			{"home site in April", site.ID, kintai.NewDate(2026, 4, 15), []int64{s.ID, both.ID}},
			{"home site in May", site.ID, kintai.NewDate(2026, 5, 1), []int64{s.ID, notYet.ID, both.ID}},
			{"other site", other.ID, kintai.NewDate(2026, 5, 1), []int64{elsewhere.ID, both.ID}},
			{"after the fiscal year", site.ID, kintai.NewDate(2027, 4, 1), []int64{both.ID}},
		}
		for _, tt := range tests {
			if diff := cmp.Diff(tt.want, ids(tt.site, tt.on)); diff != "" {
				t.Errorf("%s: FindSiteFaceTemplates (-want +got):\n%s", tt.name, diff)
			}
		}

		// Withdrawal deletes, once.
		if err := db.WithTx(ctx, kintai.Actor{StaffID: s.ID}, func(tx *store.Tx) error { return tx.DeleteFaceTemplate(ctx, s.ID, "face.withdraw") }); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindFaceTemplate(ctx, s.ID); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("FindFaceTemplate after withdrawal = %v, want not_found", err)
		}
		err = db.WithTx(ctx, kintai.Actor{StaffID: s.ID}, func(tx *store.Tx) error { return tx.DeleteFaceTemplate(ctx, s.ID, "face.withdraw") })
		if kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("DeleteFaceTemplate twice = %v, want not_found", err)
		}

		var actions []string
		for _, e := range auditActions(t, db, "face_template") {
			actions = append(actions, e.Action+" "+e.EntityID)
			if strings.Contains(e.Before+e.After, "ciphertext") {
				t.Errorf("audit entry %s holds the template: %s %s", e.Action, e.Before, e.After)
			}
		}
		sid := strconv.FormatInt(s.ID, 10)
		want := []string{"face.enrol " + sid, "face.enrol " + strconv.FormatInt(elsewhere.ID, 10), "face.enrol " + strconv.FormatInt(notYet.ID, 10),
			"face.enrol " + strconv.FormatInt(both.ID, 10), "face.enrol " + sid, "face.withdraw " + sid}
		if diff := cmp.Diff(want, actions); diff != "" {
			t.Errorf("audit actions (-want +got):\n%s", diff)
		}
	})
}

func TestPurgeFaceTemplates(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, sect, site, s := seed(t, db) // appointed until 2027-03-31
		regular := addStaff(t, db, "000002", sect.ID, kintai.NewDate(2000, 4, 1), kintai.Date{}, site.ID)
		for _, id := range []int64{s.ID, regular.ID} {
			tpl := sealFor(t, id, 0.1)
			if err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error { return tx.SaveFaceTemplate(ctx, tpl, "code") }); err != nil {
				t.Fatal(err)
			}
		}
		purge := func(on kintai.Date) []store.PurgedTemplate {
			t.Helper()
			var out []store.PurgedTemplate
			if err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) (err error) {
				out, err = tx.PurgeFaceTemplates(ctx, on)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := purge(kintai.NewDate(2027, 3, 31)); len(got) != 0 {
			t.Errorf("purge on the last day of the appointment = %v, want nothing", got)
		}
		if diff := cmp.Diff([]store.PurgedTemplate{{StaffID: s.ID, Model: face.Model}}, purge(kintai.NewDate(2027, 4, 1))); diff != "" {
			t.Errorf("purge the day after (-want +got):\n%s", diff)
		}
		if got := purge(kintai.NewDate(2027, 4, 2)); len(got) != 0 {
			t.Errorf("second purge = %v, want nothing", got)
		}
		if _, err := db.FindFaceTemplate(ctx, regular.ID); err != nil {
			t.Errorf("template of a staff member without an end date: %v, want kept", err)
		}
		var purged []kintai.AuditEntry
		for _, e := range auditActions(t, db, "face_template") {
			if e.Action == "face.purge" {
				purged = append(purged, e)
			}
		}
		if len(purged) != 1 || purged[0].EntityID != strconv.FormatInt(s.ID, 10) || !strings.Contains(purged[0].Before, face.Model) ||
			strings.Contains(purged[0].Before+purged[0].After, "ciphertext") {
			t.Errorf("face.purge audit entries = %+v, want one naming the staff member and model, without the template", purged)
		}
	})
}

func TestEnrolmentCodes(t *testing.T) {
	clock := storetest.NewClock(t0)
	storetest.Each(t, clock.Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, _, s := seed(t, db)
		issue := func() string {
			t.Helper()
			var code string
			if err := db.WithTx(ctx, kintai.Actor{StaffID: 1}, func(tx *store.Tx) (err error) {
				var exp time.Time
				code, exp, err = tx.CreateEnrolmentCode(ctx, s.ID, 14*24*time.Hour)
				if !exp.Equal(clock.Now().Add(14 * 24 * time.Hour)) {
					t.Errorf("expiry = %v, want 14 days on", exp)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(code) != 9 || code[4] != '-' || strings.ContainsAny(code, "01IO") {
				t.Errorf("code %q, want the ABCD-EFGH form without 0, 1, I, O", code)
			}
			return code
		}
		use := func(code string) (int64, error) {
			var id int64
			err := db.WithTx(ctx, kintai.Actor{TerminalID: 1}, func(tx *store.Tx) (err error) {
				id, err = tx.UseEnrolmentCode(ctx, code)
				return err
			})
			return id, err
		}
		code := issue()
		typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
		if id, err := use(typed); err != nil || id != s.ID {
			t.Fatalf("UseEnrolmentCode(%q) = %d, %v, want %d", typed, id, err, s.ID)
		}
		if _, err := use(code); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("UseEnrolmentCode(used) = %v, want invalid", err)
		}
		if _, err := use("ZZZZ-ZZZZ"); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("UseEnrolmentCode(unknown) = %v, want invalid", err)
		}
		late := issue()
		clock.Advance(14*24*time.Hour + time.Second)
		if _, err := use(late); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("UseEnrolmentCode(expired) = %v, want invalid", err)
		}
	})
}

func TestNormaliseCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ABCD-EFGH", "ABCDEFGH"},
		{"abcd efgh", "ABCDEFGH"},
		{"ＡＢＣＤ－ＥＦＧＨ", "ABCDEFGH"},
		{"１２３４　５６７８", "12345678"},
		{" 1234-5678 ", "12345678"},
	}
	for _, tt := range tests {
		if got := store.NormaliseCode(tt.in); got != tt.want {
			t.Errorf("NormaliseCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPairKiosk(t *testing.T) {
	clock := storetest.NewClock(t0)
	storetest.Each(t, clock.Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, site, hr := seed(t, db)
		issue := func() string {
			t.Helper()
			var code string
			if err := db.WithTx(ctx, kintai.Actor{StaffID: hr.ID}, func(tx *store.Tx) (err error) {
				code, _, err = tx.CreatePairingCode(ctx, site.ID, 10*time.Minute)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if len(code) != 8 || strings.Trim(code, "0123456789") != "" {
				t.Errorf("pairing code %q, want 8 digits", code)
			}
			return code
		}
		pair := func(code string) (*store.Terminal, string, error) {
			var term *store.Terminal
			var secret string
			err := db.WithTx(ctx, kintai.Actor{}, func(tx *store.Tx) (err error) {
				term, secret, err = tx.PairKiosk(ctx, code, "3F 入口")
				return err
			})
			return term, secret, err
		}
		err := db.WithTx(ctx, kintai.Actor{StaffID: hr.ID}, func(tx *store.Tx) error {
			_, _, err := tx.CreatePairingCode(ctx, site.ID+99, time.Minute)
			return err
		})
		if kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("CreatePairingCode(unknown site) = %v, want not_found", err)
		}

		code := issue()
		term, secret, err := pair(code[:4] + " " + code[4:])
		if err != nil {
			t.Fatalf("PairKiosk = %v", err)
		}
		if term.SiteID != site.ID || term.Name != "3F 入口" || !strings.HasPrefix(secret, "kd_") {
			t.Errorf("PairKiosk = %+v, %q, want a terminal of site %d with a kd_ credential", term, secret, site.ID)
		}
		if got, err := db.AuthenticateTerminal(ctx, secret); err != nil || got.ID != term.ID {
			t.Errorf("AuthenticateTerminal(paired) = %+v, %v", got, err)
		}
		if _, _, err := pair(code); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("PairKiosk(used code) = %v, want invalid", err)
		}
		late := issue()
		clock.Advance(10*time.Minute + time.Second)
		if _, _, err := pair(late); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("PairKiosk(expired code) = %v, want invalid", err)
		}
		// The paired kiosk is revoked like any terminal.
		if err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error { return tx.RevokeTerminal(ctx, term.ID) }); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AuthenticateTerminal(ctx, secret); kintai.ErrorCode(err) != kintai.EUNAUTHORIZED {
			t.Errorf("AuthenticateTerminal(revoked kiosk) = %v, want unauthorized", err)
		}
		es := auditActions(t, db, "terminal")
		if len(es) < 2 || es[1].Action != "kiosk.pair" || !strings.Contains(es[1].After, `"code_issued_by":`+strconv.FormatInt(hr.ID, 10)) {
			t.Errorf("terminal audit entries = %+v, want terminal.create then kiosk.pair naming the code's issuer", es)
		}
	})
}

func TestStaffCardsAndPINs(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, sect, site, s := seed(t, db)
		b := addStaff(t, db, "000002", sect.ID, kintai.NewDate(2000, 4, 1), kintai.Date{}, site.ID)
		setCard := func(id int64, card string) error {
			return db.WithTx(ctx, kintai.Actor{StaffID: 1}, func(tx *store.Tx) error { return tx.SetStaffCard(ctx, id, card) })
		}
		if err := setCard(s.ID, "0123456789ABCDEF"); err != nil {
			t.Fatal(err)
		}
		if id, err := db.FindStaffByCard(ctx, "0123456789ABCDEF"); err != nil || id != s.ID {
			t.Errorf("FindStaffByCard = %d, %v, want %d", id, err, s.ID)
		}
		if err := setCard(b.ID, "0123456789ABCDEF"); kintai.ErrorCode(err) != kintai.ECONFLICT {
			t.Errorf("SetStaffCard(card of another) = %v, want conflict", err)
		}
		if err := setCard(s.ID, "FEDCBA"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindStaffByCard(ctx, "0123456789ABCDEF"); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("FindStaffByCard(replaced card) = %v, want not_found", err)
		}
		if card, _ := db.FindStaffCard(ctx, s.ID); card != "FEDCBA" {
			t.Errorf("FindStaffCard = %q, want FEDCBA", card)
		}
		if err := setCard(s.ID, ""); err != nil {
			t.Fatal(err)
		}
		if card, err := db.FindStaffCard(ctx, s.ID); card != "" || err != nil {
			t.Errorf("FindStaffCard(removed) = %q, %v, want none", card, err)
		}
		if err := setCard(s.ID+99, "X1"); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("SetStaffCard(unknown staff) = %v, want not_found", err)
		}
		for _, e := range auditActions(t, db, "staff") {
			if strings.Contains(e.After, "0123456789ABCDEF") {
				t.Errorf("audit entry %s holds the whole card ID: %s", e.Action, e.After)
			}
		}

		if _, err := db.FindPIN(ctx, s.ID); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("FindPIN(none set) = %v, want not_found", err)
		}
		for _, h := range []string{"hash-1", "hash-2"} {
			if err := db.WithTx(ctx, kintai.Actor{StaffID: s.ID}, func(tx *store.Tx) error { return tx.SetPIN(ctx, s.ID, h) }); err != nil {
				t.Fatal(err)
			}
		}
		fail := func() (int, time.Time) {
			t.Helper()
			var n int
			var until time.Time
			if err := db.WithTx(ctx, kintai.Actor{TerminalID: 1}, func(tx *store.Tx) (err error) {
				n, until, err = tx.RecordPINFailure(ctx, s.ID, 3, 10*time.Minute)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n, until
		}
		locks := []time.Duration{0, 0, 10 * time.Minute, 20 * time.Minute, 40 * time.Minute, time.Hour, time.Hour}
		for i, lock := range locks {
			n, until := fail()
			if n != i+1 || (lock == 0) != until.IsZero() || (lock != 0 && !until.Equal(t0.Add(lock))) {
				t.Errorf("failure %d: RecordPINFailure = %d, %v, want %d, locked for %v", i+1, n, until, i+1, lock)
			}
		}
		p, err := db.FindPIN(ctx, s.ID)
		if err != nil || p.Hash != "hash-2" || p.Failed != len(locks) || !p.LockedUntil.Equal(t0.Add(time.Hour)) {
			t.Errorf("FindPIN = %+v, %v, want hash-2, %d failures, locked for an hour", p, err, len(locks))
		}
		if err := db.WithTx(ctx, kintai.Actor{TerminalID: 1}, func(tx *store.Tx) error { return tx.ResetPINFailures(ctx, s.ID) }); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.FindPIN(ctx, s.ID); p.Failed != 0 || !p.LockedUntil.IsZero() {
			t.Errorf("FindPIN after a right PIN = %+v, want no failures and no lock", p)
		}
		fail()
		if err := db.WithTx(ctx, kintai.Actor{TerminalID: 1}, func(tx *store.Tx) error {
			_, _, err := tx.RecordPINFailure(ctx, b.ID, 3, time.Minute)
			return err
		}); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("RecordPINFailure(no PIN) = %v, want not_found", err)
		}
		if err := db.WithTx(ctx, kintai.Actor{StaffID: s.ID}, func(tx *store.Tx) error { return tx.SetPIN(ctx, s.ID, "hash-3") }); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.FindPIN(ctx, s.ID); p.Failed != 0 || !p.LockedUntil.IsZero() {
			t.Errorf("FindPIN after a new PIN = %+v, want the lockout cleared", p)
		}
		for _, e := range auditActions(t, db, "staff") {
			if strings.Contains(e.After, "hash-") {
				t.Errorf("audit entry %s holds the PIN hash: %s", e.Action, e.After)
			}
		}
	})
}

func TestFaceReviews(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, site, s := seed(t, db)
		var term store.Terminal
		if err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			term = store.Terminal{Code: "T1", Name: "入口", SiteID: site.ID}
			_, err := tx.CreateTerminal(ctx, &term)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		d, m := 0.55, 0.02
		origin := "terminal:" + strconv.FormatInt(term.ID, 10)
		newReview := func(key string) store.FaceReview {
			return store.FaceReview{Origin: origin, ClientKey: key, TerminalID: term.ID, SiteID: site.ID, Kind: punch.ClockIn,
				DeviceAt: t0.Add(-time.Hour), Reason: store.ReviewUncertain, CandidateStaffID: s.ID, Distance: &d, Margin: &m}
		}
		create := func(r *store.FaceReview) bool {
			t.Helper()
			var created bool
			if err := db.WithTx(ctx, kintai.Actor{TerminalID: term.ID}, func(tx *store.Tx) (err error) {
				created, err = tx.CreateFaceReview(ctx, r)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return created
		}
		r1 := newReview("k1")
		if !create(&r1) || r1.ID == 0 || r1.Status != store.ReviewPending {
			t.Fatalf("CreateFaceReview = %+v, want a new pending review", r1)
		}
		again := newReview("k1")
		again.Reason = store.ReviewNone
		if create(&again) || again.ID != r1.ID || again.Reason != store.ReviewUncertain {
			t.Errorf("CreateFaceReview(same key) = %+v, want the first review back", again)
		}
		r2 := newReview("k2")
		r2.CandidateStaffID, r2.Distance, r2.Margin, r2.Reason = 0, nil, nil, store.ReviewNone
		create(&r2)

		got, err := db.FindFaceReviewByKey(ctx, origin, "k1")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(r1, *got); diff != "" {
			t.Errorf("FindFaceReviewByKey (-want +got):\n%s", diff)
		}
		pending, err := db.FindFaceReviews(ctx, store.ReviewPending, 0)
		if err != nil || len(pending) != 2 {
			t.Fatalf("FindFaceReviews(pending) = %d reviews, %v, want 2", len(pending), err)
		}

		// Approving needs the punch: stored under the review's key.
		w := db.NewPunchWriter(8)
		defer w.Close()
		p := newPunch(s.ID, "k1", punch.ClockIn, t0.Add(-time.Hour))
		res, err := w.Write(ctx, []store.PunchRecord{{Origin: origin, Actor: kintai.Actor{StaffID: 1}, Punch: p}})
		if err != nil || res[0].Err != nil {
			t.Fatalf("Write = %+v, %v", res, err)
		}
		if id, err := db.FindPunchStaffByKey(ctx, origin, "k1"); err != nil || id != s.ID {
			t.Errorf("FindPunchStaffByKey = %d, %v, want %d", id, err, s.ID)
		}
		if _, err := db.FindPunchStaffByKey(ctx, origin, "k2"); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("FindPunchStaffByKey(no punch) = %v, want not_found", err)
		}
		decide := func(id, staffID, punchID int64, note string) error {
			return db.WithTx(ctx, kintai.Actor{StaffID: 1}, func(tx *store.Tx) error { return tx.DecideFaceReview(ctx, id, staffID, punchID, note) })
		}
		if err := decide(r1.ID, s.ID, res[0].Punch.ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := decide(r2.ID, 0, 0, "来訪者"); err != nil {
			t.Fatal(err)
		}
		if err := decide(r2.ID, 0, 0, "again"); kintai.ErrorCode(err) != kintai.ECONFLICT {
			t.Errorf("DecideFaceReview twice = %v, want conflict", err)
		}
		if err := decide(r2.ID+99, 0, 0, ""); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("DecideFaceReview(unknown) = %v, want not_found", err)
		}
		done, _ := db.FindFaceReview(ctx, r1.ID)
		if done.Status != store.ReviewApproved || done.StaffID != s.ID || done.PunchID != res[0].Punch.ID || done.DecidedBy != 1 || !done.DecidedAt.Equal(t0) {
			t.Errorf("approved review = %+v", done)
		}
		rejected, _ := db.FindFaceReview(ctx, r2.ID)
		if rejected.Status != store.ReviewRejected || rejected.DecisionNote != "来訪者" || rejected.StaffID != 0 {
			t.Errorf("rejected review = %+v", rejected)
		}
		if pending, _ := db.FindFaceReviews(ctx, store.ReviewPending, 0); len(pending) != 0 {
			t.Errorf("pending reviews after deciding = %+v, want none", pending)
		}
		var actions []string
		for _, e := range auditActions(t, db, "face_review") {
			actions = append(actions, e.Action)
		}
		if diff := cmp.Diff([]string{"face.review_create", "face.review_create", "face.review_approve", "face.review_reject"}, actions); diff != "" {
			t.Errorf("face_review audit actions (-want +got):\n%s", diff)
		}
	})
}

func TestConditions(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, sect, site, s := seed(t, db)
		day1, day2 := kintai.NewDate(2026, 6, 1), kintai.NewDate(2026, 6, 2)
		staff := []int64{s.ID}
		for i := range 5 {
			staff = append(staff, addStaff(t, db, "00001"+strconv.Itoa(i), sect.ID, kintai.NewDate(2000, 4, 1), kintai.Date{}, site.ID).ID)
		}
		record := func(id int64, day kintai.Date, smile float64) error {
			return db.WithTx(ctx, kintai.Actor{TerminalID: 1}, func(tx *store.Tx) error { return tx.RecordCondition(ctx, id, day, smile) })
		}
		for i, id := range staff { // six people on day 1, four on day 2
			if err := record(id, day1, float64(i)/10); err != nil {
				t.Fatal(err)
			}
			if i < 4 {
				if err := record(id, day2, 0.5); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := record(s.ID, day1, 0.9); err != nil { // a second clock-in does not count
			t.Fatal(err)
		}
		if err := record(s.ID, day1, 1.5); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("RecordCondition(1.5) = %v, want invalid", err)
		}
		got, err := db.FindConditions(ctx, s.ID, day1, day2)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]store.Condition{{Day: day1, Smile: 0}, {Day: day2, Smile: 0.5}}, got); diff != "" {
			t.Errorf("FindConditions (-want +got):\n%s", diff)
		}
		sum, err := db.ConditionSummary(ctx, nil, day1, day2, 5)
		if err != nil {
			t.Fatal(err)
		}
		approx := cmp.Comparer(func(x, y float64) bool { return x-y < 1e-9 && y-x < 1e-9 })
		if diff := cmp.Diff([]store.ConditionDay{{Day: day1, Count: 6, Average: 0.25}}, sum, approx); diff != "" {
			t.Errorf("ConditionSummary (-want +got), day 2 has only 4 people:\n%s", diff)
		}
		if sum, _ := db.ConditionSummary(ctx, []int64{sect.ID + 99}, day1, day2, 5); len(sum) != 0 {
			t.Errorf("ConditionSummary(other unit) = %v, want nothing", sum)
		}
		if sum, _ := db.ConditionSummary(ctx, []int64{}, day1, day2, 5); len(sum) != 0 {
			t.Errorf("ConditionSummary(no units) = %v, want nothing", sum)
		}
	})
}
