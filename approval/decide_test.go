package approval

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
)

// must applies d by actor id at now and fails the test on a refusal.
func must(t *testing.T, req Request, d Decision, id int64, now time.Time, e Env) Request {
	t.Helper()
	out, _, err := Decide(req, d, actor(id), now, e)
	if err != nil {
		t.Fatalf("Decide(%s by %d) = %v", d.Action, id, err)
	}
	return out
}

func TestDecide(t *testing.T) {
	t0 := jst(2025, 6, 9, 9, 0)
	now := jst(2025, 6, 10, 10, 0)
	e := env()
	approve := Decision{Action: ActionApprove}

	draft := overtimeReq(180)
	pending0 := submitted(t, draft, t0)
	pending1 := must(t, pending0, approve, 200, t0, e)
	approved := must(t, pending1, approve, 300, t0, e)
	rejected := must(t, pending0, Decision{Action: ActionReject, Comment: "不要"}, 200, t0, e)
	returned := must(t, pending0, Decision{Action: ActionReturn, Comment: "時刻を見直してください"}, 200, t0, e)
	withdrawn := must(t, pending0, Decision{Action: ActionWithdraw}, 100, t0, e)
	ce := e
	ce.Steps = resolve(draft)
	cancelling := must(t, approved, Decision{Action: ActionCancel}, 100, t0, ce)
	oneHour := submitted(t, overtimeReq(60), t0)

	order := overtimeReq(120)
	order.Kind, order.CreatedBy = KindOvertimeOrder, 200
	orderGiven := must(t, order, Decision{Action: ActionSubmit}, 200, t0, e)
	orderAcked := must(t, orderGiven, Decision{Action: ActionAcknowledge}, 100, t0, e)

	withSteps := func(steps []ResolvedStep) func(*Env) { return func(e *Env) { e.Steps = steps } }
	routed := withSteps(resolve(draft))
	proxy := Proxy{ID: 7, Principal: 200, Deputies: []int64{210}, From: jst(2025, 6, 9, 0, 0), To: jst(2025, 6, 13, 0, 0), Kinds: []Kind{KindOvertimeRequest, KindLeave}}
	withProxy := func(p Proxy) func(*Env) { return func(e *Env) { e.Proxies = []Proxy{p} } }
	leaveOnly := proxy
	leaveOnly.Kinds = []Kind{KindLeave}
	invalid := draft
	invalid.Overtime = &Overtime{Day: day, Planned: draft.Overtime.Planned}
	noReason := invalid // no reason: Validate refuses

	type want struct {
		status     Status
		step       int
		onBehalfOf int64
		code       string
		reason     string
		field      string
	}
	tests := []struct {
		name  string
		req   Request
		d     Decision
		actor kintai.Actor
		at    time.Time
		env   func(*Env)
		want  want
	}{
		// submit
		{"submit: draft to the first step", draft, Decision{Action: ActionSubmit}, actor(100), now, routed, want{status: StatusPending, step: 0}},
		{"submit again after return: first step again", returned, Decision{Action: ActionSubmit}, actor(100), now, routed, want{status: StatusPending, step: 0}},
		{"submit: every step skipped approves at once", overtimeReq(60), Decision{Action: ActionSubmit}, actor(100), now,
			withSteps([]ResolvedStep{{Name: "課長", Approvers: []int64{}, Skipped: true, SkipReason: SkipCondition}}), want{status: StatusApproved}},
		{"submit: not the applicant", draft, Decision{Action: ActionSubmit}, actor(101), now, routed, want{code: kintai.EFORBIDDEN, reason: ReasonNotApplicant}},
		{"submit: invalid payload", noReason, Decision{Action: ActionSubmit}, actor(100), now, routed, want{code: kintai.EINVALID, field: "overtime.reason"}},
		{"submit: no route resolved", draft, Decision{Action: ActionSubmit}, actor(100), now, nil, want{code: kintai.EINTERNAL, reason: ReasonNoRoute}},
		{"submit: a step with nobody to approve", draft, Decision{Action: ActionSubmit}, actor(100), now,
			withSteps([]ResolvedStep{{Name: "係長", Approvers: []int64{}}}), want{code: kintai.ECONFLICT, reason: ReasonNoApprover}},
		{"submit: already pending", pending0, Decision{Action: ActionSubmit}, actor(100), now, routed, want{code: kintai.ECONFLICT, reason: ReasonWrongStatus}},

		// approve
		{"approve: 係長 at step 0 moves to the 課長", pending0, approve, actor(200), now, nil, want{status: StatusPending, step: 1}},
		{"approve: 課長 at the last step approves", pending1, approve, actor(300), now, nil, want{status: StatusApproved}},
		{"approve: 1 h needs the 係長 only", oneHour, approve, actor(200), now, nil, want{status: StatusApproved}},
		{"approve: the 課長 at the 係長's step", pending0, approve, actor(300), now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonNotYourStep}},
		{"approve: the 係長 at the 課長's step", pending1, approve, actor(200), now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonNotYourStep}},
		{"approve: a 係長 of another 係", pending0, approve, actor(201), now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonOutOfScope}},
		{"approve: the 係長 whose grant was revoked", pending0, approve, kintai.Actor{StaffID: 200}, now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonOutOfScope}},
		{"approve: own request", pending0, approve, actor(100), now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonSelfApproval}},
		{"approve: already approved", approved, approve, actor(300), now, nil, want{code: kintai.ECONFLICT, reason: ReasonAlreadyDecided}},
		{"approve: already rejected", rejected, approve, actor(200), now, nil, want{code: kintai.ECONFLICT, reason: ReasonAlreadyDecided}},
		{"approve: already withdrawn", withdrawn, approve, actor(200), now, nil, want{code: kintai.ECONFLICT, reason: ReasonAlreadyDecided}},
		{"approve: a draft", draft, approve, actor(200), now, nil, want{code: kintai.ECONFLICT, reason: ReasonWrongStatus}},
		{"approve: a returned request", returned, approve, actor(200), now, nil, want{code: kintai.ECONFLICT, reason: ReasonWrongStatus}},
		{"approve: a terminal", pending0, approve, kintai.Actor{TerminalID: 3}, now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonNotStaff}},

		// proxies
		{"proxy: deputy inside the window", pending0, approve, actor(210), now, withProxy(proxy), want{status: StatusPending, step: 1, onBehalfOf: 200}},
		{"proxy: at the window's start", pending0, approve, actor(210), proxy.From, withProxy(proxy), want{status: StatusPending, step: 1, onBehalfOf: 200}},
		{"proxy: at the window's end", pending0, approve, actor(210), proxy.To, withProxy(proxy), want{code: kintai.EFORBIDDEN, reason: ReasonProxyOutsideWindow}},
		{"proxy: before the window", pending0, approve, actor(210), jst(2025, 6, 8, 23, 59), withProxy(proxy), want{code: kintai.EFORBIDDEN, reason: ReasonProxyOutsideWindow}},
		{"proxy: another kind", pending0, approve, actor(210), now, withProxy(leaveOnly), want{code: kintai.EFORBIDDEN, reason: ReasonProxyOtherKind}},
		{"proxy: the principal is not at this step", pending1, approve, actor(210), now, withProxy(proxy), want{code: kintai.EFORBIDDEN, reason: ReasonOutOfScope}},
		{"proxy: none", pending0, approve, actor(210), now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonOutOfScope}},
		{"proxy: a deputy may reject too", pending0, Decision{Action: ActionReject, Comment: "不要"}, actor(210), now, withProxy(proxy), want{status: StatusRejected, onBehalfOf: 200}},

		// reject, return
		{"reject with a comment", pending1, Decision{Action: ActionReject, Comment: "今月は上限に近い"}, actor(300), now, nil, want{status: StatusRejected, step: 1}},
		{"reject without a comment", pending0, Decision{Action: ActionReject}, actor(200), now, nil, want{code: kintai.EINVALID, reason: ReasonCommentRequired, field: "comment"}},
		{"return for rework", pending1, Decision{Action: ActionReturn, Comment: "終了時刻を確認"}, actor(300), now, nil, want{status: StatusReturned, step: 1}},
		{"return without a comment", pending0, Decision{Action: ActionReturn, Comment: "  "}, actor(200), now, nil, want{code: kintai.EINVALID, reason: ReasonCommentRequired, field: "comment"}},
		{"reject own request", pending0, Decision{Action: ActionReject, Comment: "x"}, actor(100), now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonSelfApproval}},

		// withdraw, cancel
		{"withdraw while pending", pending1, Decision{Action: ActionWithdraw}, actor(100), now, nil, want{status: StatusWithdrawn, step: 1}},
		{"withdraw a returned request", returned, Decision{Action: ActionWithdraw}, actor(100), now, nil, want{status: StatusWithdrawn}},
		{"withdraw: not the applicant", pending0, Decision{Action: ActionWithdraw}, actor(200), now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonNotApplicant}},
		{"withdraw an approved request", approved, Decision{Action: ActionWithdraw}, actor(100), now, nil, want{code: kintai.ECONFLICT, reason: ReasonWrongStatus}},
		{"withdraw twice", withdrawn, Decision{Action: ActionWithdraw}, actor(100), now, nil, want{code: kintai.ECONFLICT, reason: ReasonAlreadyDecided}},
		{"cancel an approved request", approved, Decision{Action: ActionCancel}, actor(100), now, routed, want{status: StatusCancelPending, step: 0}},
		{"cancel when the settings forbid it", approved, Decision{Action: ActionCancel}, actor(100), now, func(e *Env) { routed(e); e.Settings.CancelApproved = false },
			want{code: kintai.EFORBIDDEN, reason: ReasonCancelNotAllowed}},
		{"cancel: not the applicant", approved, Decision{Action: ActionCancel}, actor(200), now, routed, want{code: kintai.EFORBIDDEN, reason: ReasonNotApplicant}},
		{"cancel a pending request", pending0, Decision{Action: ActionCancel}, actor(100), now, routed, want{code: kintai.ECONFLICT, reason: ReasonWrongStatus}},
		{"cancellation approved at the first step moves on", cancelling, approve, actor(200), now, nil, want{status: StatusCancelPending, step: 1}},
		{"cancellation refused: approved again", cancelling, Decision{Action: ActionReject, Comment: "実施済み"}, actor(200), now, nil, want{status: StatusApproved}},
		{"cancellation cannot be returned", cancelling, Decision{Action: ActionReturn, Comment: "x"}, actor(200), now, nil, want{code: kintai.ECONFLICT, reason: ReasonWrongStatus}},

		// orders
		{"order: the 係長 orders", order, Decision{Action: ActionSubmit}, actor(200), now, nil, want{status: StatusApproved}},
		{"order: the 課長 orders", func() Request { o := order; o.CreatedBy = 300; return o }(), Decision{Action: ActionSubmit}, actor(300), now, nil, want{status: StatusApproved}},
		{"order: a 係長 of another 係", func() Request { o := order; o.CreatedBy = 201; return o }(), Decision{Action: ActionSubmit}, actor(201), now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonOutOfScope}},
		{"order: someone else gives the 係長's draft", order, Decision{Action: ActionSubmit}, actor(300), now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonNotApplicant}},
		{"order: acknowledged by the staff member", orderGiven, Decision{Action: ActionAcknowledge}, actor(100), now, nil, want{status: StatusApproved}},
		{"order: acknowledged twice", orderAcked, Decision{Action: ActionAcknowledge}, actor(100), now, nil, want{code: kintai.ECONFLICT, reason: ReasonAlreadyAcknowledged}},
		{"order: acknowledged by someone else", orderGiven, Decision{Action: ActionAcknowledge}, actor(101), now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonNotApplicant}},
		{"order: needs no approval", orderGiven, approve, actor(300), now, nil, want{code: kintai.ECONFLICT, reason: ReasonAlreadyDecided}},
		{"order: withdrawn by the orderer", orderGiven, Decision{Action: ActionWithdraw}, actor(200), now, nil, want{status: StatusWithdrawn}},
		{"order: withdrawn by the 課長", orderGiven, Decision{Action: ActionWithdraw}, actor(300), now, nil, want{status: StatusWithdrawn}},
		{"order: the staff member cannot withdraw it", orderGiven, Decision{Action: ActionWithdraw}, actor(100), now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonNotApplicant}},
		{"acknowledge a request that is not an order", approved, Decision{Action: ActionAcknowledge}, actor(100), now, nil, want{code: kintai.ECONFLICT, reason: ReasonWrongStatus}},

		// comments
		{"comment by the applicant", pending1, Decision{Action: ActionComment, Comment: "急ぎです"}, actor(100), now, nil, want{status: StatusPending, step: 1}},
		{"comment by a later step's approver", pending0, Decision{Action: ActionComment, Comment: "確認中"}, actor(300), now, nil, want{status: StatusPending}},
		{"comment by a deputy", pending0, Decision{Action: ActionComment, Comment: "確認中"}, actor(210), now, withProxy(proxy), want{status: StatusPending}},
		{"comment on a decided request", approved, Decision{Action: ActionComment, Comment: "了解"}, actor(100), now, nil, want{status: StatusApproved}},
		{"comment by an outsider", pending0, Decision{Action: ActionComment, Comment: "?"}, actor(101), now, nil, want{code: kintai.EFORBIDDEN, reason: ReasonOutOfScope}},
		{"empty comment", pending0, Decision{Action: ActionComment}, actor(100), now, nil, want{code: kintai.EINVALID, reason: ReasonCommentRequired, field: "comment"}},
		{"comment too long", pending0, Decision{Action: ActionComment, Comment: string(make([]rune, MaxCommentRunes+1))}, actor(100), now, nil, want{code: kintai.EINVALID, field: "comment"}},

		{"unknown action", pending0, Decision{Action: "stamp"}, actor(200), now, nil, want{code: kintai.EINVALID, reason: ReasonInvalidAction}},
		{"escalate is not a person's action", pending0, Decision{Action: ActionEscalate}, actor(200), now, nil, want{code: kintai.EINVALID, reason: ReasonInvalidAction}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := env()
			if tt.env != nil {
				tt.env(&env)
			}
			before := tt.req.clone()
			got, ev, err := Decide(tt.req, tt.d, tt.actor, tt.at, env)
			code, reason, field := errParts(err)
			if code != tt.want.code || reason != tt.want.reason || field != tt.want.field {
				t.Fatalf("Decide(%s, %s by %v) error = %v (code %q reason %q field %q), want code %q reason %q field %q",
					tt.req.Status, tt.d.Action, tt.actor, err, code, reason, field, tt.want.code, tt.want.reason, tt.want.field)
			}
			if diff := cmp.Diff(before, tt.req); diff != "" {
				t.Errorf("Decide changed its input (-before +after):\n%s", diff)
			}
			if err != nil {
				if diff := cmp.Diff(tt.req, got); diff != "" {
					t.Errorf("refused Decide returned a changed request:\n%s", diff)
				}
				return
			}
			if got.Status != tt.want.status || got.Step != tt.want.step {
				t.Errorf("Decide(%s, %s) = status %s step %d, want %s step %d", tt.req.Status, tt.d.Action, got.Status, got.Step, tt.want.status, tt.want.step)
			}
			wantEv := Event{RequestID: tt.req.ID, Action: tt.d.Action, ActorID: tt.actor.StaffID, OnBehalfOf: tt.want.onBehalfOf,
				From: tt.req.Status, To: got.Status, Comment: tt.d.Comment, At: tt.at}
			if tt.want.onBehalfOf != 0 {
				wantEv.ProxyID = 7
			}
			switch tt.d.Action {
			case ActionApprove, ActionReject, ActionReturn:
				wantEv.Step = tt.req.Step
			default:
				wantEv.Step = -1
			}
			if diff := cmp.Diff(wantEv, ev); diff != "" {
				t.Errorf("Decide event mismatch (-want +got):\n%s", diff)
			}
			if !got.UpdatedAt.Equal(tt.at) {
				t.Errorf("UpdatedAt = %v, want %v", got.UpdatedAt, tt.at)
			}
		})
	}
}

