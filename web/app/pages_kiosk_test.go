package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"kintai/store"
)

func TestKioskPagesHeaders(t *testing.T) {
	f := newFixture(t, store.SQLite)
	get := func(c *client, path string) (*http.Response, string) {
		t.Helper()
		resp := c.do("GET", path, "", "")
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(b)
	}
	tests := []struct {
		name, who, path string
		wasm, camera    bool
	}{
		{"kiosk", "", "/kiosk", true, true},
		{"my face", "staff", "/my/face", true, true},
		{"HR face page", "hr", "/staff/" + itoa(int(f.staff["staff"].ID)) + "/face", false, false},
		{"reviews", "hr", "/face/reviews", false, false},
		{"punch page keeps the strict policy", "staff", "/punch", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := get(f.as(tt.who), tt.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.path, resp.StatusCode)
			}
			csp := resp.Header.Get("Content-Security-Policy")
			if got := strings.Contains(csp, "'wasm-unsafe-eval'"); got != tt.wasm {
				t.Errorf("GET %s: CSP %q allows WASM = %v, want %v", tt.path, csp, got, tt.wasm)
			}
			if strings.Contains(csp, "'unsafe-eval'") || strings.Contains(csp, "'unsafe-inline'") {
				t.Errorf("GET %s: CSP %q allows eval or inline scripts", tt.path, csp)
			}
			if got := strings.Contains(resp.Header.Get("Permissions-Policy"), "camera=(self)"); got != tt.camera {
				t.Errorf("GET %s: Permissions-Policy %q allows the camera = %v, want %v", tt.path, resp.Header.Get("Permissions-Policy"), got, tt.camera)
			}
		})
	}

	t.Run("service worker", func(t *testing.T) {
		resp, body := get(f.as(""), "/kiosk/sw.js")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Service-Worker-Allowed") != "/kiosk" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
			t.Fatalf("GET /kiosk/sw.js = %d, Service-Worker-Allowed %q, Content-Type %q", resp.StatusCode, resp.Header.Get("Service-Worker-Allowed"), resp.Header.Get("Content-Type"))
		}
		build := regexp.MustCompile(`const BUILD = "([0-9a-f]{16})";`).FindStringSubmatch(body)
		files := regexp.MustCompile(`const FILES = (\[.*\]);`).FindStringSubmatch(body)
		if build == nil || files == nil {
			t.Fatalf("the worker's build tag or file list is not filled in:\n%s", body[:min(len(body), 600)])
		}
		_, page := get(f.as(""), "/kiosk")
		if !strings.Contains(page, `<meta name="kiosk-build" content="`+build[1]+`">`) {
			t.Errorf("the kiosk page does not carry the worker's build %s", build[1])
		}
		var list []string
		if err := json.Unmarshal([]byte(files[1]), &list); err != nil {
			t.Fatal(err)
		}
		want := []string{"/kiosk", "/static/kiosk/kiosk.js", "/static/kiosk/face.js", "/static/kiosk/idb.js", "/static/kiosk/kiosk.css",
			"/static/vendor/face-api-1.7.15/face-api.esm.js", "/static/vendor/tfjs-backend-wasm-4.22.0/tfjs-backend-wasm-simd.wasm",
			"/static/vendor/face-api-1.7.15/model/face_recognition_model.bin"}
		for _, w := range want {
			if !strings.Contains(files[1], `"`+w+`"`) {
				t.Errorf("the worker does not keep %s", w)
			}
		}
		// Every file the worker keeps is served; a missing one would make
		// its installation fail, and the kiosk would not work offline.
		for _, path := range list {
			if resp, _ := get(f.as(""), path); resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s (kept by the worker) = %d", path, resp.StatusCode)
			}
		}
	})

	t.Run("vendored files", func(t *testing.T) {
		resp, body := get(f.as(""), "/static/vendor/tfjs-backend-wasm-4.22.0/tfjs-backend-wasm-simd.wasm")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/wasm" {
			t.Errorf("GET .wasm = %d %q, want 200 application/wasm", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("vendored file Cache-Control = %q, want a year, immutable", got)
		}
		// The served bytes are the ones README.md and SHA256SUMS list.
		sum := sha256.Sum256([]byte(body))
		sums, err := staticFS.ReadFile("static/vendor/SHA256SUMS")
		if err != nil {
			t.Fatal(err)
		}
		if line := hex.EncodeToString(sum[:]) + "  tfjs-backend-wasm-4.22.0/tfjs-backend-wasm-simd.wasm"; !strings.Contains(string(sums), line) {
			t.Errorf("SHA256SUMS lacks %q", line)
		}
		if resp, _ := get(f.as(""), "/static/vendor/face-api-1.7.15/"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET a vendor folder = %d, want 404 (no listings)", resp.StatusCode)
		}
		if resp, _ := get(f.as(""), "/static/kiosk/kiosk.js"); resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "" {
			t.Errorf("GET /static/kiosk/kiosk.js = %d with Cache-Control %q, want 200 and no long caching", resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	})
}
