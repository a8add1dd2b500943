package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"kintai/mail"
	"kintai/web/app"
)

// mailFlags are serve's notification email settings; mail is off unless
// --smtp-addr is set.
type mailFlags struct {
	addr, from, user, passwordFile, security, caFile, baseURL string
	password                                                  string // KINTAI_SMTP_PASSWORD
}

func (m *mailFlags) register(fs *flag.FlagSet) {
	m.password = os.Getenv("KINTAI_SMTP_PASSWORD")
	fs.StringVar(&m.addr, "smtp-addr", envOr("KINTAI_SMTP_ADDR", ""), "mail relay host:port for notification emails (通知メール); empty: no email, in-app notifications only (env KINTAI_SMTP_ADDR)")
	fs.StringVar(&m.from, "smtp-from", envOr("KINTAI_SMTP_FROM", ""), `sender of notification emails, e.g. "勤怠システム <kintai@city.example.lg.jp>" (env KINTAI_SMTP_FROM)`)
	fs.StringVar(&m.user, "smtp-user", envOr("KINTAI_SMTP_USER", ""), "user name for SMTP AUTH; empty: no authentication (env KINTAI_SMTP_USER)")
	fs.StringVar(&m.passwordFile, "smtp-password-file", envOr("KINTAI_SMTP_PASSWORD_FILE", ""), "file holding the SMTP password; or set KINTAI_SMTP_PASSWORD (env KINTAI_SMTP_PASSWORD_FILE)")
	fs.StringVar(&m.security, "smtp-security", envOr("KINTAI_SMTP_SECURITY", string(mail.StartTLS)), "starttls (use STARTTLS when the relay offers it), tls (TLS from the start, port 465) or none (env KINTAI_SMTP_SECURITY)")
	fs.StringVar(&m.caFile, "smtp-ca-file", envOr("KINTAI_SMTP_CA_FILE", ""), "PEM file of the CA that signed the relay's certificate, for an internal CA (env KINTAI_SMTP_CA_FILE)")
	fs.StringVar(&m.baseURL, "base-url", envOr("KINTAI_BASE_URL", ""), "the server's address as staff reach it, for the links in emails, e.g. https://kintai.city.example.lg.jp (env KINTAI_BASE_URL)")
}

// config returns the app's mail configuration, nil when mail is off.
func (m *mailFlags) config() (*app.MailConfig, error) {
	if m.addr == "" {
		if m.from != "" || m.user != "" {
			return nil, errors.New("notification email: --smtp-from and --smtp-user need --smtp-addr")
		}
		return nil, nil
	}
	if m.from == "" {
		return nil, errors.New("notification email: --smtp-addr needs --smtp-from (the sender address)")
	}
	c := &app.MailConfig{Config: mail.Config{Addr: m.addr, From: m.from, Username: m.user, Security: mail.Security(m.security)}, BaseURL: m.baseURL}
	switch {
	case m.passwordFile != "" && m.password != "":
		return nil, errors.New("notification email: set --smtp-password-file or KINTAI_SMTP_PASSWORD, not both")
	case m.passwordFile != "":
		b, err := os.ReadFile(m.passwordFile)
		if err != nil {
			return nil, fmt.Errorf("notification email: %w", err)
		}
		c.Password = strings.TrimRight(string(b), "\r\n")
	default:
		c.Password = m.password
	}
	if m.caFile != "" {
		pem, err := os.ReadFile(m.caFile)
		if err != nil {
			return nil, fmt.Errorf("notification email: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("notification email: %s holds no PEM certificate", m.caFile)
		}
		c.TLS = &tls.Config{RootCAs: pool}
	}
	if m.baseURL != "" && !strings.HasPrefix(m.baseURL, "http://") && !strings.HasPrefix(m.baseURL, "https://") {
		return nil, fmt.Errorf("--base-url %q: want http:// or https://", m.baseURL)
	}
	if err := c.Config.Validate(); err != nil {
		return nil, fmt.Errorf("notification email: %w", err)
	}
	return c, nil
}
