package finance

import (
	"context"
	"errors"
	"math"
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
	"github.com/openasp-hu/asp/internal/platform/xlsx"
)

// Pages and API of the fixed-asset register.

var assetSeparationRoutes = []separation.Route{
	{Pattern: "GET /finance/entities/{entity}/assets"},
	{Pattern: "POST /finance/entities/{entity}/assets", Form: map[string][]string{"inventory_no": {"X-1"}, "name": {"X"}, "class": {"gep"}, "funkcio": {"011130"}, "in_use_on": {"2026-03-02"}, "gross": {"1000000"}}},
	{Pattern: "POST /finance/entities/{entity}/assets/depreciation", Form: map[string][]string{"year": {"2026"}, "quarter": {"1"}}},
	{Pattern: "POST /finance/entities/{entity}/assets/settings", Form: map[string][]string{"small_limit": {"200000"}}},
	{Pattern: "GET /finance/entities/{entity}/assets.xlsx"},
	{Pattern: "GET /finance/assets/{asset}"},
	{Pattern: "POST /finance/assets/{asset}/writedown", Form: map[string][]string{"on": {"2026-03-02"}, "amount": {"1"}, "reason": {"X"}}},
	{Pattern: "POST /finance/assets/{asset}/dispose", Form: map[string][]string{"on": {"2026-03-02"}, "kind": {"selejtezes"}}},
	{Pattern: "GET /api/v1/finance/entities/{entity}/assets"},
	{Pattern: "POST /api/v1/finance/entities/{entity}/assets"},
	{Pattern: "POST /api/v1/finance/entities/{entity}/assets/depreciation"},
	{Pattern: "GET /api/v1/finance/assets/{asset}"},
	{Pattern: "POST /api/v1/finance/assets/{asset}/writedown"},
	{Pattern: "POST /api/v1/finance/assets/{asset}/dispose"},
}

// Registered here rather than in the SeparationRoutes literal, so the
// shared list stays as it is.
func init() { SeparationRoutes = append(SeparationRoutes, assetSeparationRoutes...) }

func (h *handlers) routesAssets(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(Read)}
	post := []web.Middleware{d.Tenant, identity.Require(Post)}
	manage := []web.Middleware{d.Tenant, identity.Require(Manage)}
	rt.Handle("GET /finance/entities/{entity}/assets", h.assets, read...)
	rt.Handle("POST /finance/entities/{entity}/assets", h.assetRegister, post...)
	rt.Handle("POST /finance/entities/{entity}/assets/depreciation", h.assetDepreciate, post...)
	rt.Handle("POST /finance/entities/{entity}/assets/settings", h.assetSettings, manage...)
	rt.Handle("GET /finance/entities/{entity}/assets.xlsx", h.assetsXLSX, read...)
	rt.Handle("GET /finance/assets/{asset}", h.asset, read...)
	rt.Handle("POST /finance/assets/{asset}/writedown", h.assetWriteDown, post...)
	rt.Handle("POST /finance/assets/{asset}/dispose", h.assetDispose, post...)
	rt.Handle("GET /api/v1/finance/entities/{entity}/assets", h.apiAssets, read...)
	rt.Handle("POST /api/v1/finance/entities/{entity}/assets", h.apiAssetRegister, post...)
	rt.Handle("POST /api/v1/finance/entities/{entity}/assets/depreciation", h.apiAssetDepreciate, post...)
	rt.Handle("GET /api/v1/finance/assets/{asset}", h.apiAsset, read...)
	rt.Handle("POST /api/v1/finance/assets/{asset}/writedown", h.apiAssetWriteDown, post...)
	rt.Handle("POST /api/v1/finance/assets/{asset}/dispose", h.apiAssetDispose, post...)
}

