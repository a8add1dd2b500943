package punch

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
)

func TestDecide(t *testing.T) {
	d := kintai.NewDate(2025, 4, 1)
	received := jst(2025, 4, 1, 8, 30)
	sched := shifts{d: dayShift(d), d.AddDays(-1): dayShift(d.AddDays(-1))}
	fence := &Fence{Lat: 35.6895, Lng: 139.6917, RadiusM: 200}
	outside := func(in *Input) { in.Lat = ptr(35.7) } // about 1.2 km north
	refuse := func(p *Policy) { p.GeofenceRefuse = true }

	type want struct {
		at     time.Time
		skewMS int64
		day    kintai.Date
		flags  []Flag
		code   string // error code, "" for accepted
		reason string // refusal reason
		field  string
	}
	tests := []struct {
		name    string
		edit    func(*Input)
		delayed bool
		site    *Fence
		policy  func(*Policy)
		want    want
	}{
		{"live punch inside the fence", nil, false, fence, nil,
			want{at: received, skewMS: -60000, day: d}},
		{"no device time", func(in *Input) { in.DeviceAt = nil }, false, fence, nil,
			want{at: received, day: d}},
		{"skew of exactly MaxSkew is not flagged", func(in *Input) { in.DeviceAt = ptr(received.Add(-5 * time.Minute)) }, false, fence, nil,
			want{at: received, skewMS: -300000, day: d}},
		{"device clock behind", func(in *Input) { in.DeviceAt = ptr(received.Add(-5*time.Minute - time.Millisecond)) }, false, fence, nil,
			want{at: received, skewMS: -300001, day: d, flags: []Flag{FlagLargeSkew}}},
		{"device clock ahead", func(in *Input) { in.DeviceAt = ptr(received.Add(6 * time.Minute)) }, false, fence, nil,
			want{at: received, skewMS: 360000, day: d, flags: []Flag{FlagLargeSkew}}},
		{"device clock years off", func(in *Input) { in.DeviceAt = ptr(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) }, false, fence, nil,
			want{at: received, skewMS: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Sub(received).Milliseconds(), day: d, flags: []Flag{FlagLargeSkew}}},
		{"delayed punch counts at the device time", func(in *Input) { in.Kind, in.DeviceAt = ClockOut, ptr(jst(2025, 3, 31, 17, 20)) }, true, fence, nil,
			want{at: jst(2025, 3, 31, 17, 20), skewMS: -(15*time.Hour + 10*time.Minute).Milliseconds(), day: d.AddDays(-1)}},
		{"delayed punch without device time", func(in *Input) { in.DeviceAt = nil }, true, fence, nil,
			want{code: kintai.EINVALID, field: "device_at"}},
		{"delayed punch of exactly MaxDelay", func(in *Input) { in.DeviceAt = ptr(received.Add(-7 * 24 * time.Hour)) }, true, nil, nil,
			want{at: received.Add(-7 * 24 * time.Hour), skewMS: -(7 * 24 * time.Hour).Milliseconds(), day: kintai.NewDate(2025, 3, 25)}},
		{"delayed punch too old", func(in *Input) { in.DeviceAt = ptr(received.Add(-7*24*time.Hour - time.Minute)) }, true, nil, nil,
			want{code: kintai.EFORBIDDEN, reason: ReasonTooOld, field: "device_at"}},
		{"delayed punch slightly ahead", func(in *Input) { in.DeviceAt = ptr(received.Add(4 * time.Minute)) }, true, nil, nil,
			want{at: received.Add(4 * time.Minute), skewMS: 240000, day: d}},
		{"delayed punch with the device clock ahead", func(in *Input) { in.DeviceAt = ptr(received.Add(6 * time.Minute)) }, true, nil, nil,
			want{code: kintai.EFORBIDDEN, reason: ReasonDeviceClockAhead, field: "device_at"}},
		{"outside the fence is flagged", outside, false, fence, nil,
			want{at: received, skewMS: -60000, day: d, flags: []Flag{FlagOutsideGeofence}}},
		{"outside the fence is refused", outside, false, fence, refuse,
			want{code: kintai.EFORBIDDEN, reason: ReasonOutsideGeofence, field: "lat"}},
		{"accuracy takes a fix near the edge inside", func(in *Input) { in.Lat, in.AccuracyM = ptr(35.6895+250/(math.Pi*EarthRadiusM/180)), ptr(60.0) }, false, fence, refuse,
			want{at: received, skewMS: -60000, day: d}},
		{"no location is flagged", func(in *Input) { in.Lat, in.Lng, in.AccuracyM = nil, nil, nil }, false, fence, nil,
			want{at: received, skewMS: -60000, day: d, flags: []Flag{FlagNoLocation}}},
		{"no location is refused", func(in *Input) { in.Lat, in.Lng, in.AccuracyM = nil, nil, nil }, false, fence, refuse,
			want{code: kintai.EFORBIDDEN, reason: ReasonNoLocation, field: "lat"}},
		{"no location without a fence", func(in *Input) { in.Lat, in.Lng, in.AccuracyM = nil, nil, nil }, false, nil, refuse,
			want{at: received, skewMS: -60000, day: d}},
		{"telework from home is not fenced", func(in *Input) { outside(in); in.WorkLocation = WorkHome }, false, fence, refuse,
			want{at: received, skewMS: -60000, day: d}},
		{"trip without location is not fenced", func(in *Input) { in.Lat, in.Lng, in.AccuracyM, in.WorkLocation = nil, nil, nil, WorkTrip }, false, fence, refuse,
			want{at: received, skewMS: -60000, day: d}},
		{"terminal punch is not fenced", func(in *Input) { outside(in); in.Method, in.TerminalID = MethodCard, 5 }, false, fence, refuse,
			want{at: received, skewMS: -60000, day: d}},
		{"PC punch is not fenced", func(in *Input) { outside(in); in.Method = MethodPC }, false, fence, refuse,
			want{at: received, skewMS: -60000, day: d}},
		{"skew and outside together", func(in *Input) { outside(in); in.DeviceAt = ptr(received.Add(time.Hour)) }, false, fence, nil,
			want{at: received, skewMS: 3600000, day: d, flags: []Flag{FlagLargeSkew, FlagOutsideGeofence}}},
		{"invalid input", func(in *Input) { in.Kind = "nap" }, false, fence, nil,
			want{code: kintai.EINVALID, field: "kind"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			if tt.edit != nil {
				tt.edit(&in)
			}
			p := DefaultPolicy()
			if tt.policy != nil {
				tt.policy(&p)
			}
			w := tt.want
			got, err := Decide(in, received, tt.delayed, tt.site, p, tokyo, 5*time.Hour, sched)
			if w.code != "" {
				var e *kintai.Error
				if !errors.As(err, &e) || e.Code != w.code || RefusalReason(err) != w.reason || e.Field != w.field || e.Message == "" || e.MessageEN == "" {
					t.Fatalf("Decide(%+v) error = %v (reason %q), want code %q reason %q field %q", in, err, RefusalReason(err), w.code, w.reason, w.field)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decide(%+v) error = %v, want nil", in, err)
			}
			if !got.At.Equal(w.at) || got.SkewMS != w.skewMS || got.BusinessDay != w.day || !cmp.Equal(got.Flags, w.flags) {
				t.Errorf("Decide(%+v) = at %v skew %d day %v flags %v, want at %v skew %d day %v flags %v",
					in, got.At, got.SkewMS, got.BusinessDay, got.Flags, w.at, w.skewMS, w.day, w.flags)
			}
			if got.Delayed != tt.delayed {
				t.Errorf("Decide(...).Delayed = %v, want %v", got.Delayed, tt.delayed)
			}
			for _, f := range w.flags {
				if !got.HasFlag(f) {
					t.Errorf("HasFlag(%q) = false, want true", f)
				}
			}
		})
	}
}

func TestDecideBusinessDay(t *testing.T) {
	d := kintai.NewDate(2025, 4, 1)
	night := shifts{d: nightShift(d)}
	tests := []struct {
		name     string
		received time.Time
		device   time.Time
		delayed  bool
		sched    Schedule
		want     kintai.Date
	}{
		{"live clock-out after midnight overtime", jst(2025, 4, 2, 0, 30), time.Time{}, false, shifts{d: dayShift(d)}, d},
		{"live clock-out after a night shift", jst(2025, 4, 2, 7, 5), time.Time{}, false, night, d},
		{"delayed night clock-out sent after the next day's boundary", jst(2025, 4, 3, 9, 0), jst(2025, 4, 2, 7, 5), true, night, d},
		{"live punch with a device clock a day off", jst(2025, 4, 1, 12, 0), jst(2025, 4, 2, 12, 0), false, nil, d},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			in.Kind, in.DeviceAt = ClockOut, nil
			if !tt.device.IsZero() {
				in.DeviceAt = &tt.device
			}
			got, err := Decide(in, tt.received, tt.delayed, nil, DefaultPolicy(), tokyo, 5*time.Hour, tt.sched)
			if err != nil {
				t.Fatal(err)
			}
			if got.BusinessDay != tt.want {
				t.Errorf("Decide(received %v, device %v).BusinessDay = %v, want %v", tt.received, tt.device, got.BusinessDay, tt.want)
			}
		})
	}
}

