package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Session keys of a login in progress at the provider. They are read once,
// at the callback, and removed whatever happens there, so a callback
// cannot be replayed.
const (
	sessOIDCState    = "oidc_state"    // must come back unchanged (CSRF)
	sessOIDCNonce    = "oidc_nonce"    // must be in the ID token (token replay)
	sessOIDCVerifier = "oidc_verifier" // PKCE code verifier
	sessOIDCNext     = "oidc_next"     // where to go after the login
)

// RegisterOIDC adds the login through an OpenID provider (the national
// identification broker, KAÜ): GET /login/oidc sends the browser to the
// provider, GET /login/oidc/callback completes the login. Call it after
// Register, whose catalog and templates it uses. It checks the
// configuration but does not contact the provider, so the service starts
// even while the provider is down.
func (h *Web) RegisterOIDC(rt *web.Router, cfg OIDCConfig) error {
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return err
	}
	svc := h.Auth.Service
	l := &oidcLogin{web: h, cfg: cfg, fed: newFederation(cfg, func() time.Time { return svc.Now() })}
	rt.Handle("GET /login/oidc", l.start)
	rt.Handle("GET "+oidcCallbackPath, l.callback)
	h.OIDCEnabled = true
	return nil
}

type oidcLogin struct {
	web *Web
	cfg OIDCConfig
	fed *federation
}

// start sends the browser to the provider with a fresh state, nonce and
// PKCE verifier, remembered in the session.
func (l *oidcLogin) start(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if access.PrincipalFrom(ctx) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	p, err := l.fed.provider()
	if err != nil {
		return l.fail(r, oidcFailure{status: http.StatusBadGateway, key: "oidc.unavailable", reason: "provider_unavailable", cause: err})
	}
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	sm := l.web.Auth.Sessions
	sm.Put(ctx, sessOIDCState, state)
	sm.Put(ctx, sessOIDCNonce, nonce)
	sm.Put(ctx, sessOIDCVerifier, verifier)
	sm.Put(ctx, sessOIDCNext, safeNext(r.URL.Query().Get("next")))
	target := p.oauth.AuthCodeURL(state,
		oauth2.S256ChallengeOption(verifier),
		oidc.Nonce(nonce),
		// The provider's pages in the language of ours, where it can.
		oauth2.SetAuthURLParam("ui_locales", web.RequestLang(r)))
	http.Redirect(w, r, target, http.StatusFound)
	return nil
}

// callback completes the login: it checks the state, exchanges the code
// (with the PKCE verifier), verifies the ID token and its nonce, finds or
// creates the client's account and starts the session like a password
// login does.
func (l *oidcLogin) callback(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sm := l.web.Auth.Sessions
	state := sm.PopString(ctx, sessOIDCState)
	nonce := sm.PopString(ctx, sessOIDCNonce)
	verifier := sm.PopString(ctx, sessOIDCVerifier)
	next := sm.PopString(ctx, sessOIDCNext)
	q := r.URL.Query()

	// An error answer grants nothing, so it is shown whatever its state.
	if code := q.Get("error"); code != "" {
		key := "oidc.provider_error"
		if code == "access_denied" {
			key = "oidc.denied"
		}
		return l.fail(r, oidcFailure{status: http.StatusBadRequest, key: key, reason: "provider_error",
			detail: map[string]any{"error": clip(code, 64)},
			cause:  fmt.Errorf("provider answered %s: %s", clip(code, 64), clip(q.Get("error_description"), 200))})
	}
	if state == "" || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		// Expired, started in another browser, or forged (login CSRF).
		return l.fail(r, oidcFailure{status: http.StatusBadRequest, key: "oidc.bad_state", reason: "state_mismatch"})
	}
	code := q.Get("code")
	if code == "" {
		return l.fail(r, oidcFailure{status: http.StatusBadRequest, key: "oidc.bad_callback", reason: "missing_code"})
	}
	p, err := l.fed.provider()
	if err != nil {
		return l.fail(r, oidcFailure{status: http.StatusBadGateway, key: "oidc.unavailable", reason: "provider_unavailable", cause: err})
	}
	pctx := p.context(ctx)
	tok, err := p.oauth.Exchange(pctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		// A refusal (the provider answered: a used or expired code, a wrong
		// client secret) differs from not reaching the provider at all.
		key := "oidc.unavailable"
		var refused *oauth2.RetrieveError
		if errors.As(err, &refused) {
			key = "oidc.failed"
		}
		return l.fail(r, oidcFailure{status: http.StatusBadGateway, key: key, reason: "exchange_failed", cause: err})
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return l.fail(r, oidcFailure{status: http.StatusBadGateway, key: "oidc.failed", reason: "no_id_token"})
	}
	idt, err := p.verifier.Verify(pctx, raw)
	if err != nil {
		return l.fail(r, oidcFailure{status: http.StatusBadGateway, key: "oidc.failed", reason: "bad_id_token", cause: err})
	}
	if idt.Subject == "" {
		return l.fail(r, oidcFailure{status: http.StatusBadGateway, key: "oidc.failed", reason: "bad_id_token", cause: errors.New("ID token without subject")})
	}
	if nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return l.fail(r, oidcFailure{status: http.StatusBadGateway, key: "oidc.failed", reason: "nonce_mismatch"})
	}
	if idt.AccessTokenHash != "" {
		// The access token is used for userinfo below: make sure it is the
		// one this ID token was issued with.
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return l.fail(r, oidcFailure{status: http.StatusBadGateway, key: "oidc.failed", reason: "bad_access_token", cause: err})
		}
	}

	svc := l.web.Auth.Service
	u, err := svc.UserByIdentity(ctx, l.cfg.ProviderName, idt.Subject)
	if errors.Is(err, ErrUserNotFound) {
		var claims claimSet
		if err := idt.Claims(&claims); err != nil {
			return l.fail(r, oidcFailure{status: http.StatusBadGateway, key: "oidc.failed", reason: "bad_id_token", cause: err})
		}
		if f := l.topUp(r, p, tok, &claims); f != nil {
			return l.fail(r, *f)
		}
		u, err = svc.CreateFederatedUser(ctx, claims.identity(l.cfg.ProviderName))
	}
	if err != nil {
		return err
	}
	if u.Disabled() {
		return l.fail(r, oidcFailure{status: http.StatusForbidden, key: "oidc.disabled", reason: "disabled", user: &u})
	}
	// A new session token at every change of privilege (session fixation).
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	// finishLogin takes the target from the request's "next" form value; on
	// the callback the target waited in the session, so hand it over there.
	r = r.WithContext(ctx)
	r.Form = url.Values{"next": {next}}
	return l.web.finishLogin(w, r, &u, "oidc")
}