type assetsData struct {
	Entity    Entity
	Assets    []Asset
	Totals    []AssetClassTotal
	Sum       AssetClassTotal
	Runs      []AssetRun
	Preview   *AssetRun
	Settings  AssetSettings
	Next      string
	Classes   []AssetClass
	Year      int
	Quarter   int
	CanPost   bool
	CanManage bool
	lang      string
}

// ClassName names a class in the page's language.
func (d assetsData) ClassName(c string) string { return assetClassName(c, d.lang) }

// Percent shows basis points as a percentage (1450 → 14,5).
func (assetsData) Percent(bp int) string { return assetPercent(bp) }

func assetPercent(bp int) string {
	return strings.Replace(strconv.FormatFloat(float64(bp)/100, 'f', -1, 64), ".", ",", 1)
}

func assetClassName(c, lang string) string {
	cls, ok := AssetClassOf(c)
	if !ok {
		return c
	}
	if lang == "en" {
		return cls.EN
	}
	return cls.HU
}

func (h *handlers) assets(w http.ResponseWriter, r *http.Request) error {
	return h.renderAssets(w, r, http.StatusOK, nil, nil)
}

func (h *handlers) renderAssets(w http.ResponseWriter, r *http.Request, status int, form *web.Form, preview *AssetRun) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	today := hu.DateOf(h.svc.now())
	d := assetsData{Classes: AssetClasses, Year: today.Year, Quarter: (int(today.Month)-1)/3 + 1, CanPost: p.Can(Post), CanManage: p.Can(Manage), lang: web.RequestLang(r), Preview: preview}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Entity, err = EntityByID(ctx, tx, id); err != nil {
			return err
		}
		if d.Assets, err = Assets(ctx, tx, id); err != nil {
			return err
		}
		if d.Runs, err = AssetRuns(ctx, tx, id); err != nil {
			return err
		}
		if d.Settings, err = AssetSettingsOf(ctx, tx, id); err != nil {
			return err
		}
		d.Next, err = NextInventoryNo(ctx, tx, id)
		return err
	})
	if errors.Is(err, errNoEntity) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	d.Totals = AssetTotals(d.Assets)
	for _, t := range d.Totals {
		d.Sum.Count += t.Count
		d.Sum.Gross += t.Gross
		d.Sum.Depreciated += t.Depreciated
		d.Sum.WrittenDown += t.WrittenDown
		d.Sum.Net += t.Net
	}
	page := h.deps.Render.NewPage(r, "finance.assets.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/assets", page)
}

// assetRefused re-renders the register with the refusal.
func (h *handlers) assetRefused(w http.ResponseWriter, r *http.Request, err error, fields []string) error {
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoEntity.Code {
			return web.NotFound()
		}
		return h.renderAssets(w, r, http.StatusUnprocessableEntity, formOf(r, fields, prob, web.RequestLang(r)), nil)
	}
	return err
}

var assetFields = []string{"inventory_no", "name", "class", "funkcio", "hrsz", "location", "acquired_on", "in_use_on", "gross", "residual", "rate", "life_years", "document"}

// assetRate reads a percentage typed by a clerk (14,5) as basis points;
// empty is nil (the class's default).
func assetRate(s string) (*int, *Problem) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || f < 0 || f > 100 || math.IsNaN(f) {
		return nil, problem("bad_rate", "rate", "Az écs. kulcs 0 és 100 közötti százalék (például 14,5).", "The rate is a percentage from 0 to 100 (e.g. 14.5).")
	}
	bp := int(math.Round(f * 100))
	return &bp, nil
}

