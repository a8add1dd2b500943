package app

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"kintai"
	"kintai/face"
	"kintai/password"
	"kintai/punch"
	"kintai/store"
	"kintai/web"
)

// Settings of the kiosk and face API.
const (
	pairingCodeTTL   = 10 * time.Minute
	enrolmentCodeTTL = 14 * 24 * time.Hour
	// conditionMinGroup is the fewest people a day's condition aggregate
	// may cover, so no one person's score can be read from it.
	conditionMinGroup = 5
	// A PIN is locked for pinLockFor after pinLockAfter wrong tries in a
	// row, doubling with each further one up to an hour.
	pinLockAfter = 5
	pinLockFor   = 15 * time.Minute
	// pinSlots bounds concurrent PIN checks: each Argon2id check holds
	// 19 MiB for about 30 ms.
	pinSlots = 4
	// Wrong one-time codes: per client address or terminal, and for
	// pairing in total, within codeWindow.
	codeWindow        = 10 * time.Minute
	pairFailsPerAddr  = 5
	pairFailsTotal    = 30
	enrolFailsPerTerm = 10
	facePurgeCheck    = time.Minute
)

// kioskState is what the kiosk and face API keep between requests.
type kioskState struct {
	mu        sync.Mutex
	galleries map[int64]*siteGallery // by site
	load      sync.Mutex             // one gallery load at a time
	pairFails throttle
	codeFails throttle
	pins      chan struct{}
}

// siteGallery is the decrypted gallery of a site's enrolled staff, valid
// while the master version and the day are those it was loaded at.
type siteGallery struct {
	version int64
	on      kintai.Date
	g       face.Gallery
	who     map[int64]galleryStaff
}

type galleryStaff struct{ staffNo, name string }

// prepareFaceConfig checks the face settings and fills in defaults.
func prepareFaceConfig(cfg *Config) error {
	if cfg.FaceKey != nil && len(cfg.FaceKey) != face.KeySize {
		return fmt.Errorf("face key: want %d bytes, got %d", face.KeySize, len(cfg.FaceKey))
	}
	if cfg.FaceThresholds == (face.Thresholds{}) {
		cfg.FaceThresholds = face.DefaultThresholds()
	}
	return cfg.FaceThresholds.Validate()
}

// startKiosk sets up the kiosk state and starts its loop: templates are
// purged daily.
func (a *App) startKiosk() {
	a.kiosk = &kioskState{
		pairFails: throttle{window: codeWindow},
		codeFails: throttle{window: codeWindow},
		pins:      make(chan struct{}, pinSlots),
	}
	a.goBackground(a.purgeFacesDaily)
}

// purgeFacesDaily deletes the templates of staff whose 任用期間 has ended,
// at start and then once a day (by the organisation's date).
func (a *App) purgeFacesDaily(stop <-chan struct{}) {
	t := time.NewTicker(facePurgeCheck)
	defer t.Stop()
	var done kintai.Date
	for {
		if today := a.today(); today != done {
			if _, err := a.purgeFaces(context.Background()); err != nil {
				slog.Error("face template purge failed", "err", err)
			} else {
				done = today
			}
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// purgeFaces deletes the templates of staff whose 任用期間 ended before today.
func (a *App) purgeFaces(ctx context.Context) ([]store.PurgedTemplate, error) {
	var purged []store.PurgedTemplate
	err := a.db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) (err error) {
		purged, err = tx.PurgeFaceTemplates(ctx, a.today())
		return err
	})
	if len(purged) > 0 {
		slog.Info("face templates purged: appointments ended", "count", len(purged))
	}
	return purged, err
}

// throttle counts failures by key within a sliding window.
type throttle struct {
	mu     sync.Mutex
	window time.Duration
	fails  map[string][]time.Time
}

// count returns the failures of key within the window before now.
func (t *throttle) count(key string, now time.Time) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	fs := t.fails[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= t.window {
		i++
	}
	if i > 0 {
		fs = fs[i:]
		if len(fs) == 0 {
			delete(t.fails, key)
		} else {
			t.fails[key] = fs
		}
	}
	return len(fs)
}

// fail records a failure of key at now.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fails == nil || len(t.fails) > 10000 {
		t.fails = map[string][]time.Time{}
	}
	t.fails[key] = append(t.fails[key], now)
}

func errTooManyCodes() error {
	return punch.Refuse(kintai.EFORBIDDEN, "too_many_attempts", "code",
		"誤ったコードの入力が続いたため、しばらく受け付けません。10分ほど待ってから再度お試しください。",
		"Too many wrong codes. Please wait about 10 minutes and try again.")
}

// errFaceDisabled answers face requests when the server has no template key.
func errFaceDisabled() error {
	return punch.Refuse(kintai.ECONFLICT, "face_disabled", "",
		"顔認証は利用できません（顔データの暗号鍵が設定されていません）。ICカードか暗証番号で打刻し、管理者に連絡してください。",
		"Face recognition is not available (no face template key is configured). Use a card or PIN and contact the administrator.")
}

func errNotEnrolled(field string) error {
	return punch.Refuse(kintai.ENOTFOUND, "face_not_enrolled", field,
		"この職員の顔はこの拠点で登録されていません。ICカードか暗証番号で打刻してください。",
		"This staff member's face is not enrolled for this site. Please use a card or PIN.")
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func terminalOrigin(id int64) string { return "terminal:" + strconv.FormatInt(id, 10) }

// round4 rounds a distance for display.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func finite(x float64) *float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return nil
	}
	r := round4(x)
	return &r
}

