package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/store"
	"kintai/store/storetest"
)

func TestRotateTerminalCredential(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, site, _ := seed(t, db)
		term := store.Terminal{Code: "T0001", Name: "本庁舎 1階", SiteID: site.ID}
		var old, fresh string
		err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) (err error) {
			old, err = tx.CreateTerminal(ctx, &term)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) (err error) {
			fresh, err = tx.RotateTerminalCredential(ctx, term.ID)
			return err
		})
		if err != nil {
			t.Fatalf("RotateTerminalCredential(%d) = %v", term.ID, err)
		}
		if !strings.HasPrefix(fresh, "kd_") || fresh == old {
			t.Fatalf("RotateTerminalCredential(%d) = %q, want a new kd_ credential", term.ID, fresh)
		}
		if _, err := db.AuthenticateTerminal(ctx, old); kintai.ErrorCode(err) != kintai.EUNAUTHORIZED {
			t.Errorf("AuthenticateTerminal(old credential) = %v, want unauthorized", err)
		}
		got, err := db.AuthenticateTerminal(ctx, fresh)
		if err != nil || got.ID != term.ID {
			t.Fatalf("AuthenticateTerminal(new credential) = %v, %v; want terminal %d", got, err, term.ID)
		}
		entries, err := db.FindAuditEntries(ctx, store.AuditFilter{Entity: "terminal", EntityID: strconv.FormatInt(term.ID, 10)})
		if err != nil || len(entries) != 2 {
			t.Fatalf("audit of the terminal = %d entries, %v; want create and rotate", len(entries), err)
		}
		if e := entries[1]; e.Action != "terminal.rotate" || strings.Contains(e.After, fresh) || strings.Contains(e.After, store.HashToken(fresh)) {
			t.Errorf("rotate audit entry = %s %s, want terminal.rotate without the secret", e.Action, e.After)
		}

		err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			if err := tx.RevokeTerminal(ctx, term.ID); err != nil {
				return err
			}
			_, err := tx.RotateTerminalCredential(ctx, term.ID)
			return err
		})
		if kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("RotateTerminalCredential of a revoked terminal = %v, want not found", err)
		}
	})
}

func TestFindStaffSites(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, sect, site, s := seed(t, db)
		var other kintai.Site
		var later kintai.Staff
		err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			other = kintai.Site{Code: "S0002", Name: "出張所"}
			if err := tx.CreateSite(ctx, &other); err != nil {
				return err
			}
			later = kintai.Staff{StaffNo: "000002", Name: "世田　太郎", Kana: "セタ　タロウ", EmploymentType: kintai.Regular,
				AppointedOn: kintai.NewDate(2026, 5, 1), OrgUnitID: sect.ID, SiteIDs: []int64{site.ID, other.ID}}
			return tx.CreateStaff(ctx, &later)
		})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			on   kintai.Date
			want map[int64][]int64
		}{
			{"before anyone is appointed", kintai.NewDate(2026, 3, 31), map[int64][]int64{}},
			{"one appointed", kintai.NewDate(2026, 4, 1), map[int64][]int64{site.ID: {s.ID}}},
			{"both appointed", kintai.NewDate(2026, 5, 1), map[int64][]int64{site.ID: {s.ID, later.ID}, other.ID: {later.ID}}},
			{"after the fiscal appointment ends", kintai.NewDate(2027, 4, 1), map[int64][]int64{site.ID: {later.ID}, other.ID: {later.ID}}},
		}
		for _, tt := range tests {
			got, err := db.FindStaffSites(ctx, tt.on)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s: FindStaffSites(%v) mismatch (-want +got):\n%s", tt.name, tt.on, diff)
			}
		}
	})
}
