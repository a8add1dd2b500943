package approval

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kintai"
)

// Action is what someone does to a request.
type Action string

// Actions.
const (
	ActionSubmit  Action = "submit"  // 申請 (or, for an order, 命令)
	ActionApprove Action = "approve" // 承認
	ActionReject  Action = "reject"  // 却下
	ActionReturn  Action = "return"  // 差戻し
	// ActionWithdraw is 取下げ by the applicant before approval, or the
	// withdrawal of an order by its orderer or an approver in scope.
	ActionWithdraw Action = "withdraw"
	// ActionCancel is a 取消申請: the applicant asks to cancel an approved
	// request (Settings.CancelApproved); the route decides it.
	ActionCancel      Action = "cancel"
	ActionAcknowledge Action = "acknowledge" // 確認: the staff member acknowledges an order
	ActionComment     Action = "comment"     // コメント: no change of state
	// ActionEscalate is recorded by Escalate; Decide does not accept it.
	ActionEscalate Action = "escalate"
	// ActionDesignate is recorded by Designate (代休日の指定).
	ActionDesignate Action = "designate"
)

var actionLabels = map[Action][2]string{
	ActionSubmit:      {"申請", "Submitted"},
	ActionApprove:     {"承認", "Approved"},
	ActionReject:      {"却下", "Rejected"},
	ActionReturn:      {"差戻し", "Returned"},
	ActionWithdraw:    {"取下げ", "Withdrawn"},
	ActionCancel:      {"取消申請", "Cancellation requested"},
	ActionAcknowledge: {"確認", "Acknowledged"},
	ActionComment:     {"コメント", "Commented"},
	ActionEscalate:    {"エスカレーション", "Escalated"},
	ActionDesignate:   {"代休日指定", "代休 day designated"},
}

// Label returns the Japanese name of a.
func (a Action) Label() string { return actionLabels[a][0] }

// Valid reports whether a is known.
func (a Action) Valid() bool { _, ok := actionLabels[a]; return ok }

// Decision is an action with its comment, as a person sends it.
type Decision struct {
	Action  Action `json:"action"`
	Comment string `json:"comment,omitempty"` // required to reject or return
}

// Event is the record of one transition or comment (承認履歴). Storage keeps
// every event; it is also the audit entry's "after".
type Event struct {
	RequestID int64  `json:"request_id"`
	Action    Action `json:"action"`
	// ActorID is who acted; 0 for the system (escalation).
	ActorID int64 `json:"actor_id,omitempty"`
	// OnBehalfOf is the approver a deputy acted for (代理承認), 0 otherwise.
	OnBehalfOf int64 `json:"on_behalf_of,omitempty"`
	ProxyID    int64 `json:"proxy_id,omitempty"`
	// Step is the index in Request.Steps the event concerns, -1 for none.
	Step    int       `json:"step"`
	From    Status    `json:"from"`
	To      Status    `json:"to"`
	Comment string    `json:"comment,omitempty"`
	At      time.Time `json:"at"`
	// Approvers are the step's approvers after an escalation.
	Approvers []int64 `json:"approvers,omitempty"`
	// Day is the 代休日 designated (ActionDesignate).
	Day kintai.Date `json:"day,omitzero"`
}

// Describe returns the event as a sentence in Japanese and English, with
// name giving a staff member's name: "佐藤 が 田中 の代理で承認しました" /
// "Approved by Sato on behalf of Tanaka".
func (e Event) Describe(name func(staffID int64) string) (ja, en string) {
	l := actionLabels[e.Action]
	who := "システム"
	whoEN := "the system"
	if e.ActorID != 0 {
		who, whoEN = name(e.ActorID), name(e.ActorID)
	}
	if e.OnBehalfOf != 0 {
		p := name(e.OnBehalfOf)
		return fmt.Sprintf("%s が %s の代理で%sしました", who, p, l[0]), fmt.Sprintf("%s by %s on behalf of %s", l[1], whoEN, p)
	}
	return fmt.Sprintf("%s が%sしました", who, l[0]), fmt.Sprintf("%s by %s", l[1], whoEN)
}