// parseProbe checks a descriptor and its model tag as sent.
func parseProbe(model string, v []float64) (face.Descriptor, error) {
	if err := face.CheckModel(model); err != nil {
		return face.Descriptor{}, err
	}
	return face.ParseDescriptor("descriptor", v)
}

// faceGallery returns the gallery of site siteID: its staff who are
// enrolled and inside their 任用期間 today. It is decrypted on first use and
// kept until the master version (which every enrolment, withdrawal, purge
// and staff change moves) or the day changes.
func (a *App) faceGallery(ctx context.Context, siteID int64) (*siteGallery, error) {
	if a.cfg.FaceKey == nil {
		return nil, errFaceDisabled()
	}
	k := a.kiosk
	fresh := func(v int64, on kintai.Date) *siteGallery {
		k.mu.Lock()
		defer k.mu.Unlock()
		if sg := k.galleries[siteID]; sg != nil && sg.version == v && sg.on == on {
			return sg
		}
		return nil
	}
	v, err := a.db.MasterVersion(ctx)
	if err != nil {
		return nil, err
	}
	today := a.today()
	if sg := fresh(v, today); sg != nil {
		return sg, nil
	}
	k.load.Lock()
	defer k.load.Unlock()
	if sg := fresh(v, today); sg != nil {
		return sg, nil
	}
	tpls, err := a.db.FindSiteFaceTemplates(ctx, siteID, today)
	if err != nil {
		return nil, err
	}
	sg := &siteGallery{version: v, on: today, who: make(map[int64]galleryStaff, len(tpls))}
	skipped := 0
	for _, t := range tpls {
		if t.Model != face.Model {
			skipped++
			continue
		}
		samples, err := face.Open(a.cfg.FaceKey, t.Model, t.StaffID, t.Ciphertext)
		if err != nil {
			skipped++
			continue
		}
		sg.g.Add(t.StaffID, samples)
		sg.who[t.StaffID] = galleryStaff{t.StaffNo, t.Name}
	}
	if skipped > 0 {
		// A wrong key, or templates of another model: those staff must enrol again.
		slog.Warn("face templates that cannot be used were left out of a gallery", "site_id", siteID, "skipped", skipped, "used", sg.g.Len())
	}
	k.mu.Lock()
	if k.galleries == nil {
		k.galleries = map[int64]*siteGallery{}
	}
	k.galleries[siteID] = sg
	k.mu.Unlock()
	return sg, nil
}

// matchReply is the answer of identify and verify.
type matchReply struct {
	Status   face.Status `json:"status"`
	StaffID  int64       `json:"staff_id,omitempty"`
	StaffNo  string      `json:"staff_no,omitempty"`
	Name     string      `json:"name,omitempty"`
	Distance *float64    `json:"distance,omitempty"`
	Margin   *float64    `json:"margin,omitempty"`
}

func (sg *siteGallery) reply(res face.Result, margin bool) matchReply {
	out := matchReply{Status: res.Status, Distance: finite(res.Distance)}
	if margin {
		out.Margin = finite(res.Margin)
	}
	// Nobody close is named: a stranger at the kiosk learns no one's name.
	if res.Status != face.StatusNone && res.StaffID != 0 {
		who := sg.who[res.StaffID]
		out.StaffID, out.StaffNo, out.Name = res.StaffID, who.staffNo, who.name
	}
	return out
}

