// Package app serves kintai's pages and JSON API for staff, approvers, HR
// and administrators: sign-in, master data, staff import, terminals, API
// tokens and the audit trail.
package app

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"kintai"
	"kintai/face"
	"kintai/punch"
	"kintai/store"
	"kintai/web"
)

// Config is what the app needs from the command that starts it.
type Config struct {
	DB  *store.DB
	Loc *time.Location // the organisation's zone; work days are civil dates in it
	Now func() time.Time
	// SessionTTL is how long a sign-in lasts (default 12 h).
	SessionTTL time.Duration
	// SecureCookies forces the Secure flag on cookies; it is set anyway for
	// requests that arrive over TLS.
	SecureCookies bool
	// Lockout: after LockoutAfter failed sign-ins in a row the account is
	// locked for LockoutBase, doubling with each further failure up to 1 h.
	LockoutAfter int
	LockoutBase  time.Duration
	// PunchPolicy holds the punch settings (geofence refusal, skew, batch size).
	PunchPolicy punch.Policy
	// PunchBatch is the most punches stored in one transaction (default 512).
	PunchBatch int
	// FaceKey is the 32-byte AES key that seals face templates; without
	// it, face enrolment and matching are refused (cards and PINs work).
	FaceKey []byte
	// FaceThresholds are the face matching settings (zero: face.DefaultThresholds).
	FaceThresholds face.Thresholds
	// ConditionCheck keeps the smile score sent with clock-ins (体調チェック); off by default.
	ConditionCheck bool
	Version        string
	// EscalateCheck is how often the escalation loop looks whether the
	// date has changed (default 1 minute); escalation itself runs once a
	// day (request_escalate.go).
	EscalateCheck time.Duration
	// LeaveGrants runs the daily annual-leave grant (年次休暇の付与,
	// store.GrantAnnualLeaveDaily) in the background; serve turns it on.
	LeaveGrants bool
	// Mail sends notification emails over SMTP (mail.go); nil: off.
	Mail *MailConfig
}

// App is the HTTP application.
type App struct {
	cfg     Config
	db      *store.DB
	metrics *web.Metrics
	routes  []web.Route
	mux     *http.ServeMux
	pages   *pages

	writer     *store.PunchWriter
	terminals  terminalCache
	punchCache punchCaches
	kiosk      *kioskState // kiosk_api.go
	mailer     *mailer     // mail.go; nil when mail is off
	// leaveTypes is the leave configuration leaveType names types from.
	leaveTypes struct {
		sync.Mutex
		cfg *store.LeaveConfig
		at  time.Time
	}

	// stop ends the background loops started with goBackground; bg
	// waits for them.
	stop     chan struct{}
	stopOnce sync.Once
	bg       sync.WaitGroup
}

// goBackground runs loop until Close; loop must return soon after stop is
// closed.
func (a *App) goBackground(loop func(stop <-chan struct{})) {
	a.bg.Add(1)
	go func() {
		defer a.bg.Done()
		loop(a.stop)
	}()
}

// New builds the app with its route table; extra routes (such as the
// device endpoints) are served with the same access checks.
func New(cfg Config, extra ...web.Route) (*App, error) {
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.LockoutAfter == 0 {
		cfg.LockoutAfter = 5
	}
	if cfg.LockoutBase == 0 {
		cfg.LockoutBase = time.Minute
	}
	if cfg.Loc == nil || cfg.Now == nil || cfg.DB == nil {
		panic("app.New: DB, Loc and Now are required")
	}
	if cfg.PunchPolicy == (punch.Policy{}) {
		cfg.PunchPolicy = punch.DefaultPolicy()
	}
	if err := cfg.PunchPolicy.Validate(); err != nil {
		return nil, err
	}
	if cfg.Mail != nil {
		m := *cfg.Mail
		if err := m.Config.Validate(); err != nil {
			return nil, err
		}
		cfg.Mail = &m
	}
	if cfg.PunchBatch == 0 {
		cfg.PunchBatch = 512
	}
	if err := prepareFaceConfig(&cfg); err != nil {
		return nil, err
	}
	pg, err := newPages()
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, db: cfg.DB, metrics: web.NewMetrics(), mux: http.NewServeMux(), pages: pg, stop: make(chan struct{})}
	a.writer = cfg.DB.NewPunchWriter(cfg.PunchBatch)
	a.metrics.AddGauge(web.Gauge{Name: "kintai_punches_stored_total", Help: "Punches stored since start.", Value: func() float64 { return float64(a.writer.Stored.Load()) }})
	a.metrics.AddGauge(web.Gauge{Name: "kintai_punch_batches_total", Help: "Punch transactions committed since start.", Value: func() float64 { return float64(a.writer.Batches.Load()) }})
	a.metrics.AddGauge(web.Gauge{Name: "kintai_punch_queue", Help: "Punch calls waiting for the writer.", Value: func() float64 { return float64(a.writer.Queued()) }})
	a.punchCache.warm, a.punchCache.warmed = make(chan struct{}, 1), make(chan struct{})
	cfg.DB.SetZone(cfg.Loc)
	cfg.DB.OnMasterChange(a.forgetCaches)
	a.goBackground(a.watchMasterData())
	a.goBackground(a.warmLoop)        // cache.go
	a.goBackground(a.recomputeLoop()) // rules_api.go
	a.goBackground(a.escalateDaily)   // request_escalate.go
	if cfg.LeaveGrants {
		a.goBackground(a.grantLeaveDaily) // leave_api.go
	}
	a.startKiosk()
	a.startMail() // mail.go
	a.routes = append(a.routeTable(), extra...)
	for _, rt := range a.routes {
		a.mux.Handle(rt.Method+" "+rt.Pattern, web.Observe(a.metrics, rt.Pattern, a.guard(rt)))
	}
	a.mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler()))
	return a, nil
}

