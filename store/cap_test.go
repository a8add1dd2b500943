package store_test

import (
	"context"
	"testing"

	"kintai"
	"kintai/rules"
	"kintai/store"
	"kintai/store/storetest"
)

func TestCapAssignments(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		dept, sect, _, s := seed(t, db)
		d := kintai.NewDate
		var dep store.CapAssignment
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			dep = store.CapAssignment{OrgUnitID: dept.ID, Profile: rules.CapHeteronomous, ValidFrom: d(2026, 4, 15)}
			if err := tx.SetCapAssignment(ctx, &dep); err != nil {
				return err
			}
			return tx.SetCapAssignment(ctx, &store.CapAssignment{OrgUnitID: sect.ID, Profile: rules.CapLabor36,
				ValidFrom: d(2026, 10, 1), ValidTo: d(2026, 12, 10)})
		})
		if dep.ValidFrom != d(2026, 4, 1) {
			t.Errorf("SetCapAssignment from 4/15 stored from %v, want the first of the month", dep.ValidFrom)
		}
		list, err := db.FindCapAssignments(ctx)
		if err != nil || len(list) != 2 || list[1].ValidTo != d(2026, 12, 31) {
			t.Fatalf("FindCapAssignments = %+v, %v; want 2, the second to the end of December", list, err)
		}
		tree, err := db.OrgTree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		caps := store.NewCapProfiles(tree, list)
		for _, tt := range []struct {
			unit int64
			day  kintai.Date
			want rules.CapProfile
		}{
			{sect.ID, d(2026, 3, 31), rules.CapAutonomous},   // before any
			{sect.ID, d(2026, 5, 1), rules.CapHeteronomous},  // inherited from the department
			{sect.ID, d(2026, 11, 1), rules.CapLabor36},      // its own
			{dept.ID, d(2026, 11, 1), rules.CapHeteronomous}, // the department keeps its own
			{sect.ID, d(2027, 1, 1), rules.CapHeteronomous},  // its own has ended
		} {
			if got := caps.On(tt.unit, tt.day); got != tt.want {
				t.Errorf("On(%d, %v) = %s, want %s", tt.unit, tt.day, got, tt.want)
			}
		}
		err = systemErr(db, func(ctx context.Context, tx *store.Tx) error {
			return tx.SetCapAssignment(ctx, &store.CapAssignment{OrgUnitID: sect.ID, Profile: "lax", ValidFrom: d(2026, 4, 1)})
		})
		if kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("SetCapAssignment(lax) = %v, want invalid", err)
		}
		system(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteCapAssignment(ctx, dep.ID) })
		if list, _ := db.FindCapAssignments(ctx); len(list) != 1 {
			t.Errorf("after DeleteCapAssignment, %d assignments, want 1", len(list))
		}
		if err := systemErr(db, func(ctx context.Context, tx *store.Tx) error { return tx.DeleteCapAssignment(ctx, dep.ID) }); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("DeleteCapAssignment twice = %v, want not_found", err)
		}

		// 特例業務 months.
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.SetSpecialMonth(ctx, &store.SpecialMonth{StaffID: s.ID, Month: d(2026, 9, 20), Reason: "台風対応"}, true)
		})
		months, err := db.FindSpecialMonths(ctx, s.ID)
		if err != nil || len(months) != 1 || months[0].Month != d(2026, 9, 1) || months[0].Reason != "台風対応" {
			t.Errorf("FindSpecialMonths = %+v, %v; want September for 台風対応", months, err)
		}
		if err := systemErr(db, func(ctx context.Context, tx *store.Tx) error {
			return tx.SetSpecialMonth(ctx, &store.SpecialMonth{StaffID: s.ID, Month: d(2026, 10, 1)}, true)
		}); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("SetSpecialMonth without a reason = %v, want invalid", err)
		}
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.SetSpecialMonth(ctx, &store.SpecialMonth{StaffID: s.ID, Month: d(2026, 9, 1)}, false)
		})
		if months, _ := db.FindSpecialMonths(ctx, s.ID); len(months) != 0 {
			t.Errorf("after unmarking, special months = %+v", months)
		}
	})
}
