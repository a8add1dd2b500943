package main

import (
	"os"
	"testing"
)

// TestMain lets the test binary act as kintai itself when
// KINTAI_TEST_MAIN=1, so that bench --crash can run it as the server it
// kills and restarts.
func TestMain(m *testing.M) {
	if os.Getenv("KINTAI_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
