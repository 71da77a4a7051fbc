package access

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// Grant gives a user a role on a tenant.
type Grant struct {
	bun.BaseModel `bun:"table:grants"`

	TenantID  db.TenantID `bun:"tenant_id,pk" json:"tenant_id"`
	UserID    uuid.UUID   `bun:"user_id,pk,type:uuid" json:"user_id"`
	Role      string      `bun:"role,pk" json:"role"`
	GrantedBy string      `bun:"granted_by" json:"granted_by"`
	GrantedAt time.Time   `bun:"granted_at" json:"granted_at"`
}

// OperatorRole gives a user a role of the operating centre.
type OperatorRole struct {
	bun.BaseModel `bun:"table:operator_roles"`

	UserID    uuid.UUID `bun:"user_id,pk,type:uuid"`
	Role      string    `bun:"role,pk"`
	GrantedBy string    `bun:"granted_by"`
	GrantedAt time.Time `bun:"granted_at"`
}

// ErrGrantExists is returned for a grant the user already holds.
var ErrGrantExists = errors.New("the user already holds this role")

// ErrNoSuchGrant is returned when revoking a grant that does not exist.
var ErrNoSuchGrant = errors.New("no such grant")

// Store reads and writes grants.
type Store struct{ DB *db.DB }

// UserGrants returns every grant of a user, across tenants.
func (s Store) UserGrants(ctx context.Context, user uuid.UUID) ([]Grant, error) {
	var gs []Grant
	if err := s.DB.Reader().NewSelect().Model(&gs).Where("user_id = ?", user).OrderExpr("tenant_id, role").Scan(ctx); err != nil {
		return nil, fmt.Errorf("grants of %s: %w", user, err)
	}
	return gs, nil
}

// GrantMap returns a user's grants as tenant → roles.
func (s Store) GrantMap(ctx context.Context, user uuid.UUID) (map[db.TenantID][]string, error) {
	gs, err := s.UserGrants(ctx, user)
	if err != nil {
		return nil, err
	}
	m := make(map[db.TenantID][]string, len(gs))
	for _, g := range gs {
		m[g.TenantID] = append(m[g.TenantID], g.Role)
	}
	return m, nil
}

// TenantGrants returns every grant on a tenant.
func (s Store) TenantGrants(ctx context.Context, tenant db.TenantID) ([]Grant, error) {
	var gs []Grant
	if err := s.DB.Reader().NewSelect().Model(&gs).Where("tenant_id = ?", tenant).OrderExpr("user_id, role").Scan(ctx); err != nil {
		return nil, fmt.Errorf("grants on %s: %w", tenant, err)
	}
	return gs, nil
}

// Add inserts a grant inside tx.
func (s Store) Add(ctx context.Context, tx bun.IDB, g Grant) error {
	if _, err := tx.NewInsert().Model(&g).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return ErrGrantExists
		}
		return fmt.Errorf("grant %s on %s to %s: %w", g.Role, g.TenantID, g.UserID, err)
	}
	Changed()
	return nil
}

// Remove deletes a grant inside tx.
func (s Store) Remove(ctx context.Context, tx bun.IDB, tenant db.TenantID, user uuid.UUID, role string) error {
	res, err := tx.NewDelete().Model((*Grant)(nil)).
		Where("tenant_id = ? AND user_id = ? AND role = ?", tenant, user, role).Exec(ctx)
	if err != nil {
		return fmt.Errorf("revoke %s on %s from %s: %w", role, tenant, user, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNoSuchGrant
	}
	Changed()
	return nil
}

// Roles returns a user's tenant grants and operating-centre roles in one
// query: the authenticator needs both on every request.
func (s Store) Roles(ctx context.Context, user uuid.UUID) (map[db.TenantID][]string, []string, error) {
	var rows []struct {
		TenantID db.TenantID `bun:"tenant_id"`
		Role     string      `bun:"role"`
	}
	err := s.DB.Reader().NewRaw(`SELECT tenant_id, role FROM grants WHERE user_id = ?
		UNION ALL SELECT '' AS tenant_id, role FROM operator_roles WHERE user_id = ?
		ORDER BY 1, 2`, user, user).Scan(ctx, &rows)
	if err != nil {
		return nil, nil, fmt.Errorf("roles of %s: %w", user, err)
	}
	grants := map[db.TenantID][]string{}
	var ops []string
	for _, r := range rows {
		if r.TenantID == "" {
			ops = append(ops, r.Role)
		} else {
			grants[r.TenantID] = append(grants[r.TenantID], r.Role)
		}
	}
	return grants, ops, nil
}

// OperatorRoles returns the operating-centre roles of a user.
func (s Store) OperatorRoles(ctx context.Context, user uuid.UUID) ([]string, error) {
	var roles []string
	if err := s.DB.Reader().NewSelect().Model((*OperatorRole)(nil)).Column("role").
		Where("user_id = ?", user).OrderExpr("role").Scan(ctx, &roles); err != nil {
		return nil, fmt.Errorf("operator roles of %s: %w", user, err)
	}
	return roles, nil
}

// AddOperatorRole gives a user an operating-centre role inside tx.
func (s Store) AddOperatorRole(ctx context.Context, tx bun.IDB, r OperatorRole) error {
	if _, err := tx.NewInsert().Model(&r).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return ErrGrantExists
		}
		return fmt.Errorf("operator role %s to %s: %w", r.Role, r.UserID, err)
	}
	Changed()
	return nil
}
