package store_test

import (
	"context"
	"testing"

	"kintai"
	"kintai/leave"
	"kintai/store"
	"kintai/store/storetest"
)

func TestLeaveConfig(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c, err := db.FindLeaveConfig(ctx)
		if err != nil || !c.UpdatedAt.IsZero() || len(c.Types) != len(leave.DefaultTypes()) {
			t.Fatalf("FindLeaveConfig = %d types, %v, %v; want the defaults", len(c.Types), c.UpdatedAt, err)
		}
		save := func(c store.LeaveConfig) error {
			return db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error { return tx.SaveLeaveConfig(ctx, &c) })
		}
		// Two annual leave types: refused.
		two := c
		two.Types = append(append([]leave.Type{}, c.Types...), leave.Type{Code: "annual2", Name: "年休2", Category: leave.Annual, Units: []leave.Unit{leave.UnitDay}, Paid: true})
		if err := save(two); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("SaveLeaveConfig with two annual types = %v, want invalid", err)
		}
		// An unpaid special leave of the entity's own, and the summer
		// leave made unpaid for part-timers.
		own := c
		own.Types = append([]leave.Type{}, c.Types...)
		for i := range own.Types {
			if own.Types[i].Code == leave.CodeSummer {
				own.Types[i].UnpaidFor = []kintai.EmploymentType{kintai.FiscalPart}
			}
		}
		own.Types = append(own.Types, leave.Type{Code: "union", Name: "組合休暇", Category: leave.OtherLeave, Units: []leave.Unit{leave.UnitDay, leave.UnitHour}})
		own.Settings.CarryMaxDays = 15
		if err := save(own); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindLeaveConfig(ctx)
		if err != nil {
			t.Fatal(err)
		}
		u, ok := got.Type("union")
		s, _ := got.Type(leave.CodeSummer)
		if !ok || u.Paid || got.Settings.CarryMaxDays != 15 || got.Settings.DayMin != 465 || s.PaidFor(kintai.FiscalPart) || got.UpdatedAt.IsZero() {
			t.Errorf("after saving: union %+v (%v), summer paid for part-timers %v, settings %+v", u, ok, s.PaidFor(kintai.FiscalPart), got.Settings)
		}
		// Removing the entity's own unused type is fine; a built-in one is not.
		if err := save(c); err != nil {
			t.Errorf("SaveLeaveConfig removing an unused type of the entity's = %v", err)
		}
		if err := save(store.LeaveConfig{Settings: c.Settings, Types: c.Types[:3]}); kintai.ErrorCode(err) != kintai.EINVALID {
			t.Errorf("SaveLeaveConfig removing built-in types = %v, want invalid", err)
		}
	})
}
