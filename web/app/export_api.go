package app

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"kintai"
	"kintai/payroll"
	"kintai/store"
	"kintai/web"
)

// Content types of the payroll export.
const (
	contentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// payrollExport is a written payroll file.
type payrollExport struct {
	body        []byte
	contentType string
	filename    string // UTF-8, 給与連携_2026-10.csv
	ascii       string // the fallback, payroll_2026-10.csv
	rows        int
}

// exportScope returns the org units whose staff the caller may export, nil
// for all: the caller's HR scope, narrowed to unit and its descendants when
// unit is not 0.
func (a *App) exportScope(r *http.Request, unit int64) ([]int64, error) {
	tree, err := a.db.OrgTree(r.Context())
	if err != nil {
		return nil, err
	}
	if unit != 0 {
		if err := a.requireScope(r.Context(), r, kintai.RoleHR, unit); err != nil {
			return nil, err
		}
		return tree.Descendants([]int64{unit}), nil
	}
	roots, all := actorFrom(r).ScopeUnits(kintai.RoleHR)
	if all {
		return nil, nil
	}
	return tree.Descendants(roots), nil
}

// writePayroll writes month's payroll file of the staff in units (nil:
// everyone) as format ("csv" or "xlsx"), in the saved layout with
// encoding (when not "") for CSV, and records the export in the audit
// trail: the month, format and row count, never the figures.
func (a *App) writePayroll(r *http.Request, month kintai.Date, units []int64, format, encoding string) (*payrollExport, error) {
	switch format {
	case "", "csv":
		format = "csv"
	case "xlsx":
	default:
		return nil, kintai.Invalid("format", "形式は csv か xlsx です。", "format must be csv or xlsx.")
	}
	switch payroll.Encoding(encoding) {
	case "", payroll.UTF8BOM, payroll.ShiftJIS:
	default:
		return nil, kintai.Invalid("encoding", "文字コードは utf-8-bom か shift_jis です。", "encoding must be utf-8-bom or shift_jis.")
	}
	saved, err := a.db.FindPayrollLayout(r.Context())
	if err != nil {
		return nil, err
	}
	layout := saved.Layout
	if encoding != "" {
		layout.Encoding = payroll.Encoding(encoding)
	}
	rows, err := a.db.FindPayrollRows(r.Context(), month, units, a.apiRecomputeOptions(r))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	period := fmt.Sprintf("%04d-%02d", month.Year, int(month.Month))
	out := &payrollExport{rows: len(rows), filename: "給与連携_" + period + "." + format, ascii: "payroll_" + period + "." + format}
	audit := store.PayrollExportAudit{Month: period, Format: format, Rows: len(rows)}
	if format == "xlsx" {
		err = payroll.WriteXLSX(&buf, layout, rows)
		out.contentType = contentTypeXLSX
	} else {
		err = payroll.WriteCSV(&buf, layout, rows)
		out.contentType = "text/csv; charset=utf-8"
		if layout.Encoding == payroll.ShiftJIS {
			out.contentType = "text/csv; charset=Shift_JIS"
		}
		audit.Encoding = string(layout.Encoding)
	}
	if err != nil {
		return nil, err
	}
	out.body = buf.Bytes()
	err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		return tx.AuditPayrollExport(r.Context(), audit)
	})
	return out, err
}

// send writes the file as an attachment.
func (e *payrollExport) send(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", e.contentType)
	w.Header().Set("Content-Disposition", contentDisposition(e.ascii, e.filename))
	w.Header().Set("Content-Length", fmt.Sprint(len(e.body)))
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(e.body)
	return err
}

// contentDisposition returns an attachment header naming the file ascii
// for old clients and name (UTF-8, RFC 5987) for the others.
func contentDisposition(ascii, name string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		// RFC 5987 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~".
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + b.String()
}

func (a *App) apiExportPayroll(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if q.Get("month") == "" {
		return kintai.Invalid("month", "月を指定してください。", "month is required.")
	}
	month, err := readMonth(q.Get("month"), "month")
	if err != nil {
		return err
	}
	unit, err := queryUnit(r)
	if err != nil {
		return err
	}
	units, err := a.exportScope(r, unit)
	if err != nil {
		return err
	}
	e, err := a.writePayroll(r, month, units, q.Get("format"), q.Get("encoding"))
	if err != nil {
		return err
	}
	return e.send(w)
}

// payrollLayoutInput is the body of PUT /api/v1/exports/payroll/layout.
type payrollLayoutInput struct {
	// Source is the layout as text or JSON (payroll.ParseLayout); empty
	// goes back to the default layout.
	Source string `json:"source"`
}

func (a *App) apiGetPayrollLayout(w http.ResponseWriter, r *http.Request) error {
	l, err := a.db.FindPayrollLayout(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, l)
	return nil
}

func (a *App) apiSavePayrollLayout(w http.ResponseWriter, r *http.Request) error {
	var in payrollLayoutInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	var out store.PayrollLayout
	err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		var err error
		out, err = tx.SavePayrollLayout(r.Context(), in.Source)
		return err
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
