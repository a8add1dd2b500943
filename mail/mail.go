// Package mail sends kintai's notification emails over SMTP: it composes
// a plain-text UTF-8 message (RFC 5322, with RFC 2047 encoded headers) and
// delivers it to the entity's mail relay, inside LGWAN as a rule, with
// STARTTLS when the relay offers it.
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	netmail "net/mail"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"
)

// Security is how the connection to the relay is protected.
type Security string

// Security modes.
const (
	// StartTLS upgrades the connection when the relay offers STARTTLS
	// and refuses to send a password over a connection it could not
	// upgrade (the default; port 25 or 587).
	StartTLS Security = "starttls"
	// ImplicitTLS speaks TLS from the first byte (port 465).
	ImplicitTLS Security = "tls"
	// Plain never uses TLS, for a relay on a closed network that offers
	// none; a password is still refused except to localhost.
	Plain Security = "none"
)

// Config says where and how to send.
type Config struct {
	Addr     string // host:port of the relay
	From     string // the sender, "kintai <kintai@city.example.lg.jp>" or a bare address
	Username string // for SMTP AUTH PLAIN; empty: no authentication
	Password string
	Security Security
	// TLS is the TLS configuration (nil: the system roots and the relay's
	// host name); set RootCAs for an internal CA.
	TLS *tls.Config
	// Timeout bounds one delivery, connection to QUIT (default 30 s).
	Timeout time.Duration
}

// Validate checks c, with messages for the person starting the server.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("SMTP address %q: want host:port: %w", c.Addr, err)
	}
	if _, err := netmail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("SMTP sender %q: %w", c.From, err)
	}
	switch c.Security {
	case "":
		c.Security = StartTLS
	case StartTLS, ImplicitTLS, Plain:
	default:
		return fmt.Errorf("SMTP security %q: want starttls, tls or none", c.Security)
	}
	if c.Username == "" && c.Password != "" {
		return errors.New("SMTP password given without a user name")
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	return nil
}

// Message is one email.
type Message struct {
	To      string
	Subject string
	Body    string // plain text; lines end in \n
}

// Compose returns m as an RFC 5322 message from from, dated date: headers
// with non-ASCII text encoded as RFC 2047 B-words, the body UTF-8 in
// base64 with CRLF line ends.
func Compose(from string, m Message, date time.Time) ([]byte, error) {
	sender, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	to, err := netmail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("subject: contains a line break")
	}
	var id [12]byte
	rand.Read(id[:])
	domain := sender.Address[strings.LastIndexByte(sender.Address, '@')+1:]
	var b strings.Builder
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", sender.String())
	header("To", to.String())
	header("Subject", mime.BEncoding.Encode("UTF-8", m.Subject))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id[:])+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", `text/plain; charset="UTF-8"`)
	header("Content-Transfer-Encoding", "base64")
	header("Auto-Submitted", "auto-generated") // RFC 3834: no auto-replies
	b.WriteString("\r\n")
	body := base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n")))
	for len(body) > 76 {
		b.WriteString(body[:76] + "\r\n")
		body = body[76:]
	}
	b.WriteString(body + "\r\n")
	return []byte(b.String()), nil
}

// Send delivers msg (from Compose) to the relay for the one recipient to.
func Send(ctx context.Context, c Config, to string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return err
	}
	tc := c.TLS
	if tc == nil {
		tc = &tls.Config{}
	}
	if tc.ServerName == "" {
		tc = tc.Clone()
		tc.ServerName = host
	}
	var conn net.Conn
	d := &net.Dialer{}
	if c.Security == ImplicitTLS {
		conn, err = (&tls.Dialer{NetDialer: d, Config: tc}).DialContext(ctx, "tcp", c.Addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", c.Addr)
	}
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	cl, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer cl.Close()
	if c.Security == StartTLS {
		if ok, _ := cl.Extension("STARTTLS"); ok {
			if err := cl.StartTLS(tc); err != nil {
				return fmt.Errorf("STARTTLS: %w", err)
			}
		}
	}
	if c.Username != "" {
		// PlainAuth itself refuses to send the password over a
		// connection without TLS, except to localhost.
		if err := cl.Auth(smtp.PlainAuth("", c.Username, c.Password, host)); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	sender, err := netmail.ParseAddress(c.From)
	if err != nil {
		return err
	}
	rcpt, err := netmail.ParseAddress(to)
	if err != nil {
		return err
	}
	if err := cl.Mail(sender.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := cl.Rcpt(rcpt.Address); err != nil {
		return &refusal{"RCPT TO", err}
	}
	w, err := cl.Data()
	if err != nil {
		return &refusal{"DATA", err}
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return &refusal{"DATA", err}
	}
	return cl.Quit()
}

// refusal is the relay's answer to this message: its recipient or its
// content.
type refusal struct {
	step string
	err  error
}

func (r *refusal) Error() string { return r.step + ": " + r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// Permanent reports whether err is the relay's permanent refusal of the
// message (a 5xx reply to RCPT or DATA, such as an unknown recipient),
// which retrying will not cure. A refused sign-in or sender is not: it is
// the configuration's fault and every message would meet it, so they are
// retried until the configuration is fixed.
func Permanent(err error) bool {
	var r *refusal
	var te *textproto.Error
	return errors.As(err, &r) && errors.As(err, &te) && te.Code >= 500 && te.Code < 600
}
