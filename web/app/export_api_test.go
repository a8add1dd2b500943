package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/japanese"

	"kintai/store"
)

// download fetches a payroll file and returns the response's status,
// content type, disposition and body.
func (c *client) download(path string) (status int, contentType, disposition string, body []byte) {
	c.f.t.Helper()
	resp := c.do("GET", path, "", "")
	body, _ = io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), body
}

// csvColumn returns column i of every record after the header.
func csvColumn(t *testing.T, body []byte, i int) []string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatalf("reading the CSV: %v\n%s", err, body)
	}
	var out []string
	for _, r := range recs[1:] {
		out = append(out, r[i])
	}
	return out
}

func TestExportPayrollAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	seedOctober(t, f)
	hr, admin := f.as("hr"), f.as("admin")
	jinji := []string{f.staff["admin"].StaffNo, f.staff["hr"].StaffNo, f.staff["approver"].StaffNo, f.staff["staff"].StaffNo}

	status, ct, cd, body := hr.download("/api/v1/exports/payroll?month=2026-10")
	if status != 200 || ct != "text/csv; charset=utf-8" {
		t.Fatalf("GET csv = %d %q, want 200 text/csv; charset=utf-8\n%s", status, ct, body)
	}
	wantCD := `attachment; filename="payroll_2026-10.csv"; filename*=UTF-8''` + url.PathEscape("給与連携_2026-10.csv")
	if cd != wantCD {
		t.Errorf("Content-Disposition = %q, want %q", cd, wantCD)
	}
	if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf職員番号,氏名,")) || !bytes.Contains(body, []byte("\r\n")) {
		t.Errorf("CSV starts %q, want the BOM, the default header and CRLF lines", body[:min(len(body), 40)])
	}
	// The HR officer's scope is 人事課: 財政課's staff member is left out,
	// and so is the one whose appointment ended in March.
	if diff := cmp.Diff(jinji, csvColumn(t, body, 0)); diff != "" {
		t.Errorf("exported staff numbers mismatch (-want +got):\n%s", diff)
	}
	// The part-timer's October was computed for the export.
	if worked := csvColumn(t, body, 6)[3]; worked == "0.00" || worked == "" {
		t.Errorf("the staff member's 勤務時間 = %q, want the hours of their October punches", worked)
	}

	status, ct, cd, body = hr.download("/api/v1/exports/payroll?month=2026-10&format=xlsx")
	if status != 200 || ct != contentTypeXLSX || !bytes.HasPrefix(body, []byte("PK")) ||
		!strings.Contains(cd, `filename="payroll_2026-10.xlsx"`) || !strings.Contains(cd, url.PathEscape("給与連携_2026-10.xlsx")) {
		t.Errorf("GET xlsx = %d %q %q starting %q, want 200, the xlsx type, its name and a zip", status, ct, cd, body[:min(len(body), 4)])
	}

	status, ct, _, body = hr.download("/api/v1/exports/payroll?month=2026-10&encoding=shift_jis")
	utf8, err := japanese.ShiftJIS.NewDecoder().Bytes(body)
	if status != 200 || ct != "text/csv; charset=Shift_JIS" || err != nil || !strings.HasPrefix(string(utf8), "職員番号,氏名,") {
		t.Errorf("GET shift_jis = %d %q, decoded %q… (%v); want 200 Shift_JIS with the header", status, ct, string(utf8)[:min(len(utf8), 30)], err)
	}

	// The administrator's scope is everything; a unit narrows it.
	_, _, _, body = admin.download(fmt.Sprintf("/api/v1/exports/payroll?month=2026-10&org_unit_id=%d", f.zaisei.ID))
	if got := csvColumn(t, body, 0); !cmp.Equal(got, []string{f.staff["other"].StaffNo}) {
		t.Errorf("admin export of 財政課 = %v, want [%s]", got, f.staff["other"].StaffNo)
	}

	for _, c := range []struct {
		name, who, path string
		want            int
	}{
		{"unit outside the HR scope", "hr", fmt.Sprintf("/api/v1/exports/payroll?month=2026-10&org_unit_id=%d", f.zaisei.ID), 403},
		{"no month", "hr", "/api/v1/exports/payroll", 400},
		{"bad month", "hr", "/api/v1/exports/payroll?month=October", 400},
		{"bad format", "hr", "/api/v1/exports/payroll?month=2026-10&format=pdf", 400},
		{"bad encoding", "hr", "/api/v1/exports/payroll?month=2026-10&encoding=euc-jp", 400},
		{"bad unit", "hr", "/api/v1/exports/payroll?month=2026-10&org_unit_id=x", 400},
		{"approver", "approver", "/api/v1/exports/payroll?month=2026-10", 403},
		{"staff", "staff", "/api/v1/exports/payroll?month=2026-10", 403},
	} {
		if status, _, _, body := f.as(c.who).download(c.path); status != c.want {
			t.Errorf("%s: GET %s as %s = %d, want %d\n%s", c.name, c.path, c.who, status, c.want, body)
		}
	}

	// Each export is audited with its month, format and count, and no
	// personal data.
	es, err := f.db.FindAuditEntries(context.Background(), store.AuditFilter{Entity: "payroll_export"})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 4 {
		t.Fatalf("%d export.payroll audit entries, want 4 (csv, xlsx, shift_jis, admin's)", len(es))
	}
	first := es[0]
	if first.Action != "export.payroll" || first.EntityID != "2026-10" || first.Actor != actorString(t, f, "hr") ||
		first.After != `{"month":"2026-10","format":"csv","encoding":"utf-8-bom","rows":4}` {
		t.Errorf("first export audit = %+v, want export.payroll of 2026-10 by the HR officer with format and rows", first)
	}
	for _, e := range es {
		for _, s := range f.staff {
			if strings.Contains(e.After, s.StaffNo) || strings.Contains(e.After, s.Name) {
				t.Errorf("audit entry %s holds personal data: %s", e.Action, e.After)
			}
		}
	}
}

