package app

import (
	"errors"
	"net/http"
	"strconv"

	"kintai"
	"kintai/password"
	"kintai/store"
	"kintai/web"
)

// list is the JSON shape of every list response.
type list[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

func newList[T any](items []T) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, Total: len(items)}
}

func (a *App) apiLogin(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		StaffNo  string `json:"staff_no"`
		Password string `json:"password"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	token, s, staff, err := a.signIn(r.Context(), in.StaffNo, in.Password)
	if err != nil {
		return err
	}
	a.setSessionCookie(w, r, token, s.ExpiresAt)
	web.WriteJSON(w, http.StatusOK, map[string]any{"staff": staff, "csrf_token": s.CSRFToken, "expires_at": s.ExpiresAt})
	return nil
}

func (a *App) apiLogout(w http.ResponseWriter, r *http.Request) error {
	if err := a.signOut(w, r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *App) apiMe(w http.ResponseWriter, r *http.Request) error {
	id := identityFrom(r.Context())
	out := map[string]any{"staff": id.staff, "grants": nonNil(id.actor.Grants)}
	if id.session != nil {
		out["csrf_token"] = id.session.CSRFToken
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *App) apiChangePassword(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	return a.changeOwnPassword(r, in.Current, in.New, func() { w.WriteHeader(http.StatusNoContent) })
}

func (a *App) changeOwnPassword(r *http.Request, current, next string, done func()) error {
	id := identityFrom(r.Context())
	c, err := a.db.FindCredentials(r.Context(), id.staff.StaffNo)
	if err != nil {
		return err
	}
	if ok, _ := password.Verify(current, c.PasswordHash); !ok {
		return kintai.Invalid("current_password", "現在のパスワードが正しくありません。", "Current password is wrong.")
	}
	if err := a.setPassword(r, id.staff.ID, "new_password", next); err != nil {
		return err
	}
	done()
	return nil
}

func (a *App) setPassword(r *http.Request, staffID int64, field, pw string) error {
	if ja, en, ok := password.Check(pw); !ok {
		return kintai.Invalid(field, ja, en)
	}
	hash, err := password.Hash(pw, password.Default)
	if err != nil {
		return err
	}
	return a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		return tx.SetPassword(r.Context(), staffID, hash)
	})
}

func (a *App) apiSetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Password string `json:"password"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	s, err := a.findVisibleStaff(r, id)
	if err != nil {
		return err
	}
	if err := a.requireScope(r.Context(), r, kintai.RoleHR, s.OrgUnitID); err != nil {
		return err
	}
	if err := a.setPassword(r, id, "password", in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *App) apiListOrgUnits(w http.ResponseWriter, r *http.Request) error {
	units, err := a.db.FindOrgUnits(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(units))
	return nil
}

// orgUnitInput is the writable part of an org unit.
type orgUnitInput struct {
	Code     string             `json:"code"`
	Name     string             `json:"name"`
	Kind     kintai.OrgUnitKind `json:"kind"`
	ParentID int64              `json:"parent_id"`
}

func (a *App) apiCreateOrgUnit(w http.ResponseWriter, r *http.Request) error {
	var in orgUnitInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	u := kintai.OrgUnit{Code: in.Code, Name: in.Name, Kind: in.Kind, ParentID: in.ParentID}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.CreateOrgUnit(r.Context(), &u) }); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, u)
	return nil
}

func (a *App) apiUpdateOrgUnit(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in orgUnitInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	u := kintai.OrgUnit{ID: id, Code: in.Code, Name: in.Name, Kind: in.Kind, ParentID: in.ParentID}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.UpdateOrgUnit(r.Context(), &u) }); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, u)
	return nil
}

func (a *App) apiListSites(w http.ResponseWriter, r *http.Request) error {
	sites, err := a.db.FindSites(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(sites))
	return nil
}