func (a *App) apiFaceIdentify(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Descriptor []float64 `json:"descriptor"`
		Model      string    `json:"model"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	probe, err := parseProbe(in.Model, in.Descriptor)
	if err != nil {
		return err
	}
	sg, err := a.faceGallery(r.Context(), identityFrom(r.Context()).terminal.SiteID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, sg.reply(face.Identify(&sg.g, &probe, a.cfg.FaceThresholds), true))
	return nil
}

func (a *App) apiFaceVerify(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Descriptor []float64 `json:"descriptor"`
		Model      string    `json:"model"`
		StaffNo    string    `json:"staff_no"`
		CardID     string    `json:"card_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	probe, err := parseProbe(in.Model, in.Descriptor)
	if err != nil {
		return err
	}
	field := "staff_no"
	var staffID int64
	switch {
	case (in.StaffNo == "") == (in.CardID == ""):
		return kintai.Invalid("staff_no", "職員番号(staff_no)かカードID(card_id)のどちらか一方を指定してください。", "Give staff_no or card_id (one of them).")
	case in.CardID != "":
		field = "card_id"
		if staffID, err = a.cardStaff(r.Context(), in.CardID); err != nil {
			return err
		}
	default:
		staffID, err = a.staffIDByNo(r.Context(), strings.TrimSpace(in.StaffNo))
		if kintai.ErrorCode(err) == kintai.ENOTFOUND {
			return punch.Refuse(kintai.ENOTFOUND, reasonUnknownStaff, "staff_no", "職員番号が見つかりません。", "Unknown staff number.")
		}
		if err != nil {
			return err
		}
	}
	sg, err := a.faceGallery(r.Context(), identityFrom(r.Context()).terminal.SiteID)
	if err != nil {
		return err
	}
	if !sg.g.Has(staffID) {
		return errNotEnrolled(field)
	}
	res := face.Verify(staffID, sg.g.SamplesOf(staffID), &probe, a.cfg.FaceThresholds)
	out := sg.reply(res, false)
	// The caller named the person: say whom the answer is about either way.
	who := sg.who[staffID]
	out.StaffID, out.StaffNo, out.Name = staffID, who.staffNo, who.name
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// normaliseCard folds a card ID as a reader or a person types it.
func normaliseCard(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// cardStaff returns the staff member holding card id.
func (a *App) cardStaff(ctx context.Context, id string) (int64, error) {
	id = normaliseCard(id)
	if staffID, ok := a.punchCache.cards.get(id); ok {
		return staffID, nil
	}
	gen := a.punchCache.cards.generation()
	staffID, err := a.db.FindStaffByCard(ctx, id)
	if kintai.ErrorCode(err) == kintai.ENOTFOUND {
		return 0, punch.Refuse(kintai.ENOTFOUND, "unknown_card", "card_id", "登録されていないカードです。", "This card is not registered.")
	}
	if err != nil {
		return 0, err
	}
	a.punchCache.cards.put(id, staffID, gen)
	return staffID, nil
}

// checkPIN checks staff member staffID's PIN, counting failures and
// refusing while the PIN is locked. Refusals are 403, not 401: a kiosk
// treats 401 as a revoked credential.
func (a *App) checkPIN(ctx context.Context, actor kintai.Actor, staffID int64, pin string) error {
	p, err := a.db.FindPIN(ctx, staffID)
	if kintai.ErrorCode(err) == kintai.ENOTFOUND {
		return punch.Refuse(kintai.EFORBIDDEN, "pin_not_set", "pin", "暗証番号が設定されていません。ポータルの「顔・暗証番号」で設定してください。",
			"No PIN is set. Set one in the portal first.")
	}
	if err != nil {
		return err
	}
	now := a.cfg.Now()
	locked := func(until time.Time) error {
		mins := int(until.Sub(now).Minutes()) + 1
		return punch.Refuse(kintai.EFORBIDDEN, "pin_locked", "pin",
			fmt.Sprintf("暗証番号の誤りが続いたため、一時的に使用できません。%d分後に再度お試しください。", mins),
			fmt.Sprintf("Too many wrong PINs: locked for %d more minute(s).", mins))
	}
	if now.Before(p.LockedUntil) {
		return locked(p.LockedUntil)
	}
	a.kiosk.pins <- struct{}{}
	ok, err := password.Verify(pin, p.Hash)
	<-a.kiosk.pins
	if err != nil {
		return err
	}
	if ok {
		if p.Failed == 0 {
			return nil
		}
		return a.db.WithTx(ctx, actor, func(tx *store.Tx) error { return tx.ResetPINFailures(ctx, staffID) })
	}
	var until time.Time
	if err := a.db.WithTx(ctx, actor, func(tx *store.Tx) (err error) {
		_, until, err = tx.RecordPINFailure(ctx, staffID, pinLockAfter, pinLockFor)
		return err
	}); err != nil {
		return err
	}
	if !until.IsZero() {
		return locked(until)
	}
	return punch.Refuse(kintai.EFORBIDDEN, "wrong_pin", "pin", "職員番号または暗証番号が正しくありません。", "Wrong staff number or PIN.")
}

// resolveCredentials applies what a terminal sent besides the staff id: a
// card names the staff member, a PIN and a descriptor must confirm them (a
// descriptor alone is matched against the site's gallery). It returns the
// input with the staff member set. Live punches only; offline batches go
// through batchFace first.
func (a *App) resolveCredentials(ctx context.Context, id *identity, in punchInput, c punch.Credentials) (punchInput, error) {
	if err := c.Validate(); err != nil {
		return in, err
	}
	switch {
	case c.CardID != "" && in.Method != punch.MethodCard:
		return in, kintai.Invalid("method", "ICカードでの打刻は打刻方法(method)を card にしてください。", "A card punch uses method card.")
	case c.PIN != "" && in.Method != punch.MethodPIN:
		return in, kintai.Invalid("method", "暗証番号での打刻は打刻方法(method)を pin にしてください。", "A PIN punch uses method pin.")
	case c.Descriptor != nil && in.Method != punch.MethodFace:
		return in, kintai.Invalid("method", "顔特徴量を送る打刻は打刻方法(method)を face にしてください。", "A punch with a descriptor uses method face.")
	}
	if c.CardID != "" {
		staffID, err := a.cardStaff(ctx, c.CardID)
		if err != nil {
			return in, err
		}
		if in.StaffID != 0 && in.StaffID != staffID {
			return in, kintai.Invalid("card_id", "カードの職員と指定の職員が異なります。", "The card belongs to another staff member than staff_id.")
		}
		in.StaffID = staffID
	}
	if in.StaffID == 0 && in.StaffNo != "" {
		staffID, err := a.staffIDByNo(ctx, strings.TrimSpace(in.StaffNo))
		if kintai.ErrorCode(err) == kintai.ENOTFOUND {
			if c.PIN != "" { // the same answer, in the same time, as a wrong PIN: staff numbers cannot be probed
				a.kiosk.pins <- struct{}{}
				password.Verify(c.PIN, dummyHash)
				<-a.kiosk.pins
				return in, punch.Refuse(kintai.EFORBIDDEN, "wrong_pin", "pin", "職員番号または暗証番号が正しくありません。", "Wrong staff number or PIN.")
			}
			return in, punch.Refuse(kintai.ENOTFOUND, reasonUnknownStaff, "staff_no", "職員番号が見つかりません。", "Unknown staff number.")
		}
		if err != nil {
			return in, err
		}
		in.StaffID = staffID
	}
	if c.PIN != "" {
		if in.StaffID == 0 {
			return in, kintai.Invalid("staff_no", "暗証番号での打刻には職員番号を指定してください。", "A PIN punch needs the staff number.")
		}
		if err := a.checkPIN(ctx, id.actor, in.StaffID, c.PIN); err != nil {
			return in, err
		}
	}
	if c.Descriptor != nil {
		probe, err := parseProbe(c.Model, c.Descriptor)
		if err != nil {
			return in, err
		}
		sg, err := a.faceGallery(ctx, id.terminal.SiteID)
		if err != nil {
			return in, err
		}
		th := a.cfg.FaceThresholds
		if in.StaffID != 0 {
			if !sg.g.Has(in.StaffID) {
				return in, errNotEnrolled("staff_id")
			}
			if face.Verify(in.StaffID, sg.g.SamplesOf(in.StaffID), &probe, th).Status != face.StatusMatch {
				return in, punch.Refuse(kintai.EFORBIDDEN, "face_mismatch", "descriptor",
					"顔が登録された本人と一致しません。もう一度お試しいただくか、ICカード・暗証番号をお使いください。",
					"The face does not match this staff member. Try again, or use a card or PIN.")
			}
		} else {
			res := face.Identify(&sg.g, &probe, th)
			if res.Status != face.StatusMatch {
				return in, punch.Refuse(kintai.EFORBIDDEN, "face_not_recognised", "descriptor",
					"登録された顔と一致しませんでした。ICカードか暗証番号をお使いください。",
					"The face was not recognised. Please use a card or PIN.")
			}
			in.StaffID = res.StaffID
		}
	}
	return in, nil
}

// reviewRef is how a batch result points at the review its punch went to.
type reviewRef struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
	Status string `json:"status"`
}

// batchFace settles an offline punch that carries a descriptor: a punch or
// review already stored under its key answers again; else the descriptor
// is matched (1:1 when the punch names the staff member, else 1:N). A match
// returns the input with the staff member set and the descriptor dropped;
// anything else puts the punch on HR's review list and returns the review.
func (a *App) batchFace(ctx context.Context, id *identity, in punchInput, received time.Time) (punchInput, *store.FaceReview, error) {
	t := id.terminal
	c := in.Credentials
	in.Credentials = punch.Credentials{Smile: c.Smile}
	if err := c.Validate(); err != nil {
		return in, nil, err
	}
	if in.Method != punch.MethodFace {
		return in, nil, kintai.Invalid("method", "顔特徴量を送る打刻は打刻方法(method)を face にしてください。", "A punch with a descriptor uses method face.")
	}
	probe, err := parseProbe(c.Model, c.Descriptor)
	if err != nil {
		return in, nil, err
	}
	// Whatever becomes of it, it must be a punch that could be stored.
	trial := in.Input
	trial.StaffID, trial.TerminalID, trial.SiteID = 1, t.ID, t.SiteID
	if _, err := punch.Decide(trial, received, true, nil, a.cfg.PunchPolicy, a.cfg.Loc, 0, nil); err != nil {
		return in, nil, err
	}
	origin := terminalOrigin(t.ID)
	if rv, err := a.db.FindFaceReviewByKey(ctx, origin, in.ClientKey); err == nil {
		return in, rv, nil
	} else if kintai.ErrorCode(err) != kintai.ENOTFOUND {
		return in, nil, err
	}
	named := in.StaffID != 0 || in.StaffNo != "" || c.CardID != ""
	if staffID, err := a.db.FindPunchStaffByKey(ctx, origin, in.ClientKey); err == nil {
		if !named {
			in.StaffID = staffID // sent again: the write answers with the stored punch
		}
		in, err := a.withNamedStaff(ctx, in, c)
		return in, nil, err
	} else if kintai.ErrorCode(err) != kintai.ENOTFOUND {
		return in, nil, err
	}
	if named {
		if in, err = a.withNamedStaff(ctx, in, c); err != nil {
			return in, nil, err
		}
	}
	rv := &store.FaceReview{Origin: origin, ClientKey: in.ClientKey, TerminalID: t.ID, SiteID: t.SiteID, Kind: in.Kind,
		DeviceAt: *in.DeviceAt, Note: in.Note}
	sg, err := a.faceGallery(ctx, t.SiteID)
	switch {
	case punch.RefusalReason(err) == "face_disabled":
		rv.Reason, rv.CandidateStaffID = store.ReviewNoGallery, in.StaffID
	case err != nil:
		return in, nil, err
	case in.StaffID != 0:
		res := face.Verify(in.StaffID, sg.g.SamplesOf(in.StaffID), &probe, a.cfg.FaceThresholds)
		if res.Status == face.StatusMatch {
			return in, nil, nil
		}
		rv.Reason, rv.CandidateStaffID, rv.Distance = store.ReviewMismatch, in.StaffID, finite(res.Distance)
	default:
		res := face.Identify(&sg.g, &probe, a.cfg.FaceThresholds)
		if res.Status == face.StatusMatch {
			in.StaffID = res.StaffID
			return in, nil, nil
		}
		rv.Reason = map[face.Status]string{face.StatusUncertain: store.ReviewUncertain, face.StatusNone: store.ReviewNone}[res.Status]
		if sg.g.Len() == 0 {
			rv.Reason = store.ReviewNoGallery
		}
		rv.CandidateStaffID, rv.SecondStaffID, rv.Distance, rv.Margin = res.StaffID, res.SecondID, finite(res.Distance), finite(res.Margin)
	}
	if err := a.db.WithTx(ctx, id.actor, func(tx *store.Tx) error {
		_, err := tx.CreateFaceReview(ctx, rv)
		return err
	}); err != nil {
		return in, nil, err
	}
	return in, rv, nil
}

// withNamedStaff resolves the staff member an offline face punch names by
// card or 職員番号 (a PIN is never queued offline, so it is refused).
func (a *App) withNamedStaff(ctx context.Context, in punchInput, c punch.Credentials) (punchInput, error) {
	if c.PIN != "" {
		return in, kintai.Invalid("pin", "オフラインの打刻に暗証番号は使えません。", "Offline punches cannot carry a PIN.")
	}
	if c.CardID != "" {
		staffID, err := a.cardStaff(ctx, c.CardID)
		if err != nil {
			return in, err
		}
		if in.StaffID != 0 && in.StaffID != staffID {
			return in, kintai.Invalid("card_id", "カードの職員と指定の職員が異なります。", "The card belongs to another staff member than staff_id.")
		}
		in.StaffID = staffID
	}
	if in.StaffID == 0 && in.StaffNo != "" {
		staffID, err := a.staffIDByNo(ctx, strings.TrimSpace(in.StaffNo))
		if kintai.ErrorCode(err) == kintai.ENOTFOUND {
			return in, punch.Refuse(kintai.ENOTFOUND, reasonUnknownStaff, "staff_no", "職員番号が見つかりません。", "Unknown staff number.")
		}
		if err != nil {
			return in, err
		}
		in.StaffID = staffID
	}
	return in, nil
}

// recordCondition keeps the smile score of a newly stored clock-in, when
// the condition check is on. A failure is logged, not returned: the punch
// is stored and the score is optional.
func (a *App) recordCondition(ctx context.Context, actor kintai.Actor, smile *float64, res store.PunchResult) {
	if !a.cfg.ConditionCheck || smile == nil || res.Err != nil || res.Replayed || res.Punch.Kind != punch.ClockIn {
		return
	}
	if err := a.db.WithTx(ctx, actor, func(tx *store.Tx) error {
		return tx.RecordCondition(ctx, res.Punch.StaffID, res.Punch.BusinessDay, *smile)
	}); err != nil {
		slog.Warn("condition score not stored", "punch_id", res.Punch.ID, "err", err)
	}
}

// kioskSite is the site a kiosk stands at.
type kioskSite struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

func (a *App) apiCreatePairingCode(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		SiteID int64 `json:"site_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.SiteID <= 0 {
		return kintai.Invalid("site_id", "拠点を指定してください。", "site_id is required.")
	}
	var code string
	var expires time.Time
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) (err error) {
		code, expires, err = tx.CreatePairingCode(r.Context(), in.SiteID, pairingCodeTTL)
		return err
	}); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"code": code, "expires_at": expires, "site_id": in.SiteID})
	return nil
}

// pairReply is what a newly paired kiosk keeps.
type pairReply struct {
	Credential string    `json:"credential"`
	TerminalID int64     `json:"terminal_id"`
	Site       kioskSite `json:"site"`
}

func (a *App) apiKioskPair(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Code string `json:"code"`
		Name string `json:"name"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Code) == "" {
		return kintai.Invalid("code", "ペアリングコードを入力してください。", "The pairing code is required.")
	}
	name := strings.TrimSpace(in.Name)
	if utf8.RuneCountInString(name) > 64 || strings.ContainsFunc(name, unicode.IsControl) {
		return kintai.Invalid("name", "端末名は64文字以内で入力してください。", "The kiosk name must be at most 64 characters.")
	}
	now, addr := a.cfg.Now(), clientAddr(r)
	k := a.kiosk
	if k.pairFails.count(addr, now) >= pairFailsPerAddr || k.pairFails.count("", now) >= pairFailsTotal {
		return errTooManyCodes()
	}
	var t *store.Terminal
	var secret string
	err := a.db.WithTx(r.Context(), kintai.Actor{}, func(tx *store.Tx) (err error) {
		t, secret, err = tx.PairKiosk(r.Context(), in.Code, name)
		return err
	})
	if kintai.ErrorCode(err) == kintai.EINVALID {
		k.pairFails.fail(addr, now)
		k.pairFails.fail("", now)
	}
	if err != nil {
		return err
	}
	site, err := a.db.FindSiteByID(r.Context(), t.SiteID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, pairReply{Credential: secret, TerminalID: t.ID, Site: kioskSite{site.ID, site.Code, site.Name}})
	return nil
}

