package punch

import (
	"errors"
	"fmt"
	"time"

	"kintai"
)

// Policy holds the organisation's punch settings (打刻設定). Start from
// DefaultPolicy and check with Validate when the settings are loaded; the
// functions here take p as given and do not fill in zero fields.
type Policy struct {
	// GeofenceRefuse refuses smartphone punches outside the site's
	// geofence, or without a location at a site that has one. Default
	// false: such punches are accepted and flagged for a person to check.
	GeofenceRefuse bool
	// MaxSkew is how far a device clock may differ from the server's before
	// a live punch is flagged FlagLargeSkew, and how far ahead of the server
	// an offline punch's device time may be. Default 5 minutes.
	MaxSkew time.Duration
	// BatchMax is the most punches one offline batch may carry. Default 1000.
	BatchMax int
	// MaxDelay is how old an offline (delayed) punch may be when it
	// arrives; older ones are refused with ReasonTooOld, since an
	// unverifiable week-old record should go through a correction request.
	// Default 7 days.
	MaxDelay time.Duration
}

// DefaultPolicy returns the default settings.
func DefaultPolicy() Policy {
	return Policy{
		GeofenceRefuse: false,
		MaxSkew:        5 * time.Minute,
		BatchMax:       1000,
		MaxDelay:       7 * 24 * time.Hour,
	}
}

// Validate checks that p's settings are usable.
func (p Policy) Validate() error {
	switch {
	case p.MaxSkew <= 0:
		return kintai.Invalid("max_skew", "時刻のずれの許容値は正の値で指定してください。", "max_skew must be positive.")
	case p.BatchMax < 1:
		return kintai.Invalid("batch_max", "一括送信の上限件数は1以上で指定してください。", "batch_max must be at least 1.")
	case p.MaxDelay <= 0:
		return kintai.Invalid("max_delay", "遅延送信の受付期間は正の値で指定してください。", "max_delay must be positive.")
	}
	return nil
}

// Stable reasons for a refused or rejected punch. The HTTP layer returns
// them to clients beside the error code; terminals match on them.
const (
	ReasonOutsideGeofence  = "outside_geofence"   // smartphone punch outside the site's geofence (GeofenceRefuse)
	ReasonNoLocation       = "no_location"        // smartphone punch without a location at a geofenced site (GeofenceRefuse)
	ReasonTooOld           = "too_old"            // offline punch older than MaxDelay
	ReasonDeviceClockAhead = "device_clock_ahead" // offline punch whose device time is after the receive time + MaxSkew
	ReasonBatchTooLarge    = "batch_too_large"    // offline batch larger than BatchMax
	ReasonKeyConflict      = "client_key_conflict"
)

// Refusal carries the stable reason of a refused punch. It is never
// returned alone: it is the Err of a *kintai.Error, so kintai.ErrorCode and
// the HTTP status mapping work as for any other error, and RefusalReason
// finds the reason.
type Refusal struct {
	Reason string
}

// Error names the reason; people see the messages of the wrapping *kintai.Error.
func (r *Refusal) Error() string { return "punch refused: " + r.Reason }

// ReasonCode returns the stable reason, for the API's error body.
func (r *Refusal) ReasonCode() string { return r.Reason }

// Refuse returns a refusal with a stable reason, for checks made outside
// this package (the terminal's site, the 任用期間).
func Refuse(code, reason, field, ja, en string) *kintai.Error {
	return refuse(code, reason, field, ja, en)
}

// RefusalReason returns the Reason of the first *Refusal in err's chain, or
// "" if there is none (a plain validation error, for instance).
func RefusalReason(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	return ""
}

func refuse(code, reason, field, ja, en string) *kintai.Error {
	return &kintai.Error{Code: code, Field: field, Message: ja, MessageEN: en, Err: &Refusal{Reason: reason}}
}

// CheckBatch returns an EINVALID error with ReasonBatchTooLarge when an
// offline batch of n punches is larger than p.BatchMax.
func (p Policy) CheckBatch(n int) error {
	if n <= p.BatchMax {
		return nil
	}
	return refuse(kintai.EINVALID, ReasonBatchTooLarge, "punches",
		fmt.Sprintf("一度に送信できる打刻は%d件までです。", p.BatchMax),
		fmt.Sprintf("A batch may carry at most %d punches.", p.BatchMax))
}

