package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"kintai"
)

// NewToken returns a random secret for a session, an API token or a
// terminal credential, with a prefix saying which (e.g. "kt_").
func NewToken(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the stored form of a secret token. Tokens are random
// and long, so a fast hash is enough; the raw token is never stored.
func HashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// Credentials are what sign-in needs of a staff member.
type Credentials struct {
	Staff        kintai.Staff
	PasswordHash string
	FailedLogins int
	LockedUntil  time.Time
}

// FindCredentials returns the sign-in state of the staff member with 職員番号 no.
func (db *DB) FindCredentials(ctx context.Context, no string) (*Credentials, error) {
	s, err := db.FindStaffByNo(ctx, no)
	if err != nil {
		return nil, err
	}
	c := &Credentials{Staff: *s}
	if err := db.queryRow(ctx, `SELECT password_hash, failed_logins, locked_until_at FROM staff WHERE id = ?`, s.ID).
		Scan(&c.PasswordHash, &c.FailedLogins, scanTime{&c.LockedUntil}); err != nil {
		return nil, err
	}
	return c, nil
}

// RecordLogin stores the outcome of a sign-in attempt: the failure count
// and any lockout. Failures are audited so repeated guessing is visible.
func (tx *Tx) RecordLogin(ctx context.Context, staffID int64, failed int, lockedUntil time.Time, ok bool) error {
	if _, err := tx.exec(ctx, `UPDATE staff SET failed_logins = ?, locked_until_at = ? WHERE id = ?`, failed, instant(lockedUntil), staffID); err != nil {
		return err
	}
	action := "auth.login"
	detail := map[string]any{"failed_logins": failed}
	if !ok {
		action = "auth.login_failed"
		if !lockedUntil.IsZero() {
			detail["locked_until"] = lockedUntil
		}
	}
	return tx.Audit(ctx, action, "staff", staffID, nil, detail)
}

// SetPassword stores a new password hash for staff member id. The audit
// entry records that it changed, never the hash.
func (tx *Tx) SetPassword(ctx context.Context, id int64, hash string) error {
	res, err := tx.exec(ctx, `UPDATE staff SET password_hash = ?, failed_logins = 0, locked_until_at = NULL WHERE id = ?`, hash, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return kintai.NotFound("職員", "Staff member")
	}
	return tx.Audit(ctx, "staff.password_set", "staff", id, nil, map[string]any{"password": "changed"})
}

// Session is a signed-in browser.
type Session struct {
	StaffID   int64
	CSRFToken string
	ExpiresAt time.Time
}

// CreateSession starts a session for staffID lasting ttl and returns its
// secret token (for the cookie) and CSRF token.
func (tx *Tx) CreateSession(ctx context.Context, staffID int64, ttl time.Duration) (token string, s Session, err error) {
	token = NewToken("ks_")
	s = Session{StaffID: staffID, CSRFToken: NewToken(""), ExpiresAt: tx.Now.Add(ttl)}
	_, err = tx.exec(ctx, `INSERT INTO sessions (token_hash, staff_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		HashToken(token), staffID, s.CSRFToken, instant(tx.Now), instant(s.ExpiresAt))
	return token, s, err
}

// FindSession returns the unexpired session with the token.
func (db *DB) FindSession(ctx context.Context, token string, now time.Time) (*Session, error) {
	var s Session
	err := db.queryRow(ctx, `SELECT staff_id, csrf_token, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?`,
		HashToken(token), instant(now)).Scan(&s.StaffID, &s.CSRFToken, scanTime{&s.ExpiresAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kintai.Errorf(kintai.EUNAUTHORIZED, "ログインしてください。", "Please sign in.")
	}
	return &s, err
}

// DeleteSession ends the session with the token (sign-out) and sessions
// that have expired.
func (tx *Tx) DeleteSession(ctx context.Context, token string) error {
	_, err := tx.exec(ctx, `DELETE FROM sessions WHERE token_hash = ? OR expires_at <= ?`, HashToken(token), instant(tx.Now))
	return err
}

// LoadActor returns staff member id as an actor, with their grants.
func (db *DB) LoadActor(ctx context.Context, id int64) (kintai.Actor, *kintai.Staff, error) {
	s, err := db.FindStaffByID(ctx, id)
	if err != nil {
		return kintai.Actor{}, nil, err
	}
	grants, err := findGrants(ctx, db, id)
	if err != nil {
		return kintai.Actor{}, nil, err
	}
	return kintai.Actor{StaffID: s.ID, OrgUnitID: s.OrgUnitID, Name: s.Name, Grants: grants}, s, nil
}

func findGrants(ctx context.Context, q querier, staffID int64) ([]kintai.Grant, error) {
	rows, err := q.query(ctx, `SELECT id, staff_id, role, COALESCE(org_unit_id, 0) FROM role_grants WHERE staff_id = ? ORDER BY id`, staffID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kintai.Grant
	for rows.Next() {
		var g kintai.Grant
		if err := rows.Scan(&g.ID, &g.StaffID, &g.Role, &g.OrgUnitID); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// FindGrants returns the roles staff member id holds.
func (db *DB) FindGrants(ctx context.Context, staffID int64) ([]kintai.Grant, error) {
	return findGrants(ctx, db, staffID)
}

// CreateGrant gives g.Role over g.OrgUnitID to g.StaffID.
func (tx *Tx) CreateGrant(ctx context.Context, g *kintai.Grant) error {
	if !g.Role.Grantable() {
		return kintai.Invalid("role", "付与できない権限です。", "This role cannot be granted.")
	}
	id, err := tx.insert(ctx, `INSERT INTO role_grants (staff_id, role, org_unit_id, created_at) VALUES (?, ?, ?, ?)`,
		g.StaffID, g.Role, nullID(g.OrgUnitID), instant(tx.Now))
	switch {
	case isUniqueViolation(err):
		return kintai.Errorf(kintai.ECONFLICT, "同じ権限が既に付与されています。", "This role is already granted.")
	case isForeignKeyViolation(err):
		return kintai.Invalid("staff_id", "職員または所属が見つかりません。", "Staff member or org unit not found.")
	case err != nil:
		return err
	}
	g.ID = id
	return tx.Audit(ctx, "grant.create", "role_grant", id, nil, g)
}

// DeleteGrant removes the grant with id.
func (tx *Tx) DeleteGrant(ctx context.Context, id int64) error {
	var g kintai.Grant
	err := tx.queryRow(ctx, `SELECT id, staff_id, role, COALESCE(org_unit_id, 0) FROM role_grants WHERE id = ?`, id).
		Scan(&g.ID, &g.StaffID, &g.Role, &g.OrgUnitID)
	if errors.Is(err, sql.ErrNoRows) {
		return kintai.NotFound("権限", "Role grant")
	}
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM role_grants WHERE id = ?`, id); err != nil {
		return err
	}
	return tx.Audit(ctx, "grant.delete", "role_grant", id, g, nil)
}

// APIToken is a credential for a machine (a payroll batch, a script) that
// acts with the roles of the staff member who owns it.
type APIToken struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	StaffID    int64     `json:"staff_id"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
}

// CreateAPIToken issues a token and returns its secret, shown once.
func (tx *Tx) CreateAPIToken(ctx context.Context, t *APIToken) (string, error) {
	if t.Name == "" {
		return "", kintai.Invalid("name", "名前を入力してください。", "Name is required.")
	}
	secret := NewToken("kt_")
	t.CreatedAt = tx.Now
	id, err := tx.insert(ctx, `INSERT INTO api_tokens (name, token_hash, staff_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		t.Name, HashToken(secret), t.StaffID, instant(tx.Now), instant(t.ExpiresAt))
	if isForeignKeyViolation(err) {
		return "", kintai.Invalid("staff_id", "職員が見つかりません。", "Staff member not found.")
	}
	if err != nil {
		return "", err
	}
	t.ID = id
	return secret, tx.Audit(ctx, "api_token.create", "api_token", id, nil, t)
}

