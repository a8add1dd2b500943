// Package punch is the pure domain of the punch ledger (打刻): what a punch
// is, when one is accepted, refused or flagged, which business day it
// belongs to, which days need a person to look at them, and where a staff
// member is right now. It does no I/O and reads no clock: instants, the
// organisation's time zone and the staff member's schedule are passed in.
//
// Punches are append-only. A mistake is fixed by a correction record (修正)
// that points at the punch it replaces, never by editing the original.
package punch

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kintai"
)

// Kind is what a punch says happened: 出勤, 退勤 and so on.
type Kind string

// Punch kinds.
const (
	ClockIn    Kind = "clock_in"    // 出勤
	ClockOut   Kind = "clock_out"   // 退勤
	BreakStart Kind = "break_start" // 休憩開始
	BreakEnd   Kind = "break_end"   // 休憩終了
	GoOut      Kind = "go_out"      // 外出
	Return     Kind = "return"      // 戻り
)

// Kinds lists every kind in display order (the order of terminal buttons).
var Kinds = []Kind{ClockIn, ClockOut, BreakStart, BreakEnd, GoOut, Return}

var kindLabels = map[Kind]string{
	ClockIn: "出勤", ClockOut: "退勤", BreakStart: "休憩開始", BreakEnd: "休憩終了", GoOut: "外出", Return: "戻り",
}

// Label returns the Japanese name of k.
func (k Kind) Label() string { return kindLabels[k] }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { _, ok := kindLabels[k]; return ok }

// ParseKind accepts the code ("clock_in") or the Japanese label ("出勤");
// spaces are ignored.
func ParseKind(s string) (Kind, bool) {
	s = strings.Join(strings.Fields(s), "")
	for _, k := range Kinds {
		if s == string(k) || s == kindLabels[k] {
			return k, true
		}
	}
	return "", false
}

// Method is how a punch was made (打刻方法).
type Method string

// Punch methods.
const (
	MethodFace   Method = "face"   // 顔認証 at a terminal
	MethodCard   Method = "card"   // ICカード at a terminal
	MethodMobile Method = "mobile" // スマートフォン
	MethodPC     Method = "pc"     // PC (browser)
	MethodPIN    Method = "pin"    // 暗証番号 at a terminal
	MethodManual Method = "manual" // 手入力 by an administrator or through a correction
)

// Methods lists every method in display order.
var Methods = []Method{MethodFace, MethodCard, MethodMobile, MethodPC, MethodPIN, MethodManual}

var methodLabels = map[Method]string{
	MethodFace: "顔認証", MethodCard: "ICカード", MethodMobile: "スマートフォン", MethodPC: "PC", MethodPIN: "暗証番号", MethodManual: "手入力",
}

// Label returns the Japanese name of m.
func (m Method) Label() string { return methodLabels[m] }

// Valid reports whether m is a known method.
func (m Method) Valid() bool { _, ok := methodLabels[m]; return ok }

// AtTerminal reports whether m is only possible at a registered terminal
// (打刻端末), so a punch made with it must name the terminal.
func (m Method) AtTerminal() bool { return m == MethodFace || m == MethodCard || m == MethodPIN }

// WorkLocation is where the staff member works at the time of the punch
// (勤務場所). The empty value means the usual workplace, like WorkOffice.
type WorkLocation string

// Work locations.
const (
	WorkOffice    WorkLocation = "office"    // 職場: the usual site
	WorkHome      WorkLocation = "home"      // 自宅 (在宅勤務)
	WorkSatellite WorkLocation = "satellite" // サテライトオフィス
	WorkTrip      WorkLocation = "trip"      // 出張先
)

// WorkLocations lists every work location in display order.
var WorkLocations = []WorkLocation{WorkOffice, WorkHome, WorkSatellite, WorkTrip}

var workLocationLabels = map[WorkLocation]string{
	"": "職場", WorkOffice: "職場", WorkHome: "自宅", WorkSatellite: "サテライト", WorkTrip: "出張先",
}

// Label returns the Japanese name of w.
func (w WorkLocation) Label() string { return workLocationLabels[w] }