// topUp completes the claims of a first login from the userinfo endpoint
// when the ID token does not name the person: many providers put only
// the subject into the ID token.
func (l *oidcLogin) topUp(r *http.Request, p *oidcProvider, tok *oauth2.Token, c *claimSet) *oidcFailure {
	if c.hasProfile() && (c.Email != "" || !slices.Contains(l.cfg.Scopes, "email")) {
		return nil
	}
	if p.provider.UserInfoEndpoint() == "" {
		return nil
	}
	info, err := p.provider.UserInfo(p.context(r.Context()), oauth2.StaticTokenSource(tok))
	if err != nil {
		return &oidcFailure{status: http.StatusBadGateway, key: "oidc.unavailable", reason: "userinfo_failed", cause: err}
	}
	var more claimSet
	if err := info.Claims(&more); err != nil {
		return &oidcFailure{status: http.StatusBadGateway, key: "oidc.failed", reason: "userinfo_failed", cause: err}
	}
	if more.Subject != c.Subject {
		// OIDC Core 5.3.2: a userinfo answer about someone else is ignored.
		return &oidcFailure{status: http.StatusBadGateway, key: "oidc.failed", reason: "userinfo_subject_mismatch"}
	}
	c.fill(more)
	return nil
}

// oidcFailure is a failed login through the provider: what the visitor
// sees (status and catalog key) and what the audit log and the server log
// keep (reason, detail, cause).
type oidcFailure struct {
	status int
	key    string
	reason string
	detail map[string]any
	cause  error
	user   *User // when the account is known
}

// fail records a failed login in the operating centre's audit chain and
// returns the page to show. Like password logins it fails closed: when the
// failure cannot be recorded, the visitor gets the internal error instead.
func (l *oidcLogin) fail(r *http.Request, f oidcFailure) error {
	detail := map[string]any{"method": "oidc", "provider": l.cfg.ProviderName, "reason": f.reason}
	for k, v := range f.detail {
		detail[k] = v
	}
	ev := audit.Event{Action: "user.login", Result: audit.ResultFailed, Detail: detail}
	if f.user != nil {
		ev.ActorID, ev.ActorName = f.user.ID.String(), f.user.Username
		ev.ObjectType, ev.ObjectID = "user", f.user.ID.String()
	}
	if err := l.web.Auth.Service.Audit.Record(r.Context(), db.OperatingCentre, ev); err != nil {
		return fmt.Errorf("audit failed oidc login: %w", err)
	}
	cause := f.cause
	if cause == nil {
		cause = errors.New(f.reason)
	}
	return &web.Error{Status: f.status, Key: f.key, Err: cause}
}

// clip shortens a value the provider sent before it is logged or stored.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
