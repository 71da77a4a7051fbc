package app

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/module"
)

// people implements module.People from the grants and users.
type people struct{ a *App }

func (p people) With(ctx context.Context, tenant db.TenantID, perm access.Permission) ([]module.Person, error) {
	grants, err := p.a.Grants.TenantGrants(ctx, tenant)
	if err != nil {
		return nil, err
	}
	roles := map[uuid.UUID][]string{}
	for _, g := range grants {
		roles[g.UserID] = append(roles[g.UserID], g.Role)
	}
	var ids []uuid.UUID
	for id, rs := range roles {
		if p.a.Registry.PermissionSet(rs)[perm] {
			ids = append(ids, id)
		}
	}
	users, err := p.a.Identity.Users.ByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("people with %s: %w", perm, err)
	}
	out := make([]module.Person, 0, len(users))
	for _, u := range users {
		if !u.Disabled() {
			out = append(out, module.Person{ID: u.ID, Username: u.Username, Name: u.DisplayName})
		}
	}
	hu.SortBy(out, func(x module.Person) string { return x.Name })
	return out, nil
}