// Valid reports whether w is a known work location or empty.
func (w WorkLocation) Valid() bool { _, ok := workLocationLabels[w]; return ok }

// OffSite reports whether w is away from the staff member's site (自宅,
// サテライト, 出張先). Such punches are never checked against the site's
// geofence: being elsewhere is the point of them.
func (w WorkLocation) OffSite() bool { return w == WorkHome || w == WorkSatellite || w == WorkTrip }

// Flag marks something about an accepted punch that a person may want to
// check. Flags never change what the punch says.
type Flag string

// Flags.
const (
	// FlagOutsideGeofence: a smartphone punch made outside the site's geofence (ジオフェンス外).
	FlagOutsideGeofence Flag = "outside_geofence"
	// FlagLargeSkew: the device clock differs from the server's by more than Policy.MaxSkew (端末時刻のずれ).
	FlagLargeSkew Flag = "large_skew"
	// FlagNoLocation: a smartphone punch without a location at a site with a geofence (位置情報なし).
	FlagNoLocation Flag = "no_location"
)

var flagLabels = map[Flag]string{
	FlagOutsideGeofence: "拠点範囲外",
	FlagLargeSkew:       "端末時刻のずれ",
	FlagNoLocation:      "位置情報なし",
}

// Label returns the Japanese name of f.
func (f Flag) Label() string { return flagLabels[f] }

// Limits on Input fields.
const (
	MaxClientKeyLen = 128 // bytes; keys are ASCII
	MaxNoteRunes    = 200
)

// Input is a punch as a client sends it: a terminal (device credential) or a
// staff member's PC or phone (session). The HTTP layer fills StaffID and
// TerminalID from the credential, never from the body alone.
type Input struct {
	// ClientKey makes sending idempotent (冪等キー): the same key again
	// returns the first result; the same key with different content is a
	// conflict (see SameContent). 1–128 visible ASCII characters.
	ClientKey string `json:"client_key"`
	StaffID   int64  `json:"staff_id"`
	Kind      Kind   `json:"kind"`
	Method    Method `json:"method"`
	// DeviceAt is the device's own clock at the punch, when it has one.
	// It is kept beside the server's receive time, which is authoritative
	// except for offline (delayed) punches; see Decide.
	DeviceAt   *time.Time `json:"device_at,omitempty"`
	TerminalID int64      `json:"terminal_id,omitempty"`
	SiteID     int64      `json:"site_id,omitempty"` // 0 if none
	// Lat and Lng are given together or not at all (WGS 84 degrees).
	Lat *float64 `json:"lat,omitempty"`
	Lng *float64 `json:"lng,omitempty"`
	// AccuracyM is the reported radius of uncertainty of Lat/Lng in metres.
	AccuracyM    *float64     `json:"accuracy_m,omitempty"`
	WorkLocation WorkLocation `json:"work_location,omitempty"`
	Note         string       `json:"note,omitempty"` // 備考, at most 200 characters
}

