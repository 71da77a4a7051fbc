package identity

import (
	"embed"
	"errors"
	"net/http"
	"strings"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed i18n/*.json
var catalog embed.FS

// Web holds the login, second-factor and account pages.
type Web struct {
	Auth   *Authenticator
	Render *web.Renderer
	// OIDCEnabled shows the "log in as a resident or business" link.
	OIDCEnabled bool
	Issuer      string // shown in authenticator apps
}

// Register adds the pages and their catalog.
func (h *Web) Register(rt *web.Router, cat *web.Catalog) error {
	if err := cat.Load(catalog, "i18n"); err != nil {
		return err
	}
	if err := h.Render.Register("identity", templates, "templates"); err != nil {
		return err
	}
	rt.Handle("GET /login", h.loginPage)
	rt.Handle("POST /login", h.login)
	rt.Handle("GET /login/totp", h.totpPage)
	rt.Handle("POST /login/totp", h.totp)
	rt.Handle("POST /logout", h.logout)
	login := h.Auth.RequireLogin
	rt.Handle("GET /account", h.account, login)
	rt.Handle("POST /account/password", h.changePassword, login)
	rt.Handle("POST /account/logout-everywhere", h.logoutEverywhere, login)
	rt.Handle("GET /account/tokens", h.tokensPage, login)
	rt.Handle("POST /account/tokens", h.createToken, login)
	rt.Handle("POST /account/tokens/{token}/revoke", h.revokeToken, login)
	rt.Handle("GET /account/totp", h.totpSetupPage, login)
	rt.Handle("POST /account/totp", h.totpSetup, login)
	return nil
}

type loginData struct {
	Next        string
	OIDCEnabled bool
}

func (h *Web) loginPage(w http.ResponseWriter, r *http.Request) error {
	if access.PrincipalFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return h.Render.Page(w, r, "identity/login", "login.title", loginData{Next: safeNext(r.URL.Query().Get("next")), OIDCEnabled: h.OIDCEnabled})
}

func (h *Web) loginError(w http.ResponseWriter, r *http.Request, status int, prob *Problem, field string) error {
	p := h.Render.NewPage(r, "login.title", loginData{Next: safeNext(r.PostFormValue("next")), OIDCEnabled: h.OIDCEnabled})
	p.Form = &web.Form{Values: map[string]string{"username": r.PostFormValue("username")},
		Errors: []web.FieldError{{Field: field, Message: prob.Message(p.Lang)}}}
	if prob.RetryAfter > 0 {
		w.Header().Set("Retry-After", itoa(int(prob.RetryAfter.Seconds())+1))
	}
	return h.Render.Render(w, r, status, "identity/login", p)
}

func (h *Web) login(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	user, pw := r.PostFormValue("username"), r.PostFormValue("password")
	if strings.TrimSpace(user) == "" || pw == "" {
		return h.loginError(w, r, http.StatusUnprocessableEntity, &Problem{HU: "Adja meg a felhasználónevet és a jelszót.", EN: "Enter your username and password."}, "username")
	}
	u, err := h.Auth.Service.Authenticate(ctx, Attempt{Username: user, Password: pw, Addr: ClientAddr(r)})
	var prob *Problem
	if errors.As(err, &prob) {
		status := http.StatusUnauthorized
		if prob.Code == "locked" {
			status = http.StatusTooManyRequests
		}
		return h.loginError(w, r, status, prob, "password")
	}
	if err != nil {
		return err
	}
	// A new session token at every change of privilege (session fixation).
	if err := h.Auth.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	if u.TOTPEnabled {
		h.Auth.Sessions.Put(ctx, sessPendingUser, u.ID.String())
		http.Redirect(w, r, "/login/totp?next="+urlQuery(safeNext(r.PostFormValue("next"))), http.StatusSeeOther)
		return nil
	}
	return h.finishLogin(w, r, &u, "password")
}

// finishLogin starts the session proper and picks the tenant.
func (h *Web) finishLogin(w http.ResponseWriter, r *http.Request, u *User, method string) error {
	ctx := r.Context()
	if err := h.Auth.Service.LoggedIn(ctx, u, ClientAddr(r), method); err != nil {
		return err
	}
	sm := h.Auth.Sessions
	sm.Remove(ctx, sessPendingUser)
	sm.Put(ctx, sessUserID, u.ID.String())
	sm.Put(ctx, sessEpoch, u.SessionEpoch)
	sm.Put(ctx, sessLastSeen, h.Auth.Service.Now().Unix())
	if u.MustChangePassword {
		sm.Put(ctx, sessMustChange, true)
	}
	grants, err := h.Auth.Grants.GrantMap(ctx, u.ID)
	if err != nil {
		return err
	}
	ops, err := h.Auth.Grants.OperatorRoles(ctx, u.ID)
	if err != nil {
		return err
	}
	var all []string
	for _, rs := range grants {
		all = append(all, rs...)
	}
	if access.RequiresMFA(all, ops) && !u.TOTPEnabled {
		sm.Put(ctx, sessEnroll, true)
		http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
		return nil
	}
	next := safeNext(r.FormValue("next"))
	if len(grants) == 1 {
		for t := range grants {
			sm.Put(ctx, sessTenant, string(t))
		}
	} else if len(grants) > 1 && next == "/" {
		next = "/tenants/switch"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (h *Web) totpPage(w http.ResponseWriter, r *http.Request) error {
	if h.Auth.Sessions.GetString(r.Context(), sessPendingUser) == "" {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	return h.Render.Page(w, r, "identity/totp", "totp.title", loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (h *Web) totp(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := h.pendingUser(r)
	if err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	if err := h.Auth.Service.CheckSecondFactor(ctx, &u, r.PostFormValue("code"), ClientAddr(r)); err != nil {
		var prob *Problem
		if !errors.As(err, &prob) {
			return err
		}
		p := h.Render.NewPage(r, "totp.title", loginData{Next: safeNext(r.PostFormValue("next"))})
		p.Form = &web.Form{Errors: []web.FieldError{{Field: "code", Message: prob.Message(p.Lang)}}}
		return h.Render.Render(w, r, http.StatusUnauthorized, "identity/totp", p)
	}
	if err := h.Auth.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	return h.finishLogin(w, r, &u, "password+totp")
}

func (h *Web) pendingUser(r *http.Request) (User, error) {
	raw := h.Auth.Sessions.GetString(r.Context(), sessPendingUser)
	id, err := parseUUID(raw)
	if err != nil {
		return User{}, err
	}
	return h.Auth.Service.Users.ByID(r.Context(), id)
}

func (h *Web) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if p := access.PrincipalFrom(ctx); p != nil && h.Auth.Service.Audit != nil {
		if err := h.Auth.Service.Audit.Record(ctx, db.OperatingCentre, audit.Event{
			Action: "user.logout", ObjectType: "user", ObjectID: p.UserID.String(), Result: audit.ResultOK}); err != nil {
			return err
		}
	}
	if err := h.Auth.Sessions.Destroy(ctx); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// safeNext keeps the after-login target on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}
