package app

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"kintai"
	"kintai/punch"
	"kintai/store"
	"kintai/web"
)

// punchInput is a punch as a client sends it: a terminal names the staff
// member by id or 職員番号; a signed-in staff member punches for themselves.
type punchInput struct {
	punch.Input
	// Credentials (card, PIN, face descriptor, smile) come from terminals
	// only; they are checked here and never stored or logged.
	punch.Credentials
	StaffNo string `json:"staff_no,omitempty"`
}

// Refusal reasons decided here rather than in package punch.
const (
	reasonOutsideAppointment = "outside_appointment"
	reasonSiteMismatch       = "terminal_site_mismatch"
	reasonMethod             = "method_not_allowed"
	reasonUnknownStaff       = "unknown_staff"
	reasonOtherStaff         = "other_staff"
)

// decidePunch turns what a client sent into a record to store, or refuses
// it with a stable reason.
func (a *App) decidePunch(ctx context.Context, id *identity, in punchInput, received time.Time, delayed bool) (store.PunchRecord, error) {
	rec := store.PunchRecord{Actor: id.actor}
	creds := in.Credentials
	in.Credentials = punch.Credentials{}
	if id.terminal != nil {
		t := id.terminal
		rec.Origin = terminalOrigin(t.ID)
		if creds.CardID != "" || creds.PIN != "" || creds.Descriptor != nil {
			var err error
			if in, err = a.resolveCredentials(ctx, id, in, creds); err != nil {
				return rec, err
			}
		} else if err := creds.Validate(); err != nil {
			return rec, err
		}
		if in.StaffID == 0 && in.StaffNo != "" {
			staffID, err := a.staffIDByNo(ctx, in.StaffNo)
			if kintai.ErrorCode(err) == kintai.ENOTFOUND {
				return rec, punch.Refuse(kintai.ENOTFOUND, reasonUnknownStaff, "staff_no", "職員番号が見つかりません。", "Unknown staff number.")
			}
			if err != nil {
				return rec, err
			}
			in.StaffID = staffID
		}
		if in.StaffID == 0 {
			return rec, kintai.Invalid("staff_id", "職員を指定してください（staff_id または staff_no）。", "Name the staff member (staff_id or staff_no).")
		}
		if !in.Method.AtTerminal() {
			return rec, punch.Refuse(kintai.EINVALID, reasonMethod, "method", "端末からの打刻方法は顔認証・ICカード・暗証番号のいずれかです。", "Terminals punch by face, card or PIN.")
		}
		if in.TerminalID != 0 && in.TerminalID != t.ID {
			return rec, kintai.Invalid("terminal_id", "端末IDが認証情報と一致しません。", "terminal_id does not match the terminal's credential.")
		}
		if in.SiteID != 0 && in.SiteID != t.SiteID {
			return rec, punch.Refuse(kintai.EFORBIDDEN, reasonSiteMismatch, "site_id", "この端末は指定の拠点に登録されていません。", "This terminal is not registered to that site.")
		}
		in.TerminalID, in.SiteID = t.ID, t.SiteID
	} else {
		self := id.staff.ID
		rec.Origin = "staff:" + strconv.FormatInt(self, 10)
		if creds.CardID != "" || creds.PIN != "" || creds.Descriptor != nil || creds.Model != "" || creds.Smile != nil {
			return rec, kintai.Invalid("card_id", "ICカード・暗証番号・顔特徴量・笑顔スコアは端末からの打刻でのみ送れます。",
				"card_id, pin, descriptor, model and smile are for terminal punches only.")
		}
		if (in.StaffID != 0 && in.StaffID != self) || (in.StaffNo != "" && in.StaffNo != id.staff.StaffNo) {
			return rec, punch.Refuse(kintai.EFORBIDDEN, reasonOtherStaff, "staff_id", "本人以外の打刻はできません。", "Staff may punch only for themselves.")
		}
		in.StaffID = self
		if in.Method != punch.MethodMobile && in.Method != punch.MethodPC {
			return rec, punch.Refuse(kintai.EINVALID, reasonMethod, "method", "PC・スマートフォンからの打刻方法は pc か mobile です。", "Punches from a PC or phone use method pc or mobile.")
		}
		if in.TerminalID != 0 {
			return rec, kintai.Invalid("terminal_id", "端末IDは端末からの打刻にのみ指定できます。", "terminal_id is for terminal punches only.")
		}
	}
	who, err := a.punchee(ctx, in.StaffID, punchTime(in.Input, received, delayed))
	if kintai.ErrorCode(err) == kintai.ENOTFOUND {
		return rec, punch.Refuse(kintai.ENOTFOUND, reasonUnknownStaff, "staff_id", "職員が見つかりません。", "Unknown staff member.")
	}
	if err != nil {
		return rec, err
	}
	if id.terminal == nil && in.SiteID == 0 && !in.WorkLocation.OffSite() && len(who.staff.SiteIDs) > 0 {
		// A phone punch at the usual workplace is checked against the
		// staff member's (first) site.
		in.SiteID = who.staff.SiteIDs[0]
	}
	fence, err := a.siteFence(ctx, in.SiteID)
	if kintai.ErrorCode(err) == kintai.ENOTFOUND {
		return rec, kintai.Invalid("site_id", "拠点が見つかりません。", "Unknown site.")
	}
	if err != nil {
		return rec, err
	}
	p, err := punch.Decide(in.Input, received, delayed, fence, a.cfg.PunchPolicy, a.cfg.Loc, who.boundary, who.schedule)
	if err != nil {
		return rec, err
	}
	if !who.staff.ActiveOn(p.BusinessDay) {
		return rec, punch.Refuse(kintai.EFORBIDDEN, reasonOutsideAppointment, "staff_id", "任用期間外のため打刻できません。", "Outside the staff member's appointment period.")
	}
	rec.Punch = p
	return rec, nil
}

