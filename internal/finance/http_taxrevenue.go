package finance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Pages and API of the tax revenue transfer, the roll of multi-year
// commitments, the revocation of designations and the control settings.

var taxrevSeparationRoutes = []separation.Route{
	{Pattern: "GET /finance/entities/{entity}/tax-revenue"},
	{Pattern: "POST /finance/entities/{entity}/tax-revenue", Form: map[string][]string{"month": {"2026-01"}}},
	{Pattern: "GET /finance/entities/{entity}/commitments/roll"},
	{Pattern: "POST /finance/entities/{entity}/commitments/roll", Form: map[string][]string{"year": {"2026"}}},
	{Pattern: "POST /finance/entities/{entity}/designations/{designation}/revoke", Form: map[string][]string{"revoked_from": {"2100-01-01"}, "decision": {"teszt"}}},
	{Pattern: "POST /api/v1/finance/entities/{entity}/tax-revenue"},
	{Pattern: "POST /api/v1/finance/entities/{entity}/commitments/roll"},
	{Pattern: "POST /api/v1/finance/designations/{designation}/revoke"},
}

func (h *handlers) routesTaxRevenue(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(Read)}
	post := []web.Middleware{d.Tenant, identity.Require(Post)}
	manage := []web.Middleware{d.Tenant, identity.Require(Manage)}
	rt.Handle("GET /finance/entities/{entity}/tax-revenue", h.taxrevPage, read...)
	rt.Handle("POST /finance/entities/{entity}/tax-revenue", h.taxrevPost, post...)
	rt.Handle("GET /finance/entities/{entity}/commitments/roll", h.rollPage, read...)
	rt.Handle("POST /finance/entities/{entity}/commitments/roll", h.rollPost, manage...)
	rt.Handle("POST /finance/entities/{entity}/designations/{designation}/revoke", h.revokePost, manage...)
	rt.Handle("GET /finance/settings", h.settingsPage, read...)
	rt.Handle("POST /finance/settings", h.settingsPost, manage...)
	rt.Handle("POST /api/v1/finance/entities/{entity}/tax-revenue", h.apiTaxRevenue, post...)
	rt.Handle("POST /api/v1/finance/entities/{entity}/commitments/roll", h.apiRoll, manage...)
	rt.Handle("POST /api/v1/finance/designations/{designation}/revoke", h.apiRevoke, manage...)
	rt.Handle("GET /api/v1/finance/settings", h.apiSettings, read...)
	rt.Handle("PUT /api/v1/finance/settings", h.apiSetSettings, manage...)
}

// taxrevRefusal is apiRefusal that also answers 404 for a designation
// that is not the tenant's.
func taxrevRefusal(r *http.Request, err error) error {
	var prob *Problem
	if errors.As(err, &prob) && prob.Code == errNoDesignation.Code {
		return web.NotFound()
	}
	return apiRefusal(r, err)
}

// taxrevError renders a refusal on a page as its error summary, or
// passes another error on; another tenant's object is a 404.
func taxrevError(r *http.Request, err error, fields ...string) (*web.Form, error) {
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoEntity.Code || prob.Code == errNoDesignation.Code {
			return nil, web.NotFound()
		}
		return formOf(r, fields, prob, web.RequestLang(r)), nil
	}
	return nil, err
}

// --- tax revenue transfer ---

type taxrevPageData struct {
	Entity  Entity
	Month   string
	Preview *TaxRevenueTransfer
	Result  string // "posted" or "nothing" after a run
	RunNo   string
	CanPost bool
}

// RovatName names a rovat.
func (taxrevPageData) RovatName(code string) string { r, _ := mustCodes().Rovat(code); return r.Name }

// FunkcioName names a funkció.
func (taxrevPageData) FunkcioName(code string) string {
	f, _ := mustCodes().Funkcio(code)
	return f.Name
}

// taxrevDefaultMonth is the month a page offers first: the one before
// today's, the usual month to close.
func taxrevDefaultMonth(today hu.Date) string {
	y, m := today.Year, int(today.Month)-1
	if m == 0 {
		y, m = y-1, 12
	}
	return fmt.Sprintf("%04d-%02d", y, m)
}

func (h *handlers) taxrevPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderTaxrev(w, r, r.URL.Query().Get("month"), nil)
}