// ErrKeyConflict returns the ECONFLICT error for a client key that was
// already used with different content (see SameContent).
func ErrKeyConflict() *kintai.Error {
	return refuse(kintai.ECONFLICT, ReasonKeyConflict, "client_key",
		"同じ識別キーで内容の異なる打刻が既に送信されています。",
		"A different punch was already sent with this client_key.")
}

// Decide turns a validated client input into the punch to store, or refuses
// it. receivedAt is the server's receive time; delayed is set for punches
// from an offline batch; site is the geofence of in.SiteID (nil if the site
// has none or there is no site); the business day is
// BusinessDay(At, loc, sched, boundary), boundary being the entity's
// day_boundary_min setting; sched may be nil.
//
// The time a punch counts for (Punch.At) is the receive time for a live
// punch: the server's clock is authoritative and the device's is only kept,
// flagged FlagLargeSkew beyond p.MaxSkew. For a delayed punch the receive
// time says nothing about when it happened, so At is the device time, which
// a delayed punch must have. A delayed punch is refused (EFORBIDDEN) when its
// device time is more than p.MaxSkew after the receive time
// (ReasonDeviceClockAhead: the device clock is wrong and nothing else says
// when it happened) or more than p.MaxDelay before it (ReasonTooOld).
//
// The geofence applies to smartphone punches at the usual workplace (not to
// telework or trips, and not to terminals, whose place is known). Outside
// it, or without a location, the punch is flagged; with p.GeofenceRefuse it
// is refused (EFORBIDDEN, ReasonOutsideGeofence or ReasonNoLocation): the
// input is well-formed but the organisation does not allow it, and sending
// it again will not help.
//
// Refusals are *kintai.Error wrapping a *Refusal; validation errors are
// plain EINVALID *kintai.Error. Decide stores DeviceAt in UTC to the
// millisecond, ReceivedAt in UTC to the microsecond, and an empty work
// location as WorkOffice.
func Decide(in Input, receivedAt time.Time, delayed bool, site *Fence, p Policy, loc *time.Location, boundary time.Duration, sched Schedule) (Punch, error) {
	if receivedAt.IsZero() || loc == nil {
		return Punch{}, errors.New("punch.Decide: zero receive time or nil location")
	}
	if err := in.Validate(); err != nil {
		return Punch{}, err
	}
	if delayed && in.DeviceAt == nil {
		return Punch{}, kintai.Invalid("device_at", "オフライン打刻には端末時刻が必要です。", "A delayed (offline) punch needs the device time.")
	}
	pu := Punch{Input: in, Delayed: delayed}
	pu.ReceivedAt = receivedAt.UTC().Truncate(time.Microsecond)
	if pu.WorkLocation == "" {
		pu.WorkLocation = WorkOffice
	}
	pu.At = pu.ReceivedAt
	if in.DeviceAt != nil {
		d := in.DeviceAt.UTC().Truncate(time.Millisecond)
		pu.DeviceAt = &d
		skew := d.Sub(pu.ReceivedAt)
		pu.SkewMS = skew.Milliseconds()
		switch {
		case delayed && skew > p.MaxSkew:
			return Punch{}, refuse(kintai.EFORBIDDEN, ReasonDeviceClockAhead, "device_at",
				"端末の時刻が進んでいるため、オフラインの打刻を受け付けられません。端末の時刻を確認してください。",
				"The device clock is ahead of the server, so the offline punch cannot be accepted. Check the device time.")
		case delayed && skew < -p.MaxDelay:
			ja, en := durationText(p.MaxDelay)
			return Punch{}, refuse(kintai.EFORBIDDEN, ReasonTooOld, "device_at",
				"オフラインの打刻が古すぎるため受け付けられません（"+ja+"以内）。打刻修正を申請してください。",
				"The offline punch is too old to accept (limit: "+en+"). Please request a correction.")
		case delayed:
			pu.At = d
		case skew > p.MaxSkew || skew < -p.MaxSkew:
			pu.Flags = append(pu.Flags, FlagLargeSkew)
		}
	}
	pu.BusinessDay = BusinessDay(pu.At, loc, sched, boundary)

	if in.Method == MethodMobile && site != nil && !pu.WorkLocation.OffSite() {
		switch {
		case in.Lat == nil && p.GeofenceRefuse:
			return Punch{}, refuse(kintai.EFORBIDDEN, ReasonNoLocation, "lat",
				"この拠点では位置情報がないと打刻できません。位置情報の利用を許可してください。",
				"A location is required to punch at this site. Please allow location access.")
		case in.Lat == nil:
			pu.Flags = append(pu.Flags, FlagNoLocation)
		case !site.Contains(*in.Lat, *in.Lng, deref(in.AccuracyM)) && p.GeofenceRefuse:
			return Punch{}, refuse(kintai.EFORBIDDEN, ReasonOutsideGeofence, "lat",
				"拠点の範囲外からは打刻できません。",
				"Punching from outside the site's area is not allowed.")
		case !site.Contains(*in.Lat, *in.Lng, deref(in.AccuracyM)):
			pu.Flags = append(pu.Flags, FlagOutsideGeofence)
		}
	}
	return pu, nil
}