// actorString returns how the audit trail names fixture person key.
func actorString(t *testing.T, f *fixture, key string) string {
	t.Helper()
	es, err := f.db.FindAuditEntries(context.Background(), store.AuditFilter{Entity: "payroll_export", Limit: 1})
	if err != nil || len(es) == 0 {
		t.Fatalf("no export audit entry: %v", err)
	}
	if !strings.Contains(es[0].Actor, fmt.Sprint(f.staff[key].ID)) {
		t.Errorf("export audit actor %q does not name staff %d", es[0].Actor, f.staff[key].ID)
	}
	return es[0].Actor
}

func TestPayrollLayoutAPI(t *testing.T) {
	f := newFixture(t, store.SQLite)
	seedOctober(t, f)
	hr := f.as("hr")

	resp, got := hr.json("GET", "/api/v1/exports/payroll/layout", nil)
	if resp.StatusCode != 200 || got["source"] != "" || got["updated_at"] != nil {
		t.Errorf("GET layout (default) = %d %v, want 200 with an empty source", resp.StatusCode, got)
	}

	src := "encoding = shift_jis\nhours_format = h:mm\nstaff_no = 職員コード\nworked = 勤務\n"
	resp, got = hr.json("PUT", "/api/v1/exports/payroll/layout", map[string]any{"source": src})
	if resp.StatusCode != 200 || got["source"] != src {
		t.Fatalf("PUT layout = %d %v, want 200 with the source", resp.StatusCode, got)
	}
	if l, _ := got["layout"].(map[string]any); l["encoding"] != "shift_jis" || l["hours_format"] != "h:mm" {
		t.Errorf("PUT layout read %v, want shift_jis and h:mm", got["layout"])
	}
	if _, again := hr.json("GET", "/api/v1/exports/payroll/layout", nil); again["source"] != src || again["updated_at"] == nil {
		t.Errorf("GET layout after saving = %v, want the source and its time", again)
	}
	status, ct, _, body := hr.download("/api/v1/exports/payroll?month=2026-10")
	utf8, err := japanese.ShiftJIS.NewDecoder().Bytes(body)
	if status != 200 || ct != "text/csv; charset=Shift_JIS" || err != nil || !strings.HasPrefix(string(utf8), "職員コード,勤務\r\n") {
		t.Errorf("export in the saved layout = %d %q %q…, want Shift_JIS with the layout's two columns", status, ct, string(utf8)[:min(len(utf8), 30)])
	}
	if !strings.Contains(string(utf8), ":") {
		t.Errorf("export in h:mm = %q, want h:mm durations", utf8)
	}

	for _, c := range []struct {
		name string
		body any
		want string // in the English message
	}{
		{"unknown key", map[string]any{"source": "staff_no\nno_such_key\n"}, "line 2: unknown column key"},
		{"bad JSON layout", map[string]any{"source": `{"columns": 3}`}, "Cannot read the layout JSON"},
		{"unknown field", map[string]any{"source": "staff_no", "extra": 1}, ""},
	} {
		resp, got := hr.json("PUT", "/api/v1/exports/payroll/layout", c.body)
		e, _ := got["error"].(map[string]any)
		msg, _ := e["message_en"].(string)
		if resp.StatusCode != 400 || !strings.Contains(msg, c.want) {
			t.Errorf("%s: PUT layout = %d %v, want 400 saying %q", c.name, resp.StatusCode, got, c.want)
		}
	}
	if _, again := hr.json("GET", "/api/v1/exports/payroll/layout", nil); again["source"] != src {
		t.Errorf("after refused saves the layout source = %v, want %q", again["source"], src)
	}
	if resp, _ := f.as("approver").json("PUT", "/api/v1/exports/payroll/layout", map[string]any{"source": ""}); resp.StatusCode != 403 {
		t.Errorf("PUT layout as approver = %d, want 403", resp.StatusCode)
	}

	es, err := f.db.FindAuditEntries(context.Background(), store.AuditFilter{Entity: "export_layout"})
	if err != nil || len(es) != 1 || es[0].Action != "export.layout.update" {
		t.Errorf("layout audit = %+v, %v; want one export.layout.update", es, err)
	}
}

