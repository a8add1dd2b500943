package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"kintai/approval"
	"kintai/store"
	"kintai/store/storetest"
)

func TestMailOutbox(t *testing.T) {
	clock := storetest.NewClock(t0)
	storetest.Each(t, clock.Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		o := seedRequestOrg(t, db)
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			for id, addr := range map[int64]string{o.leader: "leader@city.example.lg.jp", o.applicant: "applicant@city.example.lg.jp"} {
				s, err := tx.FindStaffByID(ctx, id)
				if err != nil {
					return err
				}
				s.Email = addr
				if _, err := tx.UpdateStaff(ctx, s); err != nil {
					return err
				}
			}
			return nil
		})
		applicant, leader := actorOf(t, db, o.applicant), actorOf(t, db, o.leader)
		claim := func(want int) []store.OutgoingMail {
			t.Helper()
			var got []store.OutgoingMail
			system(t, db, func(ctx context.Context, tx *store.Tx) (err error) {
				got, err = tx.ClaimMail(ctx, 10, 10*time.Minute)
				return err
			})
			if len(got) != want {
				t.Fatalf("ClaimMail = %d emails %+v, want %d", len(got), got, want)
			}
			return got
		}
		stats := func(want store.MailStats) {
			t.Helper()
			if got, err := db.MailStats(ctx); err != nil || got != want {
				t.Errorf("MailStats = %+v, %v, want %+v", got, err, want)
			}
		}

		// Off (the default): the in-app notification only.
		create(t, db, applicant, telework(teleworkDay))
		claim(0)
		stats(store.MailStats{})

		db.SetMail(true)
		req := create(t, db, applicant, telework(teleworkDay.AddDays(1)))
		m := claim(1)[0]
		if m.To != "leader@city.example.lg.jp" || m.StaffID != o.leader || m.Kind != store.NotifyWaiting || m.RequestID != req.ID || m.Attempts != 1 || m.Message == "" || m.MessageEN == "" {
			t.Errorf("claimed %+v, want the 係長's waiting notification of request %d, first attempt", m, req.ID)
		}
		if want := "/approvals#inbox-" + itoa(req.ID); m.Path() != want {
			t.Errorf("Path = %q, want %q", m.Path(), want)
		}
		// Claimed: another sender does not get it while the lease runs.
		claim(0)
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.MailFailed(ctx, m.ID, errors.New("dial tcp: connection refused"), tx.Now.Add(time.Minute))
		})
		clock.Advance(30 * time.Second)
		claim(0)
		clock.Advance(31 * time.Second)
		again := claim(1)[0]
		if again.ID != m.ID || again.Attempts != 2 {
			t.Errorf("retry = %+v, want email %d at attempt 2", again, m.ID)
		}
		system(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.MailSent(ctx, m.ID) })
		clock.Advance(11 * time.Minute)
		claim(0)
		stats(store.MailStats{Sent: 1})

		// A lease that runs out (the sender died) makes it due again.
		if _, _, err := decide(db, leader, req.ID, approval.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
		dead := claim(1)[0]
		if dead.To != "applicant@city.example.lg.jp" || dead.Kind != store.NotifyApproved {
			t.Errorf("claimed %+v, want the applicant's approval", dead)
		}
		clock.Advance(10*time.Minute + time.Second)
		if again := claim(1)[0]; again.ID != dead.ID || again.Attempts != 2 {
			t.Errorf("after the lease, claimed %+v, want email %d at attempt 2", again, dead.ID)
		}
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			return tx.MailFailed(ctx, dead.ID, errors.New("RCPT TO: 550 no such user"), time.Time{})
		})
		clock.Advance(time.Hour)
		claim(0)
		stats(store.MailStats{Sent: 1, GaveUp: 1})

		// No address, no email: the deputy asks, the 係長 has one.
		deputy := actorOf(t, db, o.deputy)
		r2 := create(t, db, deputy, telework(teleworkDay.AddDays(2)))
		if _, _, err := decide(db, leader, r2.ID, approval.ActionApprove, ""); err != nil {
			t.Fatal(err)
		}
		if got := claim(1); got[0].To != "leader@city.example.lg.jp" {
			t.Errorf("claimed %+v, want only the 係長's waiting email", got)
		}

		// Sent and given-up emails go after mailKeep; queued ones stay.
		clock.Advance(31 * 24 * time.Hour)
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			n, err := tx.PurgeMail(ctx, tx.Now.Add(-30*24*time.Hour))
			if n != 2 {
				t.Errorf("PurgeMail = %d, want 2 (one sent, one given up)", n)
			}
			return err
		})
		stats(store.MailStats{Queued: 1})
		db.SetMail(false)
	})
}