// punchReply is the API's answer for one punch.
type punchReply struct {
	Punch    *punch.Punch     `json:"punch,omitempty"`
	Replayed bool             `json:"replayed"`
	Error    *web.ErrorDetail `json:"error,omitempty"`
}

func (a *App) apiPunch(w http.ResponseWriter, r *http.Request) error {
	received := a.cfg.Now()
	var in punchInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rec, err := a.decidePunch(r.Context(), identityFrom(r.Context()), in, received, false)
	if err != nil {
		return err
	}
	res, err := a.writer.Write(r.Context(), []store.PunchRecord{rec})
	if err != nil {
		return err
	}
	if res[0].Err != nil {
		return res[0].Err
	}
	a.recordCondition(r.Context(), rec.Actor, in.Smile, res[0])
	status := http.StatusCreated
	if res[0].Replayed {
		status = http.StatusOK
	}
	web.WriteJSON(w, status, punchReply{Punch: &res[0].Punch, Replayed: res[0].Replayed})
	return nil
}

// batchItem is one punch of an offline batch and its outcome.
type batchItem struct {
	Index     int              `json:"index"`
	ClientKey string           `json:"client_key"`
	Status    string           `json:"status"` // stored, replayed, refused, review
	Punch     *punch.Punch     `json:"punch,omitempty"`
	Error     *web.ErrorDetail `json:"error,omitempty"`
	// Review is set for status review: a face punch waiting for HR.
	Review *reviewRef `json:"review,omitempty"`
}

func (a *App) apiPunchBatch(w http.ResponseWriter, r *http.Request) error {
	received := a.cfg.Now()
	var in struct {
		Punches []punchInput `json:"punches"`
	}
	if err := web.DecodeJSONLimit(w, r, &in, 4<<20); err != nil {
		return err
	}
	if err := a.cfg.PunchPolicy.CheckBatch(len(in.Punches)); err != nil {
		return err
	}
	id := identityFrom(r.Context())
	items := make([]batchItem, len(in.Punches))
	var recs []store.PunchRecord
	var at []int
	for i, p := range in.Punches {
		items[i] = batchItem{Index: i, ClientKey: p.ClientKey}
		if id.terminal != nil && p.Descriptor != nil {
			// A face punch made offline: matched now, or put on HR's
			// review list, never lost.
			var rv *store.FaceReview
			var err error
			p, rv, err = a.batchFace(r.Context(), id, p, received)
			if err != nil {
				if kintai.ErrorCode(err) == kintai.EINTERNAL {
					return err
				}
				d := web.Detail(err)
				items[i].Status, items[i].Error = "refused", &d
				continue
			}
			if rv != nil {
				items[i].Status, items[i].Review = "review", &reviewRef{ID: rv.ID, Reason: rv.Reason, Status: rv.Status}
				if rv.PunchID != 0 { // approved since: the punch is stored
					if stored, err := a.db.FindPunchByID(r.Context(), rv.PunchID); err == nil {
						items[i].Status, items[i].Punch = "replayed", stored
					}
				}
				continue
			}
		}
		rec, err := a.decidePunch(r.Context(), id, p, received, true)
		if err != nil {
			if kintai.ErrorCode(err) == kintai.EINTERNAL {
				return err
			}
			d := web.Detail(err)
			items[i].Status, items[i].Error = "refused", &d
			continue
		}
		recs = append(recs, rec)
		at = append(at, i)
	}
	if len(recs) > 0 {
		res, err := a.writer.Write(r.Context(), recs)
		if err != nil {
			return err
		}
		for k, rr := range res {
			it := &items[at[k]]
			switch {
			case rr.Err != nil:
				if kintai.ErrorCode(rr.Err) == kintai.EINTERNAL {
					web.LogError(r, rr.Err)
				}
				d := web.Detail(rr.Err)
				it.Status, it.Error = "refused", &d
			case rr.Replayed:
				it.Status, it.Punch = "replayed", &rr.Punch
			default:
				it.Status, it.Punch = "stored", &rr.Punch
				a.recordCondition(r.Context(), id.actor, in.Punches[at[k]].Smile, rr)
			}
		}
	}
	counts := map[string]int{}
	for _, it := range items {
		counts[it.Status]++
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"results": items, "stored": counts["stored"], "replayed": counts["replayed"],
		"refused": counts["refused"], "review": counts["review"]})
	return nil
}

