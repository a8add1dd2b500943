// Package testdep decides what a test does when something it needs from the
// machine (PostgreSQL, Chromium, LibreOffice, ffmpeg, face photos) is
// missing: skip with the reason, or fail under KINTAI_TEST_STRICT=1, which
// .ci/run sets so that CI never passes by skipping. It imports nothing of
// kintai, so that every package's tests can use it.
package testdep

import (
	"os"
	"testing"
)

// Strict reports whether a missing test dependency must fail rather than skip.
func Strict() bool { return os.Getenv("KINTAI_TEST_STRICT") == "1" }

// SkipOrFail skips the test with why, or fails it in strict mode.
func SkipOrFail(t testing.TB, why string) {
	t.Helper()
	if Strict() {
		t.Fatalf("required test dependency missing (KINTAI_TEST_STRICT=1): %s", why)
	}
	t.Skip(why)
}