func TestExportsPage(t *testing.T) {
	f := newFixture(t, store.SQLite)
	seedOctober(t, f)
	hr := f.as("hr")

	status, body := hr.get("/exports")
	for _, want := range []string{`id="download-form"`, `name="month"`, "staff_no = 職員番号", `<code>cat:`, `href="/exports"`} {
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("GET /exports = %d, want 200 holding %q", status, want)
		}
	}
	if status, _ := f.as("approver").get("/exports"); status != 403 {
		t.Errorf("GET /exports as approver = %d, want 403", status)
	}

	status, ct, cd, file := hr.download("/exports/payroll?month=2026-10&format=csv&encoding=&org_unit_id=")
	if status != 200 || ct != "text/csv; charset=utf-8" || !strings.HasPrefix(cd, "attachment;") || len(csvColumn(t, file, 0)) != 4 {
		t.Errorf("page download = %d %q %q, want the 4 rows of 人事課 as an attachment", status, ct, cd)
	}
	status, body = hr.get("/exports/payroll?month=October&format=csv")
	if status != 400 || !strings.Contains(body, "月は「2026-10」の形式") || !strings.Contains(body, "YYYY-MM") {
		t.Errorf("page download with a bad month = %d, want 400 with the message in Japanese and English", status)
	}

	status, _, body = hr.post("/exports/layout", url.Values{"source": {"staff_no\nno_such_key = x\n"}})
	for _, want := range []string{`id="layout-error"`, "2行目: 不明な項目キー「no_such_key」", "line 2: unknown column key", "no_such_key = x"} {
		if status != 400 || !strings.Contains(body, want) {
			t.Errorf("POST /exports/layout (bad key) = %d, want 400 holding %q", status, want)
		}
	}
	status, loc, _ := hr.post("/exports/layout", url.Values{"source": {"staff_no = 職員コード\nname\n"}})
	if status != 303 || !strings.HasPrefix(loc, "/exports") {
		t.Errorf("POST /exports/layout = %d to %q, want 303 to /exports", status, loc)
	}
	if status, body := hr.get("/exports"); status != 200 || !strings.Contains(body, "団体独自のレイアウト") {
		t.Errorf("GET /exports after saving = %d, want the saved layout in use", status)
	}
	_, _, _, file = hr.download("/exports/payroll?month=2026-10")
	if !bytes.HasPrefix(file, []byte("\xef\xbb\xbf職員コード,氏名\r\n")) {
		t.Errorf("download after saving starts %q, want the saved layout's header", file[:min(len(file), 40)])
	}
}