// TestDecideRecords checks what a decision leaves on the request: who
// decided each step, for whom, and when the request was decided.
func TestDecideRecords(t *testing.T) {
	t0 := jst(2025, 6, 9, 9, 0)
	t1, t2 := t0.Add(time.Hour), t0.Add(26*time.Hour)
	e := env()
	e.Proxies = []Proxy{{ID: 7, Principal: 200, Deputies: []int64{210}, From: t0, To: t0.Add(72 * time.Hour)}}
	r := submitted(t, overtimeReq(180), t0)
	if !r.SubmittedAt.Equal(t0) || !r.WaitingSince.Equal(t0) {
		t.Errorf("submitted: SubmittedAt %v WaitingSince %v, want %v", r.SubmittedAt, r.WaitingSince, t0)
	}
	r, ev, err := Decide(r, Decision{Action: ActionApprove, Comment: "代理で承認"}, actor(210), t1, e)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Step != 0 || ev.OnBehalfOf != 200 || ev.ActorID != 210 {
		t.Errorf("deputy event = %+v, want step 0 by 210 on behalf of 200", ev)
	}
	ja, en := ev.Describe(func(id int64) string { return map[int64]string{200: "佐藤", 210: "田中"}[id] })
	if ja != "田中 が 佐藤 の代理で承認しました" || en != "Approved by 田中 on behalf of 佐藤" {
		t.Errorf("Describe() = %q, %q", ja, en)
	}
	if !r.WaitingSince.Equal(t1) {
		t.Errorf("WaitingSince after step 0 = %v, want %v", r.WaitingSince, t1)
	}
	r = must(t, r, Decision{Action: ActionApprove}, 300, t2, e)
	want := []ResolvedStep{
		{Index: 0, Name: "係長", By: ByUnit, UnitID: 30, Approvers: []int64{200}, EscalateTo: [][]int64{{300}, {400}, {500}}, DecidedBy: 210, OnBehalfOf: 200, DecidedAt: t1},
		{Index: 1, Name: "課長", By: ByUnit, UnitID: 20, Approvers: []int64{300}, EscalateTo: [][]int64{{400}, {500}}, DecidedBy: 300, DecidedAt: t2},
	}
	if diff := cmp.Diff(want, r.Steps); diff != "" {
		t.Errorf("steps after approval (-want +got):\n%s", diff)
	}
	if r.Status != StatusApproved || !r.DecidedAt.Equal(t2) || !r.WaitingSince.IsZero() {
		t.Errorf("approved: status %s DecidedAt %v WaitingSince %v, want approved at %v", r.Status, r.DecidedAt, r.WaitingSince, t2)
	}

	// A refused cancellation keeps the approval's time.
	ce := e
	ce.Steps = resolve(overtimeReq(180))
	c := must(t, r, Decision{Action: ActionCancel}, 100, t2.Add(time.Hour), ce)
	if c.Steps[0].DecidedBy != 0 {
		t.Errorf("cancellation starts with undecided steps, got %+v", c.Steps[0])
	}
	back := must(t, c, Decision{Action: ActionReject, Comment: "実施済み"}, 200, t2.Add(2*time.Hour), e)
	if back.Status != StatusApproved || !back.DecidedAt.Equal(t2) {
		t.Errorf("refused cancellation: status %s DecidedAt %v, want approved at %v", back.Status, back.DecidedAt, t2)
	}
	// An approved cancellation withdraws the request.
	c = must(t, c, Decision{Action: ActionApprove}, 200, t2.Add(2*time.Hour), e)
	c = must(t, c, Decision{Action: ActionApprove}, 300, t2.Add(3*time.Hour), e)
	if c.Status != StatusWithdrawn || !c.DecidedAt.Equal(t2.Add(3*time.Hour)) {
		t.Errorf("approved cancellation: status %s DecidedAt %v, want withdrawn", c.Status, c.DecidedAt)
	}
	if got := Effects(c); got != nil {
		t.Errorf("Effects(withdrawn) = %v, want none", got)
	}

	// An acknowledgement is recorded on the order.
	o := overtimeReq(60)
	o.Kind, o.CreatedBy = KindOvertimeOrder, 200
	o = must(t, o, Decision{Action: ActionSubmit}, 200, t0, e)
	if o.Status != StatusApproved || !o.DecidedAt.Equal(t0) || o.Steps != nil {
		t.Errorf("order given: %+v, want approved at %v with no steps", o, t0)
	}
	o = must(t, o, Decision{Action: ActionAcknowledge}, 100, t1, e)
	if !o.AcknowledgedAt.Equal(t1) || !o.DecidedAt.Equal(t0) {
		t.Errorf("order acknowledged: AcknowledgedAt %v DecidedAt %v, want %v and %v", o.AcknowledgedAt, o.DecidedAt, t1, t0)
	}
}