// Proxy is a 代理承認 delegation: each of Deputies may decide, for
// Principal, the steps Principal may decide, from From (inclusive) to To
// (exclusive), for requests of Kinds (every kind when empty).
type Proxy struct {
	ID        int64     `json:"id"`
	Principal int64     `json:"principal"`
	Deputies  []int64   `json:"deputies"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Kinds     []Kind    `json:"kinds,omitempty"`
	Note      string    `json:"note,omitempty"`
}

// ValidateProxy checks p.
func ValidateProxy(p Proxy) error {
	switch {
	case p.Principal <= 0:
		return kintai.Invalid("principal", "代理を依頼する承認者を指定してください。", "The principal is required.")
	case len(p.Deputies) == 0:
		return kintai.Invalid("deputies", "代理者を指定してください。", "Name at least one deputy.")
	case slices.ContainsFunc(p.Deputies, func(id int64) bool { return id <= 0 }):
		return kintai.Invalid("deputies", "代理者の指定が不正です。", "Invalid deputy.")
	case slices.Contains(p.Deputies, p.Principal):
		return kintai.Invalid("deputies", "本人を代理者にはできません。", "The principal cannot be their own deputy.")
	case p.From.IsZero() || p.To.IsZero():
		return kintai.Invalid("from", "代理の期間を入力してください。", "The proxy period is required.")
	case !p.To.After(p.From):
		return kintai.Invalid("to", "代理の期間の終了が開始より前です。", "The proxy period ends before it starts.")
	case slices.ContainsFunc(p.Kinds, func(k Kind) bool { return !k.Valid() }):
		return kintai.Invalid("kinds", "申請の種類が不正です。", "Unknown request kind.")
	}
	return validText("note", p.Note, false, "備考", "The note")
}

// Active reports whether p lets its deputies act at now for kind.
func (p Proxy) Active(now time.Time, kind Kind) bool {
	return p.inWindow(now) && p.forKind(kind)
}

func (p Proxy) inWindow(now time.Time) bool { return !now.Before(p.From) && now.Before(p.To) }

func (p Proxy) forKind(kind Kind) bool { return len(p.Kinds) == 0 || slices.Contains(p.Kinds, kind) }

// Env is what a decision needs besides the request and the actor.
type Env struct {
	// Steps is the route resolved for the request (Resolve), used by
	// ActionSubmit and ActionCancel, which keep it as the request's
	// snapshot. Other actions use the snapshot.
	Steps []ResolvedStep
	// Tree answers scope questions: an orderer's, a commenter's, and
	// whether an approver still holds a grant over the staff member.
	Tree    kintai.OrgTree
	Proxies []Proxy
	// Settings are the entity's (DefaultSettings when none are stored;
	// the zero value allows no 振替 window and no cancellation).
	Settings Settings
}

// Stable reasons for a refused decision. The HTTP layer returns them
// beside the error code.
const (
	ReasonNotYourStep         = "not_your_step"        // the actor is not an approver of the waiting step
	ReasonOutOfScope          = "out_of_scope"         // the actor holds no grant over the staff member
	ReasonAlreadyDecided      = "already_decided"      // approved, rejected or withdrawn already
	ReasonSelfApproval        = "self_approval"        // approving (rejecting, returning) one's own request
	ReasonProxyOutsideWindow  = "proxy_outside_window" // a deputy acting outside the proxy's period
	ReasonProxyOtherKind      = "proxy_other_kind"     // a deputy acting on a kind the proxy does not cover
	ReasonWrongStatus         = "wrong_status"         // the action does not apply in the request's status
	ReasonNotApplicant        = "not_applicant"        // only the applicant may do this
	ReasonCancelNotAllowed    = "cancel_not_allowed"   // Settings.CancelApproved is off
	ReasonNoApprover          = "no_approver"          // a step has nobody to decide it
	ReasonAlreadyAcknowledged = "already_acknowledged" // the order was acknowledged already
	ReasonNotStaff            = "not_staff"            // the actor is not a signed-in staff member
	ReasonBulkUnsupported     = "bulk_unsupported"     // DecideAll does not take this action
	ReasonDuplicate           = "duplicate"            // the same request twice in one DecideAll
	ReasonNoRoute             = "no_route"             // Env.Steps missing for submit or cancel
	ReasonNotDaikyu           = "not_daikyu"           // Designate on something other than a 代休 order
	ReasonDaikyuByLeave       = "daikyu_by_leave"      // Designate on an order whose 代休日 a leave request set
	ReasonInvalidAction       = "invalid_action"       // an unknown action
	ReasonCommentRequired     = "comment_required"     // reject, return and comment need a comment
)

// Refusal carries the stable reason of a refused decision. It is the Err of
// a *kintai.Error, so kintai.ErrorCode and the HTTP mapping work as for any
// other error, and RefusalReason finds the reason.
type Refusal struct {
	Reason string
}

// Error names the reason; people see the messages of the wrapping *kintai.Error.
func (r *Refusal) Error() string { return "approval refused: " + r.Reason }

// ReasonCode returns the stable reason, for the API's error body.
func (r *Refusal) ReasonCode() string { return r.Reason }

// RefusalReason returns the Reason of the first *Refusal in err's chain,
// or "" if there is none.
func RefusalReason(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	return ""
}

func refuse(code, reason, ja, en string) *kintai.Error {
	return &kintai.Error{Code: code, Message: ja, MessageEN: en, Err: &Refusal{Reason: reason}}
}

func wrongStatus(req Request, a Action) *kintai.Error {
	if req.Status.Final() {
		return refuse(kintai.ECONFLICT, ReasonAlreadyDecided,
			"この申請はすでに処理済みです（"+req.Status.Label()+"）。",
			"This request has already been decided ("+string(req.Status)+").")
	}
	return refuse(kintai.ECONFLICT, ReasonWrongStatus,
		fmt.Sprintf("%sの申請には「%s」を行えません。", req.Status.Label(), a.Label()),
		fmt.Sprintf("A request that is %s cannot be given %q.", req.Status, a))
}

// Decide applies decision d by actor at now to req and returns the new
// request and the event to record. It never changes req. Refusals are
// *kintai.Error with a Refusal reason:
//
//   - submit (draft or returned → pending at the first step that is not
//     skipped): by the applicant, with the route in env.Steps; the
//     payload must pass Validate. If every step is skipped the request is
//     approved at once. An order (overtime_order, holiday_work) is in force
//     at once (→ approved): the orderer must hold an approver grant over
//     the staff member (env.Tree).
//   - approve, reject, return (pending): by an approver of the waiting
//     step, or a deputy of one under a Proxy active at now for the kind
//     (the event names the principal in OnBehalfOf). Approve moves to the
//     next step not skipped, or to approved after the last. Reject and
//     return need a comment. Nobody decides their own request.
//   - on a cancel_pending request, approve walks the route likewise and
//     ends in withdrawn; reject keeps the request approved.
//   - withdraw: the applicant's, from draft, pending or returned; for an
//     approved order, the orderer's or an approver's in scope.
//   - cancel (approved, not an order): the applicant's, when
//     env.Settings.CancelApproved; the route in env.Steps decides it.
//   - acknowledge (an approved order): the staff member's, once.
//   - comment: the applicant's, a step approver's or deputy's, or any
//     approver's in scope; no change of state.
func Decide(req Request, d Decision, actor kintai.Actor, now time.Time, env Env) (Request, Event, error) {
	if actor.StaffID == 0 || actor.System || actor.TerminalID != 0 {
		return req, Event{}, refuse(kintai.EFORBIDDEN, ReasonNotStaff, "職員としてサインインしてください。", "Sign in as a staff member.")
	}
	if err := validComment(d); err != nil {
		return req, Event{}, err
	}
	out := req.clone()
	ev := Event{RequestID: req.ID, Action: d.Action, ActorID: actor.StaffID, Step: -1, From: req.Status, To: req.Status, Comment: d.Comment, At: now}
	var err error
	switch d.Action {
	case ActionSubmit:
		err = submit(&out, &ev, actor, env)
	case ActionApprove, ActionReject, ActionReturn:
		err = decideStep(&out, &ev, d.Action, actor, now, env)
	case ActionWithdraw:
		err = withdraw(&out, actor, env)
	case ActionCancel:
		err = cancel(&out, &ev, actor, env)
	case ActionAcknowledge:
		switch {
		case !req.Kind.Order() || req.Status != StatusApproved:
			err = wrongStatus(req, d.Action)
		case actor.StaffID != req.StaffID:
			err = refuse(kintai.EFORBIDDEN, ReasonNotApplicant, "命令を受けた職員のみが確認できます。", "Only the staff member ordered can acknowledge an order.")
		case !req.AcknowledgedAt.IsZero():
			err = refuse(kintai.ECONFLICT, ReasonAlreadyAcknowledged, "この命令は確認済みです。", "This order has already been acknowledged.")
		default:
			out.AcknowledgedAt = now
		}
	case ActionComment:
		if req.Status == StatusDraft {
			err = wrongStatus(req, d.Action)
		} else if !mayComment(req, actor, now, env) {
			err = refuse(kintai.EFORBIDDEN, ReasonOutOfScope, "この申請にコメントする権限がありません。", "You may not comment on this request.")
		}
	default:
		err = refuse(kintai.EINVALID, ReasonInvalidAction, "操作の種類が不正です。", "Unknown action.")
	}
	if err != nil {
		return req, Event{}, err
	}
	out.UpdatedAt = now
	if out.Status != req.Status && (out.Status.Final() || (out.Status == StatusApproved && req.Status != StatusCancelPending)) {
		out.DecidedAt = now
	}
	ev.To = out.Status
	return out, ev, nil
}

func validComment(d Decision) error {
	c := d.Comment
	switch {
	case (d.Action == ActionReject || d.Action == ActionReturn || d.Action == ActionComment) && strings.TrimSpace(c) == "":
		return &kintai.Error{Code: kintai.EINVALID, Field: "comment", Message: "コメントを入力してください。", MessageEN: "A comment is required.", Err: &Refusal{Reason: ReasonCommentRequired}}
	case !utf8.ValidString(c) || strings.ContainsFunc(c, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		return kintai.Invalid("comment", "コメントに使用できない文字が含まれています。", "The comment contains characters that are not allowed.")
	case utf8.RuneCountInString(c) > MaxCommentRunes:
		return kintai.Invalid("comment", fmt.Sprintf("コメントは%d文字以内で入力してください。", MaxCommentRunes), fmt.Sprintf("The comment must be at most %d characters.", MaxCommentRunes))
	}
	return nil
}

func submit(r *Request, ev *Event, actor kintai.Actor, env Env) error {
	if !r.Editable() {
		return wrongStatus(*r, ActionSubmit)
	}
	if err := Validate(*r, env.Settings); err != nil {
		return err
	}
	if r.Kind.Order() {
		switch {
		case actor.StaffID != r.CreatedBy:
			return refuse(kintai.EFORBIDDEN, ReasonNotApplicant, "命令は作成した人のみが発令できます。", "Only whoever drafted an order can give it.")
		case !actor.Can(kintai.RoleApprover, r.OrgUnitID, env.Tree):
			return refuse(kintai.EFORBIDDEN, ReasonOutOfScope, "この職員に命令する権限がありません。", "You may not give orders to this staff member.")
		}
		r.Steps, r.Step = nil, 0
		r.Status = StatusApproved
		r.SubmittedAt, r.WaitingSince = ev.At, time.Time{}
		return nil
	}
	if !r.applicant(actor.StaffID) {
		return refuse(kintai.EFORBIDDEN, ReasonNotApplicant, "申請者のみが申請できます。", "Only the applicant can submit this request.")
	}
	steps, err := freshSteps(env)
	if err != nil {
		return err
	}
	r.Steps = steps
	r.Status = StatusPending
	r.SubmittedAt = ev.At
	r.AcknowledgedAt = time.Time{}
	startWalk(r, ev.At, StatusApproved)
	return nil
}

// freshSteps returns a copy of env.Steps with no decisions, refusing a
// missing route or a step with nobody to decide it.
func freshSteps(env Env) ([]ResolvedStep, error) {
	if len(env.Steps) == 0 {
		return nil, refuse(kintai.EINTERNAL, ReasonNoRoute, "承認ルートが決まっていません。", "The approval route was not resolved.")
	}
	steps := Request{Steps: env.Steps}.clone().Steps
	for i := range steps {
		s := &steps[i]
		s.DecidedBy, s.OnBehalfOf, s.DecidedAt, s.Escalated = 0, 0, time.Time{}, 0
		if !s.Skipped && len(s.Approvers) == 0 {
			return nil, refuse(kintai.ECONFLICT, ReasonNoApprover,
				fmt.Sprintf("承認段階「%s」の承認者が見つかりません。管理者に承認者の設定を依頼してください。", s.Name),
				fmt.Sprintf("Nobody can approve the step %q. Ask an administrator to grant an approver.", s.Name))
		}
	}
	return steps, nil
}

// startWalk puts r at its first step not skipped, or in done when there is
// none.
func startWalk(r *Request, now time.Time, done Status) {
	r.Step = -1
	advance(r, now, done)
}

// advance moves r to the next step not skipped after r.Step, or to done.
func advance(r *Request, now time.Time, done Status) {
	for i := r.Step + 1; i < len(r.Steps); i++ {
		if !r.Steps[i].Skipped {
			r.Step, r.WaitingSince = i, now
			return
		}
	}
	r.Status, r.Step, r.WaitingSince = done, 0, time.Time{}
}

func decideStep(r *Request, ev *Event, a Action, actor kintai.Actor, now time.Time, env Env) error {
	orig := *r
	if r.Status == StatusApproved {
		return refuse(kintai.ECONFLICT, ReasonAlreadyDecided, "この申請はすでに承認済みです。", "This request has already been approved.")
	}
	if !r.Status.Waiting() || (r.Status == StatusCancelPending && a == ActionReturn) {
		return wrongStatus(orig, a)
	}
	step := r.Current()
	if step == nil {
		return wrongStatus(orig, a)
	}
	if r.applicant(actor.StaffID) {
		return refuse(kintai.EFORBIDDEN, ReasonSelfApproval, "自分の申請を承認・却下することはできません。", "You cannot decide your own request.")
	}
	principal, proxyID, err := stepRight(*r, step, actor, now, env)
	if err != nil {
		return err
	}
	ev.Step, ev.OnBehalfOf, ev.ProxyID = r.Step, principal, proxyID
	step.DecidedBy, step.OnBehalfOf, step.DecidedAt = actor.StaffID, principal, now
	switch {
	case a == ActionApprove && r.Status == StatusPending:
		advance(r, now, StatusApproved)
	case a == ActionApprove: // cancel_pending
		advance(r, now, StatusWithdrawn)
	case a == ActionReject && r.Status == StatusPending:
		r.Status, r.WaitingSince = StatusRejected, time.Time{}
	case a == ActionReject: // the cancellation is refused; the request stays in force
		r.Status, r.WaitingSince = StatusApproved, time.Time{}
	case a == ActionReturn:
		r.Status, r.WaitingSince = StatusReturned, time.Time{}
	}
	return nil
}

// stepRight checks that actor may decide step of r, as themselves
// (principal 0) or as a deputy, and returns the principal and the proxy.
func stepRight(r Request, step *ResolvedStep, actor kintai.Actor, now time.Time, env Env) (principal, proxyID int64, err error) {
	if slices.Contains(step.Approvers, actor.StaffID) {
		// A step found from grants needs the grant still: a 係長 moved
		// elsewhere after submission no longer decides.
		if step.By != ByStaff && !actor.Can(kintai.RoleApprover, r.OrgUnitID, env.Tree) {
			return 0, 0, refuse(kintai.EFORBIDDEN, ReasonOutOfScope, "この職員の申請を承認する権限がありません。", "You hold no approver grant over this staff member.")
		}
		return 0, 0, nil
	}
	var outside, otherKind bool
	for _, p := range env.Proxies {
		if !slices.Contains(step.Approvers, p.Principal) || !slices.Contains(p.Deputies, actor.StaffID) {
			continue
		}
		switch {
		case !p.inWindow(now):
			outside = true
		case !p.forKind(r.Kind):
			otherKind = true
		default:
			return p.Principal, p.ID, nil
		}
	}
	switch {
	case outside:
		return 0, 0, refuse(kintai.EFORBIDDEN, ReasonProxyOutsideWindow, "代理承認の期間外です。", "The proxy is not in force at this time.")
	case otherKind:
		return 0, 0, refuse(kintai.EFORBIDDEN, ReasonProxyOtherKind, "この種類の申請は代理承認の対象外です。", "The proxy does not cover this kind of request.")
	case actor.Can(kintai.RoleApprover, r.OrgUnitID, env.Tree) || stepOfAny(r, actor.StaffID):
		return 0, 0, refuse(kintai.EFORBIDDEN, ReasonNotYourStep,
			fmt.Sprintf("この申請は「%s」の承認待ちです。あなたの承認段階ではありません。", step.Name),
			fmt.Sprintf("This request is waiting for %q, which is not your step.", step.Name))
	}
	return 0, 0, refuse(kintai.EFORBIDDEN, ReasonOutOfScope, "この職員の申請を承認する権限がありません。", "You hold no approver grant over this staff member.")
}

// stepOfAny reports whether id approves any step of r.
func stepOfAny(r Request, id int64) bool {
	for _, s := range r.Steps {
		if slices.Contains(s.Approvers, id) {
			return true
		}
	}
	return false
}

func withdraw(r *Request, actor kintai.Actor, env Env) error {
	orig := *r
	switch {
	case r.Kind.Order() && (r.Status == StatusApproved || r.Status == StatusDraft):
		if actor.StaffID != r.CreatedBy && !(actor.StaffID != r.StaffID && actor.Can(kintai.RoleApprover, r.OrgUnitID, env.Tree)) {
			return refuse(kintai.EFORBIDDEN, ReasonNotApplicant, "命令を取り消せるのは命令者または所属の承認者です。", "Only the orderer or an approver in scope can withdraw an order.")
		}
	case !r.Kind.Order() && (r.Status == StatusDraft || r.Status == StatusPending || r.Status == StatusReturned):
		if !r.applicant(actor.StaffID) {
			return refuse(kintai.EFORBIDDEN, ReasonNotApplicant, "申請を取り下げられるのは申請者のみです。", "Only the applicant can withdraw a request.")
		}
	case r.Status == StatusApproved:
		return refuse(kintai.ECONFLICT, ReasonWrongStatus, "承認済みの申請は取り下げられません。取消申請をしてください。", "An approved request cannot be withdrawn; ask for its cancellation.")
	default:
		return wrongStatus(orig, ActionWithdraw)
	}
	r.Status, r.WaitingSince = StatusWithdrawn, time.Time{}
	return nil
}

func cancel(r *Request, ev *Event, actor kintai.Actor, env Env) error {
	switch {
	case r.Kind.Order() || r.Status != StatusApproved:
		return wrongStatus(*r, ActionCancel)
	case !env.Settings.CancelApproved:
		return refuse(kintai.EFORBIDDEN, ReasonCancelNotAllowed, "承認済みの申請は取り消せない設定です。", "Approved requests cannot be cancelled under the current settings.")
	case !r.applicant(actor.StaffID):
		return refuse(kintai.EFORBIDDEN, ReasonNotApplicant, "取消申請ができるのは申請者のみです。", "Only the applicant can ask to cancel a request.")
	}
	steps, err := freshSteps(env)
	if err != nil {
		return err
	}
	r.Steps = steps
	r.Status = StatusCancelPending
	startWalk(r, ev.At, StatusWithdrawn)
	return nil
}

func mayComment(r Request, actor kintai.Actor, now time.Time, env Env) bool {
	if r.applicant(actor.StaffID) || stepOfAny(r, actor.StaffID) || actor.Can(kintai.RoleApprover, r.OrgUnitID, env.Tree) {
		return true
	}
	for _, p := range env.Proxies {
		if p.Active(now, r.Kind) && slices.Contains(p.Deputies, actor.StaffID) && stepOfAny(r, p.Principal) {
			return true
		}
	}
	return false
}

// Designate sets the 代休日 of a holiday-work order given with
// SubstituteDaikyu and no day yet (or changes it), by the orderer or an
// approver in scope, within env.Settings.DaikyuAfterDays of the holiday.
func Designate(req Request, day kintai.Date, actor kintai.Actor, now time.Time, env Env) (Request, Event, error) {
	h := req.HolidayWork
	switch {
	case actor.StaffID == 0 || actor.System || actor.TerminalID != 0:
		return req, Event{}, refuse(kintai.EFORBIDDEN, ReasonNotStaff, "職員としてサインインしてください。", "Sign in as a staff member.")
	case req.Kind != KindHolidayWork || h == nil || h.Substitute != SubstituteDaikyu:
		return req, Event{}, refuse(kintai.ECONFLICT, ReasonNotDaikyu, "代休を指定できるのは代休扱いの休日勤務命令のみです。", "A 代休 day can only be designated for a holiday-work order with 代休.")
	case req.Status != StatusApproved:
		return req, Event{}, wrongStatus(req, ActionDesignate)
	case h.DaikyuLeaveID != 0:
		return req, Event{}, refuse(kintai.ECONFLICT, ReasonDaikyuByLeave,
			fmt.Sprintf("この代休日は代休の申請（No.%d）で決まっています。変えるにはその申請を取り消してください。", h.DaikyuLeaveID),
			fmt.Sprintf("This 代休 day comes from leave request #%d; cancel that request to change it.", h.DaikyuLeaveID))
	case actor.StaffID == req.StaffID || (actor.StaffID != req.CreatedBy && !actor.Can(kintai.RoleApprover, req.OrgUnitID, env.Tree)):
		return req, Event{}, refuse(kintai.EFORBIDDEN, ReasonOutOfScope, "代休日を指定できるのは命令者または所属の承認者です。", "Only the orderer or an approver in scope can designate the 代休 day.")
	}
	if err := checkDaikyu(h.Day, day, env.Settings); err != nil {
		return req, Event{}, err
	}
	out := req.clone()
	hw := *h
	hw.SubstituteOn = day
	out.HolidayWork = &hw
	out.UpdatedAt = now
	return out, Event{RequestID: req.ID, Action: ActionDesignate, ActorID: actor.StaffID, Step: -1, From: req.Status, To: req.Status, At: now, Day: day}, nil
}

// OpenDaikyu reports whether order is an approved holiday-work order with
// 代休 whose 代休日 is still to be designated and could fall on day
// (Settings.DaikyuAfterDays).
func OpenDaikyu(order Request, day kintai.Date, s Settings) bool {
	h := order.HolidayWork
	return order.Kind == KindHolidayWork && h != nil && order.Status == StatusApproved &&
		h.Substitute == SubstituteDaikyu && h.SubstituteOn.IsZero() && checkDaikyu(h.Day, day, s) == nil
}

// LinkDaikyuLeave designates day as the 代休日 of order (OpenDaikyu)
// because the 代休 leave request leaveID for day came into force by
// actor's decision: the staff member asked for the day, and approving it
// is the designation. The event names the leave request.
func LinkDaikyuLeave(order Request, leaveID int64, day kintai.Date, actor kintai.Actor, now time.Time, s Settings) (Request, Event, error) {
	if !OpenDaikyu(order, day, s) {
		return order, Event{}, refuse(kintai.ECONFLICT, ReasonNotDaikyu, "代休日を指定できる休日勤務命令ではありません。", "The order has no 代休 day left to designate.")
	}
	out := order.clone()
	hw := *order.HolidayWork
	hw.SubstituteOn, hw.DaikyuLeaveID = day, leaveID
	out.HolidayWork = &hw
	out.UpdatedAt = now
	return out, Event{RequestID: order.ID, Action: ActionDesignate, ActorID: actor.StaffID, Step: -1, From: order.Status, To: order.Status, At: now, Day: day,
		Comment: fmt.Sprintf("代休の申請（No.%d）の承認による / by the approval of leave request #%d", leaveID, leaveID)}, nil
}

// UnlinkDaikyuLeave clears the 代休日 that leave request leaveID set on
// order (LinkDaikyuLeave) now that the leave is out of force, so the
// holiday is owed a 代休 again. ok is false when the order's day is not
// the leave's.
func UnlinkDaikyuLeave(order Request, leaveID int64, actor kintai.Actor, now time.Time) (out Request, ev Event, ok bool) {
	h := order.HolidayWork
	if h == nil || h.DaikyuLeaveID != leaveID || leaveID == 0 {
		return order, Event{}, false
	}
	out = order.clone()
	hw := *h
	hw.SubstituteOn, hw.DaikyuLeaveID = kintai.Date{}, 0
	out.HolidayWork = &hw
	out.UpdatedAt = now
	return out, Event{RequestID: order.ID, Action: ActionDesignate, ActorID: actor.StaffID, Step: -1, From: order.Status, To: order.Status, At: now,
		Comment: fmt.Sprintf("代休の申請（No.%d）の取消により代休日なし / 代休 day cleared: leave request #%d no longer in force", leaveID, leaveID)}, true
}
