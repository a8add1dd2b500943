package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"kintai"
	"kintai/leave"
	"kintai/store"
	"kintai/web"
)

// leaveGrantCheck is how often the daily annual-grant step looks at the
// date.
const leaveGrantCheck = time.Minute

// leaveRoutes lists the routes of leave balances (休暇の残日数).
func (a *App) leaveRoutes() []web.Route {
	p := func(method, pattern string, access web.Access, summary string, h web.HandlerFunc) web.Route {
		return web.Route{Method: method, Pattern: pattern, Access: access, Summary: summary, Handler: h, Page: true}
	}
	return []web.Route{
		{Method: "GET", Pattern: "/api/v1/staff/{id}/leave", Access: web.Signed, Summary: "Get a staff member's leave balances", Handler: a.apiStaffLeave},
		{Method: "POST", Pattern: "/api/v1/staff/{id}/leave-grants", Access: web.HR, Summary: "Add a manual leave grant or correction", Handler: a.apiAddLeaveGrant},
		{Method: "GET", Pattern: "/api/v1/leave-settings", Access: web.Signed, Summary: "The leave settings and leave types", Handler: a.apiGetLeaveSettings},
		{Method: "PUT", Pattern: "/api/v1/leave-settings", Access: web.HR, Summary: "Change the leave settings and leave types", Handler: a.apiPutLeaveSettings},
		p("GET", "/my/leave", web.Signed, "My leave balances", a.pageMyLeave),
		p("GET", "/leave", web.HR, "Leave balances (HR)", a.pageLeave),
		p("POST", "/leave/grants", web.HR, "Add a manual leave grant", a.pageLeaveGrant),
		p("POST", "/leave/grants/{id}/revoke", web.HR, "Revoke a leave grant", a.pageLeaveGrantRevoke),
		p("GET", "/settings/leave", web.HR, "Leave types and settings", a.pageLeaveSettings),
		p("POST", "/settings/leave", web.HR, "Save the leave types and settings", a.pageLeaveSettingsSave),
	}
}

// leaveGrantInput is the body of POST /api/v1/staff/{id}/leave-grants.
type leaveGrantInput struct {
	Balance   leave.Category `json:"balance"`
	Amount    leave.Amount   `json:"amount"`
	GrantedOn kintai.Date    `json:"granted_on"`
	ExpiresOn kintai.Date    `json:"expires_on"`
	Carried   bool           `json:"carried,omitempty"`
	// Reason is why the grant is made (required).
	Reason string `json:"reason"`
}

func (a *App) apiStaffLeave(w http.ResponseWriter, r *http.Request) error {
	s, err := a.visibleStaff(r)
	if err != nil {
		return err
	}
	asOf := a.today()
	if v := r.URL.Query().Get("as_of"); v != "" {
		if err := asOf.UnmarshalText([]byte(v)); err != nil {
			return kintai.Invalid("as_of", "日付はYYYY-MM-DDで指定してください。", "as_of must be YYYY-MM-DD.")
		}
	}
	sl, err := a.db.StaffLeave(r.Context(), s.ID, asOf)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, sl)
	return nil
}

func (a *App) addLeaveGrant(r *http.Request, staffID int64, in leaveGrantInput) (store.LeaveGrant, error) {
	g := store.LeaveGrant{StaffID: staffID, Balance: in.Balance, Grant: leave.Grant{
		Amount: in.Amount, GrantedOn: in.GrantedOn, ExpiresOn: in.ExpiresOn, Carried: in.Carried, Note: in.Reason}}
	err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.AddLeaveGrant(ctx, &g) })
	return g, err
}

func (a *App) apiAddLeaveGrant(w http.ResponseWriter, r *http.Request) error {
	s, err := a.staffInRole(r, kintai.RoleHR)
	if err != nil {
		return err
	}
	var in leaveGrantInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	g, err := a.addLeaveGrant(r, s.ID, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, g)
	return nil
}

// grantLeaveDaily grants the year's annual leave to whoever has not had
// it, at start and then once a day (idempotent: a year is never granted
// twice).
func (a *App) grantLeaveDaily(stop <-chan struct{}) {
	t := time.NewTicker(leaveGrantCheck)
	defer t.Stop()
	var done kintai.Date
	for {
		if today := a.today(); today != done {
			run, err := a.db.GrantAnnualLeaveDaily(context.Background())
			if err != nil {
				slog.Error("annual leave grant failed", "err", err)
			} else {
				done = today
				if len(run.Granted)+len(run.Carried) > 0 {
					slog.Info("annual leave granted", "granted", len(run.Granted), "carried", len(run.Carried))
				}
			}
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// apiGetLeaveSettings returns the entity's leave settings and types
// (everyone may read which leave there is).
func (a *App) apiGetLeaveSettings(w http.ResponseWriter, r *http.Request) error {
	c, err := a.db.FindLeaveConfig(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

// apiPutLeaveSettings reads the body over the current configuration:
// settings left out keep their values; types, when given, replace the
// list (a built-in type is disabled, not removed).
func (a *App) apiPutLeaveSettings(w http.ResponseWriter, r *http.Request) error {
	c, err := a.db.FindLeaveConfig(r.Context())
	if err != nil {
		return err
	}
	var in struct {
		Settings json.RawMessage `json:"settings"`
		Types    []leave.Type    `json:"types"` // fresh: a reused slice would keep old fields
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Settings != nil {
		if err := json.Unmarshal(in.Settings, &c.Settings); err != nil {
			return kintai.Invalid("settings", "休暇の設定の形式が正しくありません。", "The leave settings are not valid JSON: "+err.Error())
		}
	}
	if in.Types != nil {
		c.Types = in.Types
	}
	if err := a.inTx(r, func(ctx context.Context, tx *store.Tx) error { return tx.SaveLeaveConfig(ctx, &c) }); err != nil {
		return err
	}
	a.leaveTypes.Lock()
	a.leaveTypes.cfg = nil
	a.leaveTypes.Unlock()
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

// leaveTypeTTL is how long leaveType trusts the leave types it read: a
// page of 1,000 requests names them without 1,000 queries.
const leaveTypeTTL = 10 * time.Second

// leaveType returns the entity's leave type code, from a copy at most
// leaveTypeTTL old.
func (a *App) leaveType(code string) (leave.Type, bool) {
	a.leaveTypes.Lock()
	defer a.leaveTypes.Unlock()
	if now := a.cfg.Now(); a.leaveTypes.cfg == nil || now.Sub(a.leaveTypes.at) > leaveTypeTTL {
		c, err := a.db.FindLeaveConfig(context.Background())
		if err != nil {
			slog.Error("leave types", "err", err)
			d := store.DefaultLeaveConfig()
			return d.Type(code)
		}
		a.leaveTypes.cfg, a.leaveTypes.at = &c, now
	}
	return a.leaveTypes.cfg.Type(code)
}