func TestDesignate(t *testing.T) {
	t0 := jst(2025, 6, 9, 9, 0)
	sat := kintai.NewDate(2025, 6, 14)
	hw := Request{ID: 9, Kind: KindHolidayWork, StaffID: 100, OrgUnitID: 30, CreatedBy: 200, Status: StatusDraft,
		HolidayWork: &HolidayWork{Day: sat, Planned: iv(jst(2025, 6, 14, 9, 0), jst(2025, 6, 14, 17, 0)), Substitute: SubstituteDaikyu, Reason: "選挙事務"}}
	e := env()
	given := must(t, hw, Decision{Action: ActionSubmit}, 200, t0, e)
	furikae := hw
	furikae.HolidayWork = &HolidayWork{Day: sat, Planned: hw.HolidayWork.Planned, Substitute: SubstituteFurikae, SubstituteOn: sat.AddDays(3), Reason: "選挙事務"}
	furikae = must(t, furikae, Decision{Action: ActionSubmit}, 200, t0, e)
	byLeave, _, err := LinkDaikyuLeave(given, 77, sat.AddDays(10), actor(200), t0, e.Settings)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		req    Request
		day    kintai.Date
		actor  int64
		code   string
		reason string
	}{
		{"the orderer designates a day", given, sat.AddDays(10), 200, "", ""},
		{"the 課長 designates a day", given, sat.AddDays(56), 300, "", ""},
		{"past the window", given, sat.AddDays(57), 200, kintai.EINVALID, ""},
		{"the holiday itself", given, sat, 200, kintai.EINVALID, ""},
		{"before the holiday", given, sat.AddDays(-1), 200, kintai.EINVALID, ""},
		{"the staff member", given, sat.AddDays(10), 100, kintai.EFORBIDDEN, ReasonOutOfScope},
		{"another 係's 係長", given, sat.AddDays(10), 201, kintai.EFORBIDDEN, ReasonOutOfScope},
		{"a 振替 order", furikae, sat.AddDays(10), 200, kintai.ECONFLICT, ReasonNotDaikyu},
		{"a draft", hw, sat.AddDays(10), 200, kintai.ECONFLICT, ReasonWrongStatus},
		{"a day a 代休 leave set", byLeave, sat.AddDays(12), 200, kintai.ECONFLICT, ReasonDaikyuByLeave},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ev, err := Designate(tt.req, tt.day, actor(tt.actor), t0, e)
			code, reason, _ := errParts(err)
			if code != tt.code || reason != tt.reason {
				t.Fatalf("Designate(%s) = %v, want code %q reason %q", tt.day, err, tt.code, tt.reason)
			}
			if err != nil {
				return
			}
			if got.HolidayWork.SubstituteOn != tt.day || tt.req.HolidayWork.SubstituteOn != (kintai.Date{}) {
				t.Errorf("Designate(%s): SubstituteOn = %s (input %s)", tt.day, got.HolidayWork.SubstituteOn, tt.req.HolidayWork.SubstituteOn)
			}
			if ev.Action != ActionDesignate || ev.Day != tt.day || ev.ActorID != tt.actor {
				t.Errorf("Designate event = %+v", ev)
			}
		})
	}
}

