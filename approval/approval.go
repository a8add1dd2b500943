// Package approval is the pure domain of requests and their approval (申請・
// 承認): what a staff member may ask for (leave, overtime, punch corrections,
// telework and staggered-hours declarations), what a supervisor may order
// (超過勤務命令, 休日勤務命令 with 振替 or 代休), which approvers each request
// passes (routes per org unit and kind, with conditions), who may act for
// whom (代理承認), when a waiting step moves up (escalation), how reported
// overtime compares with objective presence (乖離, rules-jp.md §7), and what
// an approved request means for the rules engine (Effects).
//
// It does no I/O and reads no clock: the instant of every decision, the
// organisation, the grants, the proxies and the resolved route are passed
// in. Every transition is a function from a Request to a new Request and
// an Event, so storage writes both in one transaction with its audit row.
package approval

import (
	"slices"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/rules"
)

// Kind is the kind of a request (申請種別).
type Kind string

// Request kinds.
const (
	// KindLeave is a 休暇申請: annual, sick or special leave by the day or
	// by the hour.
	KindLeave Kind = "leave"
	// KindOvertimeOrder is a 超過勤務命令: a supervisor orders a staff
	// member to work beyond regular hours. The order is in force when given;
	// the staff member acknowledges it (ActionAcknowledge).
	KindOvertimeOrder Kind = "overtime_order"
	// KindOvertimeRequest is a 超過勤務の事前申請: the staff member asks
	// and the route approves; once approved it counts as an order.
	KindOvertimeRequest Kind = "overtime_request"
	// KindOvertimeResult is a 超過勤務実績報告: the overtime actually worked
	// under an order or an approved request, confirmed by the route.
	KindOvertimeResult Kind = "overtime_result"
	// KindHolidayWork is a 休日勤務命令: work ordered on a 週休日 or 休日,
	// with a substitute day (週休日の振替, 勤務時間法 第8条) or a 代休日
	// (第15条) designated now or later.
	KindHolidayWork Kind = "holiday_work"
	// KindPunchCorrection is a 打刻修正申請: a corrected time for a punch,
	// or a missing punch to add. Once approved it becomes a correction
	// record; the original punch stays.
	KindPunchCorrection Kind = "punch_correction"
	// KindTelework is a 在宅勤務・サテライトオフィス勤務 declaration for a day.
	KindTelework Kind = "telework"
	// KindStaggered is a 時差出勤 request: one of the pattern's permitted
	// starts for a day (rules-jp.md §6.2).
	KindStaggered Kind = "staggered"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindLeave, KindOvertimeOrder, KindOvertimeRequest, KindOvertimeResult, KindHolidayWork, KindPunchCorrection, KindTelework, KindStaggered}

var kindLabels = map[Kind]string{
	KindLeave:           "休暇",
	KindOvertimeOrder:   "超過勤務命令",
	KindOvertimeRequest: "超過勤務申請",
	KindOvertimeResult:  "超過勤務実績",
	KindHolidayWork:     "休日勤務命令",
	KindPunchCorrection: "打刻修正",
	KindTelework:        "在宅・サテライト勤務",
	KindStaggered:       "時差出勤",
}

// Label returns the Japanese name of k.
func (k Kind) Label() string { return kindLabels[k] }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { _, ok := kindLabels[k]; return ok }

// Order reports whether k is given by a supervisor rather than asked for by
// the staff member: an order needs no approval beyond the orderer's, and
// the staff member acknowledges it.
func (k Kind) Order() bool { return k == KindOvertimeOrder || k == KindHolidayWork }

// Status is where a request stands (状態).
type Status string

// Statuses.
const (
	StatusDraft    Status = "draft"    // 下書き: not yet submitted
	StatusPending  Status = "pending"  // 承認待ち: waiting at Request.Step
	StatusApproved Status = "approved" // 承認済み (or, for an order, in force)
	StatusRejected Status = "rejected" // 却下: final
	// StatusReturned is 差戻し: back to the applicant, who may edit and
	// submit again (the route starts from the first step).
	StatusReturned Status = "returned"
	// StatusWithdrawn is 取下げ・取消: withdrawn by the applicant before
	// approval, an order withdrawn by the orderer, or an approved request
	// whose cancellation was approved. Final.
	StatusWithdrawn Status = "withdrawn"
	// StatusCancelPending is 取消申請中: the applicant asked to cancel an
	// approved request (Settings.CancelApproved). The request stays in
	// force until the route approves the cancellation; a rejection puts it
	// back to approved.
	StatusCancelPending Status = "cancel_pending"
)