// Manual builds a 手入力 punch entered on a staff member's behalf, or a
// correction (修正) of punch correctsID when that is not 0. It counts at at,
// the time the person states, not at receivedAt, when it was entered; at
// may not be after receivedAt. in.Method must be MethodManual. The caller
// checks that the corrected punch belongs to the same staff member and that
// the month is still open. Manual punches get no geofence or skew checks.
// The business day is found as by Decide.
func Manual(in Input, at, receivedAt time.Time, correctsID int64, loc *time.Location, boundary time.Duration, sched Schedule) (Punch, error) {
	if receivedAt.IsZero() || loc == nil {
		return Punch{}, errors.New("punch.Manual: zero receive time or nil location")
	}
	if err := in.Validate(); err != nil {
		return Punch{}, err
	}
	switch {
	case in.Method != MethodManual:
		return Punch{}, kintai.Invalid("method", "手入力の打刻は打刻方法を「手入力」にしてください。", "A manual punch must use the manual method.")
	case at.IsZero():
		return Punch{}, kintai.Invalid("at", "打刻時刻を入力してください。", "The punch time is required.")
	case at.After(receivedAt):
		return Punch{}, kintai.Invalid("at", "未来の時刻は入力できません。", "The punch time cannot be in the future.")
	case correctsID < 0:
		return Punch{}, kintai.Invalid("corrects_id", "修正元の打刻の指定が不正です。", "Invalid corrects_id.")
	}
	pu := Punch{Input: in, CorrectsID: correctsID}
	if in.DeviceAt != nil {
		d := in.DeviceAt.UTC().Truncate(time.Millisecond)
		pu.DeviceAt = &d
	}
	if pu.WorkLocation == "" {
		pu.WorkLocation = WorkOffice
	}
	pu.ReceivedAt = receivedAt.UTC().Truncate(time.Microsecond)
	pu.At = at.UTC().Truncate(time.Microsecond)
	if pu.DeviceAt != nil {
		pu.SkewMS = pu.DeviceAt.Sub(pu.ReceivedAt).Milliseconds()
	}
	pu.BusinessDay = BusinessDay(pu.At, loc, sched, boundary)
	return pu, nil
}

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

// durationText renders a limit for a message: whole days, else whole hours,
// else minutes.
func durationText(d time.Duration) (ja, en string) {
	n, unitJA, unitEN := int64(d/time.Minute), "分", "minute"
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		n, unitJA, unitEN = int64(d/(24*time.Hour)), "日", "day"
	case d >= time.Hour:
		n, unitJA, unitEN = int64(d/time.Hour), "時間", "hour"
	}
	if n != 1 {
		unitEN += "s"
	}
	return fmt.Sprintf("%d%s", n, unitJA), fmt.Sprintf("%d %s", n, unitEN)
}
