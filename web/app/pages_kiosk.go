package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"

	"kintai"
	"kintai/web"
)

// The kiosk and enrolment pages run TensorFlow.js on its WASM backend and
// use the camera. Only these pages get the CSP source 'wasm-unsafe-eval'
// (compiling WebAssembly, not JavaScript eval) and the camera permission;
// every other page keeps the strict policy set in App.ServeHTTP.
const (
	faceCSP         = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; frame-ancestors 'none'"
	facePermissions = "camera=(self), microphone=(), geolocation=()"
)

// faceHeaders allows WebAssembly and the camera on a face page.
func faceHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", faceCSP)
	w.Header().Set("Permissions-Policy", facePermissions)
}

// kioskFiles is what the kiosk's service worker stores so that the page
// works offline, and a build tag that changes whenever one of them does, so
// a kiosk picks up a new version at its next start.
var kioskFiles = sync.OnceValues(func() (files []string, build string) {
	h := sha256.New()
	walk := func(dir string, keep func(string) bool) {
		fs.WalkDir(staticFS, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !keep(p) {
				return err
			}
			b, err := staticFS.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write([]byte(p))
			h.Write(b)
			files = append(files, "/"+p)
			return nil
		})
	}
	// The kiosk page's own files; the portal pages' scripts stay out.
	walk("static/kiosk", func(p string) bool {
		return slices.Contains([]string{"kiosk.js", "face.js", "idb.js", "kiosk.css"}, path.Base(p))
	})
	walk("static/vendor", func(p string) bool {
		ext := path.Ext(p)
		return ext == ".js" || ext == ".wasm" || ext == ".json" || ext == ".bin"
	})
	// The service worker's own text counts too: a change to it alone must
	// also reach the kiosks.
	if b, err := staticFS.ReadFile("static/kiosk/sw.js"); err == nil {
		h.Write(b)
	}
	slices.Sort(files)
	return files, hex.EncodeToString(h.Sum(nil))[:16]
})

var kioskTemplate = template.Must(template.New("kiosk.html").ParseFS(templateFS, "templates/kiosk.html"))

// pageKiosk serves the kiosk: a page of its own (no staff navigation), for
// a tablet at a site. Pairing, the device credential and the offline queue
// live in the browser's IndexedDB; the page itself is the same for every
// kiosk, so the service worker can keep it.
func (a *App) pageKiosk(w http.ResponseWriter, r *http.Request) error {
	_, build := kioskFiles()
	var buf bytes.Buffer
	if err := kioskTemplate.Execute(&buf, map[string]any{"Build": build, "Version": a.cfg.Version}); err != nil {
		return err
	}
	faceHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, err := buf.WriteTo(w)
	return err
}

// pageKioskWorker serves the service worker from /kiosk/ so that its scope
// can be /kiosk, with the build tag and the list of files to keep filled in.
func (a *App) pageKioskWorker(w http.ResponseWriter, r *http.Request) error {
	src, err := staticFS.ReadFile("static/kiosk/sw.js")
	if err != nil {
		return err
	}
	files, build := kioskFiles()
	list, err := json.Marshal(append([]string{"/kiosk"}, files...))
	if err != nil {
		return err
	}
	src = bytes.Replace(src, []byte(`"__BUILD__"`), []byte(`"`+build+`"`), 1)
	src = bytes.Replace(src, []byte(`["__FILES__"]`), list, 1)
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	// The script lives at /kiosk/sw.js, whose default scope is /kiosk/;
	// this allows the page /kiosk itself.
	h.Set("Service-Worker-Allowed", "/kiosk")
	_, err = w.Write(src)
	return err
}

func (a *App) pageKioskManifest(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", "no-cache")
	return json.NewEncoder(w).Encode(map[string]any{
		"name": "kintai 打刻端末", "short_name": "打刻", "start_url": "/kiosk", "scope": "/kiosk",
		"display": "fullscreen", "orientation": "any", "background_color": "#0d3b66", "theme_color": "#0d3b66", "lang": "ja",
	})
}

// serveVendor serves the vendored npm files. Their folders are named with
// the package version, so a file's content never changes under its URL and
// browsers may keep it for a year. Folders are not listed.
func (a *App) serveVendor(w http.ResponseWriter, r *http.Request) error {
	if strings.HasSuffix(r.URL.Path, "/") {
		return kintai.NotFound("ファイルが見つかりません。", "File not found.")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.StripPrefix("/static/", staticHandler()).ServeHTTP(w, r)
	return nil
}

func (a *App) pageMyFace(w http.ResponseWriter, r *http.Request) error {
	faceHeaders(w)
	return a.pages.render(w, r, http.StatusOK, "my_face", "顔認証・カード・暗証番号", nil)
}

func (a *App) pageStaffFace(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.findVisibleStaff(r, id)
	if err != nil {
		return err
	}
	if err := a.requireScope(r.Context(), r, kintai.RoleHR, s.OrgUnitID); err != nil {
		return err
	}
	return a.pages.render(w, r, http.StatusOK, "staff_face", "顔認証の登録", map[string]any{"Staff": s, "Today": a.today()})
}

func (a *App) pageFaceReviews(w http.ResponseWriter, r *http.Request) error {
	return a.pages.render(w, r, http.StatusOK, "face_reviews", "顔認証の確認待ち", nil)
}
