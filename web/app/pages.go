package app

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kintai"
	"kintai/store"
	"kintai/web"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	return http.FileServerFS(sub)
}

type pages struct {
	t map[string]*template.Template
}

var templateFuncs = template.FuncMap{
	"employment": func(t kintai.EmploymentType) string { return t.Label() },
	"unitKind":   func(k kintai.OrgUnitKind) string { return k.Label() },
	"role":       func(r kintai.Role) string { return r.Label() },
	"hasID":      func(ids []int64, id int64) bool { return containsID(ids, id) },
	"add":        func(a, b int) int { return a + b },
}

func newPages() (*pages, error) {
	p := &pages{t: map[string]*template.Template{}}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return nil, err
		}
		p.t[base] = t
	}
	return p, nil
}

// view is what every page template receives.
type view struct {
	Title  string
	Me     *kintai.Staff
	Actor  kintai.Actor
	CSRF   string
	Flash  string
	Error  *web.ErrorDetail
	Data   any
	IsHR   bool
	IsAdm  bool
	IsAppr bool
}

func (p *pages) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) error {
	id := identityFrom(r.Context())
	v := view{Title: title, Me: id.staff, Actor: id.actor, Data: data, Flash: r.URL.Query().Get("flash"),
		IsHR: id.actor.HasRole(kintai.RoleHR), IsAdm: id.actor.HasRole(kintai.RoleAdmin), IsAppr: id.actor.HasRole(kintai.RoleApprover)}
	if id.session != nil {
		v.CSRF = id.session.CSRFToken
	}
	if d, ok := data.(formData); ok && d.formErr() != nil {
		det := web.Detail(d.formErr())
		v.Error = &det
	}
	var buf bytes.Buffer
	if err := p.t[name].Execute(&buf, v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

func (p *pages) renderError(w http.ResponseWriter, r *http.Request, err error) {
	d := web.Detail(err)
	if rerr := p.render(w, r, web.Status(d.Code), "error", "エラー", d); rerr != nil {
		slog.Error("render error page", "err", rerr)
	}
}

// formData carries a form's values back with the error that stopped it.
type formData interface{ formErr() error }

type form[T any] struct {
	Values T
	Extra  any
	err    error
}

func (f form[T]) formErr() error { return f.err }

// Err returns the detail of the form's error for the template.
func (f form[T]) Err() *web.ErrorDetail {
	if f.err == nil {
		return nil
	}
	d := web.Detail(f.err)
	return &d
}

// isFormError reports whether err is the user's to fix on the same form.
func isFormError(err error) bool {
	c := kintai.ErrorCode(err)
	return c == kintai.EINVALID || c == kintai.ECONFLICT
}

func redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "flash=" + url.QueryEscape(flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func (a *App) pageLogin(w http.ResponseWriter, r *http.Request) error {
	return a.pages.render(w, r, http.StatusOK, "login", "ログイン", form[map[string]string]{Values: map[string]string{"next": r.URL.Query().Get("next")}})
}

func (a *App) pageLoginPost(w http.ResponseWriter, r *http.Request) error {
	vals := map[string]string{"staff_no": r.PostFormValue("staff_no"), "next": r.PostFormValue("next")}
	token, s, _, err := a.signIn(r.Context(), r.PostFormValue("staff_no"), r.PostFormValue("password"))
	if err != nil {
		if c := kintai.ErrorCode(err); c == kintai.EUNAUTHORIZED || c == kintai.EFORBIDDEN {
			return a.pages.render(w, r, web.Status(c), "login", "ログイン", form[map[string]string]{Values: vals, err: err})
		}
		return err
	}
	a.setSessionCookie(w, r, token, s.ExpiresAt)
	next := vals["next"]
	// Only same-site paths, never "//host" or a full URL.
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		next = "/"
	}
	return redirect(w, r, next, "")
}

func (a *App) pageLogout(w http.ResponseWriter, r *http.Request) error {
	if err := a.signOut(w, r); err != nil {
		return err
	}
	return redirect(w, r, "/login", "ログアウトしました。")
}

func (a *App) pageHome(w http.ResponseWriter, r *http.Request) error {
	id := identityFrom(r.Context())
	units, err := a.db.FindOrgUnits(r.Context())
	if err != nil {
		return err
	}
	unitName := ""
	for _, u := range units {
		if u.ID == id.staff.OrgUnitID {
			unitName = u.Name
		}
	}
	return a.pages.render(w, r, http.StatusOK, "home", "ホーム", map[string]any{"Unit": unitName, "Grants": id.actor.Grants, "Units": unitIndex(units)})
}

// unitRow is an org unit with its depth in the tree, for indented lists.
type unitRow struct {
	kintai.OrgUnit
	Depth  int
	Indent string
}

func unitIndex(units []kintai.OrgUnit) map[int64]kintai.OrgUnit {
	m := make(map[int64]kintai.OrgUnit, len(units))
	for _, u := range units {
		m[u.ID] = u
	}
	return m
}

// treeRows orders units depth-first so each unit follows its parent.
func treeRows(units []kintai.OrgUnit) []unitRow {
	children := map[int64][]kintai.OrgUnit{}
	for _, u := range units {
		children[u.ParentID] = append(children[u.ParentID], u)
	}
	var out []unitRow
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, u := range children[parent] {
			out = append(out, unitRow{OrgUnit: u, Depth: depth, Indent: strings.Repeat("　", depth)})
			walk(u.ID, depth+1)
		}
	}
	walk(0, 0)
	return out
}

func (a *App) pageOrgUnits(w http.ResponseWriter, r *http.Request) error {
	return a.renderOrgUnits(w, r, http.StatusOK, orgUnitInput{}, nil)
}

func (a *App) renderOrgUnits(w http.ResponseWriter, r *http.Request, status int, in orgUnitInput, ferr error) error {
	units, err := a.db.FindOrgUnits(r.Context())
	if err != nil {
		return err
	}
	return a.pages.render(w, r, status, "org_units", "所属", form[orgUnitInput]{Values: in, Extra: treeRows(units), err: ferr})
}

func (a *App) pageOrgUnitCreate(w http.ResponseWriter, r *http.Request) error {
	parent, _ := strconv.ParseInt(r.PostFormValue("parent_id"), 10, 64)
	in := orgUnitInput{Code: strings.TrimSpace(r.PostFormValue("code")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Kind: kintai.OrgUnitKind(r.PostFormValue("kind")), ParentID: parent}
	u := kintai.OrgUnit{Code: in.Code, Name: in.Name, Kind: in.Kind, ParentID: in.ParentID}
	err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.CreateOrgUnit(r.Context(), &u) })
	if isFormError(err) {
		return a.renderOrgUnits(w, r, web.Status(kintai.ErrorCode(err)), in, err)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/org-units", "所属「"+u.Name+"」を登録しました。")
}

func (a *App) pageSites(w http.ResponseWriter, r *http.Request) error {
	return a.renderSites(w, r, http.StatusOK, siteForm{}, nil)
}

// siteForm is a site as typed into the form, kept as text so a mistake is
// shown back exactly as entered.
type siteForm struct {
	ID                                     int64
	Code, Name, Address, Lat, Lng, RadiusM string
}

func (f siteForm) site() (kintai.Site, error) {
	s := kintai.Site{ID: f.ID, Code: f.Code, Name: f.Name, Address: f.Address}
	if f.Lat == "" && f.Lng == "" && f.RadiusM == "" {
		return s, nil
	}
	lat, err1 := strconv.ParseFloat(f.Lat, 64)
	lng, err2 := strconv.ParseFloat(f.Lng, 64)
	radius, err3 := strconv.Atoi(f.RadiusM)
	if err1 != nil || err2 != nil || err3 != nil {
		return s, kintai.Invalid("geofence", "緯度・経度・半径は数値で入力してください。", "Latitude, longitude and radius must be numbers.")
	}
	s.Lat, s.Lng, s.RadiusM = &lat, &lng, &radius
	return s, nil
}

func siteFormOf(s *kintai.Site) siteForm {
	f := siteForm{ID: s.ID, Code: s.Code, Name: s.Name, Address: s.Address}
	if s.Lat != nil {
		f.Lat = strconv.FormatFloat(*s.Lat, 'f', -1, 64)
		f.Lng = strconv.FormatFloat(*s.Lng, 'f', -1, 64)
		f.RadiusM = strconv.Itoa(*s.RadiusM)
	}
	return f
}

func readSiteForm(r *http.Request, id int64) siteForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return siteForm{ID: id, Code: v("code"), Name: v("name"), Address: v("address"), Lat: v("lat"), Lng: v("lng"), RadiusM: v("radius_m")}
}