// dayRange reads from and to (YYYY-MM-DD), defaulting to the current month.
func (a *App) dayRange(r *http.Request) (from, to kintai.Date, err error) {
	today := a.today()
	from, to = kintai.NewDate(today.Year, today.Month, 1), kintai.NewDate(today.Year, today.Month+1, 0)
	q := r.URL.Query()
	if s := q.Get("from"); s != "" {
		if from, err = kintai.ParseDate(s); err != nil {
			return from, to, kintai.Invalid("from", "from の日付形式が正しくありません（例: 2026-04-01）。", "from must be YYYY-MM-DD.")
		}
	}
	if s := q.Get("to"); s != "" {
		if to, err = kintai.ParseDate(s); err != nil {
			return from, to, kintai.Invalid("to", "to の日付形式が正しくありません（例: 2026-04-30）。", "to must be YYYY-MM-DD.")
		}
	}
	if to.Before(from) || from.AddDays(62).Before(to) {
		return from, to, kintai.Invalid("to", "期間は62日以内で、終了日は開始日以降にしてください。", "The range must run forward and span at most 62 days.")
	}
	return from, to, nil
}

// exceptionsOf lists the exceptions in punches (sorted by staff), day by
// day. A day is over once the staff member's current business day is
// later, so a night shift is not missing its clock-out while it runs.
func (a *App) exceptionsOf(ctx context.Context, punches []punch.Punch) ([]punch.Exception, error) {
	now := a.cfg.Now()
	out := []punch.Exception{}
	for i := 0; i < len(punches); {
		j := i
		for j < len(punches) && punches[j].StaffID == punches[i].StaffID {
			j++
		}
		who, err := a.punchee(ctx, punches[i].StaffID, now)
		if err != nil {
			return nil, err
		}
		current := who.businessDay(now)
		byDay := map[kintai.Date][]punch.Punch{}
		var days []kintai.Date
		for _, p := range punches[i:j] {
			if _, ok := byDay[p.BusinessDay]; !ok {
				days = append(days, p.BusinessDay)
			}
			byDay[p.BusinessDay] = append(byDay[p.BusinessDay], p)
		}
		slices.SortFunc(days, func(x, y kintai.Date) int { return x.Time(time.UTC).Compare(y.Time(time.UTC)) })
		for _, d := range days {
			out = append(out, punch.Exceptions(punches[i].StaffID, d, byDay[d], d.Before(current))...)
		}
		i = j
	}
	return out, nil
}

func (a *App) apiListPunches(w http.ResponseWriter, r *http.Request) error {
	staffID := identityFrom(r.Context()).staff.ID
	if s := r.URL.Query().Get("staff_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return kintai.Invalid("staff_id", "staff_id が正しくありません。", "Invalid staff_id.")
		}
		if _, err := a.findVisibleStaff(r, id); err != nil {
			return err
		}
		staffID = id
	}
	from, to, err := a.dayRange(r)
	if err != nil {
		return err
	}
	punches, err := a.db.FindPunches(r.Context(), store.PunchFilter{StaffIDs: []int64{staffID}, From: from, To: to})
	if err != nil {
		return err
	}
	exc, err := a.exceptionsOf(r.Context(), punches)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": nonNil(punches), "total": len(punches), "exceptions": exc})
	return nil
}

