package identity

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/uuid"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/web"
)

type accountData struct {
	User        User
	TOTPEnabled bool
	MustChange  bool
}

func (h *Web) currentUser(r *http.Request) (User, error) {
	p := access.PrincipalFrom(r.Context())
	if p == nil {
		return User{}, web.Unauthorized("error.login_required")
	}
	return h.Auth.Service.Users.ByID(r.Context(), p.UserID)
}

func (h *Web) account(w http.ResponseWriter, r *http.Request) error {
	u, err := h.currentUser(r)
	if err != nil {
		return err
	}
	p := h.Render.NewPage(r, "account.title", accountData{User: u, TOTPEnabled: u.TOTPEnabled,
		MustChange: h.Auth.Sessions.GetBool(r.Context(), sessMustChange)})
	p.Flash = flash(p, r.URL.Query().Get("done"))
	return h.Render.Render(w, r, http.StatusOK, "identity/account", p)
}

func flash(p *web.Page, done string) string {
	switch done {
	case "password", "totp", "everywhere":
		return p.T("account.done." + done)
	}
	return ""
}

func (h *Web) changePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := h.currentUser(r)
	if err != nil {
		return err
	}
	cur, next, again := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("password_again")
	page := h.Render.NewPage(r, "account.title", accountData{User: u, TOTPEnabled: u.TOTPEnabled,
		MustChange: h.Auth.Sessions.GetBool(ctx, sessMustChange)})
	fail := func(field, msg string) error {
		page.Form = &web.Form{Errors: []web.FieldError{{Field: field, Message: msg}}}
		return h.Render.Render(w, r, http.StatusUnprocessableEntity, "identity/account", page)
	}
	ok, _, err := h.Auth.Service.Hasher.Verify(ctx, cur, u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		return fail("current", page.T("account.wrong_current"))
	}
	if next == cur {
		return fail("password", page.T("account.same_password"))
	}
	if next != again {
		return fail("password_again", page.T("account.mismatch"))
	}
	if err := h.Auth.Service.SetPassword(ctx, h.Auth.Service.DB.Bun(), &u, next, false); err != nil {
		var ps ProblemList
		if errors.As(err, &ps) {
			page.Form = &web.Form{}
			for _, p := range ps {
				page.Form.Errors = append(page.Form.Errors, web.FieldError{Field: "password", Message: p.Message(page.Lang)})
			}
			return h.Render.Render(w, r, http.StatusUnprocessableEntity, "identity/account", page)
		}
		return err
	}
	h.Auth.Sessions.Remove(ctx, sessMustChange)
	if err := h.Auth.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?done=password", http.StatusSeeOther)
	return nil
}

func (h *Web) logoutEverywhere(w http.ResponseWriter, r *http.Request) error {
	u, err := h.currentUser(r)
	if err != nil {
		return err
	}
	if err := h.Auth.Service.LogoutEverywhere(r.Context(), &u); err != nil {
		return err
	}
	h.Auth.Sessions.Destroy(r.Context())
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

const sessTOTPSecret = "totp_pending_secret"

type totpSetupData struct {
	Secret, URI   string
	RecoveryCodes []string
	Required      bool
}

func (h *Web) totpSetupPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := h.currentUser(r)
	if err != nil {
		return err
	}
	secret := h.Auth.Sessions.GetString(ctx, sessTOTPSecret)
	if secret == "" {
		secret = NewTOTPSecret()
		h.Auth.Sessions.Put(ctx, sessTOTPSecret, secret)
	}
	return h.Render.Page(w, r, "identity/totp_setup", "totp_setup.title", totpSetupData{
		Secret: secret, URI: TOTPURI(h.Issuer, u.Username, secret), Required: h.Auth.MustEnroll(ctx)})
}

func (h *Web) totpSetup(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := h.currentUser(r)
	if err != nil {
		return err
	}
	secret := h.Auth.Sessions.GetString(ctx, sessTOTPSecret)
	if secret == "" {
		http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
		return nil
	}
	codes, err := h.Auth.Service.EnableTOTP(ctx, &u, secret, r.PostFormValue("code"))
	if errors.Is(err, ErrBadCode) {
		p := h.Render.NewPage(r, "totp_setup.title", totpSetupData{Secret: secret, URI: TOTPURI(h.Issuer, u.Username, secret), Required: h.Auth.MustEnroll(ctx)})
		p.Form = &web.Form{Errors: []web.FieldError{{Field: "code", Message: ErrBadCode.Message(p.Lang)}}}
		return h.Render.Render(w, r, http.StatusUnprocessableEntity, "identity/totp_setup", p)
	}
	if err != nil {
		return err
	}
	h.Auth.Sessions.Remove(ctx, sessTOTPSecret)
	h.Auth.Sessions.Remove(ctx, sessEnroll)
	if err := h.Auth.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	// The codes are shown now and never again.
	return h.Render.Page(w, r, "identity/recovery_codes", "recovery.title", totpSetupData{RecoveryCodes: codes})
}

func parseUUID(s string) (uuid.UUID, error) {
	if s == "" {
		return uuid.UUID{}, fmt.Errorf("empty id")
	}
	return uuid.Parse(s)
}

func itoa(n int) string        { return strconv.Itoa(n) }
func urlQuery(s string) string { return url.QueryEscape(s) }