func (h *handlers) renderTaxrev(w http.ResponseWriter, r *http.Request, month string, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	if strings.TrimSpace(month) == "" {
		month = taxrevDefaultMonth(hu.DateOf(h.svc.now()))
	}
	d := taxrevPageData{Month: strings.TrimSpace(month), CanPost: p.Can(Post), Result: r.URL.Query().Get("result"), RunNo: r.URL.Query().Get("run")}
	status := http.StatusOK
	if form != nil {
		status = http.StatusUnprocessableEntity
	}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Entity, err = EntityByID(ctx, tx, id); err != nil {
			return err
		}
		y, m, prob := ParseTaxRevenueMonth(d.Month)
		if prob != nil {
			return prob
		}
		pv, err := h.svc.TaxRevenuePreview(ctx, tx, h.taxrev, id, y, m)
		if err != nil {
			return err
		}
		d.Preview = &pv
		return nil
	})
	if err != nil {
		f, err := taxrevError(r, err, "month")
		if err != nil {
			return err
		}
		if form == nil {
			form, status = f, http.StatusUnprocessableEntity
		}
	}
	if form != nil && form.Values["month"] == "" {
		form.Values["month"] = d.Month
	}
	page := h.deps.Render.NewPage(r, "finance.taxrev.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/taxrevenue", page)
}

func (h *handlers) taxrevPost(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	month := strings.TrimSpace(r.PostFormValue("month"))
	var t TaxRevenueTransfer
	y, m, prob := ParseTaxRevenueMonth(month)
	if prob != nil {
		err = prob
	} else {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			t, err = h.svc.TransferTaxRevenue(ctx, tx, h.taxrev, id, y, m, p.Username)
			return err
		})
	}
	if err != nil {
		f, err := taxrevError(r, err, "month")
		if err != nil {
			return err
		}
		return h.renderTaxrev(w, r, month, f)
	}
	to := "/finance/entities/" + id.String() + "/tax-revenue?month=" + month + "&result=nothing"
	if t.Posted {
		to = "/finance/entities/" + id.String() + "/tax-revenue?month=" + month + "&result=posted&run=" + strconv.Itoa(t.RunNo)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

type taxrevRequest struct {
	Month  string `json:"month"`
	DryRun bool   `json:"dry_run"`
}

func (h *handlers) apiTaxRevenue(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	if err := h.entityExists(r, id); err != nil {
		return err
	}
	var req taxrevRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	y, m, prob := ParseTaxRevenueMonth(req.Month)
	if prob != nil {
		return apiRefusal(r, prob)
	}
	var t TaxRevenueTransfer
	run := func(ctx context.Context, tx bun.Tx) error {
		var err error
		if req.DryRun {
			t, err = h.svc.TaxRevenuePreview(ctx, tx, h.taxrev, id, y, m)
		} else {
			t, err = h.svc.TransferTaxRevenue(ctx, tx, h.taxrev, id, y, m, p.Username)
		}
		return err
	}
	if req.DryRun {
		err = h.deps.DB.InTenantRead(ctx, p.Tenant, run)
	} else {
		err = h.deps.DB.InTenant(ctx, p.Tenant, run)
	}
	if err != nil {
		return apiRefusal(r, err)
	}
	status := http.StatusOK
	if t.Posted {
		status = http.StatusCreated
	}
	api.Write(w, status, map[string]any{"transfer": t, "dry_run": req.DryRun, "nothing_to_post": t.Nothing()})
	return nil
}

// --- multi-year commitments rolled into the year ---

type rollPageData struct {
	Entity    Entity
	Year      int
	Preview   CommitmentRollResult
	Rolls     []CommitmentRoll
	CanManage bool
	Done      string
}

func (h *handlers) rollPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderRoll(w, r, http.StatusOK, nil)
}

func (h *handlers) renderRoll(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	year := yearOf(r, hu.DateOf(h.svc.now()).Year)
	if y, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("year"))); err == nil && y >= 2000 && y <= 2100 {
		year = y
	}
	d := rollPageData{Year: year, CanManage: p.Can(Manage), Done: r.URL.Query().Get("done")}
	// The preview is a dry run: its transaction is rolled back whatever
	// it did, and a dry run writes nothing anyway.
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Entity, err = EntityByID(ctx, tx, id); err != nil {
			return err
		}
		if d.Rolls, err = CommitmentRolls(ctx, tx, id, year); err != nil {
			return err
		}
		d.Preview, err = h.svc.RollCommitments(ctx, tx, id, year, true, p.Username)
		var prob *Problem
		if errors.As(err, &prob) && prob.Code != errNoEntity.Code {
			if form == nil {
				form, status = formOf(r, []string{"year"}, prob, web.RequestLang(r)), http.StatusUnprocessableEntity
			}
			return nil
		}
		return err
	})
	if errors.Is(err, errNoEntity) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "finance.roll.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/commitment_roll", page)
}

