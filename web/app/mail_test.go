package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net/http"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"kintai"
	"kintai/mail"
	"kintai/mail/mailtest"
	"kintai/store"
)

// TestNotificationMail: with SMTP configured, a notification for someone
// with an address reaches the relay with its link; a relay that refuses
// for now is retried after the backoff, one that refuses for good is
// given up; someone without an address gets the in-app notification only.
func TestNotificationMail(t *testing.T) {
	relay := mailtest.Start(t, mailtest.Options{})
	f := newFixture(t, store.SQLite, func(c *Config) {
		c.Mail = &MailConfig{Config: mail.Config{Addr: relay.Addr, From: "勤怠 <kintai@city.example.lg.jp>", Security: mail.Plain},
			BaseURL: "https://kintai.city.example.lg.jp/", Interval: 10 * time.Millisecond}
	})
	setEmail := func(key, addr string) {
		t.Helper()
		err := f.db.WithTx(context.Background(), kintai.Actor{System: true}, func(tx *store.Tx) error {
			s := *f.staff[key]
			s.Email = addr
			_, err := tx.UpdateStaff(context.Background(), &s)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	setEmail("approver", "approver@city.example.lg.jp")
	staff, approver := f.as("staff"), f.as("approver")
	submit := func(day int) int64 {
		t.Helper()
		resp, body := staff.json("POST", "/api/v1/requests", teleworkBody(day))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST /api/v1/requests = %d %v", resp.StatusCode, body)
		}
		return int64(body["id"].(float64))
	}
	approve := func(id int64) {
		t.Helper()
		if resp, body := approver.json("POST", fmt.Sprintf("/api/v1/requests/%d/decision", id), map[string]any{"action": "approve"}); resp.StatusCode != http.StatusOK {
			t.Fatalf("approve %d = %d %v", id, resp.StatusCode, body)
		}
	}
	waitStats := func(want store.MailStats) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			got, err := f.db.MailStats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("MailStats = %+v, want %+v", got, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	id := submit(10)
	got := relay.Wait(t, 1, 10*time.Second)
	if got[0].From != "kintai@city.example.lg.jp" || len(got[0].To) != 1 || got[0].To[0] != "approver@city.example.lg.jp" {
		t.Fatalf("relay got %+v, want one email from kintai to the approver", got[0])
	}
	m, err := netmail.ReadMessage(strings.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	raw, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
	body := string(raw)
	if !strings.HasPrefix(subject, "【勤怠】") || !strings.Contains(subject, "承認") {
		t.Errorf("subject = %q, want 【勤怠】 and the waiting message", subject)
	}
	if link := fmt.Sprintf("https://kintai.city.example.lg.jp/approvals#inbox-%d\r\n", id); !strings.Contains(body, link) {
		t.Errorf("body = %q, want the link %q", body, link)
	}
	if !strings.Contains(body, "request") {
		t.Errorf("body = %q, want the English message too", body)
	}
	waitStats(store.MailStats{Sent: 1})

	// The staff member has no address: approving sends nothing.
	approve(id)
	waitStats(store.MailStats{Sent: 1})

	// A mailbox full for now (452): retried after a minute.
	setEmail("staff", "staff@city.example.lg.jp")
	relay.Reject("staff@city.example.lg.jp", 452)
	approve(submit(11))
	deadline := time.Now().Add(10 * time.Second)
	for f.app.mailer.failed.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := f.app.mailer.failed.Load(); n != 1 {
		t.Fatalf("failed attempts = %d, want 1", n)
	}
	relay.Reject("staff@city.example.lg.jp", 0)
	time.Sleep(50 * time.Millisecond)
	if n := len(relay.Received()); n != 2 { // the approver's waiting email of the new request
		t.Errorf("before the backoff, relay has %d emails, want 2", n)
	}
	f.clock.Advance(time.Minute + time.Second)
	relay.Wait(t, 3, 10*time.Second)
	waitStats(store.MailStats{Sent: 3})

	// An unknown recipient (550): given up at once.
	relay.Reject("staff@city.example.lg.jp", 550)
	approve(submit(12))
	waitStats(store.MailStats{Sent: 4, GaveUp: 1})
	if n := f.app.mailer.gaveUp.Load(); n != 1 {
		t.Errorf("given up = %d, want 1", n)
	}
	// The in-app notifications are there all the same.
	if ns, err := f.db.FindNotifications(context.Background(), f.staff["staff"].ID, false); err != nil || len(ns) != 3 {
		t.Errorf("staff notifications = %d, %v, want 3 approvals", len(ns), err)
	}
}

func TestMailBackoff(t *testing.T) {
	for _, tt := range []struct {
		attempt int
		want    time.Duration
	}{{1, time.Minute}, {2, 2 * time.Minute}, {5, 16 * time.Minute}, {9, 256 * time.Minute}, {10, 6 * time.Hour}, {40, 6 * time.Hour}} {
		if got := mailBackoff(tt.attempt); got != tt.want {
			t.Errorf("mailBackoff(%d) = %s, want %s", tt.attempt, got, tt.want)
		}
	}
}

func TestMailConfigRefused(t *testing.T) {
	db := newFixture(t, store.SQLite).db
	_, err := New(Config{DB: db, Loc: mustTokyo(t), Now: time.Now, Mail: &MailConfig{Config: mail.Config{Addr: "mail.example.jp", From: "kintai@example.jp"}}})
	if err == nil || !strings.Contains(err.Error(), "host:port") {
		t.Errorf("New with an SMTP address without a port = %v, want a host:port error", err)
	}
}
