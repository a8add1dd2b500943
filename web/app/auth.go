package app

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kintai"
	"kintai/password"
	"kintai/store"
	"kintai/web"
)

const sessionCookie = "kintai_session"

type ctxKey int

const identityKey ctxKey = 1

// identity is who is calling, resolved once per request.
type identity struct {
	actor    kintai.Actor
	staff    *kintai.Staff
	session  *store.Session // nil for bearer tokens
	token    string         // session token, for sign-out
	terminal *store.Terminal
}

func identityFrom(ctx context.Context) *identity {
	id, _ := ctx.Value(identityKey).(*identity)
	if id == nil {
		return &identity{}
	}
	return id
}

// actorFrom returns the actor of the request.
func actorFrom(r *http.Request) kintai.Actor { return identityFrom(r.Context()).actor }

var (
	errSignIn    = kintai.Errorf(kintai.EUNAUTHORIZED, "ログインしてください。", "Please sign in.")
	errForbidden = kintai.Errorf(kintai.EFORBIDDEN, "この操作を行う権限がありません。", "You are not allowed to do this.")
	errCSRF      = kintai.Errorf(kintai.EFORBIDDEN, "画面の有効期限が切れました。もう一度操作してください。", "Missing or invalid CSRF token; reload the page and try again.")
)

// guard wraps a route's handler with its access check, CSRF check and the
// central error mapping.
func (a *App) guard(rt web.Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := a.authenticate(r)
		if err == nil {
			err = a.authorize(rt, r, id)
		}
		if err == nil {
			r = r.WithContext(context.WithValue(r.Context(), identityKey, id))
			err = rt.Handler(w, r)
		}
		if err != nil {
			a.fail(w, r, rt, err)
		}
	})
}

func (a *App) fail(w http.ResponseWriter, r *http.Request, rt web.Route, err error) {
	if !rt.Page {
		web.WriteError(w, r, err)
		return
	}
	if kintai.ErrorCode(err) == kintai.EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	web.LogError(r, err)
	a.pages.renderError(w, r, err)
}

// authenticate resolves the caller from a bearer token or the session
// cookie. No credential is not an error (public routes); a bad one is.
func (a *App) authenticate(r *http.Request) (*identity, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, kintai.Errorf(kintai.EUNAUTHORIZED, "Authorization ヘッダーの形式が正しくありません。", "Authorization header must be 'Bearer <token>'.")
		}
		if strings.HasPrefix(tok, "kd_") {
			t, err := a.terminals.authenticate(ctx, a.db, tok)
			if err != nil {
				return nil, err
			}
			return &identity{terminal: t, actor: kintai.Actor{TerminalID: t.ID, Name: t.Name}}, nil
		}
		staffID, err := a.db.AuthenticateAPIToken(ctx, tok, a.cfg.Now())
		if err != nil {
			return nil, err
		}
		return a.staffIdentity(ctx, staffID)
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return &identity{}, nil
	}
	s, err := a.db.FindSession(ctx, c.Value, a.cfg.Now())
	if err != nil {
		if kintai.ErrorCode(err) == kintai.EUNAUTHORIZED {
			return &identity{}, nil // expired: treat as signed out
		}
		return nil, err
	}
	id, err := a.staffIdentity(ctx, s.StaffID)
	if err != nil {
		return nil, err
	}
	id.session, id.token = s, c.Value
	return id, nil
}

func (a *App) staffIdentity(ctx context.Context, staffID int64) (*identity, error) {
	actor, s, err := a.db.LoadActor(ctx, staffID)
	if kintai.ErrorCode(err) == kintai.ENOTFOUND {
		return nil, errSignIn
	}
	if err != nil {
		return nil, err
	}
	// Staff whose 任用期間 has ended (or not begun) lose access at once.
	if !s.ActiveOn(a.today()) {
		return nil, kintai.ErrOutsideAppointment()
	}
	return &identity{actor: actor, staff: s}, nil
}

