package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"

	"github.com/uptrace/bun"
)

// TenantID identifies a tenant (a local government) by its five-digit KSH
// settlement code, e.g. "17376" for Aba. See docs/decisions/0001.
type TenantID string

// OperatingCentre is the pseudo-tenant under which the operating centre's
// own records (its audit chain) are kept. It is not a KSH code, so it can
// never collide with a municipality.
const OperatingCentre TenantID = "centre"

var tenantIDPattern = regexp.MustCompile(`^([0-9]{5}|centre)$`)

// Valid reports whether t has the form of a tenant identifier.
func (t TenantID) Valid() bool { return tenantIDPattern.MatchString(string(t)) }

// ErrNoTenant is returned when tenant data is touched outside InTenant.
var ErrNoTenant = errors.New("tenant-scoped data accessed without a tenant: use db.InTenant")

type tenantKey struct{}

// WithTenant returns a context that carries the current tenant. Only
// InTenant should call it; it is exported for tests of the hooks.
func WithTenant(ctx context.Context, t TenantID) context.Context {
	return context.WithValue(ctx, tenantKey{}, t)
}

// TenantFrom returns the tenant of the current transaction, if any.
func TenantFrom(ctx context.Context) (TenantID, bool) {
	t, ok := ctx.Value(tenantKey{}).(TenantID)
	return t, ok && t != ""
}

// InTenant runs fn in a transaction scoped to one tenant. Every read and
// write of tenant data happens inside one: the context passed to fn carries
// the tenant (checked by the TenantScoped hooks), and on PostgreSQL the
// transaction sets app.tenant_id, which the row-level security policies
// compare against every row.
func (d *DB) InTenant(ctx context.Context, t TenantID, fn func(ctx context.Context, tx bun.Tx) error) error {
	return d.inTenant(ctx, d.write, nil, t, fn)
}

// InTenantRead is InTenant for work that only reads; on SQLite it runs on
// the reading pool, so it never waits for a writer.
func (d *DB) InTenantRead(ctx context.Context, t TenantID, fn func(ctx context.Context, tx bun.Tx) error) error {
	return d.inTenant(ctx, d.read, &sql.TxOptions{ReadOnly: d.Dialect == Postgres}, t, fn)
}

func (d *DB) inTenant(ctx context.Context, h *bun.DB, opts *sql.TxOptions, t TenantID, fn func(ctx context.Context, tx bun.Tx) error) error {
	if !t.Valid() {
		return fmt.Errorf("tenant transaction: invalid tenant id %q", t)
	}
	if cur, ok := TenantFrom(ctx); ok && cur != t {
		return fmt.Errorf("tenant transaction for %s inside one for %s", t, cur)
	}
	ctx = WithTenant(ctx, t)
	return h.RunInTx(ctx, opts, func(ctx context.Context, tx bun.Tx) error {
		if d.Dialect == Postgres {
			// is_local = true: the setting ends with the transaction, so a
			// pooled connection never carries one tenant into the next.
			if _, err := tx.ExecContext(ctx, "SELECT set_config('app.tenant_id', ?, true)", string(t)); err != nil {
				return fmt.Errorf("set tenant %s: %w", t, err)
			}
		}
		return fn(ctx, tx)
	})
}

// TenantScoped is embedded first in every model of a tenant table. Its
// hooks add the tenant condition to every SELECT, UPDATE and DELETE through
// the model, fill tenant_id on INSERT, and fail loudly when no tenant is set.
//
//	type Document struct {
//		bun.BaseModel `bun:"table:records_documents"`
//		db.TenantScoped
//		ID uuid.UUID `bun:"id,pk"`
//	}
type TenantScoped struct {
	TenantID TenantID `bun:"tenant_id,pk" json:"-"`
}

func requireTenant(ctx context.Context) (TenantID, error) {
	t, ok := TenantFrom(ctx)
	if !ok {
		return "", ErrNoTenant
	}
	return t, nil
}

// Count counts the rows of a query on a tenant-scoped model, restricted
// to the current tenant. Use it instead of SelectQuery.Count: bun's Count
// does not run the model's BeforeSelect hook, so it would count every
// tenant's rows (on SQLite, where no row-level security backs the filter).
func Count(ctx context.Context, q *bun.SelectQuery) (int64, error) {
	if err := (*TenantScoped)(nil).BeforeSelect(ctx, q); err != nil {
		return 0, err
	}
	return q.Count(ctx)
}

// BeforeSelect restricts the query to the current tenant.
func (*TenantScoped) BeforeSelect(ctx context.Context, q *bun.SelectQuery) error {
	t, err := requireTenant(ctx)
	if err != nil {
		return err
	}
	q.Where("?TableAlias.tenant_id = ?", t)
	return nil
}

// BeforeUpdate restricts the update to the current tenant.
func (*TenantScoped) BeforeUpdate(ctx context.Context, q *bun.UpdateQuery) error {
	t, err := requireTenant(ctx)
	if err != nil {
		return err
	}
	q.Where("?TableAlias.tenant_id = ?", t)
	return nil
}

// BeforeDelete restricts the delete to the current tenant.
func (*TenantScoped) BeforeDelete(ctx context.Context, q *bun.DeleteQuery) error {
	t, err := requireTenant(ctx)
	if err != nil {
		return err
	}
	q.Where("?TableAlias.tenant_id = ?", t)
	return nil
}

// BeforeAppendModel stamps rows written through the model with the current
// tenant and refuses a row that names another one.
func (s *TenantScoped) BeforeAppendModel(ctx context.Context, q bun.Query) error {
	t, err := requireTenant(ctx)
	if err != nil {
		return err
	}
	switch s.TenantID {
	case "":
		s.TenantID = t
	case t:
	default:
		return fmt.Errorf("write of a row of tenant %s inside a transaction of tenant %s", s.TenantID, t)
	}
	return nil
}
