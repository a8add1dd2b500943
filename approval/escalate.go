package approval

import (
	"errors"
	"slices"
	"time"

	"kintai"
)

// Calendar says how escalation counts the days a step has waited.
type Calendar struct {
	// Loc is the organisation's time zone: days are its civil days.
	Loc *time.Location
	// Workday reports whether a day counts (開庁日); nil counts every day.
	Workday func(kintai.Date) bool
}

// maxCountDays bounds the day-by-day count with a Workday func.
const maxCountDays = 3660

// WaitingDays returns the number of counted days after the civil day of
// since up to and including the civil day of now: a step that began to
// wait on Monday has waited 1 day on Tuesday, 3 on Thursday (with every
// day counted).
func WaitingDays(since, now time.Time, cal Calendar) (int, error) {
	if cal.Loc == nil {
		return 0, errors.New("approval: no time zone for counting days")
	}
	from, to := kintai.DateOf(since, cal.Loc), kintai.DateOf(now, cal.Loc)
	if !to.After(from) {
		return 0, nil
	}
	if cal.Workday == nil {
		return int(to.Time(time.UTC).Sub(from.Time(time.UTC)) / (24 * time.Hour)), nil
	}
	n := 0
	for d, i := from.AddDays(1), 0; !d.After(to) && i < maxCountDays; d, i = d.AddDays(1), i+1 {
		if cal.Workday(d) {
			n++
		}
	}
	return n, nil
}

// Escalate moves a step that has waited more than s.EscalateAfterDays
// counted days one level up: the next approvers of its EscalateTo join
// its Approvers (the earlier ones keep the right to decide, so a late 係長
// can still act), the wait starts again from now, and the event records
// it (ActorID 0: the system). It returns nil and req unchanged when the
// request is not waiting, not overdue, escalation is off, or there is no
// level left. Run it once a day: it moves one level per call.
func Escalate(req Request, now time.Time, s Settings, cal Calendar) (Request, *Event, error) {
	step := req.Current()
	if step == nil || s.EscalateAfterDays <= 0 || len(step.EscalateTo) == 0 {
		return req, nil, nil
	}
	days, err := WaitingDays(req.WaitingSince, now, cal)
	if err != nil || days <= s.EscalateAfterDays {
		return req, nil, err
	}
	out := req.clone()
	st := &out.Steps[out.Step]
	for _, id := range st.EscalateTo[0] {
		if !slices.Contains(st.Approvers, id) {
			st.Approvers = append(st.Approvers, id)
		}
	}
	st.EscalateTo = st.EscalateTo[1:]
	if len(st.EscalateTo) == 0 {
		st.EscalateTo = nil
	}
	st.Escalated++
	out.WaitingSince, out.UpdatedAt = now, now
	ev := &Event{RequestID: req.ID, Action: ActionEscalate, Step: out.Step, From: req.Status, To: out.Status, At: now, Approvers: slices.Clone(st.Approvers)}
	return out, ev, nil
}

// OverdueRequest is a request whose waiting step has waited more than the
// escalation days (滞留).
type OverdueRequest struct {
	RequestID   int64   `json:"request_id"`
	StaffID     int64   `json:"staff_id"`
	Kind        Kind    `json:"kind"`
	Step        int     `json:"step"`
	StepName    string  `json:"step_name"`
	WaitingDays int     `json:"waiting_days"`
	Approvers   []int64 `json:"approvers"`
	// CanEscalate is false at the top of the ladder: someone must act.
	CanEscalate bool `json:"can_escalate"`
}

// Overdue lists the requests of reqs whose waiting step has waited more
// than s.EscalateAfterDays counted days, longest wait first. With
// escalation off (0) it lists nothing.
func Overdue(reqs []Request, now time.Time, s Settings, cal Calendar) ([]OverdueRequest, error) {
	var out []OverdueRequest
	if s.EscalateAfterDays <= 0 {
		return out, nil
	}
	for _, r := range reqs {
		step := r.Current()
		if step == nil {
			continue
		}
		days, err := WaitingDays(r.WaitingSince, now, cal)
		if err != nil {
			return nil, err
		}
		if days <= s.EscalateAfterDays {
			continue
		}
		out = append(out, OverdueRequest{
			RequestID: r.ID, StaffID: r.StaffID, Kind: r.Kind, Step: r.Step, StepName: step.Name,
			WaitingDays: days, Approvers: slices.Clone(step.Approvers), CanEscalate: len(step.EscalateTo) > 0,
		})
	}
	slices.SortStableFunc(out, func(a, b OverdueRequest) int { return b.WaitingDays - a.WaitingDays })
	return out, nil
}