var statusLabels = map[Status]string{
	StatusDraft: "下書き", StatusPending: "承認待ち", StatusApproved: "承認済み", StatusRejected: "却下",
	StatusReturned: "差戻し", StatusWithdrawn: "取下げ", StatusCancelPending: "取消申請中",
}

// Label returns the Japanese name of s.
func (s Status) Label() string { return statusLabels[s] }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

// Waiting reports whether a request in status s waits for an approver.
func (s Status) Waiting() bool { return s == StatusPending || s == StatusCancelPending }

// InForce reports whether a request in status s has effects (Effects).
func (s Status) InForce() bool { return s == StatusApproved || s == StatusCancelPending }

// Final reports whether nothing more can happen to a request in status s
// except comments.
func (s Status) Final() bool { return s == StatusRejected || s == StatusWithdrawn }

// Request is a 申請 or 命令 and where it stands. Exactly one payload field,
// the one matching Kind, is set.
type Request struct {
	ID   int64 `json:"id"`
	Kind Kind  `json:"kind"`
	// StaffID is the staff member the request is about: the applicant of
	// a request, the person ordered by an order.
	StaffID int64 `json:"staff_id"`
	// OrgUnitID is the staff member's org unit when the request was made;
	// the route and every scope check use it.
	OrgUnitID int64 `json:"org_unit_id"`
	// CreatedBy is who made the request: the staff member, someone entering
	// it for them, or the orderer of an order. They count as the applicant.
	CreatedBy int64  `json:"created_by"`
	Status    Status `json:"status"`
	// Steps is the route resolved when the request was submitted (or its
	// cancellation asked for): a snapshot, so that later changes of routes
	// or grants do not move a request that is already on its way.
	Steps []ResolvedStep `json:"steps,omitempty"`
	// Step is the index in Steps of the step waiting (pending and
	// cancel_pending only).
	Step int `json:"step"`
	// WaitingSince is when the current step began to wait; escalation
	// counts days from it.
	WaitingSince time.Time `json:"waiting_since,omitzero"`
	SubmittedAt  time.Time `json:"submitted_at,omitzero"`
	// DecidedAt is when the request reached approved, rejected or withdrawn.
	DecidedAt time.Time `json:"decided_at,omitzero"`
	// AcknowledgedAt is when the staff member acknowledged an order.
	AcknowledgedAt time.Time `json:"acknowledged_at,omitzero"`
	CreatedAt      time.Time `json:"created_at,omitzero"`
	UpdatedAt      time.Time `json:"updated_at,omitzero"`

	Leave       *Leave           `json:"leave,omitempty"`
	Overtime    *Overtime        `json:"overtime,omitempty"` // overtime_order and overtime_request
	Result      *OvertimeResult  `json:"result,omitempty"`
	HolidayWork *HolidayWork     `json:"holiday_work,omitempty"`
	Correction  *PunchCorrection `json:"correction,omitempty"`
	Telework    *Telework        `json:"telework,omitempty"`
	Staggered   *Staggered       `json:"staggered,omitempty"`
}

// Current returns the step waiting, or nil when the request is not waiting.
func (r *Request) Current() *ResolvedStep {
	if !r.Status.Waiting() || r.Step < 0 || r.Step >= len(r.Steps) {
		return nil
	}
	return &r.Steps[r.Step]
}

// Editable reports whether the applicant may still change the payload
// (draft, or returned for rework).
func (r *Request) Editable() bool { return r.Status == StatusDraft || r.Status == StatusReturned }

// applicant reports whether id is the staff member or the creator of r.
func (r *Request) applicant(id int64) bool {
	return id != 0 && (id == r.StaffID || id == r.CreatedBy)
}

// clone returns r with its own copy of Steps, so that a transition never
// changes the caller's request.
func (r Request) clone() Request {
	r.Steps = slices.Clone(r.Steps)
	for i := range r.Steps {
		r.Steps[i].Approvers = slices.Clone(r.Steps[i].Approvers)
		r.Steps[i].EscalateTo = slices.Clone(r.Steps[i].EscalateTo)
	}
	return r
}

// LeaveUnit is the unit leave is taken in (取得単位).
type LeaveUnit string