// TestLinkDaikyuLeave: a 代休 leave approved sets the 代休日 of an order
// still owing one, inside its window, and its cancellation clears only
// the day it set.
func TestLinkDaikyuLeave(t *testing.T) {
	t0 := jst(2025, 6, 9, 9, 0)
	sat := kintai.NewDate(2025, 6, 14)
	e := env()
	order := must(t, Request{ID: 9, Kind: KindHolidayWork, StaffID: 100, OrgUnitID: 30, CreatedBy: 200, Status: StatusDraft,
		HolidayWork: &HolidayWork{Day: sat, Planned: iv(jst(2025, 6, 14, 9, 0), jst(2025, 6, 14, 17, 0)), Substitute: SubstituteDaikyu, Reason: "選挙事務"}},
		Decision{Action: ActionSubmit}, 200, t0, e)
	for _, tt := range []struct {
		name string
		day  kintai.Date
		want bool
	}{{"the day after", sat.AddDays(1), true}, {"the window's last day", sat.AddDays(56), true}, {"past the window", sat.AddDays(57), false}, {"the holiday", sat, false}} {
		if got := OpenDaikyu(order, tt.day, e.Settings); got != tt.want {
			t.Errorf("OpenDaikyu(%s: %s) = %v, want %v", tt.name, tt.day, got, tt.want)
		}
	}
	if _, _, err := LinkDaikyuLeave(order, 77, sat.AddDays(57), actor(200), t0, e.Settings); kintai.ErrorCode(err) != kintai.ECONFLICT {
		t.Errorf("LinkDaikyuLeave past the window: err = %v, want conflict", err)
	}
	linked, ev, err := LinkDaikyuLeave(order, 77, sat.AddDays(3), actor(210), t0, e.Settings)
	if err != nil {
		t.Fatal(err)
	}
	if h := linked.HolidayWork; h.SubstituteOn != sat.AddDays(3) || h.DaikyuLeaveID != 77 || order.HolidayWork.DaikyuLeaveID != 0 {
		t.Errorf("LinkDaikyuLeave: 代休日 %s by %d (input %d), want %s by 77", h.SubstituteOn, h.DaikyuLeaveID, order.HolidayWork.DaikyuLeaveID, sat.AddDays(3))
	}
	if ev.Action != ActionDesignate || ev.Day != sat.AddDays(3) || ev.ActorID != 210 || !strings.Contains(ev.Comment, "No.77") {
		t.Errorf("LinkDaikyuLeave event = %+v", ev)
	}
	if OpenDaikyu(linked, sat.AddDays(4), e.Settings) {
		t.Error("OpenDaikyu after the link = true, want the order's day taken")
	}
	if _, _, ok := UnlinkDaikyuLeave(linked, 78, actor(210), t0); ok {
		t.Error("UnlinkDaikyuLeave by another leave request = ok")
	}
	freed, _, ok := UnlinkDaikyuLeave(linked, 77, actor(210), t0)
	if !ok || !freed.HolidayWork.SubstituteOn.IsZero() || freed.HolidayWork.DaikyuLeaveID != 0 || !OpenDaikyu(freed, sat.AddDays(4), e.Settings) {
		t.Errorf("UnlinkDaikyuLeave = %+v, %v; want the day owed again", freed.HolidayWork, ok)
	}
}

