package tenancy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// ErrNotFound is returned for an unknown tenant or office.
var ErrNotFound = errors.New("not found")

// Store reads and changes tenants and offices.
type Store struct{ DB *db.DB }

// Get returns one tenant.
func (s Store) Get(ctx context.Context, id db.TenantID) (Tenant, error) {
	var t Tenant
	err := s.DB.Reader().NewSelect().Model(&t).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("tenant %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("tenant %s: %w", id, err)
	}
	return t, nil
}

// GetMany returns the tenants with the given ids, in no particular order.
func (s Store) GetMany(ctx context.Context, ids []db.TenantID) ([]Tenant, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var ts []Tenant
	if err := s.DB.Reader().NewSelect().Model(&ts).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("tenants: %w", err)
	}
	return ts, nil
}

// Filter narrows a tenant list.
type Filter struct {
	Query  string // part of the name or the KSH code
	County string
	Phase  Phase
	After  db.TenantID // cursor: list tenants with a greater id
	Limit  int
}

// List returns tenants ordered by id, for cursor pagination.
func (s Store) List(ctx context.Context, f Filter) ([]Tenant, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var ts []Tenant
	q := s.DB.Reader().NewSelect().Model(&ts).OrderExpr("id").Limit(int64(f.Limit))
	if f.Query != "" {
		q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("lower(name) LIKE ?", "%"+strings.ToLower(f.Query)+"%").WhereOr("id = ?", f.Query)
		})
	}
	if f.County != "" {
		q.Where("county = ?", f.County)
	}
	if f.Phase != "" {
		q.Where("phase = ?", f.Phase)
	}
	if f.After != "" {
		q.Where("id > ?", f.After)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return ts, nil
}

// Count returns the number of tenants.
func (s Store) Count(ctx context.Context) (int, error) {
	n, err := s.DB.Reader().NewSelect().Model((*Tenant)(nil)).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("count tenants: %w", err)
	}
	return int(n), nil
}

// Office returns one office.
func (s Store) Office(ctx context.Context, id string) (Office, error) {
	var o Office
	err := s.DB.Reader().NewSelect().Model(&o).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("office %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("office %s: %w", id, err)
	}
	return o, nil
}

// OfficeTenants returns the tenants an office serves, the seat first.
func (s Store) OfficeTenants(ctx context.Context, officeID string) ([]Tenant, error) {
	var ts []Tenant
	err := s.DB.Reader().NewSelect().Model(&ts).Where("office_id = ?", officeID).
		OrderExpr("CASE WHEN id = (SELECT seat_tenant_id FROM offices WHERE offices.id = ?) THEN 0 ELSE 1 END, name", officeID).
		Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("tenants of office %s: %w", officeID, err)
	}
	return ts, nil
}

// Settings are the operational fields the operating centre manages.
type Settings struct {
	ConnectionMode ConnectionMode
	Phase          Phase
}

// UpdateSettings changes a tenant's connection mode and phase inside tx.
func (s Store) UpdateSettings(ctx context.Context, tx bun.IDB, id db.TenantID, set Settings, now time.Time) error {
	if !set.ConnectionMode.Valid() || !set.Phase.Valid() {
		return fmt.Errorf("tenant %s: invalid settings %+v", id, set)
	}
	res, err := tx.NewUpdate().Model((*Tenant)(nil)).
		Set("connection_mode = ?", set.ConnectionMode).Set("phase = ?", set.Phase).Set("updated_at = ?", now).
		Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update tenant %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("tenant %s: %w", id, ErrNotFound)
	}
	return nil
}

// Modules returns the modules enabled for a tenant.
func (s Store) Modules(ctx context.Context, id db.TenantID) ([]string, error) {
	var mods []string
	err := s.DB.Reader().NewSelect().Model((*TenantModule)(nil)).Column("module").
		Where("tenant_id = ?", id).OrderExpr("module").Scan(ctx, &mods)
	if err != nil {
		return nil, fmt.Errorf("modules of %s: %w", id, err)
	}
	return mods, nil
}

// SetModules replaces the set of modules enabled for a tenant inside tx.
func (s Store) SetModules(ctx context.Context, tx bun.IDB, id db.TenantID, modules []string, now time.Time) error {
	if _, err := tx.NewDelete().Model((*TenantModule)(nil)).Where("tenant_id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("modules of %s: %w", id, err)
	}
	if len(modules) == 0 {
		return nil
	}
	rows := make([]TenantModule, len(modules))
	for i, m := range modules {
		rows[i] = TenantModule{TenantID: id, Module: m, EnabledAt: now}
	}
	if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("modules of %s: %w", id, err)
	}
	return nil
}

// PhaseCounts returns how many tenants are in each onboarding phase.
func (s Store) PhaseCounts(ctx context.Context) (map[Phase]int, int, error) {
	var rows []struct {
		Phase Phase `bun:"phase"`
		N     int   `bun:"n"`
	}
	if err := s.DB.Reader().NewSelect().Model((*Tenant)(nil)).ColumnExpr("phase, count(*) AS n").
		GroupExpr("phase").Scan(ctx, &rows); err != nil {
		return nil, 0, fmt.Errorf("phase counts: %w", err)
	}
	m, total := map[Phase]int{}, 0
	for _, r := range rows {
		m[r.Phase] = r.N
		total += r.N
	}
	return m, total, nil
}

// IDs returns every tenant id, in order.
func (s Store) IDs(ctx context.Context) ([]db.TenantID, error) {
	var ids []db.TenantID
	if err := s.DB.Reader().NewSelect().Model((*Tenant)(nil)).Column("id").OrderExpr("id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("tenant ids: %w", err)
	}
	return ids, nil
}

// RenameOffice changes an office's name inside tx.
func (s Store) RenameOffice(ctx context.Context, tx bun.IDB, id, name string, now time.Time) error {
	res, err := tx.NewUpdate().Model((*Office)(nil)).Set("name = ?", name).Set("updated_at = ?", now).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("rename office %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("office %s: %w", id, ErrNotFound)
	}
	return nil
}

// MoveTenant puts a tenant under another office inside tx (a municipality
// joins or leaves a joint office, Mötv. 85. §).
func (s Store) MoveTenant(ctx context.Context, tx bun.IDB, id db.TenantID, officeID string, now time.Time) error {
	res, err := tx.NewUpdate().Model((*Tenant)(nil)).Set("office_id = ?", officeID).Set("updated_at = ?", now).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("move tenant %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("tenant %s: %w", id, ErrNotFound)
	}
	return nil
}