func TestDecideRecord(t *testing.T) {
	in := validInput()
	device := jst(2025, 4, 1, 8, 29).Add(1234567 * time.Nanosecond)
	in.DeviceAt = &device
	received := jst(2025, 4, 1, 8, 30).Add(1500 * time.Nanosecond)
	got, err := Decide(in, received, false, nil, DefaultPolicy(), tokyo, 5*time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantIn := in
	wantIn.DeviceAt = ptr(time.Date(2025, 3, 31, 23, 29, 0, 1000000, time.UTC))
	wantIn.WorkLocation = WorkOffice
	recvUTC := time.Date(2025, 3, 31, 23, 30, 0, 1000, time.UTC)
	want := Punch{
		Input:       wantIn,
		ReceivedAt:  recvUTC,
		At:          recvUTC,
		SkewMS:      -59999,
		BusinessDay: kintai.NewDate(2025, 4, 1),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decide(%+v) mismatch (-want +got):\n%s", in, diff)
	}
	if got.ReceivedAt.Location() != time.UTC || got.DeviceAt.Location() != time.UTC {
		t.Errorf("Decide stored times in %v and %v, want UTC", got.ReceivedAt.Location(), got.DeviceAt.Location())
	}
	if got.DeviceAt == in.DeviceAt {
		t.Error("Decide shares the caller's DeviceAt pointer")
	}

	if _, err := Decide(in, time.Time{}, false, nil, DefaultPolicy(), tokyo, 5*time.Hour, nil); kintai.ErrorCode(err) != kintai.EINTERNAL {
		t.Errorf("Decide with zero receive time = %v, want an internal error", err)
	}
	if _, err := Decide(in, received, false, nil, DefaultPolicy(), nil, 5*time.Hour, nil); kintai.ErrorCode(err) != kintai.EINTERNAL {
		t.Errorf("Decide with nil location = %v, want an internal error", err)
	}
}

func TestManual(t *testing.T) {
	received := jst(2025, 4, 2, 9, 0)
	base := Input{ClientKey: "corr-1", StaffID: 12, Kind: ClockOut, Method: MethodManual, Note: "退勤打刻漏れ"}
	tests := []struct {
		name       string
		edit       func(*Input)
		at         time.Time
		correctsID int64
		wantDay    kintai.Date
		wantField  string
	}{
		{"correction of the day before", nil, jst(2025, 4, 1, 17, 30), 41, kintai.NewDate(2025, 4, 1), ""},
		{"missing punch added", nil, jst(2025, 4, 1, 17, 30), 0, kintai.NewDate(2025, 4, 1), ""},
		{"entered at the receive time", nil, received, 0, kintai.NewDate(2025, 4, 2), ""},
		{"not the manual method", func(in *Input) { in.Method = MethodPC }, jst(2025, 4, 1, 17, 30), 41, kintai.Date{}, "method"},
		{"no time", nil, time.Time{}, 41, kintai.Date{}, "at"},
		{"in the future", nil, received.Add(time.Second), 0, kintai.Date{}, "at"},
		{"negative corrects_id", nil, jst(2025, 4, 1, 17, 30), -1, kintai.Date{}, "corrects_id"},
		{"invalid input", func(in *Input) { in.ClientKey = "" }, jst(2025, 4, 1, 17, 30), 41, kintai.Date{}, "client_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base
			if tt.edit != nil {
				tt.edit(&in)
			}
			got, err := Manual(in, tt.at, received, tt.correctsID, tokyo, 5*time.Hour, nil)
			if tt.wantField != "" {
				var e *kintai.Error
				if !errors.As(err, &e) || e.Code != kintai.EINVALID || e.Field != tt.wantField {
					t.Fatalf("Manual(%+v, %v) error = %v, want EINVALID on %s", in, tt.at, err, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatalf("Manual(%+v, %v) error = %v", in, tt.at, err)
			}
			if !got.At.Equal(tt.at) || !got.ReceivedAt.Equal(received) || got.CorrectsID != tt.correctsID || got.BusinessDay != tt.wantDay || got.Delayed || got.Flags != nil {
				t.Errorf("Manual(%+v, %v) = %+v, want at %v corrects %d day %v", in, tt.at, got, tt.at, tt.correctsID, tt.wantDay)
			}
		})
	}
}

func TestPolicy(t *testing.T) {
	if err := DefaultPolicy().Validate(); err != nil {
		t.Fatalf("DefaultPolicy().Validate() = %v", err)
	}
	want := Policy{MaxSkew: 5 * time.Minute, BatchMax: 1000, MaxDelay: 7 * 24 * time.Hour}
	if diff := cmp.Diff(want, DefaultPolicy()); diff != "" {
		t.Errorf("DefaultPolicy() mismatch (-want +got):\n%s", diff)
	}
	tests := []struct {
		name  string
		edit  func(*Policy)
		field string
	}{
		{"zero skew", func(p *Policy) { p.MaxSkew = 0 }, "max_skew"},
		{"zero batch", func(p *Policy) { p.BatchMax = 0 }, "batch_max"},
		{"negative delay", func(p *Policy) { p.MaxDelay = -time.Hour }, "max_delay"},
		{"refuse outside the fence", func(p *Policy) { p.GeofenceRefuse = true }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPolicy()
			tt.edit(&p)
			err := p.Validate()
			var e *kintai.Error
			switch {
			case tt.field == "" && err != nil:
				t.Errorf("Validate(%+v) = %v, want nil", p, err)
			case tt.field != "" && (!errors.As(err, &e) || e.Field != tt.field || e.Code != kintai.EINVALID):
				t.Errorf("Validate(%+v) = %v, want EINVALID on %s", p, err, tt.field)
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	p := DefaultPolicy()
	if err := p.CheckBatch(1000); err != nil {
		t.Errorf("CheckBatch(1000) = %v, want nil", err)
	}
	err := p.CheckBatch(1001)
	if kintai.ErrorCode(err) != kintai.EINVALID || RefusalReason(err) != ReasonBatchTooLarge {
		t.Errorf("CheckBatch(1001) = %v, want EINVALID %s", err, ReasonBatchTooLarge)
	}
	err = ErrKeyConflict()
	if kintai.ErrorCode(err) != kintai.ECONFLICT || RefusalReason(err) != ReasonKeyConflict {
		t.Errorf("ErrKeyConflict() = %v, want ECONFLICT %s", err, ReasonKeyConflict)
	}
	wrapped := fmt.Errorf("store: %w", ErrKeyConflict())
	if RefusalReason(wrapped) != ReasonKeyConflict {
		t.Errorf("RefusalReason(%v) = %q, want %q", wrapped, RefusalReason(wrapped), ReasonKeyConflict)
	}
	for _, err := range []error{nil, errors.New("boom"), kintai.Invalid("kind", "x", "x")} {
		if r := RefusalReason(err); r != "" {
			t.Errorf("RefusalReason(%v) = %q, want empty", err, r)
		}
	}
	for _, tt := range []struct {
		d      time.Duration
		ja, en string
	}{
		{7 * 24 * time.Hour, "7日", "7 days"},
		{36 * time.Hour, "36時間", "36 hours"},
		{90 * time.Minute, "1時間", "1 hour"},
		{24 * time.Hour, "1日", "1 day"},
		{30 * time.Minute, "30分", "30 minutes"},
	} {
		if ja, en := durationText(tt.d); ja != tt.ja || en != tt.en {
			t.Errorf("durationText(%v) = %q, %q, want %q, %q", tt.d, ja, en, tt.ja, tt.en)
		}
	}
}
