package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"kintai"
	"kintai/approval"
	"kintai/punch"
)

// decisionEnv is what approval.Decide needs from storage, loaded once per
// transaction: the organisation, the approver and HR grants, the routes,
// the unrevoked proxies and the settings.
type decisionEnv struct {
	org      approval.Org
	grants   []kintai.Grant
	routes   []approval.Route
	proxies  []approval.Proxy
	settings approval.Settings
}

func (tx *Tx) loadDecisionEnv(ctx context.Context) (*decisionEnv, error) {
	units, err := tx.FindOrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	e := &decisionEnv{org: approval.NewOrg(units)}
	settings, err := findApprovalSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	e.settings = settings.Settings
	if e.grants, err = allApprovalGrants(ctx, tx); err != nil {
		return nil, err
	}
	if e.routes, err = findApprovalRoutes(ctx, tx); err != nil {
		return nil, err
	}
	recs, err := findProxyRecords(ctx, tx, ProxyFilter{})
	if err != nil {
		return nil, err
	}
	for _, p := range recs {
		if p.RevokedAt.IsZero() {
			e.proxies = append(e.proxies, p.Proxy)
		}
	}
	return e, nil
}

// env returns the approval.Env for action a on req; submit and cancel get
// the route resolved now.
func (e *decisionEnv) env(req approval.Request, a approval.Action) approval.Env {
	env := approval.Env{Tree: e.org.Tree, Proxies: e.proxies, Settings: e.settings}
	if a == approval.ActionSubmit || a == approval.ActionCancel {
		route := approval.FindRoute(e.routes, req.Kind, req.OrgUnitID, e.org.Tree)
		env.Steps = approval.Resolve(route, req, e.org, e.grants)
	}
	return env
}

// CreateRequest stores req as a draft made by the transaction's actor and,
// with submit, submits it (or, for an order, gives it) in the same
// transaction. A staff member makes requests for themselves; an approver
// in scope may make them for staff they approve and gives orders to them.
// The org unit is the staff member's current one.
func (tx *Tx) CreateRequest(ctx context.Context, req approval.Request, submit bool) (approval.Request, error) {
	if tx.Actor.StaffID == 0 {
		return req, kintai.Errorf(kintai.EFORBIDDEN, "職員としてサインインしてください。", "Sign in as a staff member.")
	}
	if !req.Kind.Valid() {
		return req, kintai.Invalid("kind", "申請の種類が不正です。", "Unknown request kind.")
	}
	if req.StaffID == 0 {
		req.StaffID = tx.Actor.StaffID
	}
	staff, err := tx.FindStaffByID(ctx, req.StaffID)
	if kintai.ErrorCode(err) == kintai.ENOTFOUND {
		return req, kintai.Invalid("staff_id", "職員が見つかりません。", "The staff member does not exist.")
	}
	if err != nil {
		return req, err
	}
	e, err := tx.loadDecisionEnv(ctx)
	if err != nil {
		return req, err
	}
	approver := tx.Actor.Can(kintai.RoleApprover, staff.OrgUnitID, e.org.Tree)
	switch {
	case req.Kind.Order() && (req.StaffID == tx.Actor.StaffID || !approver):
		return req, kintai.Errorf(kintai.EFORBIDDEN, "命令は所属の承認者が職員に対して行います。", "Orders are given by an approver to staff in scope.")
	case !req.Kind.Order() && req.StaffID != tx.Actor.StaffID && !approver:
		return req, kintai.Errorf(kintai.EFORBIDDEN, "他の職員の申請を作成する権限がありません。", "You may not make requests for other staff.")
	}
	req.ID, req.OrgUnitID, req.CreatedBy = 0, staff.OrgUnitID, tx.Actor.StaffID
	req.Status, req.Steps, req.Step = approval.StatusDraft, nil, 0
	req.WaitingSince, req.SubmittedAt, req.DecidedAt, req.AcknowledgedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	req.CreatedAt, req.UpdatedAt = tx.Now, tx.Now
	if err := tx.prepareRequest(ctx, &req, e.settings); err != nil {
		return req, err
	}
	payload, err := json.Marshal(payloadOf(&req))
	if err != nil {
		return req, err
	}
	req.ID, err = tx.insert(ctx, `INSERT INTO requests (kind, staff_id, org_unit_id, created_by, status, payload, steps, step, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, '[]', 0, ?, ?, 1)`,
		req.Kind, req.StaffID, req.OrgUnitID, req.CreatedBy, req.Status, string(payload), instant(tx.Now), instant(tx.Now))
	if err != nil {
		return req, err
	}
	if err := tx.insertVersion(ctx, req, 1); err != nil {
		return req, err
	}
	if err := tx.Audit(ctx, "request.create", "request", req.ID, nil, req); err != nil {
		return req, err
	}
	if !submit {
		return req, nil
	}
	out, _, err := tx.decide(ctx, req, 1, approval.Decision{Action: approval.ActionSubmit}, e)
	return out, err
}