func (a *App) authorize(rt web.Route, r *http.Request, id *identity) error {
	switch rt.Access {
	case web.Public:
		return nil
	case web.Device:
		if id.staff != nil {
			return kintai.Errorf(kintai.EFORBIDDEN, "端末専用の機能です。", "This endpoint is for registered terminals only.")
		}
		if id.terminal == nil {
			return kintai.Errorf(kintai.EUNAUTHORIZED, "端末の認証情報が必要です。", "A terminal credential is required.")
		}
		return nil
	}
	if rt.Access == web.DeviceOrStaff && id.terminal != nil {
		return nil
	}
	if id.staff == nil {
		return errSignIn
	}
	if !id.actor.HasRole(rt.Access.Role()) {
		return errForbidden
	}
	if id.session != nil && !safeMethod(r.Method) {
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			got = r.PostFormValue("csrf_token")
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(id.session.CSRFToken)) != 1 {
			return errCSRF
		}
	}
	return nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// dummyHash is verified when the staff number is unknown, so a wrong
// number takes as long as a wrong password.
var dummyHash, _ = password.Hash("kintai-dummy-password", password.Default)

// signIn checks a staff number and password and starts a session. Every
// failure gives the same message, so it cannot be used to find staff numbers.
func (a *App) signIn(ctx context.Context, staffNo, pw string) (string, store.Session, *kintai.Staff, error) {
	bad := kintai.Errorf(kintai.EUNAUTHORIZED, "職員番号またはパスワードが正しくありません。", "Wrong staff number or password.")
	c, err := a.db.FindCredentials(ctx, strings.TrimSpace(staffNo))
	if kintai.ErrorCode(err) == kintai.ENOTFOUND || (err == nil && c.PasswordHash == "") {
		password.Verify(pw, dummyHash)
		return "", store.Session{}, nil, bad
	}
	if err != nil {
		return "", store.Session{}, nil, err
	}
	now := a.cfg.Now()
	if now.Before(c.LockedUntil) {
		mins := int(c.LockedUntil.Sub(now).Minutes()) + 1
		return "", store.Session{}, nil, &kintai.Error{Code: kintai.EUNAUTHORIZED,
			Message:   "ログインの失敗が続いたため、一時的にロックされています。" + itoa(mins) + "分後に再度お試しください。",
			MessageEN: "Too many failed sign-ins; the account is locked for " + itoa(mins) + " more minute(s)."}
	}
	ok, err := password.Verify(pw, c.PasswordHash)
	if err != nil {
		return "", store.Session{}, nil, err
	}
	actor := kintai.Actor{StaffID: c.Staff.ID}
	if !ok {
		failed := c.FailedLogins + 1
		var until time.Time
		if failed >= a.cfg.LockoutAfter {
			d := a.cfg.LockoutBase << min(failed-a.cfg.LockoutAfter, 6)
			until = now.Add(min(d, time.Hour))
		}
		if err := a.db.WithTx(ctx, actor, func(tx *store.Tx) error {
			return tx.RecordLogin(ctx, c.Staff.ID, failed, until, false)
		}); err != nil {
			return "", store.Session{}, nil, err
		}
		return "", store.Session{}, nil, bad
	}
	if !c.Staff.ActiveOn(a.today()) {
		return "", store.Session{}, nil, kintai.ErrOutsideAppointment()
	}
	var token string
	var s store.Session
	err = a.db.WithTx(ctx, actor, func(tx *store.Tx) (err error) {
		if err := tx.RecordLogin(ctx, c.Staff.ID, 0, time.Time{}, true); err != nil {
			return err
		}
		token, s, err = tx.CreateSession(ctx, c.Staff.ID, a.cfg.SessionTTL)
		return err
	})
	return token, s, &c.Staff, err
}

func (a *App) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		// MaxAge wins over Expires in browsers, so a client whose clock
		// differs from the server's keeps the cookie for the session's life.
		MaxAge:   int(a.cfg.SessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: a.cfg.SecureCookies || r.TLS != nil,
	})
}

func (a *App) signOut(w http.ResponseWriter, r *http.Request) error {
	id := identityFrom(r.Context())
	if id.token != "" {
		if err := a.db.WithTx(r.Context(), id.actor, func(tx *store.Tx) error {
			return tx.DeleteSession(r.Context(), id.token)
		}); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: a.cfg.SecureCookies || r.TLS != nil})
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
