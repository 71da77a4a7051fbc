package records

import (
	"context"
	"errors"
	"net/http"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// The municipality's IRAT settings: the form of the iktatószám.

func (h *handlers) routesSettings(rt *web.Router, d module.Deps) {
	manage := []web.Middleware{d.Tenant, identity.Require(SettingsManage)}
	rt.Handle("GET /records/settings", h.settingsPage, manage...)
	rt.Handle("POST /records/settings", h.saveSettings, manage...)
}

type settingsData struct {
	Template NumberTemplate
	Books    []Book
}

func (h *handlers) settingsPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderSettings(w, r, http.StatusOK, nil)
}

func (h *handlers) renderSettings(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var d settingsData
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		st, _, err := settings(ctx, tx)
		if err != nil {
			return err
		}
		d.Template = st.NumberTemplate.orDefault()
		d.Books, err = allBooks(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "records.settings.title", d)
	if form == nil {
		form = &web.Form{Values: map[string]string{"number_template": string(d.Template)}}
	}
	page.Form = form
	if r.URL.Query().Get("done") == "saved" {
		page.Flash = page.T("records.settings.saved")
	}
	return h.deps.Render.Render(w, r, status, "records/settings", page)
}

func (h *handlers) saveSettings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		return h.svc.SetNumberTemplate(ctx, tx, NumberTemplate(r.PostFormValue("number_template")), p.Username)
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return h.renderSettings(w, r, http.StatusUnprocessableEntity, formOf(r, []string{"number_template"}, prob, web.RequestLang(r)))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records/settings?done=saved", http.StatusSeeOther)
	return nil
}