// RevokeAPIToken revokes the token with id.
func (tx *Tx) RevokeAPIToken(ctx context.Context, id int64) error {
	res, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, instant(tx.Now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return kintai.NotFound("APIトークン", "API token")
	}
	return tx.Audit(ctx, "api_token.revoke", "api_token", id, nil, map[string]any{"revoked_at": tx.Now})
}

// FindAPITokens lists every API token.
func (db *DB) FindAPITokens(ctx context.Context) ([]APIToken, error) {
	rows, err := db.query(ctx, `SELECT id, name, staff_id, created_at, expires_at, revoked_at, last_used_at FROM api_tokens ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		if err := rows.Scan(&t.ID, &t.Name, &t.StaffID, scanTime{&t.CreatedAt}, scanTime{&t.ExpiresAt}, scanTime{&t.RevokedAt}, scanTime{&t.LastUsedAt}); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// AuthenticateAPIToken returns the staff id owning a valid token.
func (db *DB) AuthenticateAPIToken(ctx context.Context, secret string, now time.Time) (int64, error) {
	var staffID int64
	err := db.queryRow(ctx, `SELECT staff_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
		HashToken(secret), instant(now)).Scan(&staffID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, kintai.Errorf(kintai.EUNAUTHORIZED, "APIトークンが無効です。", "Invalid API token.")
	}
	return staffID, err
}