// kioskConfig is what a kiosk needs to run.
type kioskConfig struct {
	Site           kioskSite `json:"site"`
	TerminalID     int64     `json:"terminal_id"`
	TerminalName   string    `json:"terminal_name"`
	Model          string    `json:"model"`
	FaceEnabled    bool      `json:"face_enabled"`
	Threshold      float64   `json:"threshold"`
	Margin         float64   `json:"margin"`
	ConditionCheck bool      `json:"condition_check"`
	ServerTime     time.Time `json:"server_time"`
}

func (a *App) apiKioskConfig(w http.ResponseWriter, r *http.Request) error {
	t := identityFrom(r.Context()).terminal
	site, err := a.db.FindSiteByID(r.Context(), t.SiteID)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, kioskConfig{
		Site: kioskSite{site.ID, site.Code, site.Name}, TerminalID: t.ID, TerminalName: t.Name,
		Model: face.Model, FaceEnabled: a.cfg.FaceKey != nil,
		Threshold: a.cfg.FaceThresholds.Match, Margin: a.cfg.FaceThresholds.Margin,
		ConditionCheck: a.cfg.ConditionCheck, ServerTime: a.cfg.Now().UTC(),
	})
	return nil
}

// hrStaff returns staff member id when the actor holds HR over their org
// unit; others are reported missing, so their existence is not disclosed.
func (a *App) hrStaff(r *http.Request, id int64) (*kintai.Staff, error) {
	s, err := a.db.FindStaffByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	tree, err := a.db.OrgTree(r.Context())
	if err != nil {
		return nil, err
	}
	if !actorFrom(r).Can(kintai.RoleHR, s.OrgUnitID, tree) {
		return nil, kintai.NotFound("職員", "Staff member")
	}
	return s, nil
}

