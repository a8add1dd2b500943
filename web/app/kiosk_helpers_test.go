package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kintai/store"
	"kintai/testdep"
	"kintai/web/browsertest"
)

// The face tests need three things from outside the repository: Debian's
// chromium, ffmpeg (to turn photos into fake-camera clips) and the labelled
// photos of ../shared/faces (tests only: they are never shipped). Without
// them the tests skip, or fail under KINTAI_TEST_STRICT=1.

// facesDir returns the folder of labelled face photos: $KINTAI_FACES_DIR,
// else shared/faces next to the repository.
func facesDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("KINTAI_FACES_DIR")
	if dir == "" {
		root, err := filepath.Abs(filepath.Join("..", "..")) // web/app → repository root
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, "..", "shared", "faces")
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		testdep.SkipOrFail(t, fmt.Sprintf("labelled face photos not found at %s: set KINTAI_FACES_DIR to the shared/faces folder to run the face tests", dir))
	}
	return dir
}

// photo is one labelled photo: the person is the folder's name.
type photo struct {
	Person, Path string
}

// facePhotos lists the single-person photos, sorted, and the group photos.
func facePhotos(t testing.TB, dir string) (people, groups []photo) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			ext := strings.ToLower(filepath.Ext(f.Name()))
			if ext != ".png" && ext != ".jpg" && ext != ".jpeg" {
				continue
			}
			p := photo{Person: e.Name(), Path: filepath.Join(dir, e.Name(), f.Name())}
			if e.Name() == "_groups" {
				groups = append(groups, p)
			} else {
				people = append(people, p)
			}
		}
	}
	byPath := func(a, b photo) int { return strings.Compare(a.Path, b.Path) }
	slices.SortFunc(people, byPath)
	slices.SortFunc(groups, byPath)
	return people, groups
}

// dataURL returns the photo at path as a data: URL for the browser.
func dataURL(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mime := "image/jpeg"
	if strings.HasSuffix(strings.ToLower(path), ".png") {
		mime = "image/png"
	}
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(b)
}

// clipPart is a stretch of a fake-camera clip: a photo shown for a while,
// through an optional extra ffmpeg filter (noise, motion, blur).
type clipPart struct {
	Photo  string
	Secs   float64
	Filter string
}

// Clip geometry: small frames keep the browser's work (and the test) short.
const (
	clipW, clipH = 320, 240
	clipFPS      = 10
)

// makeClip writes a .y4m clip of parts, one after the other, to path. The
// fake camera plays it in a loop.
func makeClip(t testing.TB, path string, parts ...clipPart) {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		testdep.SkipOrFail(t, "ffmpeg not found: install Debian's ffmpeg (apt-get install ffmpeg) to make the fake-camera clips")
	}
	args := []string{"-hide_banner", "-loglevel", "error", "-y"}
	var chains, labels []string
	for i, p := range parts {
		args = append(args, "-loop", "1", "-framerate", fmt.Sprint(clipFPS), "-t", fmt.Sprint(p.Secs), "-i", p.Photo)
		f := fmt.Sprintf("[%d:v]scale=%d:%d:force_original_aspect_ratio=decrease,pad=%d:%d:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p", i, clipW, clipH, clipW, clipH)
		if p.Filter != "" {
			f += "," + p.Filter
		}
		chains = append(chains, f+fmt.Sprintf("[v%d]", i))
		labels = append(labels, fmt.Sprintf("[v%d]", i))
	}
	graph := strings.Join(chains, ";") + ";" + strings.Join(labels, "") + fmt.Sprintf("concat=n=%d:v=1:a=0,format=yuv420p[out]", len(parts))
	tmp := path + ".tmp.y4m"
	args = append(args, "-filter_complex", graph, "-map", "[out]", "-r", fmt.Sprint(clipFPS), "-f", "yuv4mpegpipe", tmp)
	if out, err := exec.Command(ffmpeg, args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	// Replace the clip in one step: the browser may open it at any time.
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// faceBrowserTimeout bounds a face test's browser session: loading the
// models in WASM and several camera scans take longer than a page test.
const faceBrowserTimeout = 4 * time.Minute

// newCameraBrowser starts a headless Chromium whose camera plays the .y4m
// clip at clip (which may be replaced between scans: the fake camera
// reopens the file each time the page starts it), and returns a context
// for one tab. It is closed when t ends.
func newCameraBrowser(t *testing.T, clip string) context.Context {
	t.Helper()
	return browsertest.NewWith(t, browsertest.Options{Timeout: faceBrowserTimeout, Width: 1024, Height: 768,
		Flags: map[string]any{
			"use-fake-device-for-media-stream": true,
			"use-fake-ui-for-media-stream":     true,
			"use-file-for-fake-video-capture":  clip,
			// A kiosk runs unattended: timers of a page in the background
			// must not slow down, and the camera must start without a
			// gesture.
			"disable-background-timer-throttling": true,
			"disable-renderer-backgrounding":      true,
			"autoplay-policy":                     "no-user-gesture-required",
		}})
}

// kioskServer is the fixture's database served by an app with face
// matching on (a face key), on an address that stays the same when the
// test stops the server and starts it again: an offline kiosk finds its
// server back where it was.
type kioskServer struct {
	f    *fixture
	key  []byte
	addr string
	cfg  func(*Config)
}

// newKioskServer replaces the fixture's app and server with ones that have
// a face key, whose clock follows the wall clock (the browser's device
// times are real), and applies cfg to the app's configuration.
func newKioskServer(t *testing.T, cfg func(*Config)) *kioskServer {
	t.Helper()
	f := newFixture(t, store.SQLite)
	f.srv.Close()
	f.app.Close()
	k := &kioskServer{f: f, key: make([]byte, 32), addr: "127.0.0.1:0", cfg: cfg}
	rand.Read(k.key)
	k.now() // sessions made by the tests start at the wall clock too
	k.start()
	t.Cleanup(k.stop)
	return k
}

var wallClockMu sync.Mutex

// now brings the fixture's clock up to the wall clock and returns it.
func (k *kioskServer) now() time.Time {
	wallClockMu.Lock()
	defer wallClockMu.Unlock()
	if d := time.Since(k.f.clock.Now()); d > 0 {
		k.f.clock.Advance(d)
	}
	return k.f.clock.Now()
}

// start serves a new app on the kiosk server's address and database.
func (k *kioskServer) start() {
	t := k.f.t
	t.Helper()
	c := Config{DB: k.f.db, Loc: mustTokyo(t), Now: k.now, FaceKey: k.key}
	if k.cfg != nil {
		k.cfg(&c)
	}
	app, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", k.addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", k.addr, err)
	}
	k.addr = l.Addr().String()
	srv := httptest.NewUnstartedServer(app)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	k.f.app, k.f.srv = app, srv
}

// stop shuts the server down (the kiosk sees connection errors) and stores
// what its punch writer still holds. It may be called more than once.
func (k *kioskServer) stop() {
	k.f.srv.Close()
	k.f.app.Close()
}
