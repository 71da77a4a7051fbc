package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
	"github.com/openasp-hu/asp/internal/platform/web"
)

type officeData struct {
	Office    tenancy.Office
	Members   []tenancy.Tenant
	Staff     []string
	CanManage bool
	Done      bool
}

func (a *Admin) office(ctx context.Context, id string) (tenancy.Office, error) {
	o, err := a.Tenants.Office(ctx, id)
	if errors.Is(err, tenancy.ErrNotFound) {
		return o, web.NotFound()
	}
	return o, err
}

// officePage shows an office, the municipalities it serves and the names
// of its staff (no more: who holds which role is each municipality's).
func (a *Admin) officePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := a.office(ctx, r.PathValue("office"))
	if err != nil {
		return err
	}
	members, err := a.Tenants.OfficeTenants(ctx, o.ID)
	if err != nil {
		return err
	}
	users, err := a.Identity.Users.InOffices(ctx, []string{o.ID})
	if err != nil {
		return err
	}
	var staff []string
	for _, u := range users {
		staff = append(staff, u.DisplayName)
	}
	hu.SortStrings(staff)
	d := officeData{Office: o, Members: members, Staff: staff, Done: r.URL.Query().Get("done") == "1",
		CanManage: access.PrincipalFrom(ctx).Can(access.OfficesManage)}
	page := a.Render.NewPage(r, "office.title", d)
	if d.Done {
		page.Flash = page.T("office.saved")
	}
	return a.Render.Render(w, r, http.StatusOK, "admin/office", page)
}

// renameOffice changes an office's name; the change is in the operating
// centre's chain and in the chain of every municipality it serves.
func (a *Admin) renameOffice(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := a.office(ctx, r.PathValue("office"))
	if err != nil {
		return err
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	if name == "" || len(name) > 200 {
		return web.BadRequest("office.bad_name")
	}
	now := a.Identity.Now()
	if err := a.DB.InTenant(ctx, db.OperatingCentre, func(ctx context.Context, tx bun.Tx) error {
		if err := a.Tenants.RenameOffice(ctx, tx, o.ID, name, now.UTC()); err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, db.OperatingCentre, audit.Event{Action: "office.rename", ObjectType: "office", ObjectID: o.ID,
			Result: audit.ResultOK, Detail: map[string]any{"from": o.Name, "to": name}}, now)
		return err
	}); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/offices/"+o.ID+"?done=1", http.StatusSeeOther)
	return nil
}

// moveTenant puts a municipality under another office. Existing grants
// stay (the municipality's key user reviews them); new ones follow the new
// office.
func (a *Admin) moveTenant(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := db.TenantID(r.PathValue("ksh"))
	t, err := a.Tenants.Get(ctx, id)
	if err != nil {
		return web.NotFound()
	}
	to, err := a.Tenants.Office(ctx, strings.TrimSpace(r.PostFormValue("office")))
	if err != nil {
		form := &web.Form{Values: map[string]string{"office": r.PostFormValue("office")},
			Errors: []web.FieldError{{Field: "office", Message: a.Render.Catalog.T(web.RequestLang(r), "office.unknown")}}}
		return a.renderTenant(w, r, http.StatusUnprocessableEntity, "", nil, "", form)
	}
	now := a.Identity.Now()
	detail := map[string]any{"from": t.OfficeID, "to": to.ID}
	err = a.changeTenant(ctx, id, "tenant.move_office", detail, func(ctx context.Context, tx bun.Tx) error {
		return a.Tenants.MoveTenant(ctx, tx, id, to.ID, now.UTC())
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/tenants/"+string(id)+"?done=settings", http.StatusSeeOther)
	return nil
}
