package punch

import (
	"math"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"kintai"
)

var tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err)
	}
	return loc
}()

// jst returns the instant of a wall-clock time in Tokyo.
func jst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, tokyo)
}

func ptr[T any](v T) *T { return &v }

// validInput returns an input that passes Validate: a smartphone clock-in with a location.
func validInput() Input {
	return Input{
		ClientKey: "0190f0a4-7b1e-7c3a-9d2e-5f6a7b8c9d0e",
		StaffID:   12,
		Kind:      ClockIn,
		Method:    MethodMobile,
		DeviceAt:  ptr(jst(2025, 4, 1, 8, 29)),
		SiteID:    3,
		Lat:       ptr(35.6895),
		Lng:       ptr(139.6917),
		AccuracyM: ptr(12.5),
		Note:      "直行",
	}
}

func TestKind(t *testing.T) {
	labels := map[Kind]string{ClockIn: "出勤", ClockOut: "退勤", BreakStart: "休憩開始", BreakEnd: "休憩終了", GoOut: "外出", Return: "戻り"}
	for _, k := range Kinds {
		if !k.Valid() || k.Label() != labels[k] {
			t.Errorf("%q: Valid() = %v, Label() = %q, want true, %q", k, k.Valid(), k.Label(), labels[k])
		}
	}
	if len(Kinds) != len(labels) {
		t.Errorf("len(Kinds) = %d, want %d", len(Kinds), len(labels))
	}
	if Kind("lunch").Valid() || Kind("").Valid() {
		t.Error("unknown kind reported valid")
	}
	tests := []struct {
		name string
		in   string
		want Kind
		ok   bool
	}{
		{"code", "clock_out", ClockOut, true},
		{"label", "休憩開始", BreakStart, true},
		{"label with spaces", " 戻 り ", Return, true},
		{"unknown", "帰宅", "", false},
		{"empty", "", "", false},
		{"case matters", "CLOCK_IN", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseKind(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseKind(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestMethodAndWorkLocation(t *testing.T) {
	methods := map[Method]string{MethodFace: "顔認証", MethodCard: "ICカード", MethodMobile: "スマートフォン", MethodPC: "PC", MethodPIN: "暗証番号", MethodManual: "手入力"}
	for _, m := range Methods {
		if !m.Valid() || m.Label() != methods[m] {
			t.Errorf("%q: Valid() = %v, Label() = %q, want true, %q", m, m.Valid(), m.Label(), methods[m])
		}
	}
	if Method("fax").Valid() || Method("").Valid() {
		t.Error("unknown method reported valid")
	}
	places := map[WorkLocation]string{"": "職場", WorkOffice: "職場", WorkHome: "自宅", WorkSatellite: "サテライト", WorkTrip: "出張先"}
	for w, l := range places {
		if !w.Valid() || w.Label() != l {
			t.Errorf("%q: Valid() = %v, Label() = %q, want true, %q", w, w.Valid(), w.Label(), l)
		}
		if want := w != "" && w != WorkOffice; w.OffSite() != want {
			t.Errorf("%q.OffSite() = %v, want %v", w, w.OffSite(), want)
		}
	}
	if WorkLocation("cafe").Valid() {
		t.Error("unknown work location reported valid")
	}
	for _, f := range []Flag{FlagOutsideGeofence, FlagLargeSkew, FlagNoLocation} {
		if f.Label() == "" {
			t.Errorf("%q has no label", f)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Input)
		field string // "" for valid
	}{
		{"valid", func(*Input) {}, ""},
		{"minimal terminal punch", func(in *Input) {
			*in = Input{ClientKey: "k", StaffID: 1, Kind: ClockOut, Method: MethodCard, TerminalID: 9}
		}, ""},
		{"key of 128", func(in *Input) { in.ClientKey = strings.Repeat("a", 128) }, ""},
		{"key of 129", func(in *Input) { in.ClientKey = strings.Repeat("a", 129) }, "client_key"},
		{"empty key", func(in *Input) { in.ClientKey = "" }, "client_key"},
		{"key with space", func(in *Input) { in.ClientKey = "a b" }, "client_key"},
		{"key with kana", func(in *Input) { in.ClientKey = "キー" }, "client_key"},
		{"key with newline", func(in *Input) { in.ClientKey = "a\n" }, "client_key"},
		{"no staff", func(in *Input) { in.StaffID = 0 }, "staff_id"},
		{"unknown kind", func(in *Input) { in.Kind = "lunch" }, "kind"},
		{"label is not a kind code", func(in *Input) { in.Kind = "出勤" }, "kind"},
		{"unknown method", func(in *Input) { in.Method = "fax" }, "method"},
		{"card without terminal", func(in *Input) { in.Method = MethodCard }, "terminal_id"},
		{"negative terminal", func(in *Input) { in.TerminalID = -1 }, "terminal_id"},
		{"negative site", func(in *Input) { in.SiteID = -1 }, "site_id"},
		{"zero device time", func(in *Input) { in.DeviceAt = &time.Time{} }, "device_at"},
		{"lat without lng", func(in *Input) { in.Lng = nil }, "lng"},
		{"lng without lat", func(in *Input) { in.Lat, in.AccuracyM = nil, nil }, "lat"},
		{"no location at all", func(in *Input) { in.Lat, in.Lng, in.AccuracyM = nil, nil, nil }, ""},
		{"lat 90", func(in *Input) { in.Lat = ptr(90.0) }, ""},
		{"lat 90.1", func(in *Input) { in.Lat = ptr(90.1) }, "lat"},
		{"lat NaN", func(in *Input) { in.Lat = ptr(math.NaN()) }, "lat"},
		{"lng -180", func(in *Input) { in.Lng = ptr(-180.0) }, ""},
		{"lng 181", func(in *Input) { in.Lng = ptr(181.0) }, "lng"},
		{"lng +Inf", func(in *Input) { in.Lng = ptr(math.Inf(1)) }, "lng"},
		{"accuracy 0", func(in *Input) { in.AccuracyM = ptr(0.0) }, ""},
		{"accuracy negative", func(in *Input) { in.AccuracyM = ptr(-1.0) }, "accuracy_m"},
		{"accuracy NaN", func(in *Input) { in.AccuracyM = ptr(math.NaN()) }, "accuracy_m"},
		{"accuracy +Inf", func(in *Input) { in.AccuracyM = ptr(math.Inf(1)) }, "accuracy_m"},
		{"accuracy without location", func(in *Input) { in.Lat, in.Lng = nil, nil }, "accuracy_m"},
		{"home", func(in *Input) { in.WorkLocation = WorkHome }, ""},
		{"unknown work location", func(in *Input) { in.WorkLocation = "cafe" }, "work_location"},
		{"note of 200 runes", func(in *Input) { in.Note = strings.Repeat("備", 200) }, ""},
		{"note of 201 runes", func(in *Input) { in.Note = strings.Repeat("備", 201) }, "note"},
		{"note with newline", func(in *Input) { in.Note = "a\nb" }, "note"},
		{"note not UTF-8", func(in *Input) { in.Note = "\xff" }, "note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			tt.edit(&in)
			err := in.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate(%+v) = %v, want nil", in, err)
				}
				return
			}
			e, ok := err.(*kintai.Error)
			if !ok {
				t.Fatalf("Validate(%+v) = %v, want *kintai.Error on %s", in, err, tt.field)
			}
			if e.Code != kintai.EINVALID || e.Field != tt.field || e.Message == "" || e.MessageEN == "" {
				t.Errorf("Validate(%+v) = code %q field %q (%q / %q), want %q on %q with both messages",
					in, e.Code, e.Field, e.Message, e.MessageEN, kintai.EINVALID, tt.field)
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	base := validInput()
	fp := Fingerprint(base)
	if len(fp) != 64 {
		t.Fatalf("Fingerprint = %q, want 64 hex digits", fp)
	}
	same := []struct {
		name string
		edit func(*Input)
	}{
		{"another key", func(in *Input) { in.ClientKey = "other" }},
		{"device time in another zone", func(in *Input) { in.DeviceAt = ptr(in.DeviceAt.UTC()) }},
		{"device time below a millisecond", func(in *Input) { in.DeviceAt = ptr(in.DeviceAt.Add(400 * time.Microsecond)) }},
		{"copied pointers", func(in *Input) { in.Lat, in.Lng = ptr(*in.Lat), ptr(*in.Lng) }},
		{"empty work location is office", func(in *Input) { in.WorkLocation = WorkOffice }},
	}
	for _, tt := range same {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			tt.edit(&in)
			if !SameContent(base, in) {
				t.Errorf("SameContent(%+v, %+v) = false, want true", base, in)
			}
		})
	}
	differ := []struct {
		name string
		edit func(*Input)
	}{
		{"staff", func(in *Input) { in.StaffID++ }},
		{"kind", func(in *Input) { in.Kind = ClockOut }},
		{"method", func(in *Input) { in.Method = MethodPC }},
		{"device time", func(in *Input) { in.DeviceAt = ptr(in.DeviceAt.Add(time.Second)) }},
		{"no device time", func(in *Input) { in.DeviceAt = nil }},
		{"terminal", func(in *Input) { in.TerminalID = 4 }},
		{"site", func(in *Input) { in.SiteID = 4 }},
		{"lat", func(in *Input) { in.Lat = ptr(*in.Lat + 1e-6) }},
		{"lng", func(in *Input) { in.Lng = ptr(*in.Lng + 1e-6) }},
		{"accuracy", func(in *Input) { in.AccuracyM = ptr(13.0) }},
		{"no accuracy", func(in *Input) { in.AccuracyM = nil }},
		{"work location", func(in *Input) { in.WorkLocation = WorkHome }},
		{"note", func(in *Input) { in.Note = "直帰" }},
		{"note moved into neighbour field", func(in *Input) { in.Note, in.WorkLocation = "", "直行" }},
	}
	for _, tt := range differ {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			tt.edit(&in)
			if SameContent(base, in) {
				t.Errorf("SameContent(%+v, %+v) = true, want false", base, in)
			}
		})
	}
	t.Run("negative zero", func(t *testing.T) {
		a, b := validInput(), validInput()
		a.Lat, b.Lat = ptr(0.0), ptr(math.Copysign(0, -1))
		if !SameContent(a, b) {
			t.Error("SameContent with lat 0 and -0 = false, want true")
		}
	})
	t.Run("stored punch replays", func(t *testing.T) {
		in := validInput()
		in.DeviceAt = ptr(in.DeviceAt.Add(123456789 * time.Nanosecond))
		p, err := Decide(in, jst(2025, 4, 1, 8, 30), false, nil, DefaultPolicy(), tokyo, 5*time.Hour, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !SameContent(in, p.Input) {
			t.Errorf("SameContent(input, Decide(input).Input) = false, want true")
		}
	})
}

func FuzzValidate(f *testing.F) {
	f.Add("key-1", int64(1), "clock_in", "mobile", int64(1743463740000), true, 35.68, 139.69, 10.0, "", "", int64(0), int64(1))
	f.Add("", int64(0), "出勤", "face", int64(0), false, 0.0, 0.0, -1.0, "cafe", "\x00", int64(-1), int64(-1))
	f.Add(strings.Repeat("z", 129), int64(-5), "return", "pin", int64(-1<<62), true, math.NaN(), math.Inf(-1), math.NaN(), "home", strings.Repeat("あ", 201), int64(7), int64(0))
	f.Fuzz(func(t *testing.T, key string, staff int64, kind, method string, deviceMS int64, hasLoc bool, lat, lng, acc float64, wl, note string, terminal, site int64) {
		in := Input{ClientKey: key, StaffID: staff, Kind: Kind(kind), Method: Method(method), TerminalID: terminal, SiteID: site, WorkLocation: WorkLocation(wl), Note: note}
		if deviceMS != 0 {
			in.DeviceAt = ptr(time.UnixMilli(deviceMS))
		}
		if hasLoc {
			in.Lat, in.Lng, in.AccuracyM = &lat, &lng, &acc
		}
		err := in.Validate()
		if fp := Fingerprint(in); len(fp) != 64 || fp != Fingerprint(in) {
			t.Fatalf("Fingerprint(%+v) = %q, not a stable 64-digit hash", in, fp)
		}
		if err != nil {
			if kintai.ErrorCode(err) != kintai.EINVALID {
				t.Fatalf("Validate(%+v) = %v, want an EINVALID error", in, err)
			}
			return
		}
		fence := &Fence{Lat: 35.68, Lng: 139.69, RadiusM: 200}
		for _, delayed := range []bool{false, true} {
			p, err := Decide(in, time.UnixMilli(1743463800000), delayed, fence, DefaultPolicy(), tokyo, 5*time.Hour, nil)
			if err == nil && p.BusinessDay.IsZero() {
				t.Fatalf("Decide(%+v) has no business day", in)
			}
			if err != nil && kintai.ErrorCode(err) == kintai.EINTERNAL {
				t.Fatalf("Decide(%+v) = %v, want a domain error", in, err)
			}
		}
	})
}