// Close stops the background loops, stores the punches still queued and
// stops the punch writer. Call it after the HTTP server has shut down. It
// may be called more than once.
func (a *App) Close() {
	a.stopOnce.Do(func() {
		close(a.stop)
		a.bg.Wait()
		a.writer.Close()
	})
}

// Routes returns the route table, for tests and the OpenAPI check.
func (a *App) Routes() []web.Route { return a.routes }

// Metrics returns the app's metrics, so other parts can add gauges.
func (a *App) Metrics() *web.Metrics { return a.metrics }

// ServeHTTP serves a request with security headers set.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'")
	a.mux.ServeHTTP(w, r)
}

// routeTable lists every route with who may call it. A test walks it with
// each role.
func (a *App) routeTable() []web.Route {
	r := func(method, pattern string, access web.Access, summary string, h web.HandlerFunc) web.Route {
		return web.Route{Method: method, Pattern: pattern, Access: access, Summary: summary, Handler: h}
	}
	p := func(method, pattern string, access web.Access, summary string, h web.HandlerFunc) web.Route {
		return web.Route{Method: method, Pattern: pattern, Access: access, Summary: summary, Handler: h, Page: true}
	}
	base := []web.Route{
		r("GET", "/healthz", web.Public, "Liveness", a.healthz),
		r("GET", "/readyz", web.Public, "Readiness (database reachable, punch caches filled)", a.readyz),
		r("GET", "/metrics", web.Public, "Prometheus metrics", a.serveMetrics),
		r("GET", "/api/v1/openapi.json", web.Public, "This API's OpenAPI document", serveOpenAPI),

		r("POST", "/api/v1/auth/login", web.Public, "Sign in", a.apiLogin),
		r("POST", "/api/v1/auth/logout", web.Signed, "Sign out", a.apiLogout),
		r("GET", "/api/v1/me", web.Signed, "The signed-in staff member", a.apiMe),
		r("POST", "/api/v1/me/password", web.Signed, "Change own password", a.apiChangePassword),

		r("GET", "/api/v1/org-units", web.Signed, "List org units", a.apiListOrgUnits),
		r("POST", "/api/v1/org-units", web.Admin, "Create an org unit", a.apiCreateOrgUnit),
		r("PUT", "/api/v1/org-units/{id}", web.Admin, "Update an org unit", a.apiUpdateOrgUnit),

		r("GET", "/api/v1/sites", web.Signed, "List sites", a.apiListSites),
		r("POST", "/api/v1/sites", web.Admin, "Create a site", a.apiCreateSite),
		r("PUT", "/api/v1/sites/{id}", web.Admin, "Update a site", a.apiUpdateSite),

		r("GET", "/api/v1/staff", web.Approver, "Search staff in scope", a.apiListStaff),
		r("POST", "/api/v1/staff", web.HR, "Create a staff member", a.apiCreateStaff),
		r("GET", "/api/v1/staff/{id}", web.Signed, "A staff member (self, or in scope)", a.apiGetStaff),
		r("PUT", "/api/v1/staff/{id}", web.HR, "Update a staff member", a.apiUpdateStaff),
		r("POST", "/api/v1/staff/{id}/password", web.HR, "Set a staff member's password", a.apiSetPassword),
		r("POST", "/api/v1/staff/import", web.HR, "Import the staff master CSV (dry run or apply)", a.apiImportStaff),

		r("GET", "/api/v1/grants", web.Admin, "List role grants of a staff member", a.apiListGrants),
		r("POST", "/api/v1/grants", web.Admin, "Grant a role", a.apiCreateGrant),
		r("DELETE", "/api/v1/grants/{id}", web.Admin, "Revoke a role", a.apiDeleteGrant),

		r("GET", "/api/v1/terminals", web.Admin, "List terminals", a.apiListTerminals),
		r("POST", "/api/v1/terminals", web.Admin, "Register a terminal", a.apiCreateTerminal),
		r("POST", "/api/v1/terminals/{id}/revoke", web.Admin, "Revoke a terminal", a.apiRevokeTerminal),
		r("GET", "/api/v1/device/ping", web.Device, "A terminal checks its credential", a.apiDevicePing),

		r("POST", "/api/v1/punches", web.DeviceOrStaff, "Record a punch", a.apiPunch),
		r("POST", "/api/v1/punches/batch", web.Device, "Upload punches queued offline", a.apiPunchBatch),
		r("GET", "/api/v1/punches", web.Signed, "Punches of a staff member (self, or in scope) with exceptions", a.apiListPunches),
		r("GET", "/api/v1/punch-exceptions", web.Approver, "Punch exceptions of staff in scope", a.apiPunchExceptions),
		r("GET", "/api/v1/presence", web.Approver, "Live presence board of staff in scope", a.apiPresence),

		r("GET", "/api/v1/api-tokens", web.Admin, "List API tokens", a.apiListTokens),
		r("POST", "/api/v1/api-tokens", web.Admin, "Issue an API token", a.apiCreateToken),
		r("POST", "/api/v1/api-tokens/{id}/revoke", web.Admin, "Revoke an API token", a.apiRevokeToken),

		r("GET", "/api/v1/audit", web.Admin, "Read the audit trail", a.apiListAudit),
		r("GET", "/api/v1/audit/verify", web.Admin, "Verify the audit chain", a.apiVerifyAudit),

		p("GET", "/login", web.Public, "Sign-in page", a.pageLogin),
		p("POST", "/login", web.Public, "Sign in", a.pageLoginPost),
		p("POST", "/logout", web.Signed, "Sign out", a.pageLogout),
		p("GET", "/{$}", web.Signed, "Home", a.pageHome),
		p("GET", "/org-units", web.Signed, "Org units", a.pageOrgUnits),
		p("POST", "/org-units", web.Admin, "Create an org unit", a.pageOrgUnitCreate),
		p("GET", "/sites", web.Signed, "Sites", a.pageSites),
		p("POST", "/sites", web.Admin, "Create a site", a.pageSiteCreate),
		p("GET", "/sites/{id}", web.Admin, "Edit a site", a.pageSiteEdit),
		p("POST", "/sites/{id}", web.Admin, "Save a site", a.pageSiteSave),
		p("GET", "/staff", web.Approver, "Staff list and search", a.pageStaffList),
		p("GET", "/staff/new", web.HR, "New staff member", a.pageStaffNew),
		p("POST", "/staff/new", web.HR, "Create a staff member", a.pageStaffCreate),
		p("GET", "/staff/{id}", web.Approver, "Staff member", a.pageStaffEdit),
		p("POST", "/staff/{id}", web.HR, "Save a staff member", a.pageStaffSave),
		p("GET", "/staff/import", web.HR, "Staff CSV import", a.pageImport),
		p("POST", "/staff/import", web.HR, "Preview or apply a staff CSV import", a.pageImportPost),
		p("GET", "/staff/import/template.csv", web.HR, "Staff CSV template", a.pageImportTemplate),
		p("GET", "/punch", web.Signed, "Punch page", a.pagePunch),
		p("POST", "/punch", web.Signed, "Record a punch (form without JavaScript)", a.pagePunchPost),
		p("GET", "/my/punches", web.Signed, "My punches of a month", a.pageMyPunches),
		p("GET", "/presence", web.Approver, "Live presence board", a.pagePresence),
	}
	base = append(base, a.rulesRoutes()...)
	base = append(base, a.requestsRoutes()...)
	base = append(base, a.closeRoutes()...)
	base = append(base, a.exportRoutes()...)
	base = append(base, a.requestPagesRoutes()...)
	base = append(base, a.leaveRoutes()...)
	base = append(base, a.kioskRoutes()...)
	return append(base, a.kioskPagesRoutes()...)
}

func (a *App) healthz(w http.ResponseWriter, r *http.Request) error {
	web.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": a.cfg.Version})
	return nil
}

func (a *App) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.db.Ping(ctx); err != nil {
		slog.Warn("not ready", "err", err)
		web.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
		return nil
	}
	// Ready for a morning rush once the punch caches are filled.
	select {
	case <-a.punchCache.warmed:
	case <-ctx.Done():
		web.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "starting"})
		return nil
	}
	web.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": string(a.db.Dialect)})
	return nil
}

func (a *App) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	a.metrics.ServeHTTP(w, r)
	return nil
}

// today returns the civil date now in the organisation's zone.
func (a *App) today() kintai.Date { return kintai.DateOf(a.cfg.Now(), a.cfg.Loc) }