// siteInput is the writable part of a site.
type siteInput struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Address string   `json:"address"`
	Lat     *float64 `json:"lat"`
	Lng     *float64 `json:"lng"`
	RadiusM *int     `json:"radius_m"`
}

func (in siteInput) site(id int64) kintai.Site {
	return kintai.Site{ID: id, Code: in.Code, Name: in.Name, Address: in.Address, Lat: in.Lat, Lng: in.Lng, RadiusM: in.RadiusM}
}

func (a *App) apiCreateSite(w http.ResponseWriter, r *http.Request) error {
	var in siteInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	s := in.site(0)
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.CreateSite(r.Context(), &s) }); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, s)
	return nil
}

func (a *App) apiUpdateSite(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in siteInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	s := in.site(id)
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.UpdateSite(r.Context(), &s) }); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (a *App) apiListStaff(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.StaffFilter{Query: q.Get("q")}
	var err error
	if f.Limit, err = queryInt(q.Get("limit"), 50, "limit"); err != nil {
		return err
	}
	if f.Offset, err = queryInt(q.Get("offset"), 0, "offset"); err != nil {
		return err
	}
	if f.Units, err = a.staffScope(r.Context(), actorFrom(r)); err != nil {
		return err
	}
	staff, total, err := a.db.FindStaff(r.Context(), f)
	if err != nil {
		return err
	}
	out := newList(staff)
	out.Total = total
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func queryInt(s string, def int, field string) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, kintai.Invalid(field, field+" は0以上の整数で指定してください。", field+" must be a non-negative integer.")
	}
	return n, nil
}

func (a *App) apiGetStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.findVisibleStaff(r, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}

// staffInput is the writable part of a staff member.
type staffInput struct {
	StaffNo           string                `json:"staff_no"`
	Name              string                `json:"name"`
	Kana              string                `json:"kana"`
	EmploymentType    kintai.EmploymentType `json:"employment_type"`
	AppointedOn       kintai.Date           `json:"appointed_on"`
	AppointmentEndsOn kintai.Date           `json:"appointment_ends_on"`
	OrgUnitID         int64                 `json:"org_unit_id"`
	SupervisorID      int64                 `json:"supervisor_id"`
	SiteIDs           []int64               `json:"site_ids"`
	Email             string                `json:"email"`
}

func (in staffInput) staff(id int64) kintai.Staff {
	return kintai.Staff{ID: id, StaffNo: in.StaffNo, Name: in.Name, Kana: in.Kana, EmploymentType: in.EmploymentType,
		AppointedOn: in.AppointedOn, AppointmentEndsOn: in.AppointmentEndsOn, OrgUnitID: in.OrgUnitID,
		SupervisorID: in.SupervisorID, SiteIDs: in.SiteIDs, Email: in.Email}
}

// createStaff creates s if the actor holds HR over its org unit.
func (a *App) createStaff(r *http.Request, s *kintai.Staff) error {
	return a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		if err := a.checkStaffScope(r, tx, s.OrgUnitID); err != nil {
			return err
		}
		return tx.CreateStaff(r.Context(), s)
	})
}

// updateStaff saves s if the actor holds HR over both its old and new org unit.
func (a *App) updateStaff(r *http.Request, s *kintai.Staff) error {
	return a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		old, err := tx.FindStaffByID(r.Context(), s.ID)
		if err != nil {
			return err
		}
		tree, err := tx.OrgTree(r.Context())
		if err != nil {
			return err
		}
		if !actorFrom(r).CanSeeStaff(old, tree) {
			return kintai.NotFound("職員", "Staff member")
		}
		if err := a.checkStaffScope(r, tx, old.OrgUnitID, s.OrgUnitID); err != nil {
			return err
		}
		_, err = tx.UpdateStaff(r.Context(), s)
		return err
	})
}

func (a *App) apiCreateStaff(w http.ResponseWriter, r *http.Request) error {
	var in staffInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	s := in.staff(0)
	if err := a.createStaff(r, &s); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, s)
	return nil
}

