package store

import (
	"context"
	"fmt"

	"kintai"
)

// windowTable names a table of rows valid from valid_from_on to
// valid_to_on (NULL: open-ended) per value of key, such as a staff
// member's pattern assignments or pay.
type windowTable struct {
	table, key string
	// copy lists the other columns a row split in two keeps in both halves.
	copy string
}

// cutWindows makes room for a new row of key value k valid from from to to
// (zero: open-ended): rows inside the window are deleted, rows overlapping
// one end are cut back, and a row spanning the whole window is split in
// two around it.
func (tx *Tx) cutWindows(ctx context.Context, t windowTable, k int64, from, to kintai.Date) error {
	q := `SELECT id, valid_from_on, valid_to_on FROM ` + t.table + ` WHERE ` + t.key + ` = ? AND (valid_to_on IS NULL OR valid_to_on >= ?)`
	args := []any{k, from}
	if !to.IsZero() {
		q += ` AND valid_from_on <= ?`
		args = append(args, to)
	}
	type win struct {
		id           int64
		from, to     kintai.Date
		before, past bool
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	var ws []win
	for rows.Next() {
		var w win
		if err := rows.Scan(&w.id, &w.from, &w.to); err != nil {
			rows.Close()
			return err
		}
		w.before = w.from.Before(from)
		w.past = !to.IsZero() && (w.to.IsZero() || w.to.After(to))
		ws = append(ws, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, w := range ws {
		var err error
		switch {
		case w.before && w.past:
			_, err = tx.exec(ctx, `INSERT INTO `+t.table+` (`+t.key+`, `+t.copy+`, valid_from_on, valid_to_on)
				SELECT `+t.key+`, `+t.copy+`, ?, ? FROM `+t.table+` WHERE id = ?`, to.AddDays(1), w.to, w.id)
			if err == nil {
				_, err = tx.exec(ctx, `UPDATE `+t.table+` SET valid_to_on = ? WHERE id = ?`, from.AddDays(-1), w.id)
			}
		case w.before:
			_, err = tx.exec(ctx, `UPDATE `+t.table+` SET valid_to_on = ? WHERE id = ?`, from.AddDays(-1), w.id)
		case w.past:
			_, err = tx.exec(ctx, `UPDATE `+t.table+` SET valid_from_on = ? WHERE id = ?`, to.AddDays(1), w.id)
		default:
			_, err = tx.exec(ctx, `DELETE FROM `+t.table+` WHERE id = ?`, w.id)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", t.table, err)
		}
	}
	return nil
}

// validWindow checks a validity window given by a person.
func validWindow(from, to kintai.Date) error {
	if from.IsZero() {
		return kintai.Invalid("valid_from", "適用開始日を入力してください。", "The first day is required.")
	}
	if !to.IsZero() && to.Before(from) {
		return kintai.Invalid("valid_to", "適用終了日は開始日以降にしてください。", "The last day must not be before the first.")
	}
	return nil
}
