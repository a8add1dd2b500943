package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/store"
	"kintai/store/storetest"
)

var t0 = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)

func TestMigrationsAgree(t *testing.T) {
	lite, err := store.Migrations(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.Migrations(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(lite, pg); diff != "" {
		t.Fatalf("migration files differ between dialects (-sqlite +postgres):\n%s", diff)
	}
	if len(lite) == 0 {
		t.Fatal("no migrations embedded")
	}
	// The schemas they produce must have the same tables and columns.
	schemas := map[store.Dialect]map[string][]string{}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		db := storetest.Open(t, d, storetest.NewClock(t0).Now)
		cols, err := db.Columns(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		schemas[d] = cols
	}
	if diff := cmp.Diff(schemas[store.SQLite], schemas[store.Postgres]); diff != "" {
		t.Errorf("schemas differ (-sqlite +postgres):\n%s", diff)
	}
}

func TestReopenIsIdempotent(t *testing.T) {
	path := storetest.NewSQLitePath(t)
	for i := 0; i < 2; i++ {
		db, err := store.Open(context.Background(), path, time.Now)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		db.Close()
	}
}

// seed makes a department with a section, a site and a staff member.
func seed(t *testing.T, db *store.DB) (dept, sect kintai.OrgUnit, site kintai.Site, s kintai.Staff) {
	t.Helper()
	ctx := context.Background()
	err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		dept = kintai.OrgUnit{Code: "B01", Name: "総務部", Kind: kintai.Department}
		if err := tx.CreateOrgUnit(ctx, &dept); err != nil {
			return err
		}
		sect = kintai.OrgUnit{Code: "B01-K01", Name: "人事課", Kind: kintai.Section, ParentID: dept.ID}
		if err := tx.CreateOrgUnit(ctx, &sect); err != nil {
			return err
		}
		lat, lng, r := 35.646, 139.653, 150
		site = kintai.Site{Code: "S0001", Name: "本庁舎", Address: "東京都デモ区1-1", Lat: &lat, Lng: &lng, RadiusM: &r}
		if err := tx.CreateSite(ctx, &site); err != nil {
			return err
		}
		s = kintai.Staff{StaffNo: "000001", Name: "世田　花子", Kana: "セタ　ハナコ", EmploymentType: kintai.FiscalPart,
			AppointedOn: kintai.NewDate(2026, 4, 1), AppointmentEndsOn: kintai.NewDate(2027, 3, 31),
			OrgUnitID: sect.ID, SiteIDs: []int64{site.ID}}
		return tx.CreateStaff(ctx, &s)
	})
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return
}

func TestMasterData(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, sect, site, s := seed(t, db)

		got, err := db.FindStaffByNo(ctx, "000001")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&s, got); diff != "" {
			t.Errorf("FindStaffByNo mismatch (-want +got):\n%s", diff)
		}
		gotSite, err := db.FindSiteByID(ctx, site.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&site, gotSite); diff != "" {
			t.Errorf("FindSiteByID mismatch (-want +got):\n%s", diff)
		}

		if _, err := db.FindStaffByNo(ctx, "999999"); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("FindStaffByNo(missing) error = %v, want not_found", err)
		}

		// A duplicate 職員番号 is a conflict and writes nothing.
		err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			dup := s
			dup.ID = 0
			return tx.CreateStaff(ctx, &dup)
		})
		if kintai.ErrorCode(err) != kintai.ECONFLICT {
			t.Errorf("CreateStaff(duplicate) error = %v, want conflict", err)
		}

		// An unknown site is invalid, and rolls back the whole transaction.
		err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			n := kintai.Staff{StaffNo: "000002", Name: "上町　一郎", Kana: "カミマチ　イチロウ", EmploymentType: kintai.Regular,
				AppointedOn: kintai.NewDate(2010, 4, 1), OrgUnitID: sect.ID, SiteIDs: []int64{site.ID + 99}}
			return tx.CreateStaff(ctx, &n)
		})
		if kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("CreateStaff(unknown site) error = %v, want invalid", err)
		}
		if _, err := db.FindStaffByNo(ctx, "000002"); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("staff of a failed transaction was stored: %v", err)
		}

		// Moving an org unit under its own child is refused.
		err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
			dept, err := tx.FindOrgUnitByCode(ctx, "B01")
			if err != nil {
				return err
			}
			dept.ParentID = sect.ID
			return tx.UpdateOrgUnit(ctx, dept)
		})
		if kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("UpdateOrgUnit(cycle) error = %v, want invalid", err)
		}
	})
}