func (a *App) apiUpdateStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in staffInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	s := in.staff(id)
	if err := a.updateStaff(r, &s); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (a *App) apiListGrants(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.URL.Query().Get("staff_id"), 10, 64)
	if err != nil {
		return kintai.Invalid("staff_id", "staff_id を指定してください。", "staff_id is required.")
	}
	grants, err := a.db.FindGrants(r.Context(), id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(grants))
	return nil
}

func (a *App) apiCreateGrant(w http.ResponseWriter, r *http.Request) error {
	var g kintai.Grant
	if err := web.DecodeJSON(w, r, &g); err != nil {
		return err
	}
	g.ID = 0
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.CreateGrant(r.Context(), &g) }); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, g)
	return nil
}

func (a *App) apiDeleteGrant(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.DeleteGrant(r.Context(), id) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *App) apiListTerminals(w http.ResponseWriter, r *http.Request) error {
	var site int64
	if s := r.URL.Query().Get("site_id"); s != "" {
		var err error
		if site, err = strconv.ParseInt(s, 10, 64); err != nil {
			return kintai.Invalid("site_id", "site_id が正しくありません。", "Invalid site_id.")
		}
	}
	ts, err := a.db.FindTerminals(r.Context(), site)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(ts))
	return nil
}

func (a *App) apiCreateTerminal(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Code   string `json:"code"`
		Name   string `json:"name"`
		SiteID int64  `json:"site_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t := store.Terminal{Code: in.Code, Name: in.Name, SiteID: in.SiteID}
	var secret string
	err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) (err error) {
		secret, err = tx.CreateTerminal(r.Context(), &t)
		return err
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"terminal": t, "credential": secret})
	return nil
}

func (a *App) apiRevokeTerminal(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.RevokeTerminal(r.Context(), id) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *App) apiDevicePing(w http.ResponseWriter, r *http.Request) error {
	t := identityFrom(r.Context()).terminal
	site, err := a.db.FindSiteByID(r.Context(), t.SiteID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"terminal": t, "site": site, "server_time": a.cfg.Now().UTC()})
	return nil
}

func (a *App) apiListTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := a.db.FindAPITokens(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(ts))
	return nil
}

func (a *App) apiCreateToken(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name      string      `json:"name"`
		StaffID   int64       `json:"staff_id"`
		ExpiresOn kintai.Date `json:"expires_on"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t := store.APIToken{Name: in.Name, StaffID: in.StaffID}
	if !in.ExpiresOn.IsZero() {
		t.ExpiresAt = in.ExpiresOn.AddDays(1).Time(a.cfg.Loc).UTC()
	}
	var secret string
	err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) (err error) {
		secret, err = tx.CreateAPIToken(r.Context(), &t)
		return err
	})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"token": t, "secret": secret})
	return nil
}

func (a *App) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.RevokeAPIToken(r.Context(), id) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *App) apiListAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	after, err := queryInt(q.Get("after"), 0, "after")
	if err != nil {
		return err
	}
	limit, err := queryInt(q.Get("limit"), 100, "limit")
	if err == nil && limit == 0 {
		err = kintai.Invalid("limit", "limit は1以上で指定してください。", "limit must be at least 1.")
	}
	if err != nil {
		return err
	}
	entries, err := a.db.FindAuditEntries(r.Context(), store.AuditFilter{
		Entity: q.Get("entity"), EntityID: q.Get("entity_id"), AfterSeq: int64(after), Limit: limit})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(entries))
	return nil
}

func (a *App) apiVerifyAudit(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.db.VerifyAudit(r.Context())
	var br *kintai.AuditBreak
	if errors.As(err, &br) {
		web.WriteJSON(w, http.StatusOK, map[string]any{"intact": false, "broken_seq": br.Seq, "reason": br.Reason, "entries": rep.Entries})
		return nil
	}
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"intact": true, "entries": rep.Entries, "head_seq": rep.HeadSeq, "head_hash": rep.HeadHash})
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
