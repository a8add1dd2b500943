package store_test

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"kintai"
	"kintai/rules"
	"kintai/store"
	"kintai/store/storetest"
)

// Patterns of the rules tests.
var (
	stdPattern = rules.Pattern{Code: "STD", Name: "標準", Kind: rules.PatternFixed, Weekdays: 62,
		Hours: rules.Span{StartMin: 510, EndMin: 1035}, Breaks: []rules.Span{{StartMin: 720, EndMin: 780}}}
	flexTestPattern = rules.Pattern{Code: "FLEX", Name: "フレックス", Kind: rules.PatternFlex, Weekdays: 62, UnitWeeks: 1,
		RequiredMin: 2325, Core: &rules.Span{StartMin: 600, EndMin: 900}, Band: &rules.Span{StartMin: 420, EndMin: 1320}, MinDailyMin: 240}
	staggeredTestPattern = rules.Pattern{Code: "JISA", Name: "時差", Kind: rules.PatternStaggered, Weekdays: 62,
		Hours: rules.Span{StartMin: 510, EndMin: 1035}, Breaks: []rules.Span{{StartMin: 720, EndMin: 780}},
		Options: []rules.Span{{StartMin: 450, EndMin: 975}, {StartMin: 570, EndMin: 1095}}}
	shiftTestPattern = rules.Pattern{Code: "SHIFT", Name: "シフト", Kind: rules.PatternShift, PartTime: true}
	nightTestPattern = rules.Pattern{Code: "NIGHT", Name: "夜勤", Kind: rules.PatternFixed, Weekdays: 127,
		Hours: rules.Span{StartMin: 1320, EndMin: 1845}, Breaks: []rules.Span{{StartMin: 1560, EndMin: 1620}}}
)

// system runs fn in a transaction as the system.
func system(t *testing.T, db *store.DB, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}

// systemErr is system returning the error.
func systemErr(db *store.DB, fn func(ctx context.Context, tx *store.Tx) error) error {
	ctx := context.Background()
	return db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error { return fn(ctx, tx) })
}

func TestPatterns(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var created []rules.Pattern
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			for _, p := range []rules.Pattern{stdPattern, flexTestPattern, staggeredTestPattern, shiftTestPattern, nightTestPattern} {
				if err := tx.CreatePattern(ctx, &p); err != nil {
					return err
				}
				if p.ID == 0 {
					t.Errorf("CreatePattern(%s) set no ID", p.Code)
				}
				created = append(created, p)
			}
			return nil
		})
		for _, want := range created {
			got, err := db.FindPatternByID(ctx, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("FindPatternByID(%s) (-want +got):\n%s", want.Code, diff)
			}
		}
		all, err := db.FindPatterns(ctx)
		if err != nil || len(all) != len(created) || all[0].Code != "FLEX" {
			t.Errorf("FindPatterns() = %d patterns (first %+v), %v; want %d by code", len(all), all, err, len(created))
		}

		refusals := []struct {
			name  string
			p     rules.Pattern
			code  string
			field string
		}{
			{"no code", rules.Pattern{Name: "x", Kind: rules.PatternShift}, kintai.EINVALID, "code"},
			{"no name", rules.Pattern{Code: "X", Kind: rules.PatternShift}, kintai.EINVALID, "name"},
			{"unknown kind", rules.Pattern{Code: "X", Name: "x", Kind: "rota"}, kintai.EINVALID, "kind"},
			{"break outside hours", rules.Pattern{Code: "X", Name: "x", Kind: rules.PatternFixed, Weekdays: 2,
				Hours: rules.Span{StartMin: 540, EndMin: 600}, Breaks: []rules.Span{{StartMin: 700, EndMin: 760}}}, kintai.EINVALID, "breaks"},
			{"duplicate code", stdPattern, kintai.ECONFLICT, "code"},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				err := systemErr(db, func(ctx context.Context, tx *store.Tx) error { return tx.CreatePattern(ctx, &tt.p) })
				var e *kintai.Error
				if kintai.ErrorCode(err) != tt.code || !asError(err, &e) || e.Field != tt.field {
					t.Errorf("CreatePattern(%+v) = %v, want %s on %s", tt.p, err, tt.code, tt.field)
				}
			})
		}

		// An update is audited and seen.
		up := created[0]
		up.Hours, up.Breaks = rules.Span{StartMin: 540, EndMin: 1065}, []rules.Span{{StartMin: 750, EndMin: 810}}
		system(t, db, func(ctx context.Context, tx *store.Tx) error { return tx.UpdatePattern(ctx, &up) })
		got, err := db.FindPatternByID(ctx, up.ID)
		if err != nil || got.Hours != up.Hours {
			t.Errorf("after UpdatePattern, FindPatternByID = %+v, %v; want hours %v", got, err, up.Hours)
		}
		if _, err := db.FindPatternByID(ctx, 999); kintai.ErrorCode(err) != kintai.ENOTFOUND {
			t.Errorf("FindPatternByID(999) = %v, want not_found", err)
		}
	})
}

