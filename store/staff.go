package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"kintai"
)

const staffColumns = `id, staff_no, name, kana, employment_type, appointed_on, appointment_ends_on,
	org_unit_id, COALESCE(supervisor_id, 0), email, created_at, updated_at`

func scanStaff(sc interface{ Scan(...any) error }) (kintai.Staff, error) {
	var s kintai.Staff
	err := sc.Scan(&s.ID, &s.StaffNo, &s.Name, &s.Kana, &s.EmploymentType, &s.AppointedOn, &s.AppointmentEndsOn,
		&s.OrgUnitID, &s.SupervisorID, &s.Email, scanTime{&s.CreatedAt}, scanTime{&s.UpdatedAt})
	return s, err
}

func findOneStaff(ctx context.Context, q querier, where string, arg any) (*kintai.Staff, error) {
	s, err := scanStaff(q.queryRow(ctx, `SELECT `+staffColumns+` FROM staff WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kintai.NotFound("職員", "Staff member")
	}
	if err != nil {
		return nil, err
	}
	if s.SiteIDs, err = staffSiteIDs(ctx, q, s.ID); err != nil {
		return nil, err
	}
	return &s, nil
}

func staffSiteIDs(ctx context.Context, q querier, staffID int64) ([]int64, error) {
	rows, err := q.query(ctx, `SELECT site_id FROM staff_sites WHERE staff_id = ? ORDER BY site_id`, staffID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// FindStaffByID returns the staff member with id.
func (db *DB) FindStaffByID(ctx context.Context, id int64) (*kintai.Staff, error) {
	return findOneStaff(ctx, db, `id = ?`, id)
}

// FindStaffByID returns the staff member with id.
func (tx *Tx) FindStaffByID(ctx context.Context, id int64) (*kintai.Staff, error) {
	return findOneStaff(ctx, tx, `id = ?`, id)
}

// FindStaffByNo returns the staff member with the 職員番号 no.
func (db *DB) FindStaffByNo(ctx context.Context, no string) (*kintai.Staff, error) {
	return findOneStaff(ctx, db, `staff_no = ?`, no)
}

// FindStaffByNo returns the staff member with the 職員番号 no.
func (tx *Tx) FindStaffByNo(ctx context.Context, no string) (*kintai.Staff, error) {
	return findOneStaff(ctx, tx, `staff_no = ?`, no)
}

// StaffFilter selects staff for lists and searches.
type StaffFilter struct {
	// Query matches 職員番号, 氏名 or カナ anywhere, ignoring spaces;
	// hiragana in it matches katakana.
	Query string
	// Units limits the result to these org units (already expanded to
	// include descendants); nil means no limit.
	Units  []int64
	Limit  int
	Offset int
}

// FindStaff returns one page of staff matching f, ordered by カナ, and the total count.
func (db *DB) FindStaff(ctx context.Context, f StaffFilter) ([]kintai.Staff, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if q := strings.Join(strings.Fields(f.Query), ""); q != "" {
		like := "%" + escapeLike(q) + "%"
		kana := "%" + escapeLike(toKatakana(q)) + "%"
		where = append(where, `(staff_no LIKE ? ESCAPE '\' OR REPLACE(REPLACE(name, ' ', ''), '　', '') LIKE ? ESCAPE '\' OR REPLACE(REPLACE(kana, ' ', ''), '　', '') LIKE ? ESCAPE '\')`)
		args = append(args, like, like, kana)
	}
	if f.Units != nil {
		if len(f.Units) == 0 {
			return nil, 0, nil
		}
		where = append(where, `org_unit_id IN (`+placeholders(len(f.Units))+`)`)
		for _, u := range f.Units {
			args = append(args, u)
		}
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM staff WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	rows, err := db.query(ctx, `SELECT `+staffColumns+` FROM staff WHERE `+cond+` ORDER BY kana, staff_no LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []kintai.Staff
	for rows.Next() {
		s, err := scanStaff(rows)
		if err != nil {
			return nil, 0, err
		}
		s.SiteIDs = []int64{}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, db.loadSiteIDs(ctx, out)
}

// loadSiteIDs fills in the sites of a page of staff with one query.
func (db *DB) loadSiteIDs(ctx context.Context, staff []kintai.Staff) error {
	if len(staff) == 0 {
		return nil
	}
	index := make(map[int64]int, len(staff))
	args := make([]any, len(staff))
	for i, s := range staff {
		index[s.ID] = i
		args[i] = s.ID
	}
	rows, err := db.query(ctx, `SELECT staff_id, site_id FROM staff_sites WHERE staff_id IN (`+placeholders(len(staff))+`) ORDER BY staff_id, site_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var staffID, siteID int64
		if err := rows.Scan(&staffID, &siteID); err != nil {
			return err
		}
		i := index[staffID]
		staff[i].SiteIDs = append(staff[i].SiteIDs, siteID)
	}
	return rows.Err()
}

// FindStaffActive returns, with their sites, the staff appointed on day
// on or whose appointment ended on endedSince or later, by id: those a
// server caches for the punch path.
func (db *DB) FindStaffActive(ctx context.Context, endedSince, on kintai.Date) ([]kintai.Staff, error) {
	rows, err := db.query(ctx, `SELECT `+staffColumns+` FROM staff
		WHERE appointed_on <= ? AND (appointment_ends_on IS NULL OR appointment_ends_on >= ?) ORDER BY id`, on, endedSince)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kintai.Staff
	index := map[int64]int{}
	for rows.Next() {
		s, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		s.SiteIDs = []int64{}
		index[s.ID] = len(out)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sites, err := db.query(ctx, `SELECT staff_id, site_id FROM staff_sites ORDER BY staff_id, site_id`)
	if err != nil {
		return nil, err
	}
	defer sites.Close()
	for sites.Next() {
		var staffID, siteID int64
		if err := sites.Scan(&staffID, &siteID); err != nil {
			return nil, err
		}
		if i, ok := index[staffID]; ok {
			out[i].SiteIDs = append(out[i].SiteIDs, siteID)
		}
	}
	return out, sites.Err()
}

// FindStaffSites returns the staff active on day on (within their 任用期間),
// by site id, for the load tool: a terminal punches for the staff of its site.
func (db *DB) FindStaffSites(ctx context.Context, on kintai.Date) (map[int64][]int64, error) {
	rows, err := db.query(ctx, `SELECT ss.site_id, ss.staff_id FROM staff_sites ss JOIN staff s ON s.id = ss.staff_id
		WHERE s.appointed_on <= ? AND (s.appointment_ends_on IS NULL OR s.appointment_ends_on >= ?)
		ORDER BY ss.site_id, ss.staff_id`, on, on)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var site, staff int64
		if err := rows.Scan(&site, &staff); err != nil {
			return nil, err
		}
		out[site] = append(out[site], staff)
	}
	return out, rows.Err()
}

// StaffNos returns every 職員番号 mapped to its staff id.
func (tx *Tx) StaffNos(ctx context.Context) (map[string]int64, error) {
	rows, err := tx.query(ctx, `SELECT staff_no, id FROM staff`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var no string
		var id int64
		if err := rows.Scan(&no, &id); err != nil {
			return nil, err
		}
		m[no] = id
	}
	return m, rows.Err()
}

// CreateStaff adds s with its sites and sets its ID.
func (tx *Tx) CreateStaff(ctx context.Context, s *kintai.Staff) error {
	if err := s.Validate(); err != nil {
		return err
	}
	s.CreatedAt, s.UpdatedAt = tx.Now, tx.Now
	s.SiteIDs = normaliseIDs(s.SiteIDs)
	id, err := tx.insert(ctx, `INSERT INTO staff (staff_no, name, kana, employment_type, appointed_on, appointment_ends_on,
		org_unit_id, supervisor_id, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.StaffNo, s.Name, s.Kana, s.EmploymentType, s.AppointedOn, s.AppointmentEndsOn,
		s.OrgUnitID, nullID(s.SupervisorID), s.Email, instant(tx.Now), instant(tx.Now))
	if err != nil {
		return staffWriteError(err)
	}
	s.ID = id
	if err := tx.setStaffSites(ctx, id, s.SiteIDs); err != nil {
		return err
	}
	return tx.Audit(ctx, "staff.create", "staff", id, nil, s)
}

// UpdateStaff saves s and its sites. It writes nothing, and no audit entry,
// when nothing changed; changed reports which.
func (tx *Tx) UpdateStaff(ctx context.Context, s *kintai.Staff) (changed bool, err error) {
	if err := s.Validate(); err != nil {
		return false, err
	}
	before, err := tx.FindStaffByID(ctx, s.ID)
	if err != nil {
		return false, err
	}
	s.SiteIDs = normaliseIDs(s.SiteIDs)
	s.CreatedAt, s.UpdatedAt = before.CreatedAt, before.UpdatedAt
	if sameStaff(before, s) {
		return false, nil
	}
	if s.SupervisorID != 0 {
		if err := tx.checkSupervisorCycle(ctx, s.ID, s.SupervisorID); err != nil {
			return false, err
		}
	}
	s.UpdatedAt = tx.Now
	if _, err := tx.exec(ctx, `UPDATE staff SET staff_no = ?, name = ?, kana = ?, employment_type = ?, appointed_on = ?,
		appointment_ends_on = ?, org_unit_id = ?, supervisor_id = ?, email = ?, updated_at = ? WHERE id = ?`,
		s.StaffNo, s.Name, s.Kana, s.EmploymentType, s.AppointedOn, s.AppointmentEndsOn,
		s.OrgUnitID, nullID(s.SupervisorID), s.Email, instant(tx.Now), s.ID); err != nil {
		return false, staffWriteError(err)
	}
	if !slices.Equal(before.SiteIDs, s.SiteIDs) {
		if _, err := tx.exec(ctx, `DELETE FROM staff_sites WHERE staff_id = ?`, s.ID); err != nil {
			return false, err
		}
		if err := tx.setStaffSites(ctx, s.ID, s.SiteIDs); err != nil {
			return false, err
		}
	}
	if err := tx.markStaffStale(ctx, before, s); err != nil {
		return false, err
	}
	return true, tx.Audit(ctx, "staff.update", "staff", s.ID, before, s)
}

// markStaffStale marks the results a change from before to after affects:
// the org unit (its cap profile) and the employment type (the part-timer
// band) from the month before the current one, as a rule-settings change
// does, since staff records carry no history; a changed appointment from
// the earlier of the changed dates, since days outside the 任用期間 are
// not work days.
func (tx *Tx) markStaffStale(ctx context.Context, before, after *kintai.Staff) error {
	var from kintai.Date
	if before.OrgUnitID != after.OrgUnitID || before.EmploymentType != after.EmploymentType {
		from = lastMonthStart(tx.Now)
	}
	earlier := func(d kintai.Date) {
		if !d.IsZero() && (from.IsZero() || d.Before(from)) {
			from = d
		}
	}
	if before.AppointedOn != after.AppointedOn {
		earlier(before.AppointedOn)
		earlier(after.AppointedOn)
	}
	if before.AppointmentEndsOn != after.AppointmentEndsOn {
		// An end moved later (or removed) changes the days after the
		// old end; moved earlier, those after the new one.
		for _, end := range []kintai.Date{before.AppointmentEndsOn, after.AppointmentEndsOn} {
			if !end.IsZero() {
				earlier(end.AddDays(1))
			}
		}
	}
	if from.IsZero() {
		return nil
	}
	return tx.markStale(ctx, []int64{after.ID}, from, kintai.Date{})
}

func sameStaff(a, b *kintai.Staff) bool {
	return a.StaffNo == b.StaffNo && a.Name == b.Name && a.Kana == b.Kana && a.EmploymentType == b.EmploymentType &&
		a.AppointedOn == b.AppointedOn && a.AppointmentEndsOn == b.AppointmentEndsOn && a.OrgUnitID == b.OrgUnitID &&
		a.SupervisorID == b.SupervisorID && a.Email == b.Email && slices.Equal(a.SiteIDs, b.SiteIDs)
}

// checkSupervisorCycle refuses a supervisor chain that leads back to id.
func (tx *Tx) checkSupervisorCycle(ctx context.Context, id, supervisor int64) error {
	for n := 0; supervisor != 0 && n < 64; n++ {
		if supervisor == id {
			return kintai.Invalid("supervisor_id", "上司の設定が循環しています。", "The supervisor chain would form a cycle.")
		}
		var next int64
		err := tx.queryRow(ctx, `SELECT COALESCE(supervisor_id, 0) FROM staff WHERE id = ?`, supervisor).Scan(&next)
		if errors.Is(err, sql.ErrNoRows) {
			return kintai.Invalid("supervisor_id", "上司が見つかりません。", "Supervisor not found.")
		}
		if err != nil {
			return err
		}
		supervisor = next
	}
	return nil
}

func (tx *Tx) setStaffSites(ctx context.Context, staffID int64, siteIDs []int64) error {
	for _, site := range siteIDs {
		if _, err := tx.exec(ctx, `INSERT INTO staff_sites (staff_id, site_id) VALUES (?, ?)`, staffID, site); err != nil {
			if isForeignKeyViolation(err) {
				return kintai.Invalid("site_ids", "拠点が見つかりません。", "Site not found.")
			}
			return err
		}
	}
	return nil
}

func staffWriteError(err error) error {
	switch {
	case isUniqueViolation(err):
		return &kintai.Error{Code: kintai.ECONFLICT, Field: "staff_no", Message: "同じ職員番号が既にあります。", MessageEN: "A staff member with this number already exists.", Err: err}
	case isForeignKeyViolation(err):
		return &kintai.Error{Code: kintai.EINVALID, Message: "所属または上司が見つかりません。", MessageEN: "Org unit or supervisor not found.", Err: err}
	}
	return fmt.Errorf("staff: %w", err)
}

func normaliseIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []int64{}
	}
	return out
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// toKatakana maps hiragana to katakana so a search typed in hiragana finds カナ.
func toKatakana(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'ぁ' && r <= 'ゖ' {
			return r + ('ァ' - 'ぁ')
		}
		return r
	}, s)
}