// Leave units (人事院規則15-14 第20条: whole days, by the hour, and
// 15 minutes for some shift workers).
const (
	LeaveDay     LeaveUnit = "day"     // 1日単位
	LeaveHour    LeaveUnit = "hour"    // 1時間単位
	LeaveQuarter LeaveUnit = "quarter" // 15分単位
	// LeaveMorning and LeaveAfternoon are half days (半日単位): the part
	// of the day's hours before its first break, and after it. The store
	// sets From and To from the day's hours; the balance counts the
	// entity's half day (leave.Settings.HalfDays).
	LeaveMorning   LeaveUnit = "morning"   // 午前半日
	LeaveAfternoon LeaveUnit = "afternoon" // 午後半日
)

// HalfDay reports whether u is a morning or an afternoon half day.
func (u LeaveUnit) HalfDay() bool { return u == LeaveMorning || u == LeaveAfternoon }

// Leave is the payload of a 休暇申請.
type Leave struct {
	// Type is a leave type code of the entity's master ("annual", "sick",
	// "summer", …); this package does not know which types exist or are paid.
	Type string    `json:"type"`
	Unit LeaveUnit `json:"unit"`
	// FromOn and ToOn are the first and last day (inclusive) of leave by
	// the day; for leave by the hour, FromOn is the business day and ToOn
	// is empty or the same day.
	FromOn kintai.Date `json:"from_on"`
	ToOn   kintai.Date `json:"to_on"`
	// From and To bound leave by the hour or quarter hour, and a half
	// day (set by the store).
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
	// Case is the code of the case of the type's limit that applies (the
	// relation for 忌引, "two_or_more" children for 子の看護); Event names
	// the occurrence a per-event or per-spell limit counts against (the
	// bereavement, the spell of illness), so that requests naming the same
	// event share its days.
	Case   string `json:"case,omitempty"`
	Event  string `json:"event,omitempty"`
	Reason string `json:"reason,omitempty"` // optional for leave
}

// Days returns the number of calendar days of leave by the day, and 0 for
// leave by the hour.
func (l *Leave) Days() int {
	if l == nil || l.Unit != LeaveDay || l.FromOn.IsZero() || l.ToOn.Before(l.FromOn) {
		return 0
	}
	n := 0
	for d := l.FromOn; !d.After(l.ToOn) && n <= maxLeaveDays; d = d.AddDays(1) {
		n++
	}
	return n
}

// Overtime is the payload of a 超過勤務命令 or 超過勤務申請: the planned
// interval on a business day and the work to be done.
type Overtime struct {
	Day     kintai.Date    `json:"day"` // 勤務日 (business day)
	Planned rules.Interval `json:"planned"`
	Reason  string         `json:"reason"` // 業務内容・理由, required
}

// OvertimeResult is the payload of a 超過勤務実績報告.
type OvertimeResult struct {
	// OrderID is the order, approved overtime request or holiday-work order
	// the result reports on (CheckResultOrder). It may be 0 only when
	// Settings.ResultWithoutOrder allows reports after the fact.
	OrderID int64          `json:"order_id,omitempty"`
	Day     kintai.Date    `json:"day"`
	Actual  rules.Interval `json:"actual"` // the overtime reported as worked
	Work    string         `json:"work,omitempty"`
	// Gap is the comparison with objective presence (CompareOvertime and
	// Presence), computed by the integrator from the staff member's own
	// punches whenever the report is made or sent again, replacing
	// whatever a client sent, so that the approver sees it and Validate
	// asks for a reason above the threshold.
	Gap *Gap `json:"gap,omitempty"`
	// GapReason is the 乖離理由, required when Gap.ReasonRequired.
	GapReason string `json:"gap_reason,omitempty"`
}

// SubstituteMode says how work on a rest day or holiday is made up.
type SubstituteMode string

// Substitute modes.
const (
	// SubstituteNone: no day off in exchange; the hours are paid (休日給 or
	// overtime on a 週休日).
	SubstituteNone SubstituteMode = "none"
	// SubstituteFurikae is 週休日の振替 (勤務時間法 第8条): the rest day
	// becomes a working day and the substitute day a 週休日, designated
	// before the work, within Settings.FurikaeBeforeDays before to
	// Settings.FurikaeAfterDays after the work day.
	SubstituteFurikae SubstituteMode = "furikae"
	// SubstituteDaikyu is a 代休日 (第15条): after working all the hours of a
	// 休日, a later working day is designated as a day off; it may be
	// designated when ordering or later (Designate).
	SubstituteDaikyu SubstituteMode = "daikyu"
)