// prepareRequest computes what the store derives for req (the 乖離 of an
// overtime result, the hours of a half day of leave) and checks it: checkRequest, then the conflicts with
// other records (checkRequestConflicts).
func (tx *Tx) prepareRequest(ctx context.Context, req *approval.Request, s approval.Settings) error {
	if h := req.HolidayWork; h != nil {
		h.DaikyuLeaveID = 0 // set by a 代休 leave's approval only (linkDaikyu)
	}
	if err := tx.fillResultGap(ctx, req, s); err != nil {
		return err
	}
	if err := tx.fillHalfDay(ctx, req); err != nil {
		return err
	}
	if err := tx.checkRequest(ctx, *req, s); err != nil {
		return err
	}
	if err := tx.checkRequestConflicts(ctx, *req); err != nil {
		return err
	}
	return tx.checkLeaveBalance(ctx, *req, true)
}

// checkRequest checks what the pure validation cannot: the payload against
// the settings, the leave type against the master, the punch a correction
// corrects, the order a result reports on.
func (tx *Tx) checkRequest(ctx context.Context, req approval.Request, s approval.Settings) error {
	if err := approval.Validate(req, s); err != nil {
		return err
	}
	if l := req.Leave; l != nil {
		if err := tx.checkLeaveType(ctx, req); err != nil {
			return err
		}
	}
	if c := req.Correction; c != nil && c.PunchID != 0 {
		var staffID int64
		err := tx.queryRow(ctx, `SELECT staff_id FROM punches WHERE id = ?`, c.PunchID).Scan(&staffID)
		if err != nil || staffID != req.StaffID {
			return kintai.Invalid("correction.punch_id", "修正する打刻が見つかりません。", "The punch to correct does not exist.")
		}
	}
	if r := req.Result; r != nil && r.OrderID != 0 {
		order, _, err := findRequest(ctx, tx, r.OrderID, false)
		if kintai.ErrorCode(err) == kintai.ENOTFOUND {
			return kintai.Invalid("result.order_id", "報告する命令が見つかりません。", "The order reported on does not exist.")
		}
		if err != nil {
			return err
		}
		return approval.CheckResultOrder(req, order)
	}
	return nil
}

// DecideRequest applies d to request id on behalf of the transaction's
// actor (approval.Decide decides who may do what) and writes, together,
// the new state, the event, the notifications, the effects on the rules
// engine (stale months, correction punches) and the audit entry.
func (tx *Tx) DecideRequest(ctx context.Context, id int64, d approval.Decision) (approval.Request, approval.Event, error) {
	req, version, err := findRequest(ctx, tx, id, true)
	if err != nil {
		return req, approval.Event{}, err
	}
	e, err := tx.loadDecisionEnv(ctx)
	if err != nil {
		return req, approval.Event{}, err
	}
	return tx.decide(ctx, req, version, d, e)
}

func (tx *Tx) decide(ctx context.Context, req approval.Request, version int64, d approval.Decision, e *decisionEnv) (approval.Request, approval.Event, error) {
	if d.Action == approval.ActionSubmit && req.Editable() {
		// The records may have changed since the request was written (a
		// punch corrected, other leave approved): check it again.
		if err := tx.prepareRequest(ctx, &req, e.settings); err != nil {
			return req, approval.Event{}, err
		}
	}
	out, ev, err := approval.Decide(req, d, tx.Actor, tx.Now, e.env(req, d.Action))
	if err != nil {
		return req, ev, err
	}
	if out.Status == approval.StatusApproved && req.Status != approval.StatusApproved {
		// The balance may have gone on other leave since it was asked for.
		if err := tx.checkLeaveBalance(ctx, out, false); err != nil {
			return req, ev, err
		}
	}
	if err := tx.writeDecision(ctx, req, out, version, ev, e.proxies); err != nil {
		return req, ev, err
	}
	return out, ev, nil
}

