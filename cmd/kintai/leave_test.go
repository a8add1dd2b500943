package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"kintai"
	"kintai/approval"
	"kintai/leave"
	"kintai/store"
	"kintai/store/storetest"
)

// TestLeaveGrantCommand grants a year on a demo database: every staff
// member in service gets the year once; a second run grants nothing.
func TestLeaveGrantCommand(t *testing.T) {
	path := storetest.NewSQLitePath(t)
	ctx := context.Background()
	db, err := store.Open(ctx, path, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		u := kintai.OrgUnit{Code: "A", Name: "総務課", Kind: kintai.Section}
		if err := tx.CreateOrgUnit(ctx, &u); err != nil {
			return err
		}
		s := kintai.Staff{StaffNo: "1", Name: "職員", Kana: "ショクイン", EmploymentType: kintai.Regular, AppointedOn: kintai.NewDate(2020, 4, 1), OrgUnitID: u.ID}
		err := tx.CreateStaff(ctx, &s)
		id = s.ID
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	type out struct{ Year, Granted, Carried, Skipped int }
	var first, second out
	runJSON(t, &first, "leave", "grant", "--year", "2030", "--db", path)
	runJSON(t, &second, "leave", "grant", "--year", "2030", "--db", path)
	if first != (out{2030, 1, 0, 0}) || second != (out{2030, 0, 0, 1}) {
		t.Errorf("runs = %+v then %+v, want 1 granted then 1 skipped", first, second)
	}
	db, err = store.Open(ctx, path, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	gs, err := db.FindLeaveGrants(ctx, id)
	if err != nil || len(gs) != 1 || gs[0].Amount != leave.DaysAmount(20) || gs[0].GrantedOn != kintai.NewDate(2030, 1, 1) {
		t.Errorf("grants = %+v, %v; want 20 days from 2030-01-01", gs, err)
	}
}

// TestDemoLeave checks that the small demo gives its staff member this
// year's annual leave and days carried from last year.
func TestDemoLeave(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.NewSQLitePath(t), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	today := kintai.DateOf(time.Now(), time.UTC)
	w, err := loadDemoWorld(ctx, db, "small", 1, today, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	sl, err := db.StaffLeave(ctx, w.staffIDs[w.m.StaffNo], today)
	if err != nil {
		t.Fatal(err)
	}
	an := sl.Balances[0]
	if an.Balance != leave.Annual || an.Granted.Days < 23 || an.Carried.IsZero() {
		t.Errorf("demo staff annual leave: granted %v carried %v, want the year's 20 days and some carried", an.Granted, an.Carried)
	}
}

// TestDemoRequests: the demo's staff member has requests waiting for the
// demo approver, and a holiday-work order with 代休 owes them a day.
func TestDemoRequests(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.NewSQLitePath(t), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	old := clock
	clock = func() time.Time { return time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) } // the next 休日 is 12/29
	t.Cleanup(func() { clock = old })
	accounts, err := loadDemo(ctx, db, "small", 1, time.UTC, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	no := map[string]string{}
	for _, a := range accounts {
		no[a.role] = a.staffNo
	}
	approver, err := db.FindStaffByNo(ctx, no["承認者 approver"])
	if err != nil {
		t.Fatal(err)
	}
	staff, err := db.FindStaffByNo(ctx, no["職員 staff"])
	if err != nil {
		t.Fatal(err)
	}
	waiting, err := db.FindRequests(ctx, store.RequestFilter{InboxOf: approver.ID})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[approval.Kind]int{}
	for _, r := range waiting {
		if r.StaffID == staff.ID && r.Status == approval.StatusPending {
			kinds[r.Kind]++
		}
	}
	if kinds[approval.KindLeave] != 2 || kinds[approval.KindTelework] != 1 {
		t.Errorf("requests waiting for the demo approver from the demo staff member = %v, want 2 leave and 1 telework", kinds)
	}
	// Owed from the holiday on.
	sl, err := db.StaffLeave(ctx, staff.ID, kintai.NewDate(2026, 12, 29))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range sl.Balances {
		if b.Balance == leave.Compensatory && (b.Granted != leave.DaysAmount(1) || len(b.Lots) != 1 || !strings.Contains(b.Lots[0].Grant.Note, "12月29日の休日勤務")) {
			t.Errorf("demo 代休 = %+v, want 1 day owed for 12/29", b)
		}
	}
}
