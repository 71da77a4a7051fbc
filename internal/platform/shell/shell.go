// Package shell is the frame around the modules: the dashboard, the
// tenant switcher and the menu, which shows each person only what her
// roles allow on the municipality she is working for.
package shell

import (
	"context"
	"embed"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
	"github.com/openasp-hu/asp/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed i18n/*.json
var catalog embed.FS

// MenuEntry is a link of the menu, shown to those holding Permission
// (empty: everyone logged in). Module, when set, must also be enabled
// for the current tenant.
type MenuEntry struct {
	Label      string // catalog key
	Href       string
	Permission access.Permission
	Module     string
	// Section is a path prefix the entry also stands for, so that the
	// module's pages without their own entry (/tax/objects under
	// "Adóügyek" at /tax/taxpayers) still mark it as the current one.
	Section string
}

// Shell builds the layout's frame and serves the dashboard and switcher.
type Shell struct {
	Tenants tenancy.Store
	Render  *web.Renderer
	Menu    []MenuEntry
	// SetTenant stores the chosen tenant in the session.
	SetTenant func(ctx context.Context, t db.TenantID)
	// Audit records a tenant switch in the tenant's chain.
	Audit func(ctx context.Context, t db.TenantID, from db.TenantID) error

	names nameCache
}

// nameCache keeps tenant names and enabled modules for the frame of every
// page, so a page view costs no extra query for them. Entries live a
// minute: a renamed tenant or a newly enabled module shows within that.
type nameCache struct {
	mu      sync.Mutex
	entries map[db.TenantID]cachedTenant
}

type cachedTenant struct {
	name    string
	modules []string
	tenant  tenancy.Tenant
	office  tenancy.Office
	at      time.Time
}

const cacheTTL = time.Minute

func (s *Shell) tenantInfo(ctx context.Context, ids []db.TenantID) map[db.TenantID]cachedTenant {
	s.names.mu.Lock()
	defer s.names.mu.Unlock()
	if s.names.entries == nil {
		s.names.entries = map[db.TenantID]cachedTenant{}
	}
	now := time.Now()
	var missing []db.TenantID
	out := make(map[db.TenantID]cachedTenant, len(ids))
	for _, id := range ids {
		if e, ok := s.names.entries[id]; ok && now.Sub(e.at) < cacheTTL {
			out[id] = e
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		ts, err := s.Tenants.GetMany(ctx, missing)
		if err == nil {
			for _, t := range ts {
				mods, _ := s.Tenants.Modules(ctx, t.ID)
				office, _ := s.Tenants.Office(ctx, t.OfficeID)
				e := cachedTenant{name: t.Name, modules: mods, tenant: t, office: office, at: now}
				s.names.entries[t.ID] = e
				out[t.ID] = e
			}
		}
	}
	return out
}

// Invalidate forgets a cached tenant (after the operating centre changed it).
func (s *Shell) Invalidate(id db.TenantID) {
	s.names.mu.Lock()
	delete(s.names.entries, id)
	s.names.mu.Unlock()
}

// Frame computes the layout's frame for a request.
func (s *Shell) Frame(r *http.Request) web.Shell {
	p := access.PrincipalFrom(r.Context())
	if p == nil {
		return web.Shell{}
	}
	ids := p.TenantIDs()
	info := s.tenantInfo(r.Context(), ids)
	sh := web.Shell{LoggedIn: true, UserName: p.Name, TenantID: string(p.Tenant)}
	if cur, ok := info[p.Tenant]; ok {
		sh.TenantName = cur.name
	}
	for _, id := range ids {
		sh.Tenants = append(sh.Tenants, web.TenantChoice{ID: string(id), Name: info[id].name, Current: id == p.Tenant})
	}
	if len(sh.Tenants) > 1 {
		hu.SortBy(sh.Tenants, func(c web.TenantChoice) string { return c.Name })
	}
	var sections []string // of the entries shown, in order
	for _, m := range s.Menu {
		if m.Permission != "" && !p.Can(m.Permission) {
			continue
		}
		if m.Module != "" && !contains(info[p.Tenant].modules, m.Module) {
			continue
		}
		sh.Menu = append(sh.Menu, web.MenuItem{Label: m.Label, Href: m.Href})
		sections = append(sections, m.Section)
	}
	// The entry whose address (or section) is the longest prefix of the
	// page's is the current one: /records/inbox is "My cases", not also
	// "Records".
	best, bestLen := -1, 0
	for i, m := range sh.Menu {
		for _, prefix := range []string{m.Href, sections[i]} {
			if prefix == "" || !(r.URL.Path == prefix || (prefix != "/" && strings.HasPrefix(r.URL.Path, prefix+"/"))) {
				continue
			}
			if best < 0 || len(prefix) > bestLen {
				best, bestLen = i, len(prefix)
			}
		}
	}
	if best >= 0 {
		sh.Menu[best].Active = true
	}
	return sh
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// RequireModule refuses a request for a module the current tenant has not
// enabled: 404, as if the pages did not exist there.
func (s *Shell) RequireModule(name string) web.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := access.PrincipalFrom(r.Context())
			if p == nil || p.Tenant == "" || !contains(s.tenantInfo(r.Context(), []db.TenantID{p.Tenant})[p.Tenant].modules, name) {
				web.RendererFrom(r).Error(w, r, web.NotFound())
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
