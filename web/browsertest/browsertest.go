// Package browsertest starts a real headless Chromium for page tests, so
// that the pages are checked as a browser renders and submits them: forms,
// redirects, cookies, file uploads.
//
// It uses Debian's chromium (apt-get install chromium). Without it the tests
// are skipped, or fail when KINTAI_TEST_STRICT=1. Set
// KINTAI_TEST_SCREENSHOTS to a directory to keep a PNG of the pages that a
// test photographs with Screenshot.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kintai/testdep"
)

// Timeout bounds each test's whole browser session, start-up included, so a
// page that never loads fails the test instead of hanging it.
const Timeout = 60 * time.Second

// New starts a headless Chromium for t and returns a context for chromedp
// actions on one tab of it. The browser is closed and its profile removed
// when t ends. Subtests may share it; they must not run in parallel on it.
func New(t testing.TB) context.Context {
	t.Helper()
	return NewWith(t, Options{})
}

// Options change how NewWith starts Chromium.
type Options struct {
	// Timeout bounds the whole browser session (default Timeout).
	Timeout time.Duration
	// Width and Height are the window size (default 1280×900).
	Width, Height int
	// Flags are extra command-line switches, e.g. a fake camera.
	Flags map[string]any
}

// NewWith is New with options.
func NewWith(t testing.TB, o Options) context.Context {
	t.Helper()
	path := execPath()
	if path == "" {
		testdep.SkipOrFail(t, "Chromium not found: install Debian's chromium (apt-get install chromium) to run the page tests")
	}
	if o.Timeout == 0 {
		o.Timeout = Timeout
	}
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 1280, 900
	}
	// The profile directory is made first, so that its removal (cleanups
	// run last in, first out) comes after the browser has exited.
	profile := t.TempDir()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // tests may run as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("lang", "ja-JP"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(o.Width, o.Height),
	}
	for name, v := range o.Flags {
		opts = append(opts, chromedp.Flag(name, v))
	}
	base, cancelTimeout := context.WithTimeout(context.Background(), o.Timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser process to exit
		cancelTimeout()
	})
	// Start the browser now, so a broken install is reported as such and not
	// as the first page's failure.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	return ctx
}

func execPath() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Screenshot saves the current page as name.png, prefixed with the test's
// name, in the directory KINTAI_TEST_SCREENSHOTS. It does nothing when the
// variable is unset, and a failure only logs: pictures are for people, not
// for the test's verdict.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("KINTAI_TEST_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	file := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()+"-"+name) + ".png"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, file), png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}
