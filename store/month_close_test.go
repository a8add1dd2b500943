package store_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"kintai"
	"kintai/approval"
	"kintai/punch"
	"kintai/store"
	"kintai/store/storetest"
)

func unconfirmedIDs(t *testing.T, db *store.DB, month kintai.Date, units []int64) []int64 {
	t.Helper()
	cs, err := db.FindUnconfirmed(context.Background(), month, units)
	if err != nil {
		t.Fatalf("FindUnconfirmed: %v", err)
	}
	ids := []int64{}
	for _, c := range cs {
		ids = append(ids, c.StaffID)
	}
	return ids
}

func TestMonthClose(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedRules(t, db)
		d := kintai.NewDate
		oct := d(2026, 10, 1)
		importStamps(t, db, w.regular.ID, octoberStamps()...)
		if _, err := db.RecomputeMonth(ctx, oct, nil, opts(afterOctober)); err != nil {
			t.Fatal(err)
		}
		before, err := db.FindMonthResult(ctx, w.regular.ID, oct)
		if err != nil {
			t.Fatal(err)
		}
		regular, part := actorOf(t, db, w.regular.ID), actorOf(t, db, w.part.ID)
		sect := w.regular.OrgUnitID
		tx := func(a kintai.Actor, fn func(tx *store.Tx) error) error { return db.WithTx(ctx, a, fn) }

		if got := unconfirmedIDs(t, db, oct, []int64{sect}); !slices.Contains(got, w.regular.ID) || !slices.Contains(got, w.part.ID) {
			t.Errorf("FindUnconfirmed before any confirmation = %v, want both %d and %d", got, w.regular.ID, w.part.ID)
		}
		if err := tx(regular, func(tx *store.Tx) error { return tx.ConfirmMonth(ctx, d(2026, 10, 20)) }); err != nil {
			t.Fatalf("ConfirmMonth: %v", err)
		}
		// The supervisor confirms only those who confirmed themselves.
		err = tx(kintai.Actor{System: true}, func(tx *store.Tx) error { return tx.ConfirmTeam(ctx, oct, []int64{w.regular.ID, w.part.ID}) })
		if kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("ConfirmTeam with an unconfirmed staff member: err = %v, want invalid", err)
		}
		if err := tx(kintai.Actor{System: true}, func(tx *store.Tx) error { return tx.ConfirmTeam(ctx, oct, []int64{w.regular.ID}) }); err != nil {
			t.Fatalf("ConfirmTeam: %v", err)
		}
		if got := unconfirmedIDs(t, db, oct, []int64{sect}); slices.Contains(got, w.regular.ID) || !slices.Contains(got, w.part.ID) {
			t.Errorf("FindUnconfirmed after confirmation = %v, want %d and not %d", got, w.part.ID, w.regular.ID)
		}

		// Closing with someone unconfirmed takes a reason.
		closeSect := func(reason string, force bool) error {
			return tx(kintai.Actor{System: true}, func(tx *store.Tx) error { _, err := tx.CloseMonth(ctx, oct, sect, reason, force); return err })
		}
		if err := closeSect("", false); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("CloseMonth with unconfirmed staff, no reason: err = %v, want invalid", err)
		}
		// October's stamps leave punch exceptions: the close is refused,
		// naming the staff, unless forced with a reason.
		blockers, err := db.FindCloseBlockers(ctx, oct, sect)
		if err != nil {
			t.Fatal(err)
		}
		if len(blockers) == 0 || blockers[0].ExceptionDays+len(blockers[0].PendingRequests) == 0 {
			t.Fatalf("FindCloseBlockers = %+v, want staff with exceptions or pending requests", blockers)
		}
		err = closeSect("給与計算の締切のため", false)
		if ja, en := kintai.ErrorMessages(err); kintai.ErrorCode(err) != kintai.EINVALID ||
			!strings.Contains(ja, blockers[0].StaffNo) || !strings.Contains(ja, "打刻エラー") || !strings.Contains(en, "force the close") {
			t.Errorf("CloseMonth with blockers, not forced: err = %v (%q, %q), want invalid naming %s", err, ja, en, blockers[0].StaffNo)
		}
		if err := closeSect("", true); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("CloseMonth forced without a reason: err = %v, want invalid", err)
		}
		if err := closeSect("給与計算の締切のため", true); err != nil {
			t.Fatalf("CloseMonth forced with a reason: %v", err)
		}
		if err := closeSect("again", true); kintai.ErrorCode(err) != kintai.ECONFLICT {
			t.Errorf("CloseMonth twice: err = %v, want conflict", err)
		}
		for _, c := range []struct {
			name  string
			month kintai.Date
			want  bool
		}{{"october", d(2026, 10, 31), true}, {"november", d(2026, 11, 1), false}} {
			if got, err := db.IsMonthClosed(ctx, w.regular.ID, c.month); err != nil || got != c.want {
				t.Errorf("%s: IsMonthClosed = %v, %v, want %v", c.name, got, err, c.want)
			}
		}
		if err := tx(part, func(tx *store.Tx) error { return tx.ConfirmMonth(ctx, oct) }); kintai.ErrorCode(err) != kintai.ECONFLICT {
			t.Errorf("ConfirmMonth of a closed month: err = %v, want conflict", err)
		}

		// Locked: a new punch in October changes nothing stored.
		importStamps(t, db, w.regular.ID, stamp{punch.ClockIn, d(2026, 10, 6), 830}, stamp{punch.ClockOut, d(2026, 10, 6), 1715})
		if _, err := db.RecomputeStale(ctx, opts(afterOctober)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecomputeMonth(ctx, oct, nil, opts(afterOctober)); err != nil {
			t.Fatal(err)
		}
		locked, err := db.FindMonthResult(ctx, w.regular.ID, oct)
		if err != nil {
			t.Fatal(err)
		}
		if locked.Totals.DaysWorked != before.Totals.DaysWorked || !locked.ComputedAt.Equal(before.ComputedAt) {
			t.Errorf("closed month recomputed: days worked %d at %v, want %d at %v", locked.Totals.DaysWorked, locked.ComputedAt,
				before.Totals.DaysWorked, before.ComputedAt)
		}

		// Reopening takes a reason and recomputes.
		reopen := func(reason string) error {
			return tx(kintai.Actor{System: true}, func(tx *store.Tx) error { _, err := tx.ReopenMonth(ctx, oct, sect, reason); return err })
		}
		err = reopen(" ")
		if ja, en := kintai.ErrorMessages(err); kintai.ErrorCode(err) != kintai.EINVALID || ja == "" || en == "" {
			t.Errorf("ReopenMonth without a reason: err = %v (%q, %q), want invalid in both languages", err, ja, en)
		}
		if err := reopen("打刻漏れの修正"); err != nil {
			t.Fatalf("ReopenMonth: %v", err)
		}
		if got, _ := db.IsMonthClosed(ctx, w.regular.ID, oct); got {
			t.Errorf("IsMonthClosed after reopening = true, want false")
		}
		if _, err := db.RecomputeStale(ctx, opts(afterOctober)); err != nil {
			t.Fatal(err)
		}
		after, err := db.FindMonthResult(ctx, w.regular.ID, oct)
		if err != nil {
			t.Fatal(err)
		}
		if after.Totals.DaysWorked != before.Totals.DaysWorked+1 {
			t.Errorf("reopened month: days worked %d, want %d", after.Totals.DaysWorked, before.Totals.DaysWorked+1)
		}
		var actions []string
		entries, err := db.FindAuditEntries(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if slices.Contains([]string{"month.confirm", "month.team_confirm", "month.close", "month.reopen"}, e.Action) {
				actions = append(actions, e.Action)
			}
			if e.Action == "month.close" && !strings.Contains(e.After, `"forced_over":[{"staff_id":`+strconv.FormatInt(blockers[0].StaffID, 10)) {
				t.Errorf("forced close audited as %s, want forced_over naming staff %d", e.After, blockers[0].StaffID)
			}
		}
		if want := []string{"month.confirm", "month.team_confirm", "month.close", "month.reopen"}; !slices.Equal(actions, want) {
			t.Errorf("audit actions = %v, want %v", actions, want)
		}
	})
}

