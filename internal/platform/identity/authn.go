package identity

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/google/uuid"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Session keys.
const (
	sessUserID      = "uid"     // logged-in user
	sessEpoch       = "epoch"   // users.session_epoch at login
	sessTenant      = "tenant"  // tenant she acts for
	sessPendingUser = "mfa_uid" // password checked, second factor awaited
	sessEnroll      = "enroll"  // must set up TOTP before anything else
	sessLastSeen    = "seen"    // last request, for the idle timeout
	sessMustChange  = "chpw"    // signed in with a temporary password
)

// Authenticator finds out who makes a request: from the bearer token, or
// from the session. It puts the access.Principal and the audit.Actor into
// the request context; it never refuses a request itself (the guards do).
type Authenticator struct {
	Sessions *scs.SessionManager
	Service  *Service
	Grants   access.Store
	Registry *access.Registry

	cache principalCache
}

// PrincipalCacheTTL is how long a user's account and roles, once read,
// serve further requests without a query. A change made by this process
// invalidates them at once (access.Changed); another instance sees it
// within this time. See docs/decisions/0002.
const PrincipalCacheTTL = 2 * time.Second

type principalEntry struct {
	user    User
	grants  map[db.TenantID][]string
	ops     []string
	version uint64
	at      time.Time
}

type principalCache struct {
	mu      sync.Mutex
	entries map[uuid.UUID]principalEntry
}

// maxCachedPrincipals bounds the cache; when full it starts afresh.
const maxCachedPrincipals = 10000

func (c *principalCache) get(id uuid.UUID, now time.Time) (principalEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok || e.version != access.Version() || now.Sub(e.at) > PrincipalCacheTTL || now.Before(e.at) {
		return principalEntry{}, false
	}
	return e, true
}

func (c *principalCache) put(id uuid.UUID, e principalEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCachedPrincipals {
		c.entries = map[uuid.UUID]principalEntry{}
	}
	c.entries[id] = e
}

// load returns a user's account and roles, from the cache when fresh.
func (a *Authenticator) load(ctx context.Context, id uuid.UUID) (principalEntry, error) {
	now := time.Now()
	if e, ok := a.cache.get(id, now); ok {
		return e, nil
	}
	v := access.Version()
	u, err := a.Service.Users.ByID(ctx, id)
	if err != nil {
		return principalEntry{}, err
	}
	grants, ops, err := a.Grants.Roles(ctx, id)
	if err != nil {
		return principalEntry{}, err
	}
	e := principalEntry{user: u, grants: grants, ops: ops, version: v, at: now}
	a.cache.put(id, e)
	return e, nil
}

// Middleware loads the session (scs) and the principal.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	withPrincipal := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.principal(r)
		if err != nil && !errors.Is(err, errAnonymous) {
			if errors.Is(err, ErrTokenInvalid) {
				web.RendererFrom(r).Error(w, r, web.Unauthorized("error.token_invalid"))
				return
			}
			web.RendererFrom(r).Error(w, r, err)
			return
		}
		ctx := r.Context()
		actor := audit.Actor{RemoteAddr: ClientAddr(r).String(), RequestID: web.RequestID(ctx)}
		if p != nil {
			ctx = access.WithPrincipal(ctx, p)
			actor.ID, actor.Name = p.UserID.String(), p.Username
		}
		ctx = audit.WithActor(ctx, actor)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
	sessionful := a.Sessions.LoadAndSave(withPrincipal)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A machine client with a token gets no session cookie.
		if bearer(r) != "" {
			withPrincipal.ServeHTTP(w, r)
			return
		}
		sessionful.ServeHTTP(w, r)
	})
}

