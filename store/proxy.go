package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"kintai"
	"kintai/approval"
)

// ProxyRecord is a stored proxy (代理承認) with who made it and whether it
// was revoked.
type ProxyRecord struct {
	approval.Proxy
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// ProxyFilter selects proxies.
type ProxyFilter struct {
	// Staff selects the proxies where this staff member is the principal
	// or a deputy (0: every proxy).
	Staff int64
	// Deputy selects the proxies naming this staff member as a deputy.
	Deputy int64
	// ActiveAt, when set, selects the unrevoked proxies in force at that
	// instant; otherwise revoked and past proxies are listed too.
	ActiveAt time.Time
}

const proxyColumns = `id, principal_id, deputies, from_at, to_at, kinds, note, COALESCE(created_by, 0), created_at, revoked_at`

func scanProxy(sc interface{ Scan(...any) error }) (ProxyRecord, error) {
	var p ProxyRecord
	var deputies, kinds string
	err := sc.Scan(&p.ID, &p.Principal, &deputies, scanTime{&p.From}, scanTime{&p.To}, &kinds, &p.Note, &p.CreatedBy,
		scanTime{&p.CreatedAt}, scanTime{&p.RevokedAt})
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(deputies), &p.Deputies); err != nil {
		return p, fmt.Errorf("proxy %d deputies: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(kinds), &p.Kinds); err != nil {
		return p, fmt.Errorf("proxy %d kinds: %w", p.ID, err)
	}
	if len(p.Kinds) == 0 {
		p.Kinds = nil
	}
	return p, nil
}

func findProxyRecords(ctx context.Context, q querier, f ProxyFilter) ([]ProxyRecord, error) {
	query := `SELECT ` + proxyColumns + ` FROM proxies`
	var args []any
	if !f.ActiveAt.IsZero() {
		query += ` WHERE revoked_at IS NULL AND from_at <= ? AND to_at > ?`
		args = append(args, instant(f.ActiveAt), instant(f.ActiveAt))
	}
	rows, err := q.query(ctx, query+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ProxyRecord{}
	for rows.Next() {
		p, err := scanProxy(rows)
		if err != nil {
			return nil, err
		}
		switch {
		case f.Deputy != 0 && !slices.Contains(p.Deputies, f.Deputy):
		case f.Staff != 0 && p.Principal != f.Staff && !slices.Contains(p.Deputies, f.Staff):
		default:
			out = append(out, p)
		}
	}
	return out, rows.Err()
}

// findProxies returns the proxies of f as the domain sees them.
func findProxies(ctx context.Context, q querier, f ProxyFilter) ([]approval.Proxy, error) {
	recs, err := findProxyRecords(ctx, q, f)
	if err != nil {
		return nil, err
	}
	out := make([]approval.Proxy, len(recs))
	for i, r := range recs {
		out[i] = r.Proxy
	}
	return out, nil
}

// FindProxies returns the proxies matching f, newest first.
func (db *DB) FindProxies(ctx context.Context, f ProxyFilter) ([]ProxyRecord, error) {
	return findProxyRecords(ctx, db, f)
}

// FindProxyByID returns the proxy with id.
func (db *DB) FindProxyByID(ctx context.Context, id int64) (ProxyRecord, error) {
	return findProxy(ctx, db, id)
}

func findProxy(ctx context.Context, q querier, id int64) (ProxyRecord, error) {
	p, err := scanProxy(q.queryRow(ctx, `SELECT `+proxyColumns+` FROM proxies WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, kintai.NotFound("代理承認", "Proxy")
	}
	return p, err
}

// mayManageProxy reports whether the transaction's actor may create or
// revoke a proxy of principal: the principal themselves, or HR over the
// principal's unit.
func (tx *Tx) mayManageProxy(ctx context.Context, principal int64) (bool, error) {
	if tx.Actor.System || tx.Actor.StaffID == principal {
		return true, nil
	}
	s, err := tx.FindStaffByID(ctx, principal)
	if err != nil {
		return false, err
	}
	tree, err := tx.OrgTree(ctx)
	if err != nil {
		return false, err
	}
	return tx.Actor.Can(kintai.RoleHR, s.OrgUnitID, tree), nil
}

// CreateProxy validates and stores p (代理承認の設定) and sets its ID. The
// principal sets up their own proxies; HR may set them up for staff in
// scope. The principal and every deputy must exist.
func (tx *Tx) CreateProxy(ctx context.Context, p *approval.Proxy) error {
	p.Note = strings.TrimSpace(p.Note)
	p.From, p.To = p.From.UTC(), p.To.UTC()
	if err := approval.ValidateProxy(*p); err != nil {
		return err
	}
	if _, err := tx.FindStaffByID(ctx, p.Principal); err != nil {
		if kintai.ErrorCode(err) == kintai.ENOTFOUND {
			return kintai.Invalid("principal", "代理を依頼する承認者が見つかりません。", "The principal does not exist.")
		}
		return err
	}
	ok, err := tx.mayManageProxy(ctx, p.Principal)
	if err != nil {
		return err
	}
	if !ok {
		return kintai.Errorf(kintai.EFORBIDDEN, "他の職員の代理承認は人事担当のみが設定できます。", "Only HR can set up a proxy for someone else.")
	}
	slices.Sort(p.Deputies)
	p.Deputies = slices.Compact(p.Deputies)
	for _, d := range p.Deputies {
		if _, err := tx.FindStaffByID(ctx, d); err != nil {
			if kintai.ErrorCode(err) == kintai.ENOTFOUND {
				return kintai.Invalid("deputies", "代理者が見つかりません。", "A deputy does not exist.")
			}
			return err
		}
	}
	deputies, err := json.Marshal(p.Deputies)
	if err != nil {
		return err
	}
	kinds := []byte("[]")
	if len(p.Kinds) > 0 {
		if kinds, err = json.Marshal(p.Kinds); err != nil {
			return err
		}
	}
	p.ID, err = tx.insert(ctx, `INSERT INTO proxies (principal_id, deputies, from_at, to_at, kinds, note, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.Principal, string(deputies), instant(p.From), instant(p.To), string(kinds), p.Note,
		nullID(tx.Actor.StaffID), instant(tx.Now))
	if err != nil {
		return err
	}
	return tx.Audit(ctx, "proxy.create", "proxy", p.ID, nil, p)
}

// RevokeProxy ends proxy id now: by its principal, its creator or HR in scope.
func (tx *Tx) RevokeProxy(ctx context.Context, id int64) error {
	p, err := findProxy(ctx, tx, id)
	if err != nil {
		return err
	}
	if !p.RevokedAt.IsZero() {
		return kintai.Errorf(kintai.ECONFLICT, "この代理承認はすでに取り消されています。", "This proxy has already been revoked.")
	}
	ok, err := tx.mayManageProxy(ctx, p.Principal)
	if err != nil {
		return err
	}
	if !ok && (p.CreatedBy == 0 || p.CreatedBy != tx.Actor.StaffID) {
		return kintai.Errorf(kintai.EFORBIDDEN, "この代理承認を取り消す権限がありません。", "You may not revoke this proxy.")
	}
	if _, err := tx.exec(ctx, `UPDATE proxies SET revoked_at = ? WHERE id = ?`, instant(tx.Now), id); err != nil {
		return err
	}
	after := p
	after.RevokedAt = tx.Now
	return tx.Audit(ctx, "proxy.revoke", "proxy", id, p, after)
}
