package mail_test

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"io"
	"mime"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"kintai/mail"
	"kintai/mail/mailtest"
)

var date = time.Date(2026, 12, 7, 9, 30, 0, 0, time.FixedZone("JST", 9*3600))

// decode reads a composed message back the way a mail client would.
func decode(t *testing.T, raw string) (h netmail.Header, subject, body string) {
	t.Helper()
	m, err := netmail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("ReadMessage: %v", err)
	}
	subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject: %v", err)
	}
	b, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	return m.Header, subject, string(b)
}

func TestCompose(t *testing.T) {
	long := strings.Repeat("承認待ちの申請があります。", 20) + "\n"
	raw, err := mail.Compose("勤怠システム <kintai@city.example.lg.jp>", mail.Message{
		To: "hanako@city.example.lg.jp", Subject: "【勤怠】年次休暇の申請 #12 が承認されました", Body: "一行目\n" + long + "https://kintai.example/requests#request-12\n"}, date)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(raw), "\r\n"), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d is %d bytes, more than RFC 5322 allows", i, len(line))
		}
		for _, r := range line {
			if r > 127 {
				t.Fatalf("line %d holds non-ASCII %q: headers and body must be encoded", i, line)
			}
		}
	}
	h, subject, body := decode(t, string(raw))
	if subject != "【勤怠】年次休暇の申請 #12 が承認されました" {
		t.Errorf("subject = %q", subject)
	}
	if want := "一行目\r\n" + strings.ReplaceAll(long, "\n", "\r\n") + "https://kintai.example/requests#request-12\r\n"; body != want {
		t.Errorf("body = %q, want %q", body, want)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "勤怠システム" || from[0].Address != "kintai@city.example.lg.jp" {
		t.Errorf("From = %v, %v", from, err)
	}
	if got, _ := h.Date(); !got.Equal(date) {
		t.Errorf("Date = %v, want %v", got, date)
	}
	if id := h.Get("Message-ID"); !strings.HasSuffix(id, "@city.example.lg.jp>") {
		t.Errorf("Message-ID = %q", id)
	}
	if h.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", h.Get("Auto-Submitted"))
	}

	for name, m := range map[string]mail.Message{
		"header injection": {To: "a@example.jp", Subject: "x\r\nBcc: evil@example.com"},
		"bad recipient":    {To: "not an address", Subject: "x"},
	} {
		if _, err := mail.Compose("kintai@example.jp", m, date); err == nil {
			t.Errorf("Compose(%s) = nil error, want a refusal", name)
		}
	}
}

func TestSend(t *testing.T) {
	ctx := context.Background()
	msg := func(t *testing.T) []byte {
		raw, err := mail.Compose("kintai@city.example.lg.jp", mail.Message{To: "taro@city.example.lg.jp", Subject: "テスト", Body: "本文\n.leading dot\n"}, date)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	t.Run("plain", func(t *testing.T) {
		relay := mailtest.Start(t, mailtest.Options{})
		c := mail.Config{Addr: relay.Addr, From: "kintai@city.example.lg.jp", Security: mail.Plain}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		if err := mail.Send(ctx, c, "taro@city.example.lg.jp", msg(t)); err != nil {
			t.Fatal(err)
		}
		got := relay.Received()
		if len(got) != 1 || got[0].From != "kintai@city.example.lg.jp" || len(got[0].To) != 1 || got[0].To[0] != "taro@city.example.lg.jp" || got[0].TLS {
			t.Fatalf("received %+v", got)
		}
		if _, _, body := decode(t, got[0].Data); body != "本文\r\n.leading dot\r\n" {
			t.Errorf("body = %q", body)
		}
	})
	t.Run("starttls and auth", func(t *testing.T) {
		relay := mailtest.Start(t, mailtest.Options{StartTLS: true, Users: map[string]string{"kintai": "s3cret"}})
		c := mail.Config{Addr: relay.Addr, From: "kintai@city.example.lg.jp", Username: "kintai", Password: "s3cret", TLS: &tls.Config{RootCAs: relay.RootCAs}}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		if c.Security != mail.StartTLS {
			t.Errorf("default security = %q, want starttls", c.Security)
		}
		if err := mail.Send(ctx, c, "taro@city.example.lg.jp", msg(t)); err != nil {
			t.Fatal(err)
		}
		if got := relay.Received(); len(got) != 1 || !got[0].TLS || got[0].User != "kintai" {
			t.Fatalf("received %+v, want one message over TLS from user kintai", got)
		}
		c.Password = "wrong"
		if err := mail.Send(ctx, c, "taro@city.example.lg.jp", msg(t)); err == nil || mail.Permanent(err) {
			t.Errorf("Send with a wrong password = %v, want an AUTH error that is retried (the configuration's fault, not the message's)", err)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		relay := mailtest.Start(t, mailtest.Options{StartTLS: true})
		c := mail.Config{Addr: relay.Addr, From: "kintai@city.example.lg.jp"}
		c.Validate()
		if err := mail.Send(ctx, c, "taro@city.example.lg.jp", msg(t)); err == nil {
			t.Error("Send to a relay with an untrusted certificate succeeded")
		}
		if len(relay.Received()) != 0 {
			t.Error("the relay got a message over an unverified connection")
		}
	})
	t.Run("refusals", func(t *testing.T) {
		relay := mailtest.Start(t, mailtest.Options{})
		relay.Reject("gone@city.example.lg.jp", 550)
		relay.Reject("full@city.example.lg.jp", 452)
		c := mail.Config{Addr: relay.Addr, From: "kintai@city.example.lg.jp", Security: mail.Plain}
		c.Validate()
		if err := mail.Send(ctx, c, "gone@city.example.lg.jp", msg(t)); err == nil || !mail.Permanent(err) {
			t.Errorf("Send to an unknown recipient = %v, want a permanent error", err)
		}
		if err := mail.Send(ctx, c, "full@city.example.lg.jp", msg(t)); err == nil || mail.Permanent(err) {
			t.Errorf("Send to a full mailbox = %v, want a temporary error", err)
		}
		relay.Close()
		if err := mail.Send(ctx, c, "taro@city.example.lg.jp", msg(t)); err == nil || mail.Permanent(err) {
			t.Errorf("Send to a relay that is down = %v, want a temporary error", err)
		}
	})
}

func TestConfigValidate(t *testing.T) {
	for name, c := range map[string]mail.Config{
		"no port":           {Addr: "mail.example.jp", From: "kintai@example.jp"},
		"bad sender":        {Addr: "mail.example.jp:25", From: "kintai"},
		"bad security":      {Addr: "mail.example.jp:25", From: "kintai@example.jp", Security: "ssl"},
		"password, no user": {Addr: "mail.example.jp:25", From: "kintai@example.jp", Password: "x"},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("Validate(%s) = nil, want an error", name)
		}
	}
}
