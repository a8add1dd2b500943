package app

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"kintai"
	"kintai/mail"
	"kintai/store"
	"kintai/web"
)

// MailConfig turns on notification emails (通知メール): off by default.
type MailConfig struct {
	mail.Config
	// BaseURL is the server's address as staff reach it
	// ("https://kintai.city.example.lg.jp"), for the link in each email;
	// empty: the email says to sign in instead.
	BaseURL string
	// Interval is how often the outbox is looked at (default 10 s).
	Interval time.Duration
}

// Mail sending limits.
const (
	mailBatch       = 50               // emails claimed at once
	mailLease       = 10 * time.Minute // a claimed email waits this long for its sender
	mailMaxAttempts = 12               // about a day and a half of retries
	mailMaxBackoff  = 6 * time.Hour
	mailKeep        = 30 * 24 * time.Hour // sent and given-up emails are deleted after this
)

// mailer sends the mail outbox.
type mailer struct {
	cfg    MailConfig
	sent   atomic.Int64
	failed atomic.Int64
	gaveUp atomic.Int64
}

// mailBackoff is the wait after a failed attempt n (1, 2, …): a minute,
// doubling up to mailMaxBackoff.
func mailBackoff(n int) time.Duration {
	d := time.Minute << min(n-1, 20)
	return min(d, mailMaxBackoff)
}

// startMail starts the mail loop when mail is configured (New has
// validated the configuration).
func (a *App) startMail() {
	if a.cfg.Mail == nil {
		return
	}
	c := *a.cfg.Mail
	if c.Interval == 0 {
		c.Interval = 10 * time.Second
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	a.mailer = &mailer{cfg: c}
	a.db.SetMail(true)
	for _, g := range []struct {
		name, help string
		n          *atomic.Int64
	}{
		{"kintai_mail_sent_total", "Notification emails sent since start.", &a.mailer.sent},
		{"kintai_mail_failures_total", "Failed attempts at sending notification emails since start (retried).", &a.mailer.failed},
		{"kintai_mail_given_up_total", "Notification emails given up since start.", &a.mailer.gaveUp},
	} {
		a.metrics.AddGauge(web.Gauge{Name: g.name, Help: g.help, Value: func() float64 { return float64(g.n.Load()) }})
	}
	a.goBackground(a.mailLoop)
}

func (a *App) mailLoop(stop <-chan struct{}) {
	t := time.NewTicker(a.mailer.cfg.Interval)
	defer t.Stop()
	// ctx ends a send in progress when the app stops.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-stop; cancel() }()
	var purged kintai.Date
	for {
		if _, err := a.sendMail(ctx); err != nil && ctx.Err() == nil {
			slog.Error("mail outbox", "err", err)
		}
		if today := a.today(); today != purged {
			if err := a.purgeMail(ctx); err != nil {
				slog.Error("mail purge", "err", err)
			} else {
				purged = today
			}
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// sendMail sends the emails due, in batches until none is left, and
// returns how many were sent.
func (a *App) sendMail(ctx context.Context) (int, error) {
	sent := 0
	for {
		var batch []store.OutgoingMail
		err := a.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) (err error) {
			batch, err = tx.ClaimMail(ctx, mailBatch, mailLease)
			return err
		})
		if err != nil || len(batch) == 0 {
			return sent, err
		}
		for _, m := range batch {
			if ctx.Err() != nil {
				return sent, ctx.Err() // the lease runs out and another try sends it
			}
			err := a.sendOne(ctx, m)
			if err := a.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
				if err == nil {
					return tx.MailSent(ctx, m.ID)
				}
				var retry time.Time
				if !permanent(err) && m.Attempts < mailMaxAttempts {
					retry = tx.Now.Add(mailBackoff(m.Attempts))
				}
				return tx.MailFailed(ctx, m.ID, err, retry)
			}); err != nil {
				return sent, err
			}
			switch {
			case err == nil:
				sent++
				a.mailer.sent.Add(1)
			case permanent(err) || m.Attempts >= mailMaxAttempts:
				a.mailer.gaveUp.Add(1)
				slog.Warn("notification email given up", "outbox_id", m.ID, "attempts", m.Attempts, "err", err)
			default:
				a.mailer.failed.Add(1)
				slog.Warn("notification email failed; will retry", "outbox_id", m.ID, "attempts", m.Attempts, "err", err)
			}
		}
	}
}

func (a *App) sendOne(ctx context.Context, m store.OutgoingMail) error {
	msg, err := mail.Compose(a.mailer.cfg.From, notificationMail(m, a.mailer.cfg.BaseURL), a.cfg.Now())
	if err != nil {
		return &permanentError{err}
	}
	return mail.Send(ctx, a.mailer.cfg.Config, m.To, msg)
}

// permanentError is a message that cannot be composed (a stored address
// net/mail refuses): retrying will not help.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// permanent reports whether retrying the email that failed with err is
// pointless.
func permanent(err error) bool {
	var pe *permanentError
	return errors.As(err, &pe) || mail.Permanent(err)
}

func (a *App) purgeMail(ctx context.Context) error {
	return a.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		_, err := tx.PurgeMail(ctx, tx.Now.Add(-mailKeep))
		return err
	})
}

// notificationMail is the email of a notification: the Japanese message
// as the subject, both messages and a link to the page in the body.
func notificationMail(m store.OutgoingMail, baseURL string) mail.Message {
	var b strings.Builder
	b.WriteString(m.Message + "\n")
	if m.MessageEN != "" {
		b.WriteString(m.MessageEN + "\n")
	}
	b.WriteString("\n")
	if baseURL != "" {
		b.WriteString("開く Open: " + baseURL + m.Path() + "\n")
	} else {
		b.WriteString("kintai にサインインして通知をご確認ください。\nSign in to kintai to see it.\n")
	}
	b.WriteString("\n-- \nこのメールは勤怠管理システム kintai が自動で送信しています。返信には対応していません。\n" +
		"This email was sent automatically by kintai; replies are not read.\n")
	return mail.Message{To: m.To, Subject: "【勤怠】" + m.Message, Body: b.String()}
}
