package store_test

import (
	"context"
	"testing"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/store"
	"kintai/store/storetest"
)

// TestMasterVersion checks that changes to cached master data advance the
// master version once per transaction and that punches do not.
func TestMasterVersion(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		version := func() int64 {
			t.Helper()
			n, err := db.MasterVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		_, sect, _, s := seed(t, db)
		v0 := version()
		var told int64 // calls of the OnMasterChange function
		db.OnMasterChange(func() { told++ })

		w := db.NewPunchWriter(8)
		defer w.Close()
		res, err := w.Write(ctx, []store.PunchRecord{{Origin: "terminal:1", Actor: kintai.Actor{StaffID: s.ID}, Punch: newPunch(s.ID, "m1", punch.ClockIn, t0.Add(9*time.Hour))}})
		if err != nil || res[0].Err != nil {
			t.Fatalf("Write() = %+v, %v", res, err)
		}
		if v := version(); v != v0 || told != 0 {
			t.Errorf("master version after a punch = %d (%d calls), want %d (unchanged, no calls)", v, told, v0)
		}

		err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			s.Name = "改名 太郎"
			if _, err := tx.UpdateStaff(ctx, &s); err != nil {
				return err
			}
			u := kintai.OrgUnit{Code: "X-1", Name: "臨時係", Kind: kintai.Team, ParentID: sect.ID}
			return tx.CreateOrgUnit(ctx, &u)
		})
		if err != nil {
			t.Fatal(err)
		}
		if v := version(); v != v0+1 || told != 1 {
			t.Errorf("master version after a staff change = %d (%d calls), want %d (one call)", v, told, v0+1)
		}

		// An org unit is not cached on the punch path.
		err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			u := kintai.OrgUnit{Code: "X-2", Name: "臨時係2", Kind: kintai.Team, ParentID: sect.ID}
			return tx.CreateOrgUnit(ctx, &u)
		})
		if err != nil {
			t.Fatal(err)
		}
		if v := version(); v != v0+1 {
			t.Errorf("master version after an org-unit change = %d, want %d (unchanged)", v, v0+1)
		}

		// A failed transaction leaves it alone.
		_ = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			s.Name = "戻る 太郎"
			if _, err := tx.UpdateStaff(ctx, &s); err != nil {
				return err
			}
			return kintai.Invalid("x", "中止", "abort")
		})
		if v := version(); v != v0+1 || told != 1 {
			t.Errorf("master version after a rolled-back change = %d (%d calls), want %d (no more calls)", v, told, v0+1)
		}
	})
}
