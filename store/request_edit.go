package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"kintai"
	"kintai/approval"
)

// RequestVersion is one version of a request's payload (申請内容の版):
// Request carries the kind and the payload only.
type RequestVersion struct {
	Version  int              `json:"version"`
	EditedBy int64            `json:"edited_by,omitempty"`
	At       time.Time        `json:"at"`
	Request  approval.Request `json:"request"`
}

// insertVersion records req's payload as version n.
func (tx *Tx) insertVersion(ctx context.Context, req approval.Request, n int) error {
	payload, err := json.Marshal(payloadOf(&req))
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO request_versions (request_id, version, payload, edited_by, at) VALUES (?, ?, ?, ?, ?)`,
		req.ID, n, string(payload), nullID(tx.Actor.StaffID), instant(tx.Now))
	if err != nil {
		return fmt.Errorf("request version: %w", err)
	}
	return nil
}

// FindRequestVersions returns every version of request id's payload,
// oldest first.
func (db *DB) FindRequestVersions(ctx context.Context, id int64) ([]RequestVersion, error) {
	return findRequestVersions(ctx, db, id)
}

func findRequestVersions(ctx context.Context, q querier, id int64) ([]RequestVersion, error) {
	rows, err := q.query(ctx, `SELECT v.version, COALESCE(v.edited_by, 0), v.at, v.payload, r.kind FROM request_versions v
		JOIN requests r ON r.id = v.request_id WHERE v.request_id = ? ORDER BY v.version`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []RequestVersion{}
	for rows.Next() {
		var v RequestVersion
		var payload string
		if err := rows.Scan(&v.Version, &v.EditedBy, scanTime{&v.At}, &payload, &v.Request.Kind); err != nil {
			return nil, err
		}
		var p requestPayload
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			return nil, fmt.Errorf("request %d version %d: %w", id, v.Version, err)
		}
		p.setOn(&v.Request)
		v.Request.ID = id
		out = append(out, v)
	}
	return out, rows.Err()
}

// UpdateRequest replaces the payload of request id, a draft or a request
// returned for rework (差戻し), with the payload of edit (the field of the
// request's kind; the kind itself cannot change), and with submit submits
// it again, from the first step of a freshly resolved route. Only its
// applicant may: the staff member, or whoever made it for them (the
// orderer of a draft order). Every version is kept (FindRequestVersions),
// and the history of decisions stays as it was.
func (tx *Tx) UpdateRequest(ctx context.Context, id int64, edit approval.Request, submit bool) (approval.Request, error) {
	req, version, err := findRequest(ctx, tx, id, true)
	if err != nil {
		return req, err
	}
	me := tx.Actor.StaffID
	switch {
	case me == 0 || (me != req.CreatedBy && (me != req.StaffID || req.Kind.Order())):
		// Others' requests are not confirmed to exist.
		return req, kintai.NotFound("申請", "Request")
	case !req.Editable():
		return req, kintai.Errorf(kintai.ECONFLICT,
			"「"+req.Status.Label()+"」の申請は修正できません。修正できるのは下書きと差戻しの申請です。",
			"A request that is "+string(req.Status)+" cannot be edited; only drafts and returned requests can.")
	case edit.Kind != "" && edit.Kind != req.Kind:
		return req, kintai.Invalid("kind", "申請の種類は変更できません。新しく申請してください。", "The kind of a request cannot change; make a new request.")
	}
	e, err := tx.loadDecisionEnv(ctx)
	if err != nil {
		return req, err
	}
	before := req
	payloadOf(&edit).setOn(&req)
	req.UpdatedAt = tx.Now
	if err := tx.prepareRequest(ctx, &req, e.settings); err != nil {
		return before, err
	}
	payload, err := json.Marshal(payloadOf(&req))
	if err != nil {
		return before, err
	}
	res, err := tx.exec(ctx, `UPDATE requests SET payload = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		string(payload), instant(tx.Now), id, version)
	if err != nil {
		return before, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return before, err
	} else if n == 0 {
		return before, kintai.Errorf(kintai.ECONFLICT, "この申請は他の操作で更新されました。再読み込みしてください。", "The request was changed by someone else; reload it.")
	}
	versions, err := findRequestVersions(ctx, tx, id)
	if err != nil {
		return before, err
	}
	if len(versions) == 0 {
		// Made before versions were kept: the first version is what it was.
		if err := tx.insertVersion(ctx, before, 1); err != nil {
			return before, err
		}
		versions = append(versions, RequestVersion{Version: 1})
	}
	if err := tx.insertVersion(ctx, req, versions[len(versions)-1].Version+1); err != nil {
		return before, err
	}
	if err := tx.Audit(ctx, "request.update", "request", id, before, req); err != nil {
		return before, err
	}
	if !submit {
		return req, nil
	}
	out, _, err := tx.decide(ctx, req, version+1, approval.Decision{Action: approval.ActionSubmit}, e)
	return out, err
}

// DesignateDaikyu sets the 代休日 of holiday-work order id given with 代休
// and no day yet (or changes it), by its orderer or an approver in scope
// (approval.Designate). The day must be a working day of the staff member
// inside the settings' window; the results of both days are marked stale
// and the staff member is told.
func (tx *Tx) DesignateDaikyu(ctx context.Context, id int64, day kintai.Date) (approval.Request, error) {
	req, version, err := findRequest(ctx, tx, id, true)
	if err != nil {
		return req, err
	}
	e, err := tx.loadDecisionEnv(ctx)
	if err != nil {
		return req, err
	}
	out, ev, err := approval.Designate(req, day, tx.Actor, tx.Now, e.env(req, approval.ActionDesignate))
	if err != nil {
		return req, err
	}
	if err := tx.checkRequestConflicts(ctx, out); err != nil {
		return req, err
	}
	if err := tx.writeDecision(ctx, req, out, version, ev, e.proxies); err != nil {
		return req, err
	}
	// Still in force, so writeDecision changed no results: the new rest day
	// (and a day it replaces) must be computed again.
	from, to := out.HolidayWork.Day, day
	if old := req.HolidayWork.SubstituteOn; !old.IsZero() && old.After(to) {
		to = old
	}
	if err := tx.checkOpenDays(ctx, out.StaffID, day, day); err != nil {
		return req, err
	}
	return out, tx.markStale(ctx, []int64{out.StaffID}, from, to)
}