// scopedStaffIDs returns the ids of the staff the approver may see, within
// org unit unit (0: all of their scope).
func (a *App) scopedStaff(r *http.Request, unit int64) ([]kintai.Staff, error) {
	units, err := a.staffScope(r.Context(), actorFrom(r))
	if err != nil {
		return nil, err
	}
	if unit != 0 {
		tree, err := a.db.OrgTree(r.Context())
		if err != nil {
			return nil, err
		}
		sub := tree.Descendants([]int64{unit})
		if units != nil {
			sub = slices.DeleteFunc(sub, func(u int64) bool { return !slices.Contains(units, u) })
		}
		units = sub
	}
	var all []kintai.Staff
	for offset := 0; ; offset += 500 {
		page, total, err := a.db.FindStaff(r.Context(), store.StaffFilter{Units: units, Limit: 500, Offset: offset})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if offset+500 >= total {
			return all, nil
		}
	}
}

func queryUnit(r *http.Request) (int64, error) {
	s := r.URL.Query().Get("org_unit_id")
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, kintai.Invalid("org_unit_id", "org_unit_id が正しくありません。", "Invalid org_unit_id.")
	}
	return id, nil
}

func staffIDs(staff []kintai.Staff) []int64 {
	ids := make([]int64, len(staff))
	for i, s := range staff {
		ids[i] = s.ID
	}
	return ids
}

func (a *App) apiPunchExceptions(w http.ResponseWriter, r *http.Request) error {
	unit, err := queryUnit(r)
	if err != nil {
		return err
	}
	from, to, err := a.dayRange(r)
	if err != nil {
		return err
	}
	staff, err := a.scopedStaff(r, unit)
	if err != nil {
		return err
	}
	punches, err := a.db.FindPunches(r.Context(), store.PunchFilter{StaffIDs: staffIDs(staff), From: from, To: to})
	if err != nil {
		return err
	}
	exc, err := a.exceptionsOf(r.Context(), punches)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(exc))
	return nil
}

// presenceRow is one line of the live board (在席状況).
type presenceRow struct {
	StaffID    int64       `json:"staff_id"`
	StaffNo    string      `json:"staff_no"`
	Name       string      `json:"name"`
	OrgUnitID  int64       `json:"org_unit_id"`
	State      punch.State `json:"state"`
	Label      string      `json:"label"`
	LastAt     *time.Time  `json:"last_at,omitempty"`
	ShiftStart *time.Time  `json:"shift_start,omitempty"`
	ShiftEnd   *time.Time  `json:"shift_end,omitempty"`
	// Missing is set when the shift has begun and the staff member has not clocked in (未打刻).
	Missing bool `json:"missing"`
}

// presence builds the live board for the approver's staff. Each staff
// member is shown on their current business day, which after midnight may
// still be yesterday's (a night shift, or before the day boundary).
func (a *App) presence(r *http.Request, unit int64) ([]presenceRow, error) {
	staff, err := a.scopedStaff(r, unit)
	if err != nil {
		return nil, err
	}
	today := a.today()
	now := a.cfg.Now()
	punches, err := a.db.FindPunches(r.Context(), store.PunchFilter{StaffIDs: staffIDs(staff), From: today.AddDays(-1), To: today.AddDays(1)})
	if err != nil {
		return nil, err
	}
	byStaff := map[int64][]punch.Punch{}
	for _, p := range punches {
		byStaff[p.StaffID] = append(byStaff[p.StaffID], p)
	}
	rows := make([]presenceRow, 0, len(staff))
	for _, s := range staff {
		if !s.ActiveOn(today) {
			continue
		}
		who, err := a.punchee(r.Context(), s.ID, now)
		if err != nil {
			return nil, err
		}
		day := who.businessDay(now)
		var ps []punch.Punch
		for _, p := range punch.Sequence(byStaff[s.ID]) {
			if p.BusinessDay == day {
				ps = append(ps, p)
			}
		}
		st := punch.Presence(ps)
		row := presenceRow{StaffID: s.ID, StaffNo: s.StaffNo, Name: s.Name, OrgUnitID: s.OrgUnitID, State: st, Label: st.Label()}
		if len(ps) > 0 {
			t := ps[len(ps)-1].At
			row.LastAt = &t
		}
		if start, end, ok := who.schedule.ShiftOn(day); ok {
			start, end = start.UTC(), end.UTC() // instants go out in UTC
			row.ShiftStart, row.ShiftEnd = &start, &end
			row.Missing = st == punch.StateNotIn && now.After(start)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func (a *App) apiPresence(w http.ResponseWriter, r *http.Request) error {
	unit, err := queryUnit(r)
	if err != nil {
		return err
	}
	rows, err := a.presence(r, unit)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(rows))
	return nil
}

// punchTime is about when a punch counts, to load the schedule around it
// before punch.Decide says exactly: the device time of an offline punch,
// else the receive time.
func punchTime(in punch.Input, received time.Time, delayed bool) time.Time {
	if delayed && in.DeviceAt != nil {
		return *in.DeviceAt
	}
	return received
}