// assetInputOf reads the register form or an API request (same names).
func assetInputOf(entity uuid.UUID, get func(string) string) (AssetInput, *Problem) {
	in := AssetInput{Entity: entity, InventoryNo: get("inventory_no"), Name: get("name"), Class: get("class"), Funkcio: get("funkcio"), HRSZ: get("hrsz"),
		Location: get("location"), Document: get("document")}
	var prob *Problem
	if in.InUseOn, prob = formDate(get("in_use_on"), true); prob != nil {
		prob.Field = "in_use_on"
		return in, prob
	}
	if in.AcquiredOn, prob = formDate(get("acquired_on"), false); prob != nil {
		prob.Field = "acquired_on"
		return in, prob
	}
	gross, err := hu.ParseForint(get("gross"))
	if err != nil {
		return in, problem("bad_amount", "gross", "A bruttó érték egész forint, például 1 250 000.", "The gross value is whole forints, e.g. 1 250 000.")
	}
	in.Gross = gross
	if s := strings.TrimSpace(get("residual")); s != "" {
		if in.Residual, err = hu.ParseForint(s); err != nil {
			return in, problem("bad_residual", "residual", "A maradványérték egész forint.", "The residual value is whole forints.")
		}
	}
	if in.RateBP, prob = assetRate(get("rate")); prob != nil {
		return in, prob
	}
	if s := strings.TrimSpace(get("life_years")); s != "" {
		if in.LifeYears, err = strconv.Atoi(s); err != nil || in.LifeYears < 1 {
			return in, problem("bad_life", "life_years", "A hasznos élettartam egész év (1–100).", "The useful life is whole years (1–100).")
		}
	}
	return in, nil
}

func (h *handlers) assetRegister(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	in, prob := assetInputOf(id, r.PostFormValue)
	if prob != nil {
		return h.assetRefused(w, r, prob, assetFields)
	}
	var a Asset
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		a, err = h.svc.RegisterAsset(ctx, tx, in, p.Username)
		return err
	})
	if err != nil {
		return h.assetRefused(w, r, err, assetFields)
	}
	http.Redirect(w, r, "/finance/assets/"+a.ID.String(), http.StatusSeeOther)
	return nil
}

func (h *handlers) assetDepreciate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	year, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("year")))
	quarter, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("quarter")))
	dry := r.PostFormValue("preview") != ""
	var run AssetRun
	fn := func(ctx context.Context, tx bun.Tx) error {
		var err error
		run, err = h.svc.Depreciate(ctx, tx, id, year, quarter, dry, p.Username)
		return err
	}
	if dry {
		err = h.deps.DB.InTenantRead(ctx, p.Tenant, fn)
	} else {
		err = h.deps.DB.InTenant(ctx, p.Tenant, fn)
	}
	if err != nil {
		return h.assetRefused(w, r, err, []string{"year", "quarter"})
	}
	return h.renderAssets(w, r, http.StatusOK, nil, &run)
}

func (h *handlers) assetSettings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	st := AssetSettings{Rates: map[string]int{}, SmallWrite: r.PostFormValue("small_writeoff") != ""}
	limit, perr := hu.ParseForint(r.PostFormValue("small_limit"))
	if perr != nil {
		return h.assetRefused(w, r, problem("bad_small_limit", "small_limit", "Az értékhatár egész forint.", "The limit is whole forints."), nil)
	}
	st.SmallLimit = limit
	for _, c := range AssetClasses {
		bp, prob := assetRate(r.PostFormValue("rate_" + c.Code))
		if prob != nil {
			return h.assetRefused(w, r, prob, nil)
		}
		if bp != nil {
			st.Rates[c.Code] = *bp
		}
	}
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		return h.svc.SetAssetSettings(ctx, tx, id, st, p.Username)
	})
	if err != nil {
		return h.assetRefused(w, r, err, nil)
	}
	http.Redirect(w, r, "/finance/entities/"+id.String()+"/assets", http.StatusSeeOther)
	return nil
}