func asError(err error, target **kintai.Error) bool {
	e, ok := err.(*kintai.Error)
	if ok {
		*target = e
	}
	return ok
}

func TestWorkPatternIsFixedPattern(t *testing.T) {
	tests := []struct {
		name string
		wp   store.WorkPattern
		want rules.Pattern
	}{
		{"standard day", store.WorkPattern{Code: "D", Name: "日勤", StartMin: 510, EndMin: 1035, BreakMin: 60, Weekdays: 62},
			rules.Pattern{Code: "D", Name: "日勤", Kind: rules.PatternFixed, Weekdays: 62, Hours: rules.Span{StartMin: 510, EndMin: 1035},
				Breaks: []rules.Span{{StartMin: 735, EndMin: 795}}}},
		{"night", store.WorkPattern{Code: "N", Name: "夜勤", StartMin: 1320, EndMin: 1860, BreakMin: 60, Weekdays: 127},
			rules.Pattern{Code: "N", Name: "夜勤", Kind: rules.PatternFixed, Weekdays: 127, Hours: rules.Span{StartMin: 1320, EndMin: 1860},
				Breaks: []rules.Span{{StartMin: 1560, EndMin: 1620}}}},
		{"no break", store.WorkPattern{Code: "P", Name: "短時間", StartMin: 540, EndMin: 780, Weekdays: 62},
			rules.Pattern{Code: "P", Name: "短時間", Kind: rules.PatternFixed, Weekdays: 62, Hours: rules.Span{StartMin: 540, EndMin: 780}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.wp.Pattern()); diff != "" {
				t.Errorf("%+v.Pattern() (-want +got):\n%s", tt.wp, diff)
			}
		})
	}
}

func TestAssignPattern(t *testing.T) {
	storetest.Each(t, storetest.NewClock(t0).Now, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, _, _, s := seed(t, db)
		std, night := stdPattern, nightTestPattern
		d := kintai.NewDate
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.CreatePattern(ctx, &std); err != nil {
				return err
			}
			if err := tx.CreatePattern(ctx, &night); err != nil {
				return err
			}
			if _, err := tx.AssignPattern(ctx, s.ID, std.ID, d(2026, 4, 1), kintai.Date{}); err != nil {
				return err
			}
			// Nights in October split the open-ended day pattern.
			_, err := tx.AssignPattern(ctx, s.ID, night.ID, d(2026, 10, 1), d(2026, 10, 31))
			return err
		})
		got, err := db.FindPatternAssignments(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		type window struct {
			Code     string
			From, To kintai.Date
		}
		var windows []window
		for _, a := range got {
			windows = append(windows, window{a.Pattern.Code, a.ValidFrom, a.ValidTo})
		}
		want := []window{{"STD", d(2026, 4, 1), d(2026, 9, 30)}, {"NIGHT", d(2026, 10, 1), d(2026, 10, 31)}, {"STD", d(2026, 11, 1), kintai.Date{}}}
		if diff := cmp.Diff(want, windows); diff != "" {
			t.Errorf("assignments after a split (-want +got):\n%s", diff)
		}

		// A window over the start of October and the whole of it.
		system(t, db, func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.AssignPattern(ctx, s.ID, std.ID, d(2026, 9, 15), d(2026, 10, 31))
			return err
		})
		got, _ = db.FindPatternAssignments(ctx, s.ID)
		windows = windows[:0]
		for _, a := range got {
			windows = append(windows, window{a.Pattern.Code, a.ValidFrom, a.ValidTo})
		}
		want = []window{{"STD", d(2026, 4, 1), d(2026, 9, 14)}, {"STD", d(2026, 9, 15), d(2026, 10, 31)}, {"STD", d(2026, 11, 1), kintai.Date{}}}
		if diff := cmp.Diff(want, windows); diff != "" {
			t.Errorf("assignments after a cut (-want +got):\n%s", diff)
		}

		for _, tt := range []struct {
			name           string
			staff, pattern int64
			from, to       kintai.Date
			field          string
			wantCode       string
		}{
			{"unknown pattern", s.ID, 999, d(2026, 4, 1), kintai.Date{}, "pattern_id", kintai.EINVALID},
			{"unknown staff", 999, std.ID, d(2026, 4, 1), kintai.Date{}, "staff_id", kintai.EINVALID},
			{"no first day", s.ID, std.ID, kintai.Date{}, kintai.Date{}, "valid_from", kintai.EINVALID},
			{"ends before it starts", s.ID, std.ID, d(2026, 4, 2), d(2026, 4, 1), "valid_to", kintai.EINVALID},
		} {
			t.Run(tt.name, func(t *testing.T) {
				err := systemErr(db, func(ctx context.Context, tx *store.Tx) error {
					_, err := tx.AssignPattern(ctx, tt.staff, tt.pattern, tt.from, tt.to)
					return err
				})
				var e *kintai.Error
				if kintai.ErrorCode(err) != tt.wantCode || !asError(err, &e) || e.Field != tt.field {
					t.Errorf("AssignPattern = %v, want %s on %s", err, tt.wantCode, tt.field)
				}
			})
		}
	})
}

