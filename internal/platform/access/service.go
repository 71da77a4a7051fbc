package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Denied is a refusal the user can understand: a catalog key and its
// arguments. The web layer shows it; the CLI prints the English text.
type Denied struct {
	Key  string
	Args []any
	EN   string
}

func (d *Denied) Error() string { return d.EN }

// Service changes grants under the rules of who may grant what, and
// records every change in the tenant's audit chain in the same
// transaction.
type Service struct {
	DB       *db.DB
	Store    Store
	Registry *Registry
	Now      func() time.Time
}

// GrantRequest asks for a role on a tenant for a user.
type GrantRequest struct {
	Tenant db.TenantID
	User   uuid.UUID
	Role   string
}

// CheckGrant says whether actor may grant or revoke req. A nil actor is
// the command line on the server, run by the operator: it may do anything
// a rule below does not forbid for everybody.
//
// The rules: only tenant roles are granted on tenants; the operating
// model's roles (key user, official representative, contact person) are
// granted by operator administrators; every other role by the tenant's
// key user, acting for that tenant; only staff users receive roles, and
// only on a municipality their office serves.
func (s *Service) CheckGrant(ctx context.Context, actor *Principal, req GrantRequest) (Role, error) {
	role, ok := s.Registry.Role(req.Role)
	if !ok || role.Scope != TenantScope {
		return role, &Denied{Key: "grant.unknown_role", Args: []any{req.Role}, EN: fmt.Sprintf("unknown municipality role %q", req.Role)}
	}
	var target struct {
		Kind     string         `bun:"kind"`
		OfficeID sql.NullString `bun:"office_id"`
	}
	err := s.DB.Reader().NewSelect().Table("users").Column("kind", "office_id").Where("id = ?", req.User).Scan(ctx, &target)
	if errors.Is(err, sql.ErrNoRows) {
		return role, &Denied{Key: "grant.unknown_user", EN: "no such user"}
	}
	if err != nil {
		return role, fmt.Errorf("grant: user %s: %w", req.User, err)
	}
	if target.Kind != "staff" {
		return role, &Denied{Key: "grant.not_staff", EN: "roles on a municipality are given only to municipal staff accounts"}
	}
	var tenantOffice sql.NullString
	err = s.DB.Reader().NewSelect().Table("tenants").Column("office_id").Where("id = ?", req.Tenant).Scan(ctx, &tenantOffice)
	if errors.Is(err, sql.ErrNoRows) {
		return role, &Denied{Key: "grant.unknown_tenant", EN: fmt.Sprintf("no municipality with KSH code %s", req.Tenant)}
	}
	if err != nil {
		return role, fmt.Errorf("grant: tenant %s: %w", req.Tenant, err)
	}
	if !target.OfficeID.Valid || target.OfficeID.String != tenantOffice.String {
		return role, &Denied{Key: "grant.other_office", EN: "the user works for an office that does not serve this municipality"}
	}
	if actor == nil {
		return role, nil
	}
	switch role.GrantedBy {
	case GrantedByOperator:
		if !actor.Can(KeyUsersManage) {
			return role, &Denied{Key: "grant.operator_only", EN: "only the operating centre gives this role"}
		}
	default:
		if actor.Tenant != req.Tenant || !actor.Can(UsersManage) {
			return role, &Denied{Key: "grant.not_key_user", EN: "only the municipality's key user gives this role"}
		}
	}
	return role, nil
}

// Grant gives the role, after CheckGrant.
func (s *Service) Grant(ctx context.Context, actor *Principal, req GrantRequest) error {
	if _, err := s.CheckGrant(ctx, actor, req); err != nil {
		return err
	}
	return s.DB.InTenant(ctx, req.Tenant, func(ctx context.Context, tx bun.Tx) error {
		g := Grant{TenantID: req.Tenant, UserID: req.User, Role: req.Role, GrantedBy: actorName(actor), GrantedAt: s.Now().UTC()}
		if err := s.Store.Add(ctx, tx, g); err != nil {
			if errors.Is(err, ErrGrantExists) {
				return &Denied{Key: "grant.exists", EN: "the user already has this role here"}
			}
			return err
		}
		return s.audit(ctx, tx, "grant.create", req)
	})
}

// Revoke takes the role away, under the same rules as Grant.
func (s *Service) Revoke(ctx context.Context, actor *Principal, req GrantRequest) error {
	if _, err := s.CheckGrant(ctx, actor, req); err != nil {
		return err
	}
	return s.DB.InTenant(ctx, req.Tenant, func(ctx context.Context, tx bun.Tx) error {
		if err := s.Store.Remove(ctx, tx, req.Tenant, req.User, req.Role); err != nil {
			if errors.Is(err, ErrNoSuchGrant) {
				return &Denied{Key: "grant.missing", EN: "the user does not have this role here"}
			}
			return err
		}
		return s.audit(ctx, tx, "grant.revoke", req)
	})
}

func (s *Service) audit(ctx context.Context, tx bun.Tx, action string, req GrantRequest) error {
	_, err := audit.Append(ctx, tx, req.Tenant, audit.Event{
		Action: action, ObjectType: "grant", ObjectID: req.User.String() + "/" + req.Role, Result: audit.ResultOK,
		Detail: map[string]any{"user_id": req.User.String(), "role": req.Role},
	}, s.Now())
	return err
}

func actorName(p *Principal) string {
	if p == nil {
		return "asp (command line)"
	}
	return p.Username
}