// Terminal is a registered clock-in device (打刻端末) at a site.
type Terminal struct {
	ID         int64     `json:"id"`
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	SiteID     int64     `json:"site_id"`
	CreatedAt  time.Time `json:"created_at"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
	LastSeenAt time.Time `json:"last_seen_at,omitzero"`
}

const terminalColumns = `id, code, name, site_id, created_at, revoked_at, last_seen_at`

func scanTerminal(sc interface{ Scan(...any) error }) (Terminal, error) {
	var t Terminal
	err := sc.Scan(&t.ID, &t.Code, &t.Name, &t.SiteID, scanTime{&t.CreatedAt}, scanTime{&t.RevokedAt}, scanTime{&t.LastSeenAt})
	return t, err
}

// CreateTerminal registers t and returns its device credential, shown once.
func (tx *Tx) CreateTerminal(ctx context.Context, t *Terminal) (string, error) {
	if t.Code == "" {
		return "", kintai.Invalid("code", "端末コードを入力してください。", "Terminal code is required.")
	}
	if t.Name == "" {
		return "", kintai.Invalid("name", "端末名を入力してください。", "Terminal name is required.")
	}
	secret := NewToken("kd_")
	t.CreatedAt = tx.Now
	id, err := tx.insert(ctx, `INSERT INTO terminals (code, name, site_id, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		t.Code, t.Name, t.SiteID, HashToken(secret), instant(tx.Now))
	switch {
	case isUniqueViolation(err):
		return "", kintai.Errorf(kintai.ECONFLICT, "同じ端末コードが既にあります。", "A terminal with this code already exists.")
	case isForeignKeyViolation(err):
		return "", kintai.Invalid("site_id", "拠点が見つかりません。", "Site not found.")
	case err != nil:
		return "", fmt.Errorf("terminal: %w", err)
	}
	t.ID = id
	return secret, tx.Audit(ctx, "terminal.create", "terminal", id, nil, t)
}

// RevokeTerminal revokes terminal id's credential; it can no longer punch.
func (tx *Tx) RevokeTerminal(ctx context.Context, id int64) error {
	res, err := tx.exec(ctx, `UPDATE terminals SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, instant(tx.Now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return kintai.NotFound("端末", "Terminal")
	}
	return tx.Audit(ctx, "terminal.revoke", "terminal", id, nil, map[string]any{"revoked_at": tx.Now})
}

// RotateTerminalCredential gives unrevoked terminal id a new device
// credential and returns it, shown once; the old one stops working. The
// audit entry records that it changed, never the secret.
func (tx *Tx) RotateTerminalCredential(ctx context.Context, id int64) (string, error) {
	secret := NewToken("kd_")
	res, err := tx.exec(ctx, `UPDATE terminals SET token_hash = ? WHERE id = ? AND revoked_at IS NULL`, HashToken(secret), id)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", kintai.NotFound("端末", "Terminal")
	}
	return secret, tx.Audit(ctx, "terminal.rotate", "terminal", id, nil, map[string]any{"credential": "rotated"})
}

// FindTerminals lists terminals, those of one site when siteID is not 0.
func (db *DB) FindTerminals(ctx context.Context, siteID int64) ([]Terminal, error) {
	q, args := `SELECT `+terminalColumns+` FROM terminals`, []any{}
	if siteID != 0 {
		q += ` WHERE site_id = ?`
		args = append(args, siteID)
	}
	rows, err := db.query(ctx, q+` ORDER BY code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Terminal
	for rows.Next() {
		t, err := scanTerminal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// FindTerminalsByCredential returns the unrevoked terminals that hold a
// credential, by the credential's hash (HashToken), for a server to fill
// its cache of terminal credentials.
func (db *DB) FindTerminalsByCredential(ctx context.Context) (map[string]*Terminal, error) {
	rows, err := db.query(ctx, `SELECT token_hash, `+terminalColumns+` FROM terminals WHERE revoked_at IS NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*Terminal{}
	for rows.Next() {
		var hash string
		t, err := scanTerminal(scanPrefix{rows, []any{&hash}})
		if err != nil {
			return nil, err
		}
		out[hash] = &t
	}
	return out, rows.Err()
}

// AuthenticateTerminal returns the unrevoked terminal holding the credential.
func (db *DB) AuthenticateTerminal(ctx context.Context, secret string) (*Terminal, error) {
	t, err := scanTerminal(db.queryRow(ctx, `SELECT `+terminalColumns+` FROM terminals WHERE token_hash = ?`, HashToken(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kintai.Errorf(kintai.EUNAUTHORIZED, "登録されていない端末です。", "Unknown terminal.")
	}
	if err != nil {
		return nil, err
	}
	if !t.RevokedAt.IsZero() {
		return nil, kintai.Errorf(kintai.EUNAUTHORIZED, "この端末の登録は取り消されています。", "This terminal has been revoked.")
	}
	return &t, nil
}