// appointmentEnded reports whether s's 任用期間 ended before day.
func appointmentEnded(s *kintai.Staff, day kintai.Date) bool {
	return !s.AppointmentEndsOn.IsZero() && s.AppointmentEndsOn.Before(day)
}

func (a *App) apiCreateEnrolmentCode(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		StaffID int64 `json:"staff_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.StaffID <= 0 {
		return kintai.Invalid("staff_id", "職員を指定してください。", "staff_id is required.")
	}
	s, err := a.hrStaff(r, in.StaffID)
	if err != nil {
		return err
	}
	if appointmentEnded(s, a.today()) {
		return punch.Refuse(kintai.EFORBIDDEN, reasonOutsideAppointment, "staff_id", "任用期間が終了した職員には登録コードを発行できません。",
			"The staff member's appointment has ended.")
	}
	if a.cfg.FaceKey == nil {
		return errFaceDisabled()
	}
	var code string
	var expires time.Time
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) (err error) {
		code, expires, err = tx.CreateEnrolmentCode(r.Context(), s.ID, enrolmentCodeTTL)
		return err
	}); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"code": code, "expires_at": expires, "staff_id": s.ID, "staff_no": s.StaffNo, "name": s.Name})
	return nil
}

func (a *App) apiFaceEnrol(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Code    string      `json:"code"`
		Model   string      `json:"model"`
		Samples [][]float64 `json:"samples"`
	}
	if err := web.DecodeJSONLimit(w, r, &in, 256<<10); err != nil {
		return err
	}
	if err := face.CheckModel(in.Model); err != nil {
		return err
	}
	samples := make([]face.Descriptor, len(in.Samples))
	for i, v := range in.Samples {
		d, err := face.ParseDescriptor(fmt.Sprintf("samples[%d]", i), v)
		if err != nil {
			return err
		}
		samples[i] = d
	}
	if err := face.CheckSamples(samples); err != nil {
		return err
	}
	id := identityFrom(r.Context())
	if id.terminal != nil && strings.TrimSpace(in.Code) == "" {
		return kintai.Invalid("code", "登録コードを入力してください。", "The enrolment code is required.")
	}
	if id.terminal == nil && in.Code != "" {
		return kintai.Invalid("code", "ログインしている本人の登録に登録コードは不要です。", "A signed-in staff member enrols themselves without a code.")
	}
	if a.cfg.FaceKey == nil {
		return errFaceDisabled()
	}
	ctx, now, today := r.Context(), a.cfg.Now(), a.today()
	var termKey string
	if id.terminal != nil {
		termKey = terminalOrigin(id.terminal.ID)
		if a.kiosk.codeFails.count(termKey, now) >= enrolFailsPerTerm {
			return errTooManyCodes()
		}
	}
	var who *kintai.Staff
	err := a.db.WithTx(ctx, id.actor, func(tx *store.Tx) error {
		via := "self"
		who = id.staff
		if id.terminal != nil {
			via = "code"
			staffID, err := tx.UseEnrolmentCode(ctx, in.Code)
			if err != nil {
				return err
			}
			if who, err = tx.FindStaffByID(ctx, staffID); err != nil {
				return err
			}
		}
		if !who.ActiveOn(today) {
			return punch.Refuse(kintai.EFORBIDDEN, reasonOutsideAppointment, "code", "任用期間外のため顔を登録できません。",
				"Outside the staff member's appointment period: the face cannot be enrolled.")
		}
		sealed, err := face.Seal(a.cfg.FaceKey, face.Model, who.ID, samples)
		if err != nil {
			return err
		}
		return tx.SaveFaceTemplate(ctx, &store.FaceTemplate{StaffID: who.ID, Model: face.Model, Samples: len(samples), Ciphertext: sealed}, via)
	})
	if id.terminal != nil && kintai.ErrorCode(err) == kintai.EINVALID {
		a.kiosk.codeFails.fail(termKey, now)
	}
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, map[string]any{"staff_id": who.ID, "name": who.Name, "samples": len(samples)})
	return nil
}

// faceStatus is a staff member's enrolment, card and PIN, as they or HR see it.
type faceStatus struct {
	Enrolled  bool      `json:"enrolled"`
	Model     string    `json:"model,omitempty"`
	Samples   int       `json:"samples,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	// DeleteOn is the day the template is deleted because the 任用期間
	// ended (the day after its last day); absent for staff without an end.
	DeleteOn kintai.Date `json:"delete_on,omitzero"`
	Card     bool        `json:"card"`
	CardID   string      `json:"card_id,omitempty"` // HR only
	PIN      bool        `json:"pin"`
}

