package admin

import (
	"context"
	"errors"
	"net/http"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// target is the user named in the path, within the current tenant's
// scope (404 for anyone else), with the principal and the tenant.
func (a *Admin) target(r *http.Request) (*access.Principal, tenancy.Tenant, UserRow, error) {
	p, t, err := a.currentTenant(r)
	if err != nil {
		return nil, t, UserRow{}, err
	}
	row, err := a.userInTenant(r.Context(), t, r.PathValue("id"))
	return p, t, row, err
}

// currentTenant is the tenant the principal acts for (RequireTenant ran).
func (a *Admin) currentTenant(r *http.Request) (*access.Principal, tenancy.Tenant, error) {
	p := access.PrincipalFrom(r.Context())
	t, err := a.Tenants.Get(r.Context(), p.Tenant)
	return p, t, err
}

type usersData struct {
	Tenant    tenancy.Tenant
	Users     []UserRow
	CanManage bool
	// Created is set once, right after creating a user: the temporary
	// password to hand over.
	Created  *identity.User
	Password string
}

func (a *Admin) usersPage(w http.ResponseWriter, r *http.Request) error {
	p, t, err := a.currentTenant(r)
	if err != nil {
		return err
	}
	rows, err := a.tenantUsers(r.Context(), t)
	if err != nil {
		return err
	}
	return a.Render.Page(w, r, "admin/users", "users.title", usersData{Tenant: t, Users: rows, CanManage: p.Can(access.UsersManage)})
}

func (a *Admin) newUserPage(w http.ResponseWriter, r *http.Request) error {
	_, t, err := a.currentTenant(r)
	if err != nil {
		return err
	}
	return a.Render.Page(w, r, "admin/user_new", "users.new", usersData{Tenant: t})
}

// createUser makes a staff account in the office of the current tenant,
// with a temporary password shown once.
func (a *Admin) createUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	_, t, err := a.currentTenant(r)
	if err != nil {
		return err
	}
	u, pw, err := a.createStaff(ctx, t, r.PostFormValue("username"), r.PostFormValue("display_name"), r.PostFormValue("email"))
	var ps identity.ProblemList
	if errors.As(err, &ps) {
		page := a.Render.NewPage(r, "users.new", usersData{Tenant: t})
		page.Form = problemsForm(page.Lang, ps, r, "username", "display_name", "email")
		return a.Render.Render(w, r, http.StatusUnprocessableEntity, "admin/user_new", page)
	}
	if err != nil {
		return err
	}
	rows, err := a.tenantUsers(ctx, t)
	if err != nil {
		return err
	}
	page := a.Render.NewPage(r, "users.title", usersData{Tenant: t, Users: rows, CanManage: true, Created: &u, Password: pw})
	return a.Render.Render(w, r, http.StatusCreated, "admin/users", page)
}

// createStaff creates a staff user of t's office and records it in t's
// audit chain, in one transaction.
func (a *Admin) createStaff(ctx context.Context, t tenancy.Tenant, username, name, email string) (identity.User, string, error) {
	pw := identity.TemporaryPassword()
	var u identity.User
	err := a.DB.InTenant(ctx, t.ID, func(ctx context.Context, tx bun.Tx) error {
		var err error
		u, err = a.Identity.Create(ctx, tx, identity.NewUser{Username: username, DisplayName: name, Email: email,
			Kind: identity.Staff, OfficeID: t.OfficeID, Password: pw, MustChangePassword: true})
		if err != nil {
			return err
		}
		_, err = audit.Append(ctx, tx, t.ID, audit.Event{Action: "user.create", ObjectType: "user", ObjectID: u.ID.String(),
			Result: audit.ResultOK, Detail: map[string]any{"username": u.Username, "office": t.OfficeID}}, a.Identity.Now())
		return err
	})
	return u, pw, err
}

func problemsForm(lang string, ps identity.ProblemList, r *http.Request, fields ...string) *web.Form {
	f := &web.Form{Values: map[string]string{}}
	for _, name := range fields {
		f.Values[name] = r.PostFormValue(name)
	}
	for _, p := range ps {
		f.Errors = append(f.Errors, web.FieldError{Field: p.Field, Message: p.Message(lang)})
	}
	return f
}

