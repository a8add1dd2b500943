// Package mailtest runs a small SMTP relay on loopback for tests: it
// speaks enough of RFC 5321 (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA,
// RSET, QUIT) for net/smtp and keeps what it receives.
package mailtest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Received is one delivered message.
type Received struct {
	From string
	To   []string
	Data string // the message as sent, dot-unstuffed, CRLF line ends
	TLS  bool   // whether it came over STARTTLS
	User string // the AUTH PLAIN user, if any
}

// Server is a running relay.
type Server struct {
	Addr string
	// RootCAs trusts the relay's self-signed certificate.
	RootCAs *x509.CertPool

	ln  net.Listener
	tls *tls.Config

	mu       sync.Mutex
	received []Received
	// RejectRcpt answers RCPT TO for addresses it holds with this reply
	// code (such as 550 or 451).
	rejectRcpt map[string]int
	got        chan struct{}
}

// Options configure a Server.
type Options struct {
	StartTLS bool              // offer STARTTLS
	Users    map[string]string // accept AUTH PLAIN with these passwords
}

// Start runs a relay until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln, rejectRcpt: map[string]int{}, got: make(chan struct{}, 1024)}
	if o.StartTLS {
		s.tls, s.RootCAs = selfSigned(t)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				c.SetDeadline(time.Now().Add(30 * time.Second))
				s.serve(c, o)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return s
}

// Reject makes RCPT TO addr fail with code.
func (s *Server) Reject(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectRcpt[addr] = code
}

// Received returns the messages delivered so far.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Wait waits up to timeout for n messages in all and returns them.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if r := s.Received(); len(r) >= n {
			return r
		}
		select {
		case <-s.got:
		case <-deadline:
			t.Fatalf("relay: %d messages after %s, want %d", len(s.Received()), timeout, n)
		}
	}
}

func (s *Server) serve(c net.Conn, o Options) {
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	reply := func(lines ...string) {
		for _, l := range lines {
			w.WriteString(l + "\r\n")
		}
		w.Flush()
	}
	reply("220 mailtest ESMTP")
	var cur Received
	secure := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"250-mailtest", "250-8BITMIME"}
			if s.tls != nil && !secure {
				ext = append(ext, "250-STARTTLS")
			}
			if o.Users != nil {
				ext = append(ext, "250-AUTH PLAIN")
			}
			ext[len(ext)-1] = "250 " + ext[len(ext)-1][4:]
			reply(ext...)
		case "STARTTLS":
			if s.tls == nil || secure {
				reply("502 not offered")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, secure = tc, true
			r, w = bufio.NewReader(tc), bufio.NewWriter(tc)
			cur = Received{}
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			raw, err := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(raw), "\x00")
			if strings.ToUpper(mech) != "PLAIN" || err != nil || len(parts) != 3 || o.Users == nil || o.Users[parts[1]] != parts[2] {
				reply("535 authentication failed")
				continue
			}
			cur.User = parts[1]
			reply("235 ok")
		case "MAIL":
			cur.From, cur.To = addrOf(arg), nil
			reply("250 ok")
		case "RCPT":
			to := addrOf(arg)
			s.mu.Lock()
			code := s.rejectRcpt[to]
			s.mu.Unlock()
			if code != 0 {
				reply(strconv.Itoa(code) + " refused")
				continue
			}
			cur.To = append(cur.To, to)
			reply("250 ok")
		case "DATA":
			if cur.From == "" || len(cur.To) == 0 {
				reply("503 need MAIL and RCPT")
				continue
			}
			reply("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			cur.Data, cur.TLS = b.String(), secure
			s.mu.Lock()
			s.received = append(s.received, cur)
			s.mu.Unlock()
			s.got <- struct{}{}
			user := cur.User
			cur = Received{User: user}
			reply("250 queued")
		case "RSET":
			cur = Received{User: cur.User}
			reply("250 ok")
		case "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("500 unknown command")
		}
	}
}

func addrOf(arg string) string {
	_, a, _ := strings.Cut(arg, ":")
	a = strings.TrimSpace(a)
	if i := strings.IndexByte(a, ' '); i >= 0 {
		a = a[:i]
	}
	return strings.Trim(a, "<>")
}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t testing.TB) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mailtest"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// Close stops accepting connections, as a relay that is down.
func (s *Server) Close() { s.ln.Close() }