func (a *App) faceStatusOf(ctx context.Context, s *kintai.Staff, withCard bool) (faceStatus, error) {
	var st faceStatus
	t, err := a.db.FindFaceTemplate(ctx, s.ID)
	switch {
	case err == nil:
		st.Enrolled, st.Model, st.Samples, st.CreatedAt = true, t.Model, t.Samples, t.CreatedAt
		if !s.AppointmentEndsOn.IsZero() {
			st.DeleteOn = s.AppointmentEndsOn.AddDays(1)
		}
	case kintai.ErrorCode(err) != kintai.ENOTFOUND:
		return st, err
	}
	card, err := a.db.FindStaffCard(ctx, s.ID)
	if err != nil {
		return st, err
	}
	st.Card = card != ""
	if withCard {
		st.CardID = card
	}
	_, err = a.db.FindPIN(ctx, s.ID)
	switch {
	case err == nil:
		st.PIN = true
	case kintai.ErrorCode(err) != kintai.ENOTFOUND:
		return st, err
	}
	return st, nil
}

func (a *App) apiMyFace(w http.ResponseWriter, r *http.Request) error {
	st, err := a.faceStatusOf(r.Context(), identityFrom(r.Context()).staff, false)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (a *App) apiWithdrawFace(w http.ResponseWriter, r *http.Request) error {
	s := identityFrom(r.Context()).staff
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		return tx.DeleteFaceTemplate(r.Context(), s.ID, "face.withdraw")
	}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *App) apiStaffFace(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.hrStaff(r, id)
	if err != nil {
		return err
	}
	st, err := a.faceStatusOf(r.Context(), s, true)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (a *App) apiDeleteStaffFace(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.hrStaff(r, id)
	if err != nil {
		return err
	}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error {
		return tx.DeleteFaceTemplate(r.Context(), s.ID, "face.delete")
	}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *App) apiSetStaffCard(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		CardID *string `json:"card_id"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.CardID == nil {
		return kintai.Invalid("card_id", "カードID(card_id)を指定してください（解除するときは空文字）。", `card_id is required ("" removes the card).`)
	}
	card := normaliseCard(*in.CardID)
	check := punch.Credentials{CardID: card}
	if err := check.Validate(); err != nil {
		return err
	}
	s, err := a.hrStaff(r, id)
	if err != nil {
		return err
	}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.SetStaffCard(r.Context(), s.ID, card) }); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"staff_id": s.ID, "card": card != "", "card_id": card})
	return nil
}

// weakPIN reports whether pin is one digit repeated or a run (1234, 9876).
func weakPIN(pin string) bool {
	same, up, down := true, true, true
	for i := 1; i < len(pin); i++ {
		d := int(pin[i]) - int(pin[i-1])
		same = same && d == 0
		up = up && (d == 1 || d == -9)
		down = down && (d == -1 || d == 9)
	}
	return same || up || down
}

func (a *App) apiSetPIN(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		PIN string `json:"pin"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if !punch.ValidPIN(in.PIN) {
		return kintai.Invalid("pin", "暗証番号は4〜8桁の数字で入力してください。", "The PIN must be 4 to 8 digits.")
	}
	if weakPIN(in.PIN) {
		return kintai.Invalid("pin", "同じ数字の繰り返しや連番（1111、1234 など）は暗証番号に使えません。", "A PIN may not repeat one digit or count up or down (1111, 1234).")
	}
	s := identityFrom(r.Context()).staff
	a.kiosk.pins <- struct{}{}
	hash, err := password.Hash(in.PIN, password.Default)
	<-a.kiosk.pins
	if err != nil {
		return err
	}
	if err := a.db.WithTx(r.Context(), actorFrom(r), func(tx *store.Tx) error { return tx.SetPIN(r.Context(), s.ID, hash) }); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// faceCandidate is a person a review's punch may be of.
type faceCandidate struct {
	StaffID  int64    `json:"staff_id"`
	StaffNo  string   `json:"staff_no"`
	Name     string   `json:"name"`
	Distance *float64 `json:"distance,omitempty"`
}

// faceReviewView is a review as HR's list shows it.
type faceReviewView struct {
	store.FaceReview
	SiteName     string          `json:"site_name"`
	TerminalName string          `json:"terminal_name"`
	Candidates   []faceCandidate `json:"candidates"`
}

func (a *App) reviewViews(r *http.Request, reviews []store.FaceReview) ([]faceReviewView, error) {
	ctx := r.Context()
	sites, err := a.db.FindSites(ctx)
	if err != nil {
		return nil, err
	}
	siteNames := map[int64]string{}
	for _, s := range sites {
		siteNames[s.ID] = s.Name
	}
	terms, err := a.db.FindTerminals(ctx, 0)
	if err != nil {
		return nil, err
	}
	termNames := map[int64]string{}
	for _, t := range terms {
		termNames[t.ID] = t.Name
	}
	tree, err := a.db.OrgTree(ctx)
	if err != nil {
		return nil, err
	}
	actor := actorFrom(r)
	staff := map[int64]*kintai.Staff{}
	candidate := func(id int64, dist *float64) (faceCandidate, bool) {
		s, ok := staff[id]
		if !ok {
			if s, err = a.db.FindStaffByID(ctx, id); err != nil {
				s = nil
			}
			staff[id] = s
		}
		// Only staff in the HR officer's scope are named.
		if s == nil || !actor.Can(kintai.RoleHR, s.OrgUnitID, tree) {
			return faceCandidate{}, false
		}
		return faceCandidate{StaffID: s.ID, StaffNo: s.StaffNo, Name: s.Name, Distance: dist}, true
	}
	out := make([]faceReviewView, len(reviews))
	for i, rv := range reviews {
		v := faceReviewView{FaceReview: rv, SiteName: siteNames[rv.SiteID], TerminalName: termNames[rv.TerminalID], Candidates: []faceCandidate{}}
		if rv.CandidateStaffID != 0 {
			if c, ok := candidate(rv.CandidateStaffID, rv.Distance); ok {
				v.Candidates = append(v.Candidates, c)
			}
		}
		if rv.SecondStaffID != 0 && rv.Distance != nil && rv.Margin != nil {
			d := round4(*rv.Distance + *rv.Margin)
			if c, ok := candidate(rv.SecondStaffID, &d); ok {
				v.Candidates = append(v.Candidates, c)
			}
		}
		out[i] = v
	}
	return out, nil
}

func (a *App) apiListFaceReviews(w http.ResponseWriter, r *http.Request) error {
	status := r.URL.Query().Get("status")
	switch status {
	case "":
		status = store.ReviewPending
	case "all":
		status = ""
	case store.ReviewPending, store.ReviewApproved, store.ReviewRejected:
	default:
		return kintai.Invalid("status", "status は pending・approved・rejected・all のいずれかです。", "status must be pending, approved, rejected or all.")
	}
	reviews, err := a.db.FindFaceReviews(r.Context(), status, 500)
	if err != nil {
		return err
	}
	views, err := a.reviewViews(r, reviews)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, newList(views))
	return nil
}

func (a *App) apiDecideFaceReview(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		StaffID int64  `json:"staff_id"`
		Reject  bool   `json:"reject"`
		Reason  string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	switch {
	case in.Reject && in.StaffID != 0:
		return kintai.Invalid("reject", "職員の指定と却下は同時にできません。", "Give staff_id or reject, not both.")
	case !in.Reject && in.StaffID <= 0:
		return kintai.Invalid("staff_id", "打刻した職員(staff_id)を指定するか、却下(reject)してください。", "Give the staff member (staff_id) or reject.")
	case utf8.RuneCountInString(in.Reason) > punch.MaxNoteRunes || strings.ContainsFunc(in.Reason, unicode.IsControl):
		return kintai.Invalid("reason", "理由は200文字以内で入力してください。", "The reason must be at most 200 characters.")
	}
	ctx := r.Context()
	rv, err := a.db.FindFaceReview(ctx, id)
	if err != nil {
		return err
	}
	if rv.Status != store.ReviewPending {
		return kintai.Errorf(kintai.ECONFLICT, "この打刻は既に処理されています。", "This review has already been decided.")
	}
	var stored *punch.Punch
	if !in.Reject {
		s, err := a.hrStaff(r, in.StaffID)
		if err != nil {
			return err
		}
		who, err := a.punchee(ctx, s.ID, rv.DeviceAt)
		if err != nil {
			return err
		}
		// HR says whose punch it is: a manual punch at the kiosk's time,
		// under the kiosk's key, so a later upload of it is a replay.
		deviceAt := rv.DeviceAt
		p, err := punch.Manual(punch.Input{ClientKey: rv.ClientKey, StaffID: s.ID, Kind: rv.Kind, Method: punch.MethodManual,
			DeviceAt: &deviceAt, TerminalID: rv.TerminalID, SiteID: rv.SiteID, Note: rv.Note},
			rv.DeviceAt, a.cfg.Now(), 0, a.cfg.Loc, who.boundary, who.schedule)
		if err != nil {
			return err
		}
		if !s.ActiveOn(p.BusinessDay) {
			return punch.Refuse(kintai.EFORBIDDEN, reasonOutsideAppointment, "staff_id", "任用期間外のため打刻できません。", "Outside the staff member's appointment period.")
		}
		res, err := a.writer.Write(ctx, []store.PunchRecord{{Origin: rv.Origin, Actor: actorFrom(r), Punch: p}})
		if err != nil {
			return err
		}
		if res[0].Err != nil {
			return res[0].Err
		}
		stored = &res[0].Punch
	}
	var staffID, punchID int64
	if stored != nil {
		staffID, punchID = stored.StaffID, stored.ID
	}
	if err := a.db.WithTx(ctx, actorFrom(r), func(tx *store.Tx) error {
		return tx.DecideFaceReview(ctx, id, staffID, punchID, strings.TrimSpace(in.Reason))
	}); err != nil {
		return err
	}
	if rv, err = a.db.FindFaceReview(ctx, id); err != nil {
		return err
	}
	views, err := a.reviewViews(r, []store.FaceReview{*rv})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"review": views[0], "punch": stored})
	return nil
}