func (a *App) renderSites(w http.ResponseWriter, r *http.Request, status int, in siteForm, ferr error) error {
	sites, err := a.db.FindSites(r.Context())
	if err != nil {
		return err
	}
	return a.pages.render(w, r, status, "sites", "拠点", form[siteForm]{Values: in, Extra: sites, err: ferr})
}

func (a *App) pageSiteCreate(w http.ResponseWriter, r *http.Request) error {
	in := readSiteForm(r, 0)
	s, err := in.site()
	if err == nil {
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.CreateSite(r.Context(), &s) })
	}
	if isFormError(err) {
		return a.renderSites(w, r, web.Status(kintai.ErrorCode(err)), in, err)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/sites", "拠点「"+s.Name+"」を登録しました。")
}

func (a *App) pageSiteEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.db.FindSiteByID(r.Context(), id)
	if err != nil {
		return err
	}
	terms, err := a.db.FindTerminals(r.Context(), id)
	if err != nil {
		return err
	}
	return a.pages.render(w, r, http.StatusOK, "site_edit", "拠点の編集", form[siteForm]{Values: siteFormOf(s), Extra: terms})
}

func (a *App) pageSiteSave(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	in := readSiteForm(r, id)
	s, err := in.site()
	if err == nil {
		err = a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.UpdateSite(r.Context(), &s) })
	}
	if isFormError(err) {
		terms, _ := a.db.FindTerminals(r.Context(), id)
		return a.pages.render(w, r, web.Status(kintai.ErrorCode(err)), "site_edit", "拠点の編集", form[siteForm]{Values: in, Extra: terms, err: err})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/sites", "拠点「"+s.Name+"」を保存しました。")
}