func (h *handlers) assetsXLSX(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	var e Entity
	var as []Asset
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if e, err = EntityByID(ctx, tx, id); err != nil {
			return err
		}
		as, err = Assets(ctx, tx, id)
		return err
	})
	if errors.Is(err, errNoEntity) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	wb, err := xlsx.New()
	if err != nil {
		return err
	}
	if err := wb.SetProperties("Tárgyi eszköz nyilvántartás – "+e.Name, "GAZD", p.Username, h.svc.now()); err != nil {
		return err
	}
	n := func(hd string) xlsx.Column { return xlsx.Column{Header: hd, Kind: xlsx.Number, Width: 16} }
	tx := func(hd string, w float64) xlsx.Column { return xlsx.Column{Header: hd, Kind: xlsx.Text, Width: w} }
	sh, err := wb.Sheet("Tárgyi eszközök", tx("Leltári szám", 14), tx("Megnevezés", 40), tx("Eszközcsoport", 26), tx("Számla", 8), tx("Kormányzati funkció", 10),
		tx("Helyrajzi szám", 14), xlsx.Column{Header: "Üzembe helyezés", Kind: xlsx.Date}, n("Bruttó érték"), n("Terv szerinti écs."), n("Terven felüli écs."), n("Nettó érték"),
		n("Maradványérték"), tx("Écs. kulcs (%)", 10), tx("Állapot", 14))
	if err != nil {
		return err
	}
	for _, a := range as {
		state := "használatban"
		if a.State == assetDisposed {
			state = "kivezetve " + a.DisposedOn.String()
		}
		if err := sh.Row(a.InventoryNo, a.Name, assetClassName(a.Class, "hu"), a.Account, a.Funkcio, a.HRSZ, a.InUseOn, int64(a.Gross), int64(a.Depreciated),
			int64(a.WrittenDown), int64(a.Net()), int64(a.Residual), assetPercent(a.RateBP), state); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="targyi-eszkozok.xlsx"`)
	_, err = wb.WriteTo(w)
	return err
}

type assetData struct {
	Asset   Asset
	Entity  Entity
	History []AssetEvent
	CanPost bool
	Today   hu.Date
	lang    string
}

// ClassName names the asset's class.
func (d assetData) ClassName(c string) string { return assetClassName(c, d.lang) }

// Percent shows basis points as a percentage.
func (assetData) Percent(bp int) string { return assetPercent(bp) }

// KindName names a history line.
func (d assetData) KindName(k string) string {
	names := map[string][2]string{"acquisition": {"Aktiválás (üzembe helyezés)", "Capitalised"}, "depreciation": {"Terv szerinti értékcsökkenés", "Planned depreciation"},
		"writedown": {"Terven felüli értékcsökkenés", "Write-down"}, "disposal": {"Kivezetés (nettó érték)", "Disposal (net value)"}}
	if d.lang == "en" {
		return names[k][1]
	}
	return names[k][0]
}

func (h *handlers) assetID(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue("asset"))
	if err != nil {
		return uuid.Nil, web.NotFound()
	}
	return id, nil
}

func (h *handlers) asset(w http.ResponseWriter, r *http.Request) error {
	return h.renderAsset(w, r, http.StatusOK, nil)
}

func (h *handlers) renderAsset(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.assetID(r)
	if err != nil {
		return err
	}
	d := assetData{CanPost: p.Can(Post), Today: hu.DateOf(h.svc.now()), lang: web.RequestLang(r)}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Asset, err = AssetByID(ctx, tx, id); err != nil {
			return err
		}
		if d.Entity, err = EntityByID(ctx, tx, d.Asset.EntityID); err != nil {
			return err
		}
		d.History, err = AssetHistory(ctx, tx, id)
		return err
	})
	if errors.Is(err, errNoAsset) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "finance.asset.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/asset", page)
}

func (h *handlers) assetChange(w http.ResponseWriter, r *http.Request, fields []string, fn func(ctx context.Context, tx bun.Tx, id uuid.UUID, on hu.Date, by string) error) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.assetID(r)
	if err != nil {
		return err
	}
	on, prob := formDate(r.PostFormValue("on"), true)
	if prob == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error { return fn(ctx, tx, id, on, p.Username) })
	} else {
		err = prob
	}
	if errors.As(err, &prob) {
		if prob.Code == errNoAsset.Code {
			return web.NotFound()
		}
		return h.renderAsset(w, r, http.StatusUnprocessableEntity, formOf(r, fields, prob, web.RequestLang(r)))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/finance/assets/"+id.String(), http.StatusSeeOther)
	return nil
}

func (h *handlers) assetWriteDown(w http.ResponseWriter, r *http.Request) error {
	return h.assetChange(w, r, []string{"on", "amount", "reason"}, func(ctx context.Context, tx bun.Tx, id uuid.UUID, on hu.Date, by string) error {
		amount, err := hu.ParseForint(r.PostFormValue("amount"))
		if err != nil {
			return problem("bad_amount", "amount", "Az összeg egész forint.", "The amount is whole forints.")
		}
		_, err = h.svc.WriteDown(ctx, tx, id, on, amount, r.PostFormValue("reason"), by)
		return err
	})
}

func (h *handlers) assetDispose(w http.ResponseWriter, r *http.Request) error {
	return h.assetChange(w, r, []string{"on", "kind", "note"}, func(ctx context.Context, tx bun.Tx, id uuid.UUID, on hu.Date, by string) error {
		_, err := h.svc.Dispose(ctx, tx, id, on, r.PostFormValue("kind"), r.PostFormValue("note"), by)
		return err
	})
}

// API

func assetRefusal(r *http.Request, err error) error {
	var prob *Problem
	if errors.As(err, &prob) && prob.Code == errNoAsset.Code {
		return web.NotFound()
	}
	return apiRefusal(r, err)
}

func (h *handlers) apiAssets(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	var as []Asset
	var next string
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		if _, err := EntityByID(ctx, tx, id); err != nil {
			return err
		}
		var err error
		if as, err = Assets(ctx, tx, id); err != nil {
			return err
		}
		next, err = NextInventoryNo(ctx, tx, id)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	if as == nil {
		as = []Asset{}
	}
	out := make([]map[string]any, len(as))
	for i, a := range as {
		out[i] = assetJSON(a)
	}
	api.Write(w, http.StatusOK, map[string]any{"assets": out, "next_inventory_no": next})
	return nil
}

func assetJSON(a Asset) map[string]any {
	return map[string]any{"id": a.ID, "entity_id": a.EntityID, "inventory_no": a.InventoryNo, "name": a.Name, "class": a.Class, "account": a.Account,
		"funkcio": a.Funkcio, "hrsz": a.HRSZ, "location": a.Location, "acquired_on": a.AcquiredOn, "in_use_on": a.InUseOn, "gross": a.Gross, "residual": a.Residual,
		"rate_bp": a.RateBP, "small_value": a.SmallValue, "state": a.State, "disposed_on": a.DisposedOn, "disposal_kind": a.DisposalKind,
		"depreciated": a.Depreciated, "written_down": a.WrittenDown, "net": a.Net()}
}

type assetRequest struct {
	InventoryNo string     `json:"inventory_no"`
	Name        string     `json:"name"`
	Class       string     `json:"class"`
	Funkcio     string     `json:"funkcio"`
	HRSZ        string     `json:"hrsz"`
	Location    string     `json:"location"`
	AcquiredOn  string     `json:"acquired_on"`
	InUseOn     string     `json:"in_use_on"`
	Gross       *hu.Forint `json:"gross"`
	Residual    hu.Forint  `json:"residual"`
	RateBP      *int       `json:"rate_bp"`
	LifeYears   int        `json:"life_years"`
	Document    string     `json:"document"`
}

func (h *handlers) apiAssetRegister(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	if err := h.entityExists(r, id); err != nil {
		return err
	}
	var req assetRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	in := AssetInput{Entity: id, InventoryNo: req.InventoryNo, Name: req.Name, Class: req.Class, Funkcio: req.Funkcio, HRSZ: req.HRSZ, Location: req.Location,
		Residual: req.Residual, RateBP: req.RateBP, LifeYears: req.LifeYears, Document: req.Document}
	if req.Gross != nil {
		in.Gross = *req.Gross
	}
	var prob *Problem
	if in.InUseOn, prob = formDate(req.InUseOn, true); prob != nil {
		prob.Field = "in_use_on"
		return apiRefusal(r, prob)
	}
	if in.AcquiredOn, prob = formDate(req.AcquiredOn, false); prob != nil {
		prob.Field = "acquired_on"
		return apiRefusal(r, prob)
	}
	var a Asset
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		a, err = h.svc.RegisterAsset(ctx, tx, in, p.Username)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, assetJSON(a))
	return nil
}

func (h *handlers) apiAssetDepreciate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	if err := h.entityExists(r, id); err != nil {
		return err
	}
	var req struct {
		Year    int  `json:"year"`
		Quarter int  `json:"quarter"`
		DryRun  bool `json:"dry_run"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var run AssetRun
	fn := func(ctx context.Context, tx bun.Tx) error {
		var err error
		run, err = h.svc.Depreciate(ctx, tx, id, req.Year, req.Quarter, req.DryRun, p.Username)
		return err
	}
	if req.DryRun {
		err = h.deps.DB.InTenantRead(ctx, p.Tenant, fn)
	} else {
		err = h.deps.DB.InTenant(ctx, p.Tenant, fn)
	}
	if err != nil {
		return apiRefusal(r, err)
	}
	api.Write(w, http.StatusOK, run)
	return nil
}