func (a *App) apiMyCondition(w http.ResponseWriter, r *http.Request) error {
	from, to, err := a.dayRange(r)
	if err != nil {
		return err
	}
	items, err := a.db.FindConditions(r.Context(), identityFrom(r.Context()).staff.ID, from, to)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"enabled": a.cfg.ConditionCheck, "items": items})
	return nil
}

func (a *App) apiConditionSummary(w http.ResponseWriter, r *http.Request) error {
	unit, err := queryUnit(r)
	if err != nil {
		return err
	}
	from, to, err := a.dayRange(r)
	if err != nil {
		return err
	}
	units, err := a.staffScope(r.Context(), actorFrom(r))
	if err != nil {
		return err
	}
	if unit != 0 {
		tree, err := a.db.OrgTree(r.Context())
		if err != nil {
			return err
		}
		if _, ok := tree[unit]; !ok {
			return kintai.Invalid("org_unit_id", "所属が見つかりません。", "Org unit not found.")
		}
		sub := tree.Descendants([]int64{unit})
		if units != nil {
			var in []int64
			for _, u := range sub {
				for _, v := range units {
					if u == v {
						in = append(in, u)
					}
				}
			}
			sub = in
			if sub == nil {
				sub = []int64{}
			}
		}
		units = sub
	}
	days, err := a.db.ConditionSummary(r.Context(), units, from, to, conditionMinGroup)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"enabled": a.cfg.ConditionCheck, "min_group": conditionMinGroup, "items": days})
	return nil
}