const staffPageSize = 50

func (a *App) pageStaffList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	f := store.StaffFilter{Query: q.Get("q"), Limit: staffPageSize, Offset: (page - 1) * staffPageSize}
	var err error
	if f.Units, err = a.staffScope(r.Context(), actorFrom(r)); err != nil {
		return err
	}
	staff, total, err := a.db.FindStaff(r.Context(), f)
	if err != nil {
		return err
	}
	units, err := a.db.FindOrgUnits(r.Context())
	if err != nil {
		return err
	}
	return a.pages.render(w, r, http.StatusOK, "staff_list", "職員", map[string]any{
		"Query": f.Query, "Staff": staff, "Total": total, "Page": page,
		"HasPrev": page > 1, "HasNext": page*staffPageSize < total, "Units": unitIndex(units)})
}

// staffForm is a staff member as typed into the form.
type staffForm struct {
	ID                                                                  int64
	StaffNo, Name, Kana, EmploymentType, AppointedOn, AppointmentEndsOn string
	OrgUnitID                                                           int64
	SupervisorNo, Email                                                 string
	SiteIDs                                                             []int64
}

func staffFormOf(s *kintai.Staff, supervisorNo string) staffForm {
	return staffForm{ID: s.ID, StaffNo: s.StaffNo, Name: s.Name, Kana: s.Kana, EmploymentType: string(s.EmploymentType),
		AppointedOn: s.AppointedOn.String(), AppointmentEndsOn: s.AppointmentEndsOn.String(), OrgUnitID: s.OrgUnitID,
		SupervisorNo: supervisorNo, Email: s.Email, SiteIDs: s.SiteIDs}
}

func readStaffForm(r *http.Request, id int64) staffForm {
	r.ParseForm()
	v := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	f := staffForm{ID: id, StaffNo: v("staff_no"), Name: v("name"), Kana: v("kana"), EmploymentType: v("employment_type"),
		AppointedOn: v("appointed_on"), AppointmentEndsOn: v("appointment_ends_on"), SupervisorNo: v("supervisor_no"), Email: v("email")}
	f.OrgUnitID, _ = strconv.ParseInt(v("org_unit_id"), 10, 64)
	for _, s := range r.PostForm["site_ids"] {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			f.SiteIDs = append(f.SiteIDs, n)
		}
	}
	return f
}