// HolidayWork is the payload of a 休日勤務命令.
type HolidayWork struct {
	Day          kintai.Date    `json:"day"` // the rest day or holiday worked
	Planned      rules.Interval `json:"planned"`
	Substitute   SubstituteMode `json:"substitute"`
	SubstituteOn kintai.Date    `json:"substitute_on"` // the 振替日 or 代休日; empty for a 代休 designated later
	Reason       string         `json:"reason"`
	// DaikyuLeaveID is the 代休 leave request whose approval designated
	// the 代休日 (LinkDaikyuLeave); 0 when the orderer designated it.
	DaikyuLeaveID int64 `json:"daikyu_leave_id,omitempty"`
}

// PunchCorrection is the payload of a 打刻修正申請. Approved, it becomes a
// correction record (punch.Punch with CorrectsID) and the original stays.
type PunchCorrection struct {
	// PunchID is the punch to correct; 0 adds a missing punch.
	PunchID int64       `json:"punch_id,omitempty"`
	Day     kintai.Date `json:"day"` // business day of the punch
	Kind    punch.Kind  `json:"punch_kind"`
	At      time.Time   `json:"at"` // the corrected time
	Reason  string      `json:"reason"`
}

// Telework is the payload of a 在宅勤務・サテライトオフィス勤務 declaration.
type Telework struct {
	Day      kintai.Date        `json:"day"`
	Location punch.WorkLocation `json:"location"` // home, satellite or trip
	Note     string             `json:"note,omitempty"`
}

// Staggered is the payload of a 時差出勤 request: one of the staff member's
// staggered pattern's Options for a day.
type Staggered struct {
	Day    kintai.Date `json:"day"`
	Option rules.Span  `json:"option"`
	Reason string      `json:"reason,omitempty"`
}

// Settings are the per-entity parameters of approval. DefaultSettings
// gives the defaults; they are stored as JSON.
type Settings struct {
	// EscalateAfterDays: a step waiting longer than this many counted days
	// moves up a level (Escalate); 0 never escalates.
	EscalateAfterDays int `json:"escalate_after_days"`
	// EscalateOpenDaysOnly counts only 開庁日 (weekdays that are not
	// holidays or 年末年始) towards EscalateAfterDays, so a request sent on
	// a Friday does not escalate over the weekend. Not fixed by any rule
	// we found (未確認): on by default.
	EscalateOpenDaysOnly bool `json:"escalate_open_days_only"`
	// GapThresholdMin is the 乖離 between reported hours and objective
	// presence above which a reason is required (rules-jp.md §7, §11).
	GapThresholdMin int `json:"gap_threshold_min"`
	// FurikaeBeforeDays and FurikaeAfterDays bound the 振替 window around
	// the work day (4 weeks before, 8 weeks after; rules-jp.md §1.1,
	// only partly confirmed).
	FurikaeBeforeDays int `json:"furikae_before_days"`
	FurikaeAfterDays  int `json:"furikae_after_days"`
	// DaikyuAfterDays bounds how long after the holiday a 代休日 may fall
	// (8 weeks by default; 未確認 — check the entity's 規則).
	DaikyuAfterDays int `json:"daikyu_after_days"`
	// CancelApproved lets an applicant ask to cancel an approved request
	// (取消申請), which then passes the route again.
	CancelApproved bool `json:"cancel_approved"`
	// ResultWithoutOrder accepts overtime results with no order or
	// approved request (事後報告).
	ResultWithoutOrder bool `json:"result_without_order"`
}

// DefaultSettings returns the defaults: escalation after 3 open days, a 30-minute
// gap threshold, 振替 from 4 weeks before to 8 weeks after, 代休 within 8
// weeks, cancellation requests allowed, results only under an order.
func DefaultSettings() Settings {
	return Settings{
		EscalateAfterDays:    3,
		EscalateOpenDaysOnly: true,
		GapThresholdMin:      30,
		FurikaeBeforeDays:    28,
		FurikaeAfterDays:     56,
		DaikyuAfterDays:      56,
		CancelApproved:       true,
		ResultWithoutOrder:   false,
	}
}
