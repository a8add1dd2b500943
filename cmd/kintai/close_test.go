package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"kintai"
	"kintai/store/storetest"
)

// TestCloseCommand closes and reopens a month of the small demo from the
// command line, and lists who has not confirmed.
func TestCloseCommand(t *testing.T) {
	path := storetest.NewSQLitePath(t)
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"demo", "--scale", "small", "--db", path}, &stdout, &stderr); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr.String())
	}
	month := clock().In(time.FixedZone("JST", 9*3600)).Format("2006-01")
	fails := func(want string, args ...string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append([]string{"close", "--db", path, "--month", month}, args...), &stdout, &stderr)
		if ja, _ := kintai.ErrorMessages(err); err == nil || !strings.Contains(ja+err.Error(), want) {
			t.Errorf("close %s = %v (%s), want an error with %q", strings.Join(args, " "), err, ja, want)
		}
	}
	var st closeStatus
	runJSON(t, &st, "close", "--db", path, "--month", month, "--status")
	if st.Staff < 250 || len(st.Unconfirmed) != st.Staff || len(st.Closes) != 0 {
		t.Fatalf("status before = %d staff, %d unconfirmed, %d closes; want about 300 unconfirmed, none closed", st.Staff, len(st.Unconfirmed), len(st.Closes))
	}
	fails("未確認の職員")
	fails("no org unit", "--unit", "NOSUCH", "--reason", "x")
	var c struct {
		ID          int64  `json:"id"`
		OrgUnitID   int64  `json:"org_unit_id"`
		Month       string `json:"month"`
		ClosedAt    string `json:"closed_at"`
		ClosedBy    int64  `json:"closed_by"`
		CloseReason string `json:"close_reason"`
		ReopenedAt  string `json:"reopened_at"`
		ReopenedBy  int64  `json:"reopened_by"`
		Reopen      string `json:"reopen_reason"`
	}
	runJSON(t, &c, "close", "--db", path, "--month", month, "--reason", "給与計算の締切", "--force")
	if c.ID == 0 || c.OrgUnitID != 0 || c.CloseReason != "給与計算の締切" || c.ReopenedAt != "" {
		t.Errorf("close = %+v, want a close of everyone in force", c)
	}
	fails("already closed", "--reason", "again", "--force")
	runJSON(t, &st, "close", "--db", path, "--month", month, "--status")
	if len(st.Closes) != 1 || len(st.Unconfirmed) != 0 {
		t.Errorf("status after close = %d closes, %d unconfirmed; want 1 close and nobody left open", len(st.Closes), len(st.Unconfirmed))
	}
	fails("理由", "--reopen")
	runJSON(t, &c, "close", "--db", path, "--month", month, "--reopen", "--reason", "打刻漏れの修正")
	if c.ReopenedAt == "" || c.Reopen != "打刻漏れの修正" {
		t.Errorf("reopen = %+v, want reopened with its reason", c)
	}
	runJSON(t, &st, "close", "--db", path, "--month", month, "--status")
	if len(st.Closes) != 0 {
		t.Errorf("status after reopening = %d closes, want none", len(st.Closes))
	}
}
