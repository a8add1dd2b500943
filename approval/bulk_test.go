package approval

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"kintai"
)

func TestDecideAll(t *testing.T) {
	t0 := jst(2025, 6, 9, 9, 0)
	now := jst(2025, 6, 10, 10, 0)
	e := env()
	withID := func(r Request, id int64) Request { r.ID = id; return r }
	p0 := submitted(t, overtimeReq(180), t0)
	atKacho := must(t, p0, Decision{Action: ActionApprove}, 200, t0, e)
	approved := must(t, atKacho, Decision{Action: ActionApprove}, 300, t0, e)
	other := overtimeReq(60)
	other.StaffID, other.CreatedBy, other.OrgUnitID = 101, 101, 31
	other = submitted(t, other, t0)
	own := overtimeReq(60)
	own.StaffID, own.CreatedBy = 200, 200
	own = submitted(t, own, t0) // goes to the 課長

	reqs := []Request{withID(p0, 1), withID(atKacho, 2), withID(approved, 3), withID(other, 4), withID(p0, 1), withID(own, 6), withID(submitted(t, overtimeReq(60), t0), 7), withID(p0, 8)}

	type row struct {
		id     int64
		ok     bool
		status Status
		code   string
		reason string
	}
	want := []row{
		{1, true, StatusPending, "", ""},
		{2, false, StatusPending, kintai.EFORBIDDEN, ReasonNotYourStep},
		{3, false, StatusApproved, kintai.ECONFLICT, ReasonAlreadyDecided},
		{4, false, StatusPending, kintai.EFORBIDDEN, ReasonOutOfScope},
		{1, false, StatusPending, kintai.ECONFLICT, ReasonDuplicate},
		{6, false, StatusPending, kintai.EFORBIDDEN, ReasonSelfApproval},
		{7, true, StatusApproved, "", ""},
		{8, true, StatusPending, "", ""},
	}
	outs := DecideAll(reqs, Decision{Action: ActionApprove, Comment: "一括承認"}, actor(200), now, e)
	var got []row
	for i, o := range outs {
		got = append(got, row{o.RequestID, o.OK, o.Request.Status, o.Code, o.Reason})
		if o.OK {
			if o.Event == nil || o.Event.Comment != "一括承認" || o.Event.ActorID != 200 || o.Err != nil {
				t.Errorf("outcome %d: event %+v err %v, want an event by 200 with the comment", i, o.Event, o.Err)
			}
		} else {
			if o.Event != nil || o.Err == nil || o.Message == "" || o.MessageEN == "" || !cmp.Equal(o.Request, reqs[i]) {
				t.Errorf("outcome %d refused: event %+v err %v messages %q/%q, request changed %v", i, o.Event, o.Err, o.Message, o.MessageEN, !cmp.Equal(o.Request, reqs[i]))
			}
		}
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(row{})); diff != "" {
		t.Errorf("DecideAll(approve by 200) mismatch (-want +got):\n%s", diff)
	}
	if outs[0].Request.Step != 1 {
		t.Errorf("DecideAll: first request at step %d, want 1", outs[0].Request.Step)
	}

	// The 課長 approves the one the 係長 could not, and their own 係長's request.
	outs = DecideAll([]Request{withID(atKacho, 2), withID(own, 6)}, Decision{Action: ActionApprove}, actor(300), now, e)
	for _, o := range outs {
		if !o.OK || o.Request.Status != StatusApproved {
			t.Errorf("DecideAll by 300: request %d = %v %s, want approved", o.RequestID, o.Err, o.Request.Status)
		}
	}

	// Bulk submission is refused item by item.
	outs = DecideAll([]Request{withID(overtimeReq(60), 11), withID(overtimeReq(60), 12)}, Decision{Action: ActionSubmit}, actor(100), now, e)
	for _, o := range outs {
		if o.OK || o.Reason != ReasonBulkUnsupported {
			t.Errorf("DecideAll(submit): request %d = ok %v reason %q, want %q", o.RequestID, o.OK, o.Reason, ReasonBulkUnsupported)
		}
	}
	if got := DecideAll(nil, Decision{Action: ActionApprove}, actor(200), now, e); len(got) != 0 {
		t.Errorf("DecideAll(nil) = %v, want empty", got)
	}
}
