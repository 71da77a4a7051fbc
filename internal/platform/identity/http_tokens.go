package identity

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// SeparationRoutes are the identity pages that take an identifier: a
// token of someone else must be "not found".
var SeparationRoutes = []separation.Route{
	{Pattern: "POST /account/tokens/{token}/revoke"},
}

type tokensData struct {
	Tokens   []APIToken
	Created  *APIToken
	Plain    string
	Tenant   string
	CanMake  bool
	Validity []int
}

// tokenValidity are the lifetimes offered, in days.
var tokenValidity = []int{30, 90, 365}

func (h *Web) tokensData(r *http.Request) (tokensData, error) {
	p := access.PrincipalFrom(r.Context())
	ts, err := h.Auth.Service.Tokens(r.Context(), p.UserID)
	if err != nil {
		return tokensData{}, err
	}
	return tokensData{Tokens: ts, Tenant: string(p.Tenant), CanMake: p.Tenant != "" && p.Can(access.TokensManage), Validity: tokenValidity}, nil
}

func (h *Web) tokensPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.tokensData(r)
	if err != nil {
		return err
	}
	page := h.Render.NewPage(r, "tokens.title", d)
	if r.URL.Query().Get("done") == "revoked" {
		page.Flash = page.T("tokens.revoked")
	}
	return h.Render.Render(w, r, http.StatusOK, "identity/tokens", page)
}

// createToken makes a token for the current tenant, acting with the
// user's own roles there; it is shown once.
func (h *Web) createToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	if p.Tenant == "" || !p.Can(access.TokensManage) {
		return web.Forbidden()
	}
	days := 0
	for _, v := range tokenValidity {
		if r.PostFormValue("days") == itoa(v) {
			days = v
		}
	}
	if days == 0 {
		return web.BadRequest("tokens.bad_validity")
	}
	var plain string
	var tok APIToken
	err := h.Auth.Service.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		plain, tok, err = h.Auth.Service.CreateToken(ctx, tx, p.UserID, p.Tenant, r.PostFormValue("name"), time.Duration(days)*24*time.Hour)
		if err != nil {
			return err
		}
		return AuditToken(ctx, tx, "api_token.create", tok, h.Auth.Service.Now())
	})
	var ps ProblemList
	if errors.As(err, &ps) {
		d, derr := h.tokensData(r)
		if derr != nil {
			return derr
		}
		page := h.Render.NewPage(r, "tokens.title", d)
		page.Form = &web.Form{Values: map[string]string{"name": r.PostFormValue("name")},
			Errors: []web.FieldError{{Field: "name", Message: ps[0].Message(page.Lang)}}}
		return h.Render.Render(w, r, http.StatusUnprocessableEntity, "identity/tokens", page)
	}
	if err != nil {
		return err
	}
	d, err := h.tokensData(r)
	if err != nil {
		return err
	}
	d.Created, d.Plain = &tok, plain
	return h.Render.Render(w, r, http.StatusCreated, "identity/tokens", h.Render.NewPage(r, "tokens.title", d))
}

// revokeToken revokes one of the user's own tokens; anyone else's token
// does not exist for her.
func (h *Web) revokeToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	ts, err := h.Auth.Service.Tokens(ctx, p.UserID)
	if err != nil {
		return err
	}
	var mine *APIToken
	for i := range ts {
		if ts[i].ID == r.PathValue("token") {
			mine = &ts[i]
		}
	}
	if mine == nil {
		return web.NotFound()
	}
	err = h.Auth.Service.DB.InTenant(ctx, mine.TenantID, func(ctx context.Context, tx bun.Tx) error {
		tok, err := h.Auth.Service.RevokeToken(ctx, tx, mine.ID)
		if err != nil {
			return err
		}
		return AuditToken(ctx, tx, "api_token.revoke", tok, h.Auth.Service.Now())
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/account/tokens?done=revoked", http.StatusSeeOther)
	return nil
}