type userData struct {
	Tenant       tenancy.Tenant
	Row          UserRow
	Grantable    []string
	OperatorOnly []string
	CanManage    bool
	CanReset     bool
	Password     string
	Done         string
}

func (a *Admin) userPage(w http.ResponseWriter, r *http.Request) error {
	return a.renderUser(w, r, http.StatusOK, "", "", nil)
}

func (a *Admin) renderUser(w http.ResponseWriter, r *http.Request, status int, done, password string, form *web.Form) error {
	ctx := r.Context()
	p, t, row, err := a.target(r)
	if err != nil {
		return err
	}
	canReset, err := a.mayManageAccount(ctx, p, t, row.User)
	if err != nil {
		return err
	}
	d := userData{Tenant: t, Row: row, CanManage: p.Can(access.UsersManage) && row.User.Kind == identity.Staff,
		CanReset: canReset, Password: password, Done: done,
		Grantable: roleNames(a.grantable(access.GrantedByKeyUser)), OperatorOnly: roleNames(a.grantable(access.GrantedByOperator))}
	page := a.Render.NewPage(r, "user.title", d)
	page.Form = form
	if done != "" {
		page.Flash = page.T("user.done." + done)
	}
	return a.Render.Render(w, r, status, "admin/user", page)
}

// deniedForm turns an access refusal into a form error in the user's language.
func (a *Admin) deniedForm(r *http.Request, err error) (*web.Form, bool) {
	var d *access.Denied
	if !errors.As(err, &d) {
		return nil, false
	}
	lang := web.RequestLang(r)
	return &web.Form{Errors: []web.FieldError{{Field: "role", Message: a.Render.Catalog.T(lang, d.Key, d.Args...)}}}, true
}

func (a *Admin) changeGrant(grant bool) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p, t, row, err := a.target(r)
		if err != nil {
			return err
		}
		role := r.PostFormValue("role")
		if role == "" {
			role = r.PathValue("role")
		}
		req := access.GrantRequest{Tenant: t.ID, User: row.User.ID, Role: role}
		done := "granted"
		if grant {
			err = a.Access.Grant(ctx, p, req)
		} else {
			err = a.Access.Revoke(ctx, p, req)
			done = "revoked"
		}
		if form, ok := a.deniedForm(r, err); ok {
			return a.renderUser(w, r, http.StatusUnprocessableEntity, "", "", form)
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/users/"+row.User.ID.String()+"?done="+done, http.StatusSeeOther)
		return nil
	}
}

func (a *Admin) userPageDone(w http.ResponseWriter, r *http.Request) error {
	done := r.URL.Query().Get("done")
	if done != "granted" && done != "revoked" {
		done = ""
	}
	return a.renderUser(w, r, http.StatusOK, done, "", nil)
}

// resetPassword sets a temporary password, ends the user's sessions and
// lifts a lock; the password is shown once.
func (a *Admin) resetPassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, t, row, err := a.target(r)
	if err != nil {
		return err
	}
	ok, err := a.mayManageAccount(ctx, p, t, row.User)
	if err != nil {
		return err
	}
	if !ok {
		return web.Forbidden()
	}
	pw := identity.TemporaryPassword()
	u := row.User
	err = a.DB.InTenant(ctx, t.ID, func(ctx context.Context, tx bun.Tx) error {
		if err := a.Identity.SetPassword(ctx, tx, &u, pw, true); err != nil {
			return err
		}
		u.SessionEpoch++
		if err := a.Identity.Users.Update(ctx, tx, &u, "session_epoch"); err != nil {
			return err
		}
		_, err := audit.Append(ctx, tx, t.ID, audit.Event{Action: "user.reset_password", ObjectType: "user",
			ObjectID: u.ID.String(), Result: audit.ResultOK}, a.Identity.Now())
		return err
	})
	if err != nil {
		return err
	}
	return a.renderUser(w, r, http.StatusOK, "reset", pw, nil)
}
