package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/store"
	"kintai/store/storetest"
)

func newPunch(staffID int64, key string, kind punch.Kind, at time.Time) punch.Punch {
	return punch.Punch{
		Input:      punch.Input{ClientKey: key, StaffID: staffID, Kind: kind, Method: punch.MethodFace},
		ReceivedAt: at, At: at, BusinessDay: kintai.DateOf(at, time.UTC),
	}
}

func TestPunchWriter(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, _, s := seed(t, db)
		w := db.NewPunchWriter(64)
		defer w.Close()
		actor := kintai.Actor{TerminalID: 0, StaffID: s.ID}
		rec := func(origin, key string, kind punch.Kind) store.PunchRecord {
			return store.PunchRecord{Origin: origin, Actor: actor, Punch: newPunch(s.ID, key, kind, t0.Add(9*time.Hour))}
		}

		res, err := w.Write(ctx, []store.PunchRecord{rec("terminal:1", "k1", punch.ClockIn)})
		if err != nil || res[0].Err != nil || res[0].Replayed || res[0].Punch.ID == 0 {
			t.Fatalf("first write = %+v, %v", res, err)
		}
		first := res[0].Punch.ID

		tests := []struct {
			name     string
			rec      store.PunchRecord
			replayed bool
			code     string
		}{
			{"same key, same content", rec("terminal:1", "k1", punch.ClockIn), true, ""},
			{"same key, other content", rec("terminal:1", "k1", punch.ClockOut), false, kintai.ECONFLICT},
			{"same key, other origin", rec("terminal:2", "k1", punch.ClockIn), false, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, err := w.Write(ctx, []store.PunchRecord{tt.rec})
				if err != nil {
					t.Fatal(err)
				}
				r := res[0]
				if kintai.ErrorCode(r.Err) != tt.code || r.Replayed != tt.replayed {
					t.Fatalf("Write() = replayed %v err %v, want replayed %v code %q", r.Replayed, r.Err, tt.replayed, tt.code)
				}
				if tt.replayed && r.Punch.ID != first {
					t.Errorf("replay returned punch %d, want the first, %d", r.Punch.ID, first)
				}
			})
		}
		rows, keys, err := db.PunchCounts(ctx)
		if err != nil || rows != 2 || keys != 2 {
			t.Errorf("PunchCounts() = %d rows, %d keys, %v; want 2 and 2", rows, keys, err)
		}

		// One punch that the database refuses (an unknown staff member)
		// fails alone; the others in its batch are stored.
		bad := rec("terminal:1", "bad", punch.ClockIn)
		bad.Punch.StaffID = 999999
		res, err = w.Write(ctx, []store.PunchRecord{rec("terminal:1", "g1", punch.ClockIn), bad, rec("terminal:1", "g2", punch.ClockOut)})
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Err != nil || res[2].Err != nil || res[1].Err == nil {
			t.Fatalf("mixed batch = %+v, want only the middle refused", res)
		}
		if rows, _, _ := db.PunchCounts(ctx); rows != 4 {
			t.Errorf("after the mixed batch %d rows, want 4", rows)
		}

		// The stored punch reads back as written.
		got, err := db.FindPunches(ctx, store.PunchFilter{StaffIDs: []int64{s.ID}, From: kintai.DateOf(t0, time.UTC), To: kintai.DateOf(t0, time.UTC)})
		if err != nil || len(got) != 4 {
			t.Fatalf("FindPunches = %d, %v", len(got), err)
		}
		if got[0].ClientKey == "" || got[0].Method != punch.MethodFace || !got[0].At.Equal(t0.Add(9*time.Hour)) || got[0].WorkLocation != punch.WorkOffice {
			t.Errorf("stored punch = %+v", got[0])
		}
		rep, err := db.VerifyAudit(ctx)
		if err != nil {
			t.Errorf("audit after punches: %v", err)
		}
		if rep.Entries < 4+4 {
			t.Errorf("audit has %d entries, want the seed's 4 and one per stored punch", rep.Entries)
		}
	})
}

// TestPunchWriterConcurrent sends many punches from many goroutines, each
// sent twice as a terminal retrying would, and checks each is stored once.
func TestPunchWriterConcurrent(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, _, s := seed(t, db)
		w := db.NewPunchWriter(128)
		const workers, each = 20, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*each*2)
		for g := 0; g < workers; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					r := store.PunchRecord{Origin: fmt.Sprintf("terminal:%d", g), Actor: kintai.Actor{StaffID: s.ID},
						Punch: newPunch(s.ID, fmt.Sprintf("k%d", i), punch.ClockIn, t0.Add(time.Duration(i)*time.Minute))}
					for try := 0; try < 2; try++ {
						res, err := w.Write(ctx, []store.PunchRecord{r})
						if err == nil {
							err = res[0].Err
						}
						if err != nil {
							errs <- err
						}
					}
				}
			}()
		}
		wg.Wait()
		w.Close()
		close(errs)
		for err := range errs {
			t.Errorf("write: %v", err)
		}
		rows, keys, err := db.PunchCounts(ctx)
		if err != nil || rows != workers*each || keys != workers*each {
			t.Errorf("PunchCounts() = %d rows, %d keys, %v; want %d each", rows, keys, err, workers*each)
		}
		if w.Batches.Load() >= int64(workers*each*2) {
			t.Errorf("%d transactions for %d writes: no grouping happened", w.Batches.Load(), workers*each*2)
		}
		if _, err := w.Write(ctx, nil); err != store.ErrWriterClosed {
			t.Errorf("Write after Close = %v, want ErrWriterClosed", err)
		}
	})
}

func TestPunchesAppendOnly(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, _, s := seed(t, db)
		w := db.NewPunchWriter(8)
		defer w.Close()
		if _, err := w.Write(ctx, []store.PunchRecord{{Origin: "staff:1", Punch: newPunch(s.ID, "a", punch.ClockIn, t0)}}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`UPDATE punches SET kind = 'clock_out'`, `DELETE FROM punches`} {
			if err := db.ExecForTest(ctx, q); err == nil {
				t.Errorf("%s succeeded; punches must be append-only", q)
			}
		}
	})
}
