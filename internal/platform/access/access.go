// Package access decides who may do what, for which municipality.
//
// A permission is named module.resource.action ("platform.users.manage",
// "records.documents.register"). A role bundles permissions and has a
// scope: tenant roles are granted per municipality (grants are user ×
// tenant × role); operator roles belong to the operating centre and carry
// no tenant. Modules declare their permissions and roles in their
// module.go; the platform's own are below.
package access

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Permission is module.resource.action.
type Permission string

var permissionPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$`)

// Valid reports whether p has the module.resource.action form.
func (p Permission) Valid() bool { return permissionPattern.MatchString(string(p)) }

// Scope says where a role is granted.
type Scope string

const (
	// TenantScope roles are granted on one municipality.
	TenantScope Scope = "tenant"
	// OperatorScope roles belong to the operating centre's staff.
	OperatorScope Scope = "operator"
)

// Role bundles permissions. Label is a catalog key.
type Role struct {
	Name        string
	Scope       Scope
	Label       string
	Permissions []Permission
	// GrantedBy says who may grant this role: key users of the tenant
	// (GrantedByKeyUser) or only operator administrators.
	GrantedBy Granter
}

// Granter says who may grant a role.
type Granter string

const (
	GrantedByKeyUser  Granter = "key_user"
	GrantedByOperator Granter = "operator"
)

// Has reports whether the role carries p.
func (r Role) Has(p Permission) bool { return slices.Contains(r.Permissions, p) }

// Registry holds every permission and role of the platform and modules.
type Registry struct {
	mu    sync.RWMutex
	perms map[Permission]bool
	roles map[string]Role
	order []string
	// sets caches the permission set of each combination of roles seen:
	// every request needs one, and people share few combinations.
	sets sync.Map // string (role names joined) → map[Permission]bool
}

// NewRegistry returns a registry holding the platform's own permissions
// and roles.
func NewRegistry() *Registry {
	r := &Registry{perms: map[Permission]bool{}, roles: map[string]Role{}}
	if err := r.Add(PlatformPermissions, PlatformRoles); err != nil {
		panic(err) // the platform's own table is wrong: a programming error caught by every test
	}
	return r
}

var roleNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Add registers a module's permissions and roles, refusing malformed or
// duplicate names and roles that use undeclared permissions.
func (r *Registry) Add(perms []Permission, roles []Role) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range perms {
		if !p.Valid() {
			return fmt.Errorf("permission %q is not module.resource.action", p)
		}
		if r.perms[p] {
			return fmt.Errorf("permission %q declared twice", p)
		}
		r.perms[p] = true
	}
	for _, role := range roles {
		if !roleNamePattern.MatchString(role.Name) {
			return fmt.Errorf("role name %q", role.Name)
		}
		if _, dup := r.roles[role.Name]; dup {
			return fmt.Errorf("role %q declared twice", role.Name)
		}
		if role.Scope != TenantScope && role.Scope != OperatorScope {
			return fmt.Errorf("role %q: scope %q", role.Name, role.Scope)
		}
		if role.GrantedBy == "" {
			role.GrantedBy = GrantedByKeyUser
		}
		for _, p := range role.Permissions {
			if !r.perms[p] {
				return fmt.Errorf("role %q uses undeclared permission %q", role.Name, p)
			}
		}
		r.roles[role.Name] = role
		r.order = append(r.order, role.Name)
	}
	return nil
}

// Role returns a role by name.
func (r *Registry) Role(name string) (Role, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	role, ok := r.roles[name]
	return role, ok
}

// Roles returns the roles of a scope in declaration order.
func (r *Registry) Roles(scope Scope) []Role {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Role
	for _, n := range r.order {
		if r.roles[n].Scope == scope {
			out = append(out, r.roles[n])
		}
	}
	return out
}

// PermissionSet returns the union of the permissions of the named roles
// as a set. The set is shared: callers must not change it.
func (r *Registry) PermissionSet(roleNames []string) map[Permission]bool {
	key := strings.Join(roleNames, ",")
	if s, ok := r.sets.Load(key); ok {
		return s.(map[Permission]bool)
	}
	set := map[Permission]bool{}
	for _, p := range r.Permissions(roleNames) {
		set[p] = true
	}
	r.sets.Store(key, set)
	return set
}

// Permissions returns the union of the permissions of the named roles,
// sorted. Unknown role names (a role a removed module declared) give
// nothing.
func (r *Registry) Permissions(roleNames []string) []Permission {
	r.mu.RLock()
	defer r.mu.RUnlock()
	set := map[Permission]bool{}
	for _, n := range roleNames {
		for _, p := range r.roles[n].Permissions {
			set[p] = true
		}
	}
	out := make([]Permission, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// The platform's permissions.
const (
	TenantRead     Permission = "platform.tenant.read"    // see the municipality's own settings
	UsersRead      Permission = "platform.users.read"     // list the municipality's users and grants
	UsersManage    Permission = "platform.users.manage"   // create users, grant and revoke roles
	AuditRead      Permission = "platform.audit.read"     // read the municipality's audit log
	TokensManage   Permission = "platform.tokens.manage"  // API tokens of one's own, for this tenant
	TenantsRead    Permission = "platform.tenants.read"   // operating centre: list all tenants
	TenantsManage  Permission = "platform.tenants.manage" // operating centre: phase, mode, modules
	OfficesManage  Permission = "platform.offices.manage" // operating centre: offices
	KeyUsersManage Permission = "platform.keyusers.manage"
	CentreAudit    Permission = "platform.centre_audit.read"
)

// PlatformPermissions are declared by the platform itself.
var PlatformPermissions = []Permission{
	TenantRead, UsersRead, UsersManage, AuditRead, TokensManage,
	TenantsRead, TenantsManage, OfficesManage, KeyUsersManage, CentreAudit,
}

// Names of the municipality roles of the operating model (domain §7.4) and
// of the operating centre.
const (
	RoleOfficialRepresentative = "official_representative" // hivatalos képviselő
	RoleContactPerson          = "contact_person"          // kapcsolattartó
	RoleKeyUser                = "key_user"                // kulcsfelhasználó
	RoleLocalIT                = "local_it"                // helyi informatikai üzemeltető
	RoleOperatorAdmin          = "operator_admin"          // ASP Központ adminisztrátor
	RoleOperatorStaff          = "operator_staff"          // ASP Központ ügyfélszolgálat
)

// PlatformRoles are the operating model's roles. None of them reads
// module data: that comes only with the modules' clerk roles.
var PlatformRoles = []Role{
	{Name: RoleOfficialRepresentative, Scope: TenantScope, Label: "role.official_representative",
		Permissions: []Permission{TenantRead}, GrantedBy: GrantedByOperator},
	{Name: RoleContactPerson, Scope: TenantScope, Label: "role.contact_person",
		Permissions: []Permission{TenantRead}, GrantedBy: GrantedByOperator},
	{Name: RoleKeyUser, Scope: TenantScope, Label: "role.key_user",
		Permissions: []Permission{TenantRead, UsersRead, UsersManage, AuditRead, TokensManage}, GrantedBy: GrantedByOperator},
	{Name: RoleLocalIT, Scope: TenantScope, Label: "role.local_it",
		Permissions: []Permission{TenantRead, UsersRead, TokensManage}, GrantedBy: GrantedByKeyUser},
	{Name: RoleOperatorAdmin, Scope: OperatorScope, Label: "role.operator_admin",
		Permissions: []Permission{TenantsRead, TenantsManage, OfficesManage, KeyUsersManage, CentreAudit}, GrantedBy: GrantedByOperator},
	{Name: RoleOperatorStaff, Scope: OperatorScope, Label: "role.operator_staff",
		Permissions: []Permission{TenantsRead}, GrantedBy: GrantedByOperator},
}

// RequiresMFA reports whether holding any of these roles makes a second
// factor mandatory: operator administrators and key users (the issue).
func RequiresMFA(tenantRoles, operatorRoles []string) bool {
	return slices.Contains(tenantRoles, RoleKeyUser) || slices.Contains(operatorRoles, RoleOperatorAdmin)
}