func TestMonthCloseRefusesDecisions(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		applicant, leader := actorOf(t, db, o.applicant), actorOf(t, db, o.leader)
		loc := tokyo
		corr := create(t, db, applicant, approval.Request{Kind: approval.KindPunchCorrection, Correction: &approval.PunchCorrection{
			Day: teleworkDay, Kind: punch.ClockIn, At: teleworkDay.Time(loc).Add(8*time.Hour + 30*time.Minute), Reason: "打刻忘れ"}})
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.CloseMonth(ctx, teleworkDay, 0, "テスト", true)
			return err
		})
		if _, _, err := decide(db, leader, corr.ID, approval.ActionApprove, ""); kintai.ErrorCode(err) != kintai.ECONFLICT {
			t.Errorf("approve a correction of a closed month: err = %v, want conflict", err)
		}
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.ReopenMonth(ctx, teleworkDay, 0, "修正のため")
			return err
		})
		if _, _, err := decide(db, leader, corr.ID, approval.ActionApprove, ""); err != nil {
			t.Errorf("approve after reopening: %v", err)
		}
		ps, err := db.FindPunches(ctx, store.PunchFilter{StaffIDs: []int64{o.applicant}, From: teleworkDay, To: teleworkDay})
		if err != nil || len(ps) != 1 {
			t.Errorf("FindPunches after approval = %d, %v, want one", len(ps), err)
		}
	})
}