var errAnonymous = errors.New("anonymous")

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func (a *Authenticator) principal(r *http.Request) (*access.Principal, error) {
	ctx := r.Context()
	if tok := bearer(r); tok != "" {
		u, t, err := a.Service.CheckToken(ctx, tok)
		if err != nil {
			return nil, err
		}
		grants, err := a.Grants.GrantMap(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		// A token acts for its one tenant only, with the roles its owner
		// holds there now (a revoked grant takes effect at once).
		only := map[db.TenantID][]string{}
		if roles, ok := grants[t.TenantID]; ok {
			only[t.TenantID] = roles
		}
		return access.NewPrincipal(a.Registry, access.Principal{
			UserID: u.ID, Username: u.Username, Name: u.DisplayName, Kind: string(u.Kind),
			Tenant: t.TenantID, Grants: only, ViaToken: true,
		}), nil
	}
	raw := a.Sessions.GetString(ctx, sessUserID)
	if raw == "" {
		return nil, errAnonymous
	}
	now := a.Service.Now()
	last := time.Unix(a.Sessions.GetInt64(ctx, sessLastSeen), 0)
	if now.Sub(last) > SessionIdleTimeout {
		a.Sessions.Destroy(ctx)
		return nil, errAnonymous
	}
	if now.Sub(last) > sessionTouchInterval {
		a.Sessions.Put(ctx, sessLastSeen, now.Unix())
	}
	id, err := uuid.Parse(raw)
	if err != nil {
		return nil, errAnonymous
	}
	e, err := a.load(ctx, id)
	if errors.Is(err, ErrUserNotFound) {
		a.Sessions.Destroy(ctx)
		return nil, errAnonymous
	}
	if err != nil {
		return nil, err
	}
	u, grants, ops := e.user, e.grants, e.ops
	if u.Disabled() || u.SessionEpoch != a.Sessions.GetInt(ctx, sessEpoch) {
		// Logged out everywhere, or switched off: this session is over.
		a.Sessions.Destroy(ctx)
		return nil, errAnonymous
	}
	return access.NewPrincipal(a.Registry, access.Principal{
		UserID: u.ID, Username: u.Username, Name: u.DisplayName, Kind: string(u.Kind),
		Tenant: db.TenantID(a.Sessions.GetString(ctx, sessTenant)), Grants: grants, OperatorRoles: ops,
	}), nil
}

// MustEnroll reports whether the session must set up TOTP first.
func (a *Authenticator) MustEnroll(ctx context.Context) bool {
	return a.Sessions.GetBool(ctx, sessEnroll)
}

// SetTenant records the tenant the session acts for.
func (a *Authenticator) SetTenant(ctx context.Context, t db.TenantID) {
	a.Sessions.Put(ctx, sessTenant, string(t))
}

// RequireLogin sends an anonymous visitor to the login page (pages) or
// answers 401 (API). A session that still has to set up its second factor
// may only reach the set-up page.
func (a *Authenticator) RequireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := access.PrincipalFrom(r.Context())
		if p == nil {
			if web.IsAPI(r) {
				web.RendererFrom(r).Error(w, r, web.Unauthorized("error.login_required"))
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if !p.ViaToken && a.MustEnroll(r.Context()) && r.URL.Path != "/account/totp" {
			http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
			return
		}
		// A temporary password (set by a key user or the operator) must be
		// replaced before anything else.
		if !p.ViaToken && a.Sessions.GetBool(r.Context(), sessMustChange) &&
			r.URL.Path != "/account" && r.URL.Path != "/account/password" && r.URL.Path != "/account/totp" {
			if web.IsAPI(r) {
				web.RendererFrom(r).Error(w, r, &web.Error{Status: http.StatusForbidden, Key: "error.password_change_required"})
				return
			}
			http.Redirect(w, r, "/account", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Require lets a request through only when its principal holds perm (for
// the current tenant, or as an operator). Others get 403 on pages they
// can see exist, which is the case for every route guarded this way.
func Require(perm access.Permission) web.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !access.PrincipalFrom(r.Context()).Can(perm) {
				web.RendererFrom(r).Error(w, r, web.Forbidden())
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// RequireTenant sends a principal with no current tenant to the switcher
// (pages) or answers 403 (API).
func RequireTenant(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := access.PrincipalFrom(r.Context())
		if p == nil || p.Tenant == "" {
			// Nobody to switch to (the operating centre, a resident): refuse.
			if web.IsAPI(r) || p == nil || len(p.Grants) == 0 {
				web.RendererFrom(r).Error(w, r, &web.Error{Status: http.StatusForbidden, Key: "error.no_tenant"})
				return
			}
			http.Redirect(w, r, "/tenants/switch?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ClientAddr is the address of the client. Behind a reverse proxy the
// operator must make the proxy set the real address on the connection
// (PROXY protocol) — we do not trust X-Forwarded-For from anyone.
func ClientAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}