// writeDecision stores the transition from before to after recorded by ev;
// proxies are the unrevoked proxies, whose deputies are told of a request
// waiting for their principal.
func (tx *Tx) writeDecision(ctx context.Context, before, after approval.Request, version int64, ev approval.Event, proxies []approval.Proxy) error {
	payload, err := json.Marshal(payloadOf(&after))
	if err != nil {
		return err
	}
	steps := []byte("[]")
	if len(after.Steps) > 0 {
		if steps, err = json.Marshal(after.Steps); err != nil {
			return err
		}
	}
	res, err := tx.exec(ctx, `UPDATE requests SET status = ?, payload = ?, steps = ?, step = ?, waiting_since_at = ?, submitted_at = ?,
		decided_at = ?, acknowledged_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		after.Status, string(payload), string(steps), after.Step, instant(after.WaitingSince), instant(after.SubmittedAt),
		instant(after.DecidedAt), instant(after.AcknowledgedAt), instant(after.UpdatedAt), after.ID, version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return kintai.Errorf(kintai.ECONFLICT, "この申請は他の操作で更新されました。再読み込みしてください。", "The request was changed by someone else; reload it.")
	}
	if err := tx.setWaiting(ctx, before, after); err != nil {
		return err
	}
	if _, err := tx.insertEvent(ctx, ev); err != nil {
		return fmt.Errorf("request event: %w", err)
	}
	if err := tx.notifyDecision(ctx, after, ev, proxies); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	if err := tx.applyEffects(ctx, before, after); err != nil {
		return err
	}
	return tx.Audit(ctx, "request."+string(ev.Action), "request", after.ID, before, after)
}

// setWaiting keeps request_waiting in step with the approvers of the
// waiting step.
func (tx *Tx) setWaiting(ctx context.Context, before, after approval.Request) error {
	var was, now []int64
	if s := before.Current(); s != nil {
		was = s.Approvers
	}
	if s := after.Current(); s != nil {
		now = s.Approvers
	}
	if slices.Equal(was, now) {
		return nil
	}
	if len(was) > 0 {
		if _, err := tx.exec(ctx, `DELETE FROM request_waiting WHERE request_id = ?`, after.ID); err != nil {
			return err
		}
	}
	for _, id := range now {
		if _, err := tx.exec(ctx, `INSERT INTO request_waiting (request_id, staff_id) VALUES (?, ?)`, after.ID, id); err != nil {
			return err
		}
	}
	return nil
}

// notifyDecision tells whom an event concerns: the approvers now waiting
// and the deputies (代理) of those under a proxy in force for the kind, or
// the applicant of a decision.
func (tx *Tx) notifyDecision(ctx context.Context, r approval.Request, ev approval.Event, proxies []approval.Proxy) error {
	applicants := []int64{r.StaffID, r.CreatedBy}
	label, kind := r.Kind.Label(), string(r.Kind)
	var waiting []int64
	if s := r.Current(); s != nil {
		waiting = append(slices.Clone(s.Approvers), deputiesFor(s.Approvers, r, tx.Now, proxies)...)
	}
	say := func(to []int64, k NotificationKind, ja, en string) error {
		return tx.notify(ctx, to, r.ID, k, fmt.Sprintf(ja, label, r.ID), fmt.Sprintf(en, kind, r.ID))
	}
	switch {
	case ev.Action == approval.ActionComment:
		return say(append(applicants, waiting...), NotifyCommented, "%sの申請（No.%d）にコメントがありました。", "A comment was added to %s request #%d.")
	case ev.Action == approval.ActionEscalate:
		return say(waiting, NotifyWaiting, "%sの申請（No.%d）が承認待ちのまま滞留しています。承認者に追加されました。", "A %s request (#%d) has waited too long and now waits for you too.")
	case ev.Action == approval.ActionDesignate:
		return say([]int64{r.StaffID}, NotifyOrdered, "%s（No.%d）の代休日が指定されました。", "A 代休 day was designated for %s #%d.")
	case ev.Action == approval.ActionAcknowledge:
		return say([]int64{r.CreatedBy}, NotifyAcknowledged, "%s（No.%d）が確認されました。", "The %s #%d was acknowledged.")
	case r.Status.Waiting() && len(waiting) > 0 && (ev.From != ev.To || ev.Action == approval.ActionApprove):
		return say(waiting, NotifyWaiting, "%sの申請（No.%d）が承認待ちです。", "A %s request (#%d) is waiting for your decision.")
	case ev.To == approval.StatusApproved && r.Kind.Order() && ev.Action == approval.ActionSubmit:
		return say([]int64{r.StaffID}, NotifyOrdered, "%s（No.%d）が発令されました。内容を確認してください。", "You were given an order: %s #%d. Please acknowledge it.")
	case ev.To == approval.StatusApproved && ev.From == approval.StatusCancelPending:
		return say(applicants, NotifyRejected, "%sの申請（No.%d）の取消は却下されました。", "The cancellation of %s request #%d was rejected.")
	case ev.To == approval.StatusApproved:
		return say(applicants, NotifyApproved, "%sの申請（No.%d）が承認されました。", "Your %s request #%d was approved.")
	case ev.To == approval.StatusRejected:
		return say(applicants, NotifyRejected, "%sの申請（No.%d）が却下されました。", "Your %s request #%d was rejected.")
	case ev.To == approval.StatusReturned:
		return say(applicants, NotifyReturned, "%sの申請（No.%d）が差し戻されました。", "Your %s request #%d was returned.")
	case ev.To == approval.StatusWithdrawn && ev.From != ev.To:
		return say(applicants, NotifyWithdrawn, "%s（No.%d）が取り下げ・取り消されました。", "%s #%d was withdrawn.")
	}
	return nil
}

// applyEffects tells the rules engine about a request coming into force or
// going out of it: the staff-months of its days are marked stale so the
// results recompute, an approved punch correction is stored as a
// correction punch (the original stays), and a 代休 leave designates or
// frees the 代休日 of a holiday-work order (linkDaikyu).
func (tx *Tx) applyEffects(ctx context.Context, before, after approval.Request) error {
	if before.Status.InForce() == after.Status.InForce() {
		return nil
	}
	var effects []approval.Effect
	if after.Status.InForce() {
		effects = approval.Effects(after)
	} else {
		effects = approval.Effects(before)
	}
	var from, to kintai.Date
	widen := func(d kintai.Date) {
		if d.IsZero() {
			return
		}
		if from.IsZero() || d.Before(from) {
			from = d
		}
		if to.IsZero() || d.After(to) {
			to = d
		}
	}
	for _, e := range effects {
		widen(e.Day)
		widen(e.ForDay)
	}
	// A closed month (月次締め) is not changed.
	if !from.IsZero() {
		if err := tx.checkOpenDays(ctx, after.StaffID, from, to); err != nil {
			return err
		}
	}
	for _, e := range effects {
		if !after.Status.InForce() {
			if err := tx.reverseCorrection(ctx, e); err != nil {
				return err
			}
			continue
		}
		if p, ok := e.Punch(tx.Now); ok {
			res, err := tx.storePunches(ctx, []PunchRecord{{Origin: "request", Actor: tx.Actor, Punch: p}})
			if err != nil {
				return fmt.Errorf("correction punch: %w", err)
			}
			if res[0].Err != nil {
				return res[0].Err
			}
		}
	}
	if err := tx.linkDaikyu(ctx, before, after); err != nil {
		return err
	}
	if from.IsZero() {
		return nil
	}
	return tx.markStale(ctx, []int64{after.StaffID}, from, to)
}

// deputiesFor returns the deputies who may act at now, for r's kind, for
// any of approvers, the approvers and r's applicants left out.
func deputiesFor(approvers []int64, r approval.Request, now time.Time, proxies []approval.Proxy) []int64 {
	var out []int64
	for _, p := range proxies {
		if !p.Active(now, r.Kind) || !slices.Contains(approvers, p.Principal) {
			continue
		}
		for _, d := range p.Deputies {
			if d != r.StaffID && d != r.CreatedBy && !slices.Contains(approvers, d) && !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// reverseCorrection undoes the correction punch of a punch correction that
// went out of force (its cancellation approved): punches are append-only,
// so a new correction pointing at the correction puts back the original
// punch's kind, time and day; a correction that added a missing punch is
// voided (punch.VoidDay). The results follow from the stale marks.
func (tx *Tx) reverseCorrection(ctx context.Context, e approval.Effect) error {
	fix, ok := e.Punch(tx.Now)
	if !ok {
		return nil
	}
	corr, err := scanPunch(tx.queryRow(ctx, `SELECT `+punchColumns+` FROM punches WHERE origin = 'request' AND client_key = ?`, fix.ClientKey))
	if errors.Is(err, sql.ErrNoRows) {
		return nil // never stored: nothing to undo
	}
	if err != nil {
		return fmt.Errorf("correction punch: %w", err)
	}
	rev := punch.Punch{
		Input: punch.Input{ClientKey: fix.ClientKey + ":reversal", StaffID: corr.StaffID, Kind: corr.Kind, Method: punch.MethodManual,
			WorkLocation: corr.WorkLocation, Note: fmt.Sprintf("申請No.%d の取消により追加した打刻を無効にしました", e.RequestID)},
		ReceivedAt: tx.Now, At: corr.At, BusinessDay: punch.VoidDay, CorrectsID: corr.ID,
	}
	if e.CorrectsID != 0 {
		orig, err := scanPunch(tx.queryRow(ctx, `SELECT `+punchColumns+` FROM punches WHERE id = ?`, e.CorrectsID))
		if err != nil {
			return fmt.Errorf("corrected punch: %w", err)
		}
		rev.Kind, rev.WorkLocation, rev.At, rev.BusinessDay = orig.Kind, orig.WorkLocation, orig.At, orig.BusinessDay
		rev.Note = fmt.Sprintf("申請No.%d の取消により元の打刻に戻しました", e.RequestID)
	}
	res, err := tx.storePunches(ctx, []PunchRecord{{Origin: "request", Actor: tx.Actor, Punch: rev}})
	if err != nil {
		return fmt.Errorf("reversal punch: %w", err)
	}
	return res[0].Err
}

// MaxBulkDecisions bounds one bulk decision (一括承認).
const MaxBulkDecisions = 1000

// DecideRequests applies d to each of ids as actor, in one transaction
// where each item has its own savepoint: a refusal or failure of one item
// undoes that item only and never blocks the others. It takes approve,
// reject, return, acknowledge and comment. The outcomes come in the order
// of ids; a request given twice is decided once.
func (db *DB) DecideRequests(ctx context.Context, actor kintai.Actor, ids []int64, d approval.Decision) ([]approval.Outcome, error) {
	switch {
	case d.Action == approval.ActionSubmit || d.Action == approval.ActionCancel || !d.Action.Valid() ||
		d.Action == approval.ActionEscalate || d.Action == approval.ActionDesignate:
		return nil, kintai.Invalid("action", "この操作は一括で行えません。", "This action cannot be taken in bulk.")
	case len(ids) == 0:
		return nil, kintai.Invalid("ids", "申請を選んでください。", "Choose at least one request.")
	case len(ids) > MaxBulkDecisions:
		return nil, kintai.Invalid("ids", fmt.Sprintf("一括で処理できるのは%d件までです。", MaxBulkDecisions), fmt.Sprintf("At most %d requests at a time.", MaxBulkDecisions))
	}
	var out []approval.Outcome
	err := db.WithTx(ctx, actor, func(tx *Tx) error {
		out = make([]approval.Outcome, 0, len(ids))
		e, err := tx.loadDecisionEnv(ctx)
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for _, id := range ids {
			o := approval.Outcome{RequestID: id}
			if seen[id] {
				o.Err = kintai.Errorf(kintai.ECONFLICT, "同じ申請が重複して指定されています。", "The same request was given twice.")
				o.Reason = approval.ReasonDuplicate
			} else {
				seen[id] = true
				var ev approval.Event
				o.Request, ev, o.Err = tx.decideItem(ctx, id, d, e)
				if o.Err == nil {
					o.OK, o.Event = true, &ev
				}
			}
			if o.Err != nil {
				o.Code = kintai.ErrorCode(o.Err)
				if r := approval.RefusalReason(o.Err); r != "" {
					o.Reason = r
				}
				o.Message, o.MessageEN = kintai.ErrorMessages(o.Err)
			}
			out = append(out, o)
		}
		return nil
	})
	return out, err
}

// decideItem decides one request of a bulk decision inside a savepoint,
// rolling it back (and the audit chain head with it) when it fails.
func (tx *Tx) decideItem(ctx context.Context, id int64, d approval.Decision, e *decisionEnv) (approval.Request, approval.Event, error) {
	head, dirty := tx.audit, tx.auditDirty
	if _, err := tx.exec(ctx, `SAVEPOINT bulk_item`); err != nil {
		return approval.Request{}, approval.Event{}, err
	}
	req, version, err := findRequest(ctx, tx, id, true)
	var ev approval.Event
	if err == nil {
		req, ev, err = tx.decide(ctx, req, version, d, e)
	}
	if err != nil {
		if _, rbErr := tx.exec(ctx, `ROLLBACK TO SAVEPOINT bulk_item`); rbErr != nil {
			return req, ev, rbErr
		}
		tx.audit, tx.auditDirty = head, dirty
	}
	if _, relErr := tx.exec(ctx, `RELEASE SAVEPOINT bulk_item`); relErr != nil {
		return req, ev, relErr
	}
	return req, ev, err
}
