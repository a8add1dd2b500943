package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kintai"
)

const siteColumns = `id, code, name, address, geo_lat, geo_lng, geo_radius_m, created_at, updated_at`

func scanSite(sc interface{ Scan(...any) error }) (kintai.Site, error) {
	var s kintai.Site
	var lat, lng sql.NullFloat64
	var radius sql.NullInt64
	err := sc.Scan(&s.ID, &s.Code, &s.Name, &s.Address, &lat, &lng, &radius, scanTime{&s.CreatedAt}, scanTime{&s.UpdatedAt})
	if lat.Valid && lng.Valid && radius.Valid {
		r := int(radius.Int64)
		s.Lat, s.Lng, s.RadiusM = &lat.Float64, &lng.Float64, &r
	}
	return s, err
}

func findSites(ctx context.Context, q querier) ([]kintai.Site, error) {
	rows, err := q.query(ctx, `SELECT `+siteColumns+` FROM sites ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kintai.Site
	for rows.Next() {
		s, err := scanSite(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// FindSites returns every site ordered by code.
func (db *DB) FindSites(ctx context.Context) ([]kintai.Site, error) { return findSites(ctx, db) }

// FindSites returns every site ordered by code.
func (tx *Tx) FindSites(ctx context.Context) ([]kintai.Site, error) { return findSites(ctx, tx) }

func findSite(ctx context.Context, q querier, where string, arg any) (*kintai.Site, error) {
	s, err := scanSite(q.queryRow(ctx, `SELECT `+siteColumns+` FROM sites WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kintai.NotFound("拠点", "Site")
	}
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// FindSiteByID returns the site with id.
func (db *DB) FindSiteByID(ctx context.Context, id int64) (*kintai.Site, error) {
	return findSite(ctx, db, `id = ?`, id)
}

// FindSiteByID returns the site with id.
func (tx *Tx) FindSiteByID(ctx context.Context, id int64) (*kintai.Site, error) {
	return findSite(ctx, tx, `id = ?`, id)
}

// CreateSite adds s and sets its ID.
func (tx *Tx) CreateSite(ctx context.Context, s *kintai.Site) error {
	if err := s.Validate(); err != nil {
		return err
	}
	s.CreatedAt, s.UpdatedAt = tx.Now, tx.Now
	id, err := tx.insert(ctx, `INSERT INTO sites (code, name, address, geo_lat, geo_lng, geo_radius_m, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		s.Code, s.Name, s.Address, s.Lat, s.Lng, s.RadiusM, instant(tx.Now), instant(tx.Now))
	if err != nil {
		return siteWriteError(err)
	}
	s.ID = id
	return tx.Audit(ctx, "site.create", "site", id, nil, s)
}

// UpdateSite saves s.
func (tx *Tx) UpdateSite(ctx context.Context, s *kintai.Site) error {
	if err := s.Validate(); err != nil {
		return err
	}
	before, err := tx.FindSiteByID(ctx, s.ID)
	if err != nil {
		return err
	}
	s.CreatedAt, s.UpdatedAt = before.CreatedAt, tx.Now
	if _, err := tx.exec(ctx, `UPDATE sites SET code = ?, name = ?, address = ?, geo_lat = ?, geo_lng = ?, geo_radius_m = ?, updated_at = ? WHERE id = ?`,
		s.Code, s.Name, s.Address, s.Lat, s.Lng, s.RadiusM, instant(tx.Now), s.ID); err != nil {
		return siteWriteError(err)
	}
	return tx.Audit(ctx, "site.update", "site", s.ID, before, s)
}

func siteWriteError(err error) error {
	if isUniqueViolation(err) {
		return &kintai.Error{Code: kintai.ECONFLICT, Field: "code", Message: "同じ拠点コードが既にあります。", MessageEN: "A site with this code already exists.", Err: err}
	}
	return fmt.Errorf("site: %w", err)
}