func TestValidateProxy(t *testing.T) {
	ok := Proxy{Principal: 200, Deputies: []int64{210}, From: jst(2025, 6, 9, 0, 0), To: jst(2025, 6, 13, 0, 0)}
	tests := []struct {
		name  string
		edit  func(*Proxy)
		field string
	}{
		{"valid", func(*Proxy) {}, ""},
		{"no principal", func(p *Proxy) { p.Principal = 0 }, "principal"},
		{"no deputy", func(p *Proxy) { p.Deputies = nil }, "deputies"},
		{"own deputy", func(p *Proxy) { p.Deputies = []int64{200} }, "deputies"},
		{"empty window", func(p *Proxy) { p.To = p.From }, "to"},
		{"no window", func(p *Proxy) { p.From = time.Time{} }, "from"},
		{"unknown kind", func(p *Proxy) { p.Kinds = []Kind{"x"} }, "kinds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ok
			tt.edit(&p)
			err := ValidateProxy(p)
			if _, _, field := errParts(err); field != tt.field || (err != nil) != (tt.field != "") {
				t.Errorf("ValidateProxy() = %v, want field %q", err, tt.field)
			}
		})
	}
}

// TestRequestJSON checks that a request survives storage as JSON: the
// route snapshot, decisions and payload come back equal.
func TestRequestJSON(t *testing.T) {
	t0 := jst(2025, 6, 9, 9, 0)
	r := submitted(t, overtimeReq(180), t0)
	r = must(t, r, Decision{Action: ActionApprove}, 200, t0.Add(time.Hour), env())
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Request
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, back); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s\n%s", diff, b)
	}
	var top map[string]any
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"decided_at", "acknowledged_at", "leave", "result"} {
		if _, ok := top[k]; ok {
			t.Errorf("JSON carries the empty field %q: %s", k, b)
		}
	}
}
