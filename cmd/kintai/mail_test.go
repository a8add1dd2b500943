package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kintai/mail"
)

func TestMailFlags(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "smtp-password")
	if err := os.WriteFile(pw, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	parse := func(t *testing.T, env map[string]string, args ...string) *mailFlags {
		t.Helper()
		for k, v := range env {
			t.Setenv(k, v)
		}
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var m mailFlags
		m.register(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return &m
	}
	t.Run("off by default", func(t *testing.T) {
		c, err := parse(t, nil).config()
		if c != nil || err != nil {
			t.Errorf("config() = %+v, %v, want mail off", c, err)
		}
	})
	t.Run("on", func(t *testing.T) {
		c, err := parse(t, map[string]string{"KINTAI_SMTP_ADDR": "mail.city.example.lg.jp:587"},
			"--smtp-from", "勤怠 <kintai@city.example.lg.jp>", "--smtp-user", "kintai", "--smtp-password-file", pw, "--base-url", "https://kintai.city.example.lg.jp").config()
		if err != nil {
			t.Fatal(err)
		}
		if c.Addr != "mail.city.example.lg.jp:587" || c.Username != "kintai" || c.Password != "s3cret" || c.Security != mail.StartTLS || c.BaseURL != "https://kintai.city.example.lg.jp" {
			t.Errorf("config() = %+v", c)
		}
	})
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no sender", nil, []string{"--smtp-addr", "mail:25"}, "--smtp-from"},
		{"sender without relay", nil, []string{"--smtp-from", "kintai@example.jp"}, "--smtp-addr"},
		{"two passwords", map[string]string{"KINTAI_SMTP_PASSWORD": "x"}, []string{"--smtp-addr", "mail:25", "--smtp-from", "kintai@example.jp", "--smtp-user", "u", "--smtp-password-file", pw}, "not both"},
		{"missing password file", nil, []string{"--smtp-addr", "mail:25", "--smtp-from", "kintai@example.jp", "--smtp-password-file", filepath.Join(dir, "none")}, "no such file"},
		{"bad security", nil, []string{"--smtp-addr", "mail:25", "--smtp-from", "kintai@example.jp", "--smtp-security", "ssl"}, "starttls, tls or none"},
		{"bad CA file", nil, []string{"--smtp-addr", "mail:25", "--smtp-from", "kintai@example.jp", "--smtp-ca-file", pw}, "no PEM certificate"},
		{"bad base URL", nil, []string{"--smtp-addr", "mail:25", "--smtp-from", "kintai@example.jp", "--base-url", "kintai.example.jp"}, "http:// or https://"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parse(t, tt.env, tt.args...).config()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("config() = %+v, %v, want an error with %q", c, err, tt.want)
			}
		})
	}
}
