package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/store"
	"kintai/store/storetest"
)

// TestPunchWriterBatch stores one batch larger than a statement, with keys
// stored before and keys repeated within the batch.
func TestPunchWriterBatch(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, _, s := seed(t, db)
		w := db.NewPunchWriter(1000)
		defer w.Close()
		rec := func(i int, kind punch.Kind) store.PunchRecord {
			return store.PunchRecord{Origin: "terminal:1", Actor: kintai.Actor{StaffID: s.ID},
				Punch: newPunch(s.ID, fmt.Sprintf("k%d", i), kind, t0.Add(time.Duration(i)*time.Second))}
		}
		before, err := w.Write(ctx, []store.PunchRecord{rec(0, punch.ClockIn)})
		if err != nil || before[0].Err != nil {
			t.Fatalf("first write = %+v, %v", before, err)
		}
		const n = 300 // statements of 128, 128, 32, 8 and 4 rows
		var recs []store.PunchRecord
		for i := range n {
			recs = append(recs, rec(i, punch.ClockIn))
		}
		recs = append(recs, rec(5, punch.ClockIn), rec(6, punch.ClockOut))
		res, err := w.Write(ctx, recs)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != len(recs) {
			t.Fatalf("Write(%d records) = %d results", len(recs), len(res))
		}
		if !res[0].Replayed || res[0].Punch.ID != before[0].Punch.ID {
			t.Errorf("key stored before = %+v, want a replay of punch %d", res[0], before[0].Punch.ID)
		}
		ids := map[int64]bool{}
		for i := 1; i < n; i++ {
			r := res[i]
			if r.Err != nil || r.Replayed || r.Punch.ClientKey != recs[i].Punch.ClientKey || ids[r.Punch.ID] {
				t.Fatalf("record %d = %+v, want a new punch with key %s", i, r, recs[i].Punch.ClientKey)
			}
			ids[r.Punch.ID] = true
			if i%37 == 0 {
				got, err := db.FindPunchByID(ctx, r.Punch.ID)
				if err != nil || got.ClientKey != recs[i].Punch.ClientKey {
					t.Errorf("FindPunchByID(%d) = %v, %v; want key %s", r.Punch.ID, got, err, recs[i].Punch.ClientKey)
				}
			}
		}
		if r := res[n]; !r.Replayed || r.Punch.ID != res[5].Punch.ID {
			t.Errorf("key repeated in the batch = %+v, want a replay of punch %d", r, res[5].Punch.ID)
		}
		if r := res[n+1]; kintai.ErrorCode(r.Err) != kintai.ECONFLICT {
			t.Errorf("key repeated in the batch with other content = %+v, want a conflict", r)
		}
		rows, keys, err := db.PunchCounts(ctx)
		if err != nil || rows != n || keys != n {
			t.Errorf("PunchCounts() = %d rows, %d keys, %v; want %d each", rows, keys, err, n)
		}
		rep, err := db.VerifyAudit(ctx)
		if err != nil {
			t.Errorf("VerifyAudit() = %v", err)
		}
		if rep.Entries != 4+n { // the seed's 4 and one per punch
			t.Errorf("audit has %d entries, want %d", rep.Entries, 4+n)
		}
	})
}