// Validate checks in's own fields. Its errors are *kintai.Error with code
// kintai.EINVALID and Field naming the JSON field at fault.
func (in *Input) Validate() error {
	switch {
	case in.ClientKey == "":
		return kintai.Invalid("client_key", "識別キー(client_key)を指定してください。", "client_key is required.")
	case len(in.ClientKey) > MaxClientKeyLen:
		return kintai.Invalid("client_key", "識別キーは128文字以内で指定してください。", "client_key must be at most 128 characters.")
	case !visibleASCII(in.ClientKey):
		// No spaces: keys travel through headers and logs, and "a" and
		// "a " must not look like the same key.
		return kintai.Invalid("client_key", "識別キーは空白を含まない半角英数字・記号で指定してください。", "client_key may contain only visible ASCII characters (no spaces).")
	case in.StaffID <= 0:
		return kintai.Invalid("staff_id", "職員を指定してください。", "staff_id is required.")
	case !in.Kind.Valid():
		return kintai.Invalid("kind", "打刻の種類が不正です。", "Unknown punch kind.")
	case !in.Method.Valid():
		return kintai.Invalid("method", "打刻方法が不正です。", "Unknown punch method.")
	case in.TerminalID < 0:
		return kintai.Invalid("terminal_id", "端末の指定が不正です。", "Invalid terminal_id.")
	case in.Method.AtTerminal() && in.TerminalID == 0:
		return kintai.Invalid("terminal_id", "この打刻方法には端末の指定が必要です。", "This punch method requires a terminal.")
	case in.SiteID < 0:
		return kintai.Invalid("site_id", "拠点の指定が不正です。", "Invalid site_id.")
	case in.DeviceAt != nil && in.DeviceAt.IsZero():
		return kintai.Invalid("device_at", "端末時刻が不正です。", "Invalid device time.")
	case in.Lat != nil && in.Lng == nil:
		return kintai.Invalid("lng", "緯度と経度は両方指定してください。", "Latitude and longitude must be given together.")
	case in.Lat == nil && in.Lng != nil:
		return kintai.Invalid("lat", "緯度と経度は両方指定してください。", "Latitude and longitude must be given together.")
	case in.Lat != nil && !(*in.Lat >= -90 && *in.Lat <= 90): // also rejects NaN
		return kintai.Invalid("lat", "緯度は-90〜90の範囲で指定してください。", "Latitude must be between -90 and 90.")
	case in.Lng != nil && !(*in.Lng >= -180 && *in.Lng <= 180):
		return kintai.Invalid("lng", "経度は-180〜180の範囲で指定してください。", "Longitude must be between -180 and 180.")
	case in.AccuracyM != nil && in.Lat == nil:
		return kintai.Invalid("accuracy_m", "位置の精度は緯度・経度と一緒に指定してください。", "accuracy_m needs a latitude and longitude.")
	case in.AccuracyM != nil && !(*in.AccuracyM >= 0 && !math.IsInf(*in.AccuracyM, 1)):
		return kintai.Invalid("accuracy_m", "位置の精度は0以上の数値で指定してください。", "accuracy_m must be a number of at least 0.")
	case !in.WorkLocation.Valid():
		return kintai.Invalid("work_location", "勤務場所が不正です。", "Unknown work location.")
	case !utf8.ValidString(in.Note) || strings.ContainsFunc(in.Note, unicode.IsControl):
		return kintai.Invalid("note", "備考に使用できない文字が含まれています。", "The note contains characters that are not allowed.")
	case utf8.RuneCountInString(in.Note) > MaxNoteRunes:
		return kintai.Invalid("note", "備考は200文字以内で入力してください。", "The note must be at most 200 characters.")
	}
	return nil
}

// Limits on Credentials fields.
const (
	MaxCardIDLen = 64 // bytes; what an IC card reader types
	MinPINLen    = 4
	MaxPINLen    = 8
)

// Credentials are what a terminal may send with a punch instead of, or
// besides, naming the staff member by id: the IC card it read, a PIN typed
// with the 職員番号, or a face descriptor (with its model tag) to check the
// person against; and, for the optional condition check (体調チェック), the
// smile score at the punch. The HTTP layer resolves and checks them and
// drops them: they are never stored with the punch and never logged.
type Credentials struct {
	CardID string `json:"card_id,omitempty"`
	PIN    string `json:"pin,omitempty"`
	// Descriptor is the face descriptor as sent; package face parses it.
	Descriptor []float64 `json:"descriptor,omitempty"`
	Model      string    `json:"model,omitempty"`
	// Smile is the expression model's smile score, 0 to 1.
	Smile *float64 `json:"smile,omitempty"`
}

// Validate checks c's own fields: at most one way of naming the person
// (card or PIN), a well-formed card ID and PIN, and a smile score within 0–1.
func (c *Credentials) Validate() error {
	switch {
	case c.CardID != "" && c.PIN != "":
		return kintai.Invalid("card_id", "ICカードと暗証番号は同時に指定できません。", "Give either card_id or pin, not both.")
	case len(c.CardID) > MaxCardIDLen || (c.CardID != "" && !visibleASCII(c.CardID)):
		return kintai.Invalid("card_id", "カードIDは64文字以内の半角英数字で指定してください。", "card_id must be at most 64 visible ASCII characters.")
	case c.PIN != "" && !ValidPIN(c.PIN):
		return kintai.Invalid("pin", "暗証番号は4〜8桁の数字で入力してください。", "The PIN must be 4 to 8 digits.")
	case c.Smile != nil && !(*c.Smile >= 0 && *c.Smile <= 1):
		return kintai.Invalid("smile", "笑顔スコアは0〜1で指定してください。", "smile must be between 0 and 1.")
	}
	return nil
}

