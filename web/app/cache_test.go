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