func TestScheduleShiftOn(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Tokyo")
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	all := kintai.NewDate(2026, 1, 1)
	sched := func(p rules.Pattern) store.Schedule {
		return store.Schedule{Loc: loc, Assignments: []store.PatternAssignment{{Pattern: p, ValidFrom: all}}}
	}
	tests := []struct {
		name       string
		p          rules.Pattern
		day        kintai.Date
		start, end time.Time
		ok         bool
	}{
		{"fixed weekday", stdPattern, kintai.NewDate(2026, 10, 5), at(2026, 10, 5, 8, 30), at(2026, 10, 5, 17, 15), true},
		{"fixed weekend", stdPattern, kintai.NewDate(2026, 10, 4), time.Time{}, time.Time{}, false},
		{"night into the next day", nightTestPattern, kintai.NewDate(2026, 10, 4), at(2026, 10, 4, 22, 0), at(2026, 10, 5, 6, 45), true},
		{"flex core", flexTestPattern, kintai.NewDate(2026, 10, 5), at(2026, 10, 5, 10, 0), at(2026, 10, 5, 15, 0), true},
		{"shift without hours", shiftTestPattern, kintai.NewDate(2026, 10, 5), time.Time{}, time.Time{}, false},
		{"before the assignment", stdPattern, kintai.NewDate(2025, 12, 31), time.Time{}, time.Time{}, false},
	}
	// Day shifts around 10/5 override the pattern.
	oct5 := kintai.NewDate(2026, 10, 5)
	withShifts := func(p rules.Pattern) store.Schedule {
		return store.NewSchedule([]store.PatternAssignment{{Pattern: p, ValidFrom: all}}, []store.DayShift{
			{Date: oct5, DayShift: rules.DayShift{Hours: rules.Span{StartMin: 780, EndMin: 1140}}},
			{Date: oct5.AddDays(1), DayShift: rules.DayShift{Off: true}},
			{Date: oct5.AddDays(2), DayShift: rules.DayShift{Hours: rules.Span{StartMin: 1320, EndMin: 1860}}},
		}, oct5, loc)
	}
	shiftTests := []struct {
		name       string
		p          rules.Pattern
		day        kintai.Date
		start, end time.Time
		ok         bool
	}{
		{"a part-timer's day shift", shiftTestPattern, oct5, at(2026, 10, 5, 13, 0), at(2026, 10, 5, 19, 0), true},
		{"a day shift over a fixed weekday", stdPattern, oct5, at(2026, 10, 5, 13, 0), at(2026, 10, 5, 19, 0), true},
		{"an extra day off", stdPattern, oct5.AddDays(1), time.Time{}, time.Time{}, false},
		{"a night day shift", shiftTestPattern, oct5.AddDays(2), at(2026, 10, 7, 22, 0), at(2026, 10, 8, 7, 0), true},
		{"no day shift: the pattern", stdPattern, oct5.AddDays(3), at(2026, 10, 8, 8, 30), at(2026, 10, 8, 17, 15), true},
	}
	for _, tt := range shiftTests {
		t.Run(tt.name, func(t *testing.T) {
			start, end, ok := withShifts(tt.p).ShiftOn(tt.day)
			if !start.Equal(tt.start) || !end.Equal(tt.end) || ok != tt.ok {
				t.Errorf("ShiftOn(%v) = %v, %v, %v; want %v, %v, %v", tt.day, start, end, ok, tt.start, tt.end, tt.ok)
			}
		})
	}
	s := withShifts(stdPattern)
	for _, c := range []struct {
		day  kintai.Date
		want bool
	}{{oct5, true}, {oct5.AddDays(6), true}, {oct5.AddDays(7), false}, {oct5.AddDays(-6), true}, {oct5.AddDays(-7), false}} {
		if got := s.Covers(c.day); got != c.want {
			t.Errorf("Covers(%v) of a window around %v = %v, want %v", c.day, oct5, got, c.want)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end, ok := sched(tt.p).ShiftOn(tt.day)
			if !start.Equal(tt.start) || !end.Equal(tt.end) || ok != tt.ok {
				t.Errorf("ShiftOn(%v) = %v, %v, %v; want %v, %v, %v", tt.day, start, end, ok, tt.start, tt.end, tt.ok)
			}
		})
	}
}

