package approval

import (
	"time"

	"kintai"
)

// Outcome is the result of one request of a bulk decision (一括承認).
type Outcome struct {
	RequestID int64 `json:"request_id"`
	OK        bool  `json:"ok"`
	// Request and Event are the new state and its record when OK.
	Request Request `json:"request"`
	Event   *Event  `json:"event,omitempty"`
	// Err is the refusal when not OK; Code, Reason, Message and MessageEN
	// are its parts for the API.
	Err       error  `json:"-"`
	Code      string `json:"code,omitempty"`
	Reason    string `json:"reason,omitempty"`
	Message   string `json:"message,omitempty"`
	MessageEN string `json:"message_en,omitempty"`
}

// DecideAll decides each of reqs independently with d, as Decide would
// one at a time: a refusal of one never stops the others, and the outcomes
// come in the order of reqs. It takes approve, reject, return, acknowledge
// and comment; submit and cancel need a route of their own per request and
// are refused item by item. A request given twice is decided once, the
// second refused as a duplicate. The same comment goes with every item.
func DecideAll(reqs []Request, d Decision, actor kintai.Actor, now time.Time, env Env) []Outcome {
	out := make([]Outcome, 0, len(reqs))
	seen := map[int64]bool{}
	for _, r := range reqs {
		o := Outcome{RequestID: r.ID, Request: r}
		var err error
		switch {
		case d.Action == ActionSubmit || d.Action == ActionCancel:
			err = refuse(kintai.EINVALID, ReasonBulkUnsupported, "この操作は一括で行えません。", "This action cannot be taken in bulk.")
		case r.ID != 0 && seen[r.ID]:
			err = refuse(kintai.ECONFLICT, ReasonDuplicate, "同じ申請が重複して指定されています。", "The same request was given twice.")
		default:
			seen[r.ID] = true
			e := env
			e.Steps = nil
			var ev Event
			o.Request, ev, err = Decide(r, d, actor, now, e)
			if err == nil {
				o.OK, o.Event = true, &ev
			}
		}
		if err != nil {
			o.Request, o.Err = r, err
			o.Code, o.Reason = kintai.ErrorCode(err), RefusalReason(err)
			o.Message, o.MessageEN = kintai.ErrorMessages(err)
		}
		out = append(out, o)
	}
	return out
}
