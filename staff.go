package kintai

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// EmploymentType is a staff member's 雇用区分.
type EmploymentType string

// Employment types.
const (
	Regular          EmploymentType = "regular"           // 常勤
	ReappointedShort EmploymentType = "reappointed_short" // 再任用短時間
	FiscalFull       EmploymentType = "fiscal_full"       // 会計年度任用 フルタイム
	FiscalPart       EmploymentType = "fiscal_part"       // 会計年度任用 パートタイム
)

// EmploymentTypes lists every employment type in display order.
var EmploymentTypes = []EmploymentType{Regular, ReappointedShort, FiscalFull, FiscalPart}

var employmentLabels = map[EmploymentType]string{
	Regular:          "常勤",
	ReappointedShort: "再任用短時間",
	FiscalFull:       "会計年度任用フルタイム",
	FiscalPart:       "会計年度任用パートタイム",
}

// Label returns the Japanese name of t.
func (t EmploymentType) Label() string { return employmentLabels[t] }

// Valid reports whether t is a known employment type.
func (t EmploymentType) Valid() bool { _, ok := employmentLabels[t]; return ok }

// ParseEmploymentType accepts the code or the Japanese label (spaces ignored).
func ParseEmploymentType(s string) (EmploymentType, bool) {
	s = strings.Join(strings.Fields(s), "")
	for t, l := range employmentLabels {
		if s == string(t) || s == l {
			return t, true
		}
	}
	return "", false
}

// OrgUnitKind is the level of an org unit: 部, 課, 係.
type OrgUnitKind string

// Org unit kinds.
const (
	Department OrgUnitKind = "bu"     // 部
	Section    OrgUnitKind = "ka"     // 課
	Team       OrgUnitKind = "kakari" // 係
	OtherUnit  OrgUnitKind = "other"  // 室, 所, 園 and others
)

var unitKindLabels = map[OrgUnitKind]string{Department: "部", Section: "課", Team: "係", OtherUnit: "その他"}

// Label returns the Japanese name of k.
func (k OrgUnitKind) Label() string { return unitKindLabels[k] }

// Valid reports whether k is a known kind.
func (k OrgUnitKind) Valid() bool { _, ok := unitKindLabels[k]; return ok }