// TestMigrateLegacyPatterns applies the 0003 migration over a database
// that has patterns and assignments in the 0001 form: each keeps its
// hours, gets its break in the middle of them, and stays assigned.
func TestMigrateLegacyPatterns(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn, driver := storetest.NewSQLitePath(t), "sqlite"
			if d == store.Postgres {
				dsn, driver = storetest.NewPostgresURL(t), "pgx"
			}
			raw, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			stmts := []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`}
			for i, name := range []string{"0001_init.sql", "0002_punches.sql"} {
				body, err := os.ReadFile("migrations/" + string(d) + "/" + name)
				if err != nil {
					t.Fatal(err)
				}
				stmts = append(stmts, string(body), `INSERT INTO schema_migrations VALUES (`+string(rune('1'+i))+`, '`+name+`', '2026-01-01')`)
			}
			stmts = append(stmts,
				`INSERT INTO org_units (code, name, kind, created_at, updated_at) VALUES ('B01', '総務部', 'bu', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
				`INSERT INTO staff (staff_no, name, kana, employment_type, appointed_on, org_unit_id, created_at, updated_at)
					VALUES ('000001', '世田　花子', 'セタ　ハナコ', 'regular', '2020-04-01', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
				`INSERT INTO work_patterns (code, name, start_min, end_min, break_min, weekdays, created_at)
					VALUES ('D1', '日勤', 510, 1035, 60, 62, '2026-01-01T00:00:00Z'), ('P1', '短時間', 540, 780, 0, 62, '2026-01-01T00:00:00Z')`,
				`INSERT INTO staff_work_patterns (staff_id, pattern_id, valid_from_on) VALUES (1, 1, '2026-04-01')`,
			)
			for _, q := range stmts {
				if _, err := raw.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			db, err := store.Open(ctx, dsn, storetest.NewClock(t0).Now)
			if err != nil {
				t.Fatalf("migrate a 0002 database: %v", err)
			}
			defer db.Close()
			got, err := db.FindPatterns(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := []rules.Pattern{
				{ID: 1, Code: "D1", Name: "日勤", Kind: rules.PatternFixed, Weekdays: 62, Hours: rules.Span{StartMin: 510, EndMin: 1035},
					Breaks: []rules.Span{{StartMin: 735, EndMin: 795}}},
				{ID: 2, Code: "P1", Name: "短時間", Kind: rules.PatternFixed, Weekdays: 62, Hours: rules.Span{StartMin: 540, EndMin: 780}},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("migrated patterns (-want +got):\n%s", diff)
			}
			asg, err := db.FindPatternAssignments(ctx, 1)
			if err != nil || len(asg) != 1 || asg[0].Pattern.Code != "D1" {
				t.Errorf("FindPatternAssignments = %+v, %v; want the D1 assignment", asg, err)
			}
			// The assignment's foreign key follows the rebuilt table.
			err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
				_, err := tx.AssignPattern(ctx, 1, 2, kintai.NewDate(2026, 5, 1), kintai.Date{})
				return err
			})
			if err != nil {
				t.Errorf("AssignPattern after the migration: %v", err)
			}
			if err := db.ExecForTest(ctx, `INSERT INTO staff_work_patterns (staff_id, pattern_id, valid_from_on) VALUES (1, 99, '2026-06-01')`); err == nil {
				t.Error("an assignment to a missing pattern was stored, want the foreign key to refuse it")
			}
		})
	}
}