func (h *handlers) apiAsset(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.assetID(r)
	if err != nil {
		return err
	}
	var a Asset
	var hist []AssetEvent
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if a, err = AssetByID(ctx, tx, id); err != nil {
			return err
		}
		hist, err = AssetHistory(ctx, tx, id)
		return err
	})
	if err != nil {
		return assetRefusal(r, err)
	}
	out := assetJSON(a)
	out["history"] = hist
	api.Write(w, http.StatusOK, out)
	return nil
}

func (h *handlers) apiAssetChange(w http.ResponseWriter, r *http.Request, fn func(ctx context.Context, tx bun.Tx, id uuid.UUID, req assetChangeRequest, on hu.Date, by string) (Asset, error)) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.assetID(r)
	if err != nil {
		return err
	}
	// An asset of another tenant is a 404 before the body is read.
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error { _, err := AssetByID(ctx, tx, id); return err })
	if err != nil {
		return assetRefusal(r, err)
	}
	var req assetChangeRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	on, prob := formDate(req.On, true)
	if prob != nil {
		return apiRefusal(r, prob)
	}
	var a Asset
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		a, err = fn(ctx, tx, id, req, on, p.Username)
		return err
	})
	if err != nil {
		return assetRefusal(r, err)
	}
	api.Write(w, http.StatusOK, assetJSON(a))
	return nil
}

type assetChangeRequest struct {
	On     string    `json:"on"`
	Amount hu.Forint `json:"amount"`
	Reason string    `json:"reason"`
	Kind   string    `json:"kind"`
	Note   string    `json:"note"`
}

func (h *handlers) apiAssetWriteDown(w http.ResponseWriter, r *http.Request) error {
	return h.apiAssetChange(w, r, func(ctx context.Context, tx bun.Tx, id uuid.UUID, req assetChangeRequest, on hu.Date, by string) (Asset, error) {
		return h.svc.WriteDown(ctx, tx, id, on, req.Amount, req.Reason, by)
	})
}

func (h *handlers) apiAssetDispose(w http.ResponseWriter, r *http.Request) error {
	return h.apiAssetChange(w, r, func(ctx context.Context, tx bun.Tx, id uuid.UUID, req assetChangeRequest, on hu.Date, by string) (Asset, error) {
		return h.svc.Dispose(ctx, tx, id, on, req.Kind, req.Note, by)
	})
}
