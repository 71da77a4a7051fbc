package access

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// Principal is who is acting in a request: a person with a session or a
// machine client with an API token, its grants, and the tenant it acts
// for (at most one at a time; switching is explicit and audited).
type Principal struct {
	UserID        uuid.UUID
	Username      string
	Name          string
	Kind          string // staff | operator | client
	Tenant        db.TenantID
	Grants        map[db.TenantID][]string
	OperatorRoles []string
	ViaToken      bool

	perms map[Permission]bool
}

// NewPrincipal builds a principal acting for tenant (may be "" when she
// has not chosen one or has none). A tenant she holds no grant on is
// refused by leaving Tenant empty.
func NewPrincipal(reg *Registry, p Principal) *Principal {
	if _, ok := p.Grants[p.Tenant]; !ok {
		p.Tenant = ""
	}
	roles := p.Grants[p.Tenant]
	if len(p.OperatorRoles) > 0 {
		roles = append(append([]string{}, roles...), p.OperatorRoles...)
	}
	p.perms = reg.PermissionSet(roles)
	return &p
}

// Can reports whether the principal holds perm for the current tenant (or,
// for operator permissions, at all).
func (p *Principal) Can(perm Permission) bool {
	return p != nil && p.perms[perm]
}

// Roles returns the principal's roles on the current tenant.
func (p *Principal) Roles() []string {
	if p == nil {
		return nil
	}
	return p.Grants[p.Tenant]
}

// HasRoleOn reports whether the principal holds role on tenant t.
func (p *Principal) HasRoleOn(t db.TenantID, role string) bool {
	return p != nil && slices.Contains(p.Grants[t], role)
}

// TenantIDs returns the tenants the principal holds any grant on.
func (p *Principal) TenantIDs() []db.TenantID {
	if p == nil {
		return nil
	}
	ids := make([]db.TenantID, 0, len(p.Grants))
	for t := range p.Grants {
		ids = append(ids, t)
	}
	slices.Sort(ids)
	return ids
}

// IsOperator reports whether the principal belongs to the operating centre.
func (p *Principal) IsOperator() bool { return p != nil && len(p.OperatorRoles) > 0 }

// PermissionList returns the effective permissions, sorted.
func (p *Principal) PermissionList() []Permission {
	if p == nil {
		return nil
	}
	out := make([]Permission, 0, len(p.perms))
	for perm := range p.perms {
		out = append(out, perm)
	}
	slices.Sort(out)
	return out
}

type principalKey struct{}

// WithPrincipal stores the principal in the request context.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the request's principal, or nil if anonymous.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