// OrgUnit is a 所属: a node of the organisation tree.
type OrgUnit struct {
	ID        int64       `json:"id"`
	Code      string      `json:"code"`
	Name      string      `json:"name"`
	Kind      OrgUnitKind `json:"kind"`
	ParentID  int64       `json:"parent_id,omitempty"` // 0 for a root
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// Validate checks u's own fields.
func (u *OrgUnit) Validate() error {
	if err := validCode("code", u.Code); err != nil {
		return err
	}
	if strings.TrimSpace(u.Name) == "" {
		return Invalid("name", "所属名を入力してください。", "Name is required.")
	}
	if !u.Kind.Valid() {
		return Invalid("kind", "所属の種類が不正です。", "Unknown org unit kind.")
	}
	if u.ParentID != 0 && u.ParentID == u.ID {
		return Invalid("parent_id", "所属を自分自身の下に置くことはできません。", "An org unit cannot be its own parent.")
	}
	return nil
}

// Site is a 拠点: a place where staff work and terminals stand.
type Site struct {
	ID      int64  `json:"id"`
	Code    string `json:"code"`
	Name    string `json:"name"`
	Address string `json:"address"`
	// Geofence is optional; all three are set or none.
	Lat       *float64  `json:"lat,omitempty"`
	Lng       *float64  `json:"lng,omitempty"`
	RadiusM   *int      `json:"radius_m,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks s.
func (s *Site) Validate() error {
	if err := validCode("code", s.Code); err != nil {
		return err
	}
	if strings.TrimSpace(s.Name) == "" {
		return Invalid("name", "拠点名を入力してください。", "Name is required.")
	}
	set := 0
	for _, p := range []bool{s.Lat != nil, s.Lng != nil, s.RadiusM != nil} {
		if p {
			set++
		}
	}
	if set != 0 && set != 3 {
		return Invalid("geofence", "ジオフェンスは緯度・経度・半径をすべて指定してください。", "A geofence needs latitude, longitude and radius together.")
	}
	if set == 3 {
		if *s.Lat < -90 || *s.Lat > 90 || *s.Lng < -180 || *s.Lng > 180 {
			return Invalid("geofence", "緯度・経度の範囲が不正です。", "Latitude or longitude out of range.")
		}
		if *s.RadiusM <= 0 || *s.RadiusM > 100000 {
			return Invalid("radius_m", "半径は1〜100000メートルで指定してください。", "Radius must be 1 to 100000 metres.")
		}
	}
	return nil
}

// Staff is a 職員.
type Staff struct {
	ID             int64          `json:"id"`
	StaffNo        string         `json:"staff_no"` // 職員番号
	Name           string         `json:"name"`     // 氏名
	Kana           string         `json:"kana"`     // カナ
	EmploymentType EmploymentType `json:"employment_type"`
	// AppointedOn and AppointmentEndsOn bound the 任用期間; the end is zero
	// for staff with no fixed term.
	AppointedOn       Date      `json:"appointed_on"`
	AppointmentEndsOn Date      `json:"appointment_ends_on"`
	OrgUnitID         int64     `json:"org_unit_id"`
	SupervisorID      int64     `json:"supervisor_id,omitempty"`
	SiteIDs           []int64   `json:"site_ids"`
	Email             string    `json:"email,omitempty"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// Validate checks s's own fields.
func (s *Staff) Validate() error {
	if err := validCode("staff_no", s.StaffNo); err != nil {
		return err
	}
	if strings.TrimSpace(s.Name) == "" {
		return Invalid("name", "氏名を入力してください。", "Name is required.")
	}
	if !IsKana(s.Kana) {
		return Invalid("kana", "カナは全角カタカナで入力してください。", "Kana must be written in katakana.")
	}
	if !s.EmploymentType.Valid() {
		return Invalid("employment_type", "雇用区分が不正です。", "Unknown employment type.")
	}
	if s.AppointedOn.IsZero() {
		return Invalid("appointed_on", "任用開始日を入力してください。", "Appointment start date is required.")
	}
	if !s.AppointmentEndsOn.IsZero() && s.AppointmentEndsOn.Before(s.AppointedOn) {
		return Invalid("appointment_ends_on", "任用終了日が任用開始日より前です。", "Appointment ends before it starts.")
	}
	if (s.EmploymentType == FiscalFull || s.EmploymentType == FiscalPart) && s.AppointmentEndsOn.IsZero() {
		return Invalid("appointment_ends_on", "会計年度任用職員には任用終了日が必要です。", "Fiscal-year appointees need an appointment end date.")
	}
	if s.OrgUnitID == 0 {
		return Invalid("org_unit_id", "所属を選択してください。", "Org unit is required.")
	}
	if s.SupervisorID != 0 && s.SupervisorID == s.ID {
		return Invalid("supervisor_id", "自分自身を上司にはできません。", "A staff member cannot supervise themselves.")
	}
	return nil
}

// ActiveOn reports whether day falls inside s's 任用期間.
func (s *Staff) ActiveOn(day Date) bool {
	if day.Before(s.AppointedOn) {
		return false
	}
	return s.AppointmentEndsOn.IsZero() || !day.After(s.AppointmentEndsOn)
}

// ErrOutsideAppointment is returned when a staff member acts outside their 任用期間.
func ErrOutsideAppointment() *Error {
	return Errorf(EFORBIDDEN, "任用期間外のため利用できません。", "Outside the appointment period.")
}

// IsKana reports whether s is non-empty full-width katakana, allowing the
// long-vowel mark, the middle dot and spaces between family and given names.
func IsKana(s string) bool {
	if strings.TrimSpace(s) == "" {
		return false
	}
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Katakana), r == 'ー', r == '・', r == ' ', r == '　':
		default:
			return false
		}
	}
	return true
}

func validCode(field, s string) error {
	if s == "" {
		return Invalid(field, "コードを入力してください。", "Code is required.")
	}
	if utf8.RuneCountInString(s) > 32 {
		return Invalid(field, "コードは32文字以内で入力してください。", "Code must be at most 32 characters.")
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_') {
			return Invalid(field, "コードは半角英数字・ハイフン・下線で入力してください。", "Code may contain only ASCII letters, digits, '-' and '_'.")
		}
	}
	return nil
}
