package app

import (
	"fmt"
	"net/http"
	"strings"

	"kintai"
	"kintai/payroll"
	"kintai/store"
)

// exportView is the payroll export page: the download form and the
// layout editor.
type exportView struct {
	Month    string // 2026-10
	Format   string
	Encoding string // "" for the layout's
	UnitID   int64
	Units    []kintai.OrgUnit // the units the HR officer may export
	// Source is the layout in the editor; Saved tells whether the entity
	// has a layout of its own (else Source is the default written out).
	Source    string
	Saved     bool
	Layout    payroll.Layout
	Columns   []payroll.Column // every column a layout can name
	LayoutErr bool             // the error is the layout editor's
	err       error
}

func (v exportView) formErr() error { return v.err }

// layoutText writes l in the text form payroll.ParseLayout reads.
func layoutText(l payroll.Layout) string {
	var b strings.Builder
	fmt.Fprintf(&b, "encoding = %s\nhours_format = %s\n", l.Encoding, l.HoursFormat)
	for _, c := range l.Columns {
		fmt.Fprintf(&b, "%s = %s\n", c.Key, c.Header)
	}
	return b.String()
}

// exportForm fills v with the layout and the units in the caller's scope.
func (a *App) exportForm(r *http.Request, v *exportView) error {
	saved, err := a.db.FindPayrollLayout(r.Context())
	if err != nil {
		return err
	}
	v.Layout, v.Saved, v.Columns = saved.Layout, !saved.UpdatedAt.IsZero(), payroll.Columns()
	if v.Source == "" {
		v.Source = saved.Source
		if !v.Saved {
			v.Source = layoutText(saved.Layout)
		}
	}
	scope, err := a.exportScope(r, 0)
	if err != nil {
		return err
	}
	units, err := a.db.FindOrgUnits(r.Context())
	if err != nil {
		return err
	}
	for _, u := range units {
		if scope == nil || containsID(scope, u.ID) {
			v.Units = append(v.Units, u)
		}
	}
	return nil
}

func (a *App) pageExports(w http.ResponseWriter, r *http.Request) error {
	// The default month is the last one: payroll is paid on a closed month.
	v := exportView{Month: store.AddMonths(store.MonthOf(a.today()), -1).String()[:7], Format: "csv"}
	if err := a.exportForm(r, &v); err != nil {
		return err
	}
	return a.pages.render(w, r, http.StatusOK, "exports", "給与連携", v)
}

func (a *App) pageExportDownload(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := exportView{Month: q.Get("month"), Format: q.Get("format"), Encoding: q.Get("encoding")}
	e, err := func() (*payrollExport, error) {
		month, err := readMonth(v.Month, "month")
		if err != nil {
			return nil, err
		}
		if v.UnitID, err = queryUnit(r); err != nil {
			return nil, err
		}
		units, err := a.exportScope(r, v.UnitID)
		if err != nil {
			return nil, err
		}
		return a.writePayroll(r, month, units, v.Format, v.Encoding)
	}()
	if isFormError(err) {
		v.err = err
		if ferr := a.exportForm(r, &v); ferr != nil {
			return ferr
		}
		return a.pages.render(w, r, http.StatusBadRequest, "exports", "給与連携", v)
	}
	if err != nil {
		return err
	}
	return e.send(w)
}

func (a *App) pageExportLayout(w http.ResponseWriter, r *http.Request) error {
	source := r.PostFormValue("source")
	err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		_, err := tx.SavePayrollLayout(r.Context(), source)
		return err
	})
	if isFormError(err) {
		v := exportView{Month: store.AddMonths(store.MonthOf(a.today()), -1).String()[:7], Format: "csv",
			Source: source, LayoutErr: true, err: err}
		if ferr := a.exportForm(r, &v); ferr != nil {
			return ferr
		}
		return a.pages.render(w, r, http.StatusBadRequest, "exports", "給与連携", v)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/exports", "出力レイアウトを保存しました。")
}