// ValidPIN reports whether pin is MinPINLen to MaxPINLen ASCII digits.
func ValidPIN(pin string) bool {
	if len(pin) < MinPINLen || len(pin) > MaxPINLen {
		return false
	}
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return false
		}
	}
	return true
}

func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Punch is a stored punch record (打刻記録). It is never changed once
// stored; a correction is another Punch whose CorrectsID points here.
type Punch struct {
	ID int64 `json:"id"`
	Input
	// ReceivedAt is when the server received the punch, in UTC to the
	// microsecond. It is the authoritative time of a live punch.
	ReceivedAt time.Time `json:"received_at"`
	// At is the instant the punch counts for: ReceivedAt for a live punch,
	// DeviceAt for a delayed one, the stated time for a manual one. The
	// business day, the order of a day's punches and the results all use At.
	At time.Time `json:"at"`
	// SkewMS is DeviceAt − ReceivedAt in milliseconds (0 without a device
	// time). For a delayed punch it is mostly the delay, not clock error.
	SkewMS int64 `json:"skew_ms"`
	// Delayed is set for punches that arrived in an offline batch (遅延送信).
	Delayed     bool        `json:"delayed"`
	BusinessDay kintai.Date `json:"business_on"` // 勤務日
	Flags       []Flag      `json:"flags,omitempty"`
	// CorrectsID is the punch this record corrects (修正元), 0 for an original.
	CorrectsID int64 `json:"corrects_id,omitempty"`
}

// VoidDay is the business day of a void record: a correction (CorrectsID
// set) that withdraws a punch added by an earlier correction, such as the
// reversal of a cancelled 打刻修正申請 that added a missing punch. Sequence
// lets it supersede what it corrects, and since no business day is
// VoidDay, neither counts on any day. The ledger stays append-only.
var VoidDay = kintai.NewDate(1, 1, 1)

// HasFlag reports whether p carries flag f.
func (p *Punch) HasFlag(f Flag) bool {
	for _, g := range p.Flags {
		if g == f {
			return true
		}
	}
	return false
}

// FingerprintTimeLayout is how DeviceAt enters a fingerprint: UTC to the
// millisecond, the precision Decide stores, so a replay compares equal to
// the stored record after a database round trip.
const FingerprintTimeLayout = "2006-01-02T15:04:05.000Z"

// Fingerprint returns a stable hex SHA-256 of the fields that define "the
// same punch": staff, kind, method, device time, terminal, site, location,
// accuracy, work location and note. The client key (it is the lookup) and
// everything the server adds (receive time, flags) are left out, so a
// replay of a stored punch has the same fingerprint. An empty work location
// counts as WorkOffice. Every field is length-prefixed so no two different
// inputs hash alike.
func Fingerprint(in Input) string {
	h := sha256.New()
	device := ""
	if in.DeviceAt != nil {
		device = in.DeviceAt.UTC().Truncate(time.Millisecond).Format(FingerprintTimeLayout)
	}
	wl := in.WorkLocation
	if wl == "" {
		wl = WorkOffice
	}
	for _, f := range []string{
		"punch/v1",
		strconv.FormatInt(in.StaffID, 10), string(in.Kind), string(in.Method), device,
		strconv.FormatInt(in.TerminalID, 10), strconv.FormatInt(in.SiteID, 10),
		optFloat(in.Lat), optFloat(in.Lng), optFloat(in.AccuracyM),
		string(wl), in.Note,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func optFloat(f *float64) string {
	if f == nil {
		return "-"
	}
	v := *f
	if v == 0 {
		v = 0 // -0 and 0 are the same place
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// SameContent reports whether a and b describe the same punch (see
// Fingerprint). When a client key is seen again, the store returns the
// first result if SameContent holds and ErrKeyConflict otherwise.
func SameContent(a, b Input) bool { return Fingerprint(a) == Fingerprint(b) }