// staff converts the form, resolving the supervisor's 職員番号.
func (a *App) staffFromForm(r *http.Request, f staffForm) (kintai.Staff, error) {
	s := kintai.Staff{ID: f.ID, StaffNo: f.StaffNo, Name: f.Name, Kana: f.Kana, EmploymentType: kintai.EmploymentType(f.EmploymentType),
		OrgUnitID: f.OrgUnitID, Email: f.Email, SiteIDs: f.SiteIDs}
	var err error
	if s.AppointedOn, err = kintai.ParseDate(f.AppointedOn); err != nil {
		return s, kintai.Invalid("appointed_on", "任用開始日の形式が正しくありません（例: 2026-04-01）。", "Appointment start must be YYYY-MM-DD.")
	}
	if f.AppointmentEndsOn != "" {
		if s.AppointmentEndsOn, err = kintai.ParseDate(f.AppointmentEndsOn); err != nil {
			return s, kintai.Invalid("appointment_ends_on", "任用終了日の形式が正しくありません（例: 2027-03-31）。", "Appointment end must be YYYY-MM-DD.")
		}
	}
	if f.SupervisorNo != "" {
		sup, err := a.db.FindStaffByNo(r.Context(), f.SupervisorNo)
		if kintai.ErrorCode(err) == kintai.ENOTFOUND {
			return s, kintai.Invalid("supervisor_no", "上司の職員番号が見つかりません。", "Supervisor's staff number not found.")
		}
		if err != nil {
			return s, err
		}
		s.SupervisorID = sup.ID
	}
	return s, nil
}

func (a *App) renderStaffForm(w http.ResponseWriter, r *http.Request, status int, f staffForm, ferr error) error {
	units, err := a.db.FindOrgUnits(r.Context())
	if err != nil {
		return err
	}
	sites, err := a.db.FindSites(r.Context())
	if err != nil {
		return err
	}
	title := "職員の編集"
	if f.ID == 0 {
		title = "職員の登録"
	}
	extra := map[string]any{"Units": treeRows(units), "Sites": sites, "Types": kintai.EmploymentTypes}
	if f.ID != 0 {
		grants, err := a.db.FindGrants(r.Context(), f.ID)
		if err != nil {
			return err
		}
		extra["Grants"] = grants
		extra["UnitIndex"] = unitIndex(units)
	}
	return a.pages.render(w, r, status, "staff_edit", title, form[staffForm]{Values: f, Extra: extra, err: ferr})
}

func (a *App) pageStaffNew(w http.ResponseWriter, r *http.Request) error {
	return a.renderStaffForm(w, r, http.StatusOK, staffForm{EmploymentType: string(kintai.Regular)}, nil)
}

func (a *App) pageStaffCreate(w http.ResponseWriter, r *http.Request) error {
	f := readStaffForm(r, 0)
	s, err := a.staffFromForm(r, f)
	if err == nil {
		err = a.createStaff(r, &s)
	}
	if isFormError(err) {
		return a.renderStaffForm(w, r, web.Status(kintai.ErrorCode(err)), f, err)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/staff/"+strconv.FormatInt(s.ID, 10), "職員「"+s.Name+"」を登録しました。")
}

func (a *App) pageStaffEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.findVisibleStaff(r, id)
	if err != nil {
		return err
	}
	supNo := ""
	if s.SupervisorID != 0 {
		if sup, err := a.db.FindStaffByID(r.Context(), s.SupervisorID); err == nil {
			supNo = sup.StaffNo
		}
	}
	return a.renderStaffForm(w, r, http.StatusOK, staffFormOf(s, supNo), nil)
}

func (a *App) pageStaffSave(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := a.findVisibleStaff(r, id); err != nil {
		return err
	}
	f := readStaffForm(r, id)
	s, err := a.staffFromForm(r, f)
	if err == nil {
		err = a.updateStaff(r, &s)
	}
	if isFormError(err) {
		return a.renderStaffForm(w, r, web.Status(kintai.ErrorCode(err)), f, err)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/staff/"+strconv.FormatInt(id, 10), "職員「"+s.Name+"」を保存しました。")
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
