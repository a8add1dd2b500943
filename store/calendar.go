package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"kintai"
	"kintai/calendar"
	"kintai/rules"
)

func findCalendarDays(ctx context.Context, q querier) ([]calendar.Day, error) {
	rows, err := q.query(ctx, `SELECT day_on, kind, name FROM calendar_days ORDER BY day_on, kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []calendar.Day
	for rows.Next() {
		var d calendar.Day
		if err := rows.Scan(&d.Date, &d.Kind, &d.Name); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// FindCalendarDays returns the stored holidays: the national days of
// uploaded files and the entity's own days, by date.
func (db *DB) FindCalendarDays(ctx context.Context) ([]calendar.Day, error) {
	return findCalendarDays(ctx, db)
}

func loadCalendar(ctx context.Context, q querier, opts calendar.Options) (*calendar.Calendar, error) {
	stored, err := findCalendarDays(ctx, q)
	if err != nil {
		return nil, err
	}
	var national, own []calendar.Day
	for _, d := range stored {
		if d.Kind == calendar.National {
			national = append(national, d)
		} else {
			own = append(own, d)
		}
	}
	// Uploaded national days replace the built-in ones year by year.
	return calendar.New(opts, calendar.Builtin(), own).Merge(national), nil
}

// Calendar returns the entity's holiday calendar: the built-in national
// holidays, replaced for the years of any uploaded file, the entity's own
// days and the 年末年始 of the settings.
func (db *DB) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	s, err := findRuleSettings(ctx, db)
	if err != nil {
		return nil, err
	}
	return loadCalendar(ctx, db, s.Calendar)
}

// HolidayKind maps a holiday to the day kind of the rules engine.
func HolidayKind(d calendar.Day) rules.DayKind {
	if d.Kind == calendar.YearEnd {
		return rules.YearEnd
	}
	return rules.Holiday
}

// HolidayFunc returns the holiday lookup rules.Plan takes, on cal.
func HolidayFunc(cal *calendar.Calendar) func(kintai.Date) (rules.DayKind, bool) {
	return func(d kintai.Date) (rules.DayKind, bool) {
		h, ok := cal.Lookup(d)
		if !ok {
			return "", false
		}
		return HolidayKind(h), true
	}
}

// HolidayImport is the outcome of ImportHolidays.
type HolidayImport struct {
	Years []int `json:"years"`
	Days  int   `json:"days"`
}

// ImportHolidays stores national holidays read from a Cabinet Office file
// (calendar.Parse): for every year the file covers they replace the
// national days stored before and the built-in ones. The results of those
// years are marked stale for everyone.
func (tx *Tx) ImportHolidays(ctx context.Context, days []calendar.Day) (HolidayImport, error) {
	var res HolidayImport
	for _, d := range days {
		if d.Kind != calendar.National {
			return res, kintai.Invalid("file", "祝日ファイルには国民の祝日・休日だけを含めてください。", "A holiday file holds national holidays only.")
		}
		if !slices.Contains(res.Years, d.Date.Year) {
			res.Years = append(res.Years, d.Date.Year)
		}
	}
	if len(res.Years) == 0 {
		return res, kintai.Invalid("file", "祝日ファイルに祝日がありません。", "The holiday file has no holidays.")
	}
	slices.Sort(res.Years)
	first, last := kintai.NewDate(res.Years[0], 1, 1), kintai.NewDate(res.Years[len(res.Years)-1], 12, 31)
	for _, y := range res.Years {
		if _, err := tx.exec(ctx, `DELETE FROM calendar_days WHERE kind = 'national' AND day_on >= ? AND day_on <= ?`,
			kintai.NewDate(y, 1, 1), kintai.NewDate(y, 12, 31)); err != nil {
			return res, fmt.Errorf("holidays: %w", err)
		}
	}
	seen := map[kintai.Date]bool{}
	for _, d := range days {
		if seen[d.Date] {
			continue
		}
		seen[d.Date] = true
		if _, err := tx.exec(ctx, `INSERT INTO calendar_days (day_on, kind, name, created_at) VALUES (?, 'national', ?, ?)`,
			d.Date, d.Name, instant(tx.Now)); err != nil {
			return res, fmt.Errorf("holidays: %w", err)
		}
		res.Days++
	}
	if err := tx.markStale(ctx, nil, first, last); err != nil {
		return res, err
	}
	return res, tx.AuditKey(ctx, "calendar.import", "calendar", yearsKey(res.Years), nil, res)
}

func yearsKey(years []int) string {
	s := make([]string, len(years))
	for i, y := range years {
		s[i] = fmt.Sprint(y)
	}
	return strings.Join(s, ",")
}

// AddEntityDay adds one of the entity's own holidays (条例で定める休日).
// The results of its month are marked stale for everyone.
func (tx *Tx) AddEntityDay(ctx context.Context, d *calendar.Day) error {
	d.Kind = calendar.Entity
	d.Name = strings.TrimSpace(d.Name)
	if d.Date.IsZero() {
		return kintai.Invalid("date", "日付を入力してください。", "The date is required.")
	}
	if d.Name == "" || len([]rune(d.Name)) > 50 {
		return kintai.Invalid("name", "休日の名前を50文字以内で入力してください。", "Give the holiday a name of at most 50 characters.")
	}
	_, err := tx.exec(ctx, `INSERT INTO calendar_days (day_on, kind, name, created_at) VALUES (?, 'entity', ?, ?)`, d.Date, d.Name, instant(tx.Now))
	if isUniqueViolation(err) {
		return &kintai.Error{Code: kintai.ECONFLICT, Field: "date", Message: "その日は既に団体の休日です。", MessageEN: "That day is already an entity holiday."}
	}
	if err != nil {
		return fmt.Errorf("entity day: %w", err)
	}
	if err := tx.markStale(ctx, nil, d.Date, d.Date); err != nil {
		return err
	}
	return tx.AuditKey(ctx, "calendar.entity_day.create", "calendar_day", d.Date.String(), nil, d)
}

// DeleteEntityDay removes the entity's own holiday on date.
func (tx *Tx) DeleteEntityDay(ctx context.Context, date kintai.Date) error {
	var before calendar.Day
	err := tx.queryRow(ctx, `SELECT day_on, kind, name FROM calendar_days WHERE day_on = ? AND kind = 'entity'`, date).
		Scan(&before.Date, &before.Kind, &before.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return kintai.NotFound("団体の休日", "Entity holiday")
	}
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM calendar_days WHERE day_on = ? AND kind = 'entity'`, date); err != nil {
		return fmt.Errorf("entity day: %w", err)
	}
	if err := tx.markStale(ctx, nil, date, date); err != nil {
		return err
	}
	return tx.AuditKey(ctx, "calendar.entity_day.delete", "calendar_day", date.String(), before, nil)
}