func TestStaffSearch(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		dept, sect, _, _ := seed(t, db)
		tests := []struct {
			name  string
			f     store.StaffFilter
			total int
		}{
			{"name without space", store.StaffFilter{Query: "世田花子"}, 1},
			{"kana in katakana", store.StaffFilter{Query: "ハナコ"}, 1},
			{"kana typed in hiragana", store.StaffFilter{Query: "せた"}, 1},
			{"staff number", store.StaffFilter{Query: "00000"}, 1},
			{"no match", store.StaffFilter{Query: "ヤマダ"}, 0},
			{"like wildcard is literal", store.StaffFilter{Query: "%"}, 0},
			{"in scope", store.StaffFilter{Units: []int64{sect.ID}}, 1},
			{"out of scope", store.StaffFilter{Units: []int64{dept.ID}}, 0},
			{"empty scope", store.StaffFilter{Units: []int64{}}, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := db.FindStaff(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if total != tt.total || len(list) != tt.total {
					t.Errorf("FindStaff(%+v) = %d rows, total %d, want %d", tt.f, len(list), total, tt.total)
				}
			})
		}
	})
}

func TestUnchangedUpdateWritesNothing(t *testing.T) {
	clock := storetest.NewClock(t0)
	storetest.Each(t, clock.Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, _, s := seed(t, db)
		before, _ := db.FindAuditEntries(ctx, store.AuditFilter{})
		var changed bool
		err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) (err error) {
			same := s
			same.SiteIDs = slices.Clone(s.SiteIDs)
			changed, err = tx.UpdateStaff(ctx, &same)
			return err
		})
		if err != nil || changed {
			t.Fatalf("UpdateStaff(unchanged) = %v, %v; want false, nil", changed, err)
		}
		after, _ := db.FindAuditEntries(ctx, store.AuditFilter{})
		if len(after) != len(before) {
			t.Errorf("unchanged update wrote %d audit entries", len(after)-len(before))
		}
		err = db.WithTx(ctx, kintai.Actor{StaffID: s.ID}, func(tx *store.Tx) (err error) {
			s.Name = "世田　花"
			changed, err = tx.UpdateStaff(ctx, &s)
			return err
		})
		if err != nil || !changed {
			t.Fatalf("UpdateStaff(renamed) = %v, %v; want true, nil", changed, err)
		}
		entries, _ := db.FindAuditEntries(ctx, store.AuditFilter{Entity: "staff", EntityID: itoa(s.ID)})
		last := entries[len(entries)-1]
		if last.Action != "staff.update" || last.Actor != "staff:"+itoa(s.ID) ||
			!strings.Contains(last.Before, "世田　花子") || !strings.Contains(last.After, `"世田　花"`) {
			t.Errorf("last audit entry = %+v, want staff.update by the staff member with before and after names", last)
		}
	})
}

func TestAuditChainDetectsTampering(t *testing.T) {
	tests := []struct {
		name    string
		tamper  string
		wantSeq int64
	}{
		{"intact", "", 0},
		{"altered middle entry", `UPDATE audit_log SET after_json = '{"name":"x"}' WHERE seq = 2`, 2},
		{"altered actor", `UPDATE audit_log SET actor = 'staff:999' WHERE seq = 3`, 3},
		{"deleted middle entry", `DELETE FROM audit_log WHERE seq = 2`, 2},
		{"deleted newest entry", `DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)`, 4},
		{"rehashed entry breaks the next link", `UPDATE audit_log SET hash = 'ab' WHERE seq = 1`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				seed(t, db) // writes entries 1 to 4
				if tt.tamper != "" {
					if err := db.ExecForTest(ctx, tt.tamper); err != nil {
						t.Fatal(err)
					}
				}
				rep, err := db.VerifyAudit(ctx)
				if tt.wantSeq == 0 {
					if err != nil {
						t.Fatalf("VerifyAudit() = %v, want intact", err)
					}
					if rep.Entries != 4 || rep.HeadSeq != 4 {
						t.Errorf("VerifyAudit() entries %d head %d, want 4 and 4", rep.Entries, rep.HeadSeq)
					}
					return
				}
				var br *kintai.AuditBreak
				if !errors.As(err, &br) {
					t.Fatalf("VerifyAudit() = %v, want an AuditBreak", err)
				}
				if br.Seq != tt.wantSeq {
					t.Errorf("VerifyAudit() broke at %d (%s), want %d", br.Seq, br.Reason, tt.wantSeq)
				}
			})
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
