package app

import (
	"context"
	"net/http"
	"testing"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/store"
)

// TestCacheRemoteChange revokes the fixture's terminal the way another
// server sharing the database would (straight through the store, so this
// server's caches are not told) and checks the revocation takes effect
// within a few master-version polls, not at the cache expiry.
func TestCacheRemoteChange(t *testing.T) {
	f := newFixture(t, store.SQLite)
	dev := f.as("device")
	staff := f.staff["staff"]
	if status, got := dev.punch(t, cardPunch("r-1", staff.ID, punch.ClockIn, nil)); status != http.StatusCreated {
		t.Fatalf("punch before revoking = %d %+v, want 201", status, got)
	}
	ctx := context.Background()
	before, err := f.db.MasterVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	id := f.terminalID(t)
	if err := f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error { return tx.RevokeTerminal(ctx, id) }); err != nil {
		t.Fatal(err)
	}
	if after, err := f.db.MasterVersion(ctx); err != nil || after != before+1 {
		t.Fatalf("master version after revoking = %d, %v; want %d", after, err, before+1)
	}
	deadline := time.Now().Add(5 * masterPoll)
	for i := 2; ; i++ {
		status, got := dev.punch(t, cardPunch("r-"+string(rune('0'+i)), staff.ID, punch.ClockOut, nil))
		if status == http.StatusUnauthorized {
			break
		}
		if status != http.StatusCreated {
			t.Fatalf("punch while the revocation propagates = %d %+v", status, got)
		}
		if time.Now().After(deadline) {
			t.Fatalf("a terminal revoked through another server still punches after %v", 5*masterPoll)
		}
		time.Sleep(masterPoll / 10)
	}
}

// TestCacheLocalChange ends a staff member's appointment straight through
// the store, as any code path of this server might, and checks that the
// very next punch sees it: a commit that changes cached master data
// clears this server's caches itself, without waiting for a poll.
func TestCacheLocalChange(t *testing.T) {
	f := newFixture(t, store.SQLite)
	dev := f.as("device")
	staff := f.staff["staff"]
	if status, got := dev.punch(t, cardPunch("l-1", staff.ID, punch.ClockIn, nil)); status != http.StatusCreated {
		t.Fatalf("punch before the change = %d %+v, want 201", status, got)
	}
	ctx := context.Background()
	err := f.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		s, err := tx.FindStaffByID(ctx, staff.ID)
		if err != nil {
			return err
		}
		s.AppointmentEndsOn = kintai.NewDate(2026, 5, 31) // the fixture clock is 2026-06-01
		_, err = tx.UpdateStaff(ctx, s)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	status, got := dev.punch(t, cardPunch("l-2", staff.ID, punch.ClockOut, nil))
	if status < 400 || status >= 500 || got.Error == nil || got.Error.Reason != "outside_appointment" {
		t.Fatalf("punch right after the appointment ended = %d %+v, want a refusal for outside_appointment", status, got)
	}
}

// TestGenCache checks that a value read before a clear is not kept after it.
func TestGenCache(t *testing.T) {
	var c genCache[string, int]
	gen := c.generation()
	c.put("a", 1, gen)
	if v, ok := c.get("a"); !ok || v != 1 {
		t.Fatalf("get(a) = %d, %v; want 1, true", v, ok)
	}
	stale := c.generation()
	c.clear()
	if _, ok := c.get("a"); ok {
		t.Fatal("get(a) after clear found a value")
	}
	c.put("a", 2, stale) // read before the clear, put after it
	if v, ok := c.get("a"); ok {
		t.Errorf("get(a) = %d after a put of a value read before the clear; want nothing", v)
	}
	c.put("a", 3, c.generation())
	if v, ok := c.get("a"); !ok || v != 3 {
		t.Errorf("get(a) = %d, %v; want 3, true", v, ok)
	}
}