func (h *handlers) rollPost(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	year, aerr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("year")))
	var res CommitmentRollResult
	if aerr != nil {
		err = problem("bad_year", "year", "Adja meg az évet négy számjeggyel.", "Give the year in four digits.")
	} else {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			res, err = h.svc.RollCommitments(ctx, tx, id, year, false, p.Username)
			return err
		})
	}
	if err != nil {
		f, err := taxrevError(r, err, "year")
		if err != nil {
			return err
		}
		return h.renderRoll(w, r, http.StatusUnprocessableEntity, f)
	}
	http.Redirect(w, r, fmt.Sprintf("/finance/entities/%s/commitments/roll?year=%d&done=%d", id, year, len(res.Items)), http.StatusSeeOther)
	return nil
}

type rollRequest struct {
	Year   int  `json:"year"`
	DryRun bool `json:"dry_run"`
}

func (h *handlers) apiRoll(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	if err := h.entityExists(r, id); err != nil {
		return err
	}
	var req rollRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var res CommitmentRollResult
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = h.svc.RollCommitments(ctx, tx, id, req.Year, req.DryRun, p.Username)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	status := http.StatusOK
	if !req.DryRun && len(res.Items) > 0 {
		status = http.StatusCreated
	}
	api.Write(w, status, res)
	return nil
}

// --- revocation of a designation ---

func (h *handlers) revokePost(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	gid, err := uuid.Parse(r.PathValue("designation"))
	if err != nil {
		return web.NotFound()
	}
	from, prob := formDate(r.PostFormValue("revoked_from"), true)
	if prob != nil {
		prob.Field = "revoked_from"
		err = prob
	} else {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			g, err := DesignationByID(ctx, tx, gid)
			if err != nil {
				return err
			}
			if g.EntityID != id {
				return errNoDesignation
			}
			_, err = h.svc.RevokeDesignation(ctx, tx, gid, from, r.PostFormValue("decision"), p.Username)
			return err
		})
	}
	if err != nil {
		f, err := taxrevError(r, err, "revoked_from", "decision")
		if err != nil {
			return err
		}
		f.Values["designation"] = gid.String()
		return h.renderDesignations(w, r, http.StatusUnprocessableEntity, f)
	}
	http.Redirect(w, r, "/finance/entities/"+id.String()+"/designations", http.StatusSeeOther)
	return nil
}

type revokeRequest struct {
	RevokedFrom string `json:"revoked_from"`
	Decision    string `json:"decision"`
}

func (h *handlers) apiRevoke(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	gid, err := uuid.Parse(r.PathValue("designation"))
	if err != nil {
		return web.NotFound()
	}
	// 404 for another tenant's designation before the body is read.
	if err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := DesignationByID(ctx, tx, gid)
		return err
	}); err != nil {
		return taxrevRefusal(r, err)
	}
	var req revokeRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	from, prob := formDate(req.RevokedFrom, true)
	if prob != nil {
		prob.Field = "revoked_from"
		return apiRefusal(r, prob)
	}
	var g Designation
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		g, err = h.svc.RevokeDesignation(ctx, tx, gid, from, req.Decision, p.Username)
		return err
	})
	if err != nil {
		return taxrevRefusal(r, err)
	}
	api.Write(w, http.StatusOK, g)
	return nil
}

// --- control settings ---

type settingsPageData struct {
	Settings  ControlSettings
	CanManage bool
}

func (h *handlers) settingsPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderSettings(w, r, http.StatusOK, nil)
}

func (h *handlers) renderSettings(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d := settingsPageData{CanManage: p.Can(Manage)}
	if err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d.Settings, err = ControlSettingsOf(ctx, tx)
		return err
	}); err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "finance.settings.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/settings", page)
}

func (h *handlers) settingsPost(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	in := ControlSettings{TaxRevenueFunkcio: r.PostFormValue("tax_revenue_funkcio")}
	limit, err := hu.ParseForint(r.PostFormValue("written_commitment_limit"))
	if err != nil {
		err = problem("bad_limit", "written_commitment_limit", "Az értékhatár egész forint, például 200 000.", "The threshold is whole forints, e.g. 200 000.")
	} else {
		in.WrittenCommitmentLimit = limit
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.SetControlSettings(ctx, tx, in, p.Username)
			return err
		})
	}
	if err != nil {
		f, err := taxrevError(r, err, "tax_revenue_funkcio", "written_commitment_limit")
		if err != nil {
			return err
		}
		return h.renderSettings(w, r, http.StatusUnprocessableEntity, f)
	}
	http.Redirect(w, r, "/finance/settings", http.StatusSeeOther)
	return nil
}

func (h *handlers) apiSettings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var s ControlSettings
	if err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		s, err = ControlSettingsOf(ctx, tx)
		return err
	}); err != nil {
		return err
	}
	api.Write(w, http.StatusOK, s)
	return nil
}

func (h *handlers) apiSetSettings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var in ControlSettings
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	var s ControlSettings
	err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		s, err = h.svc.SetControlSettings(ctx, tx, in, p.Username)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	api.Write(w, http.StatusOK, s)
	return nil
}
