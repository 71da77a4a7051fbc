package records

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// The pages of the file plan, case closure, disposal and transfer.

// fileplanSeparationRoutes are this part's routes that take an identifier.
var fileplanSeparationRoutes = []separation.Route{
	{Pattern: "POST /records/documents/{id}/classify", Form: map[string][]string{"code": {"U311"}}},
	{Pattern: "POST /records/documents/{id}/close"},
	{Pattern: "POST /records/documents/{id}/archive"},
	{Pattern: "GET /records/disposal/{id}"},
	{Pattern: "GET /records/disposal/{id}/list.csv"},
	{Pattern: "POST /records/disposal/{id}/send"},
	{Pattern: "POST /records/disposal/{id}/approve", Form: map[string][]string{"archive_ref": {"MNL 1"}, "approved_on": {"2026-01-02"}}},
	{Pattern: "POST /records/disposal/{id}/discard"},
	{Pattern: "POST /records/disposal/{id}/execute"},
	{Pattern: "GET /records/transfer/{id}/package.zip"},
}

func (h *handlers) routesFileplan(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(DocumentsRead)}
	reg := []web.Middleware{d.Tenant, identity.Require(DocumentsRegister)}
	arch := []web.Middleware{d.Tenant, identity.Require(ArchiveManage)}
	rt.Handle("GET /records/fileplan", h.fileplanPage, read...)
	rt.Handle("POST /records/fileplan", h.openFileplan, arch...)
	rt.Handle("POST /records/fileplan/items", h.addItem, arch...)
	rt.Handle("POST /records/documents/{id}/classify", h.caseAction("classify"), reg...)
	rt.Handle("POST /records/documents/{id}/close", h.caseAction("close"), reg...)
	rt.Handle("POST /records/documents/{id}/archive", h.caseAction("archive"), arch...)
	rt.Handle("GET /records/disposal", h.disposalPage, arch...)
	rt.Handle("POST /records/disposal", h.createDisposal, arch...)
	rt.Handle("GET /records/disposal/{id}", h.disposalListPage, arch...)
	rt.Handle("GET /records/disposal/{id}/list.csv", h.disposalCSV, arch...)
	for _, step := range []string{"send", "approve", "discard", "execute"} {
		rt.Handle("POST /records/disposal/{id}/"+step, h.disposalStep(step), arch...)
	}
	rt.Handle("GET /records/transfer", h.transferPage, arch...)
	rt.Handle("POST /records/transfer", h.createTransfer, arch...)
	rt.Handle("GET /records/transfer/{id}/package.zip", h.transferPackage, arch...)
}

// yearParam reads ?year= (or the form's year), the current year if empty.
func (h *handlers) yearParam(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.FormValue("year"))
	if v == "" {
		return h.svc.thisYear(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 1990 || y > 9999 {
		return 0, web.BadRequest("records.fileplan.bad_year")
	}
	return y, nil
}

// problemForm turns a refusal into the form errors of a page.
func problemForm(page *web.Page, prob *Problem, values map[string]string) {
	page.Form = &web.Form{Values: values, Errors: []web.FieldError{{Field: prob.Field, Message: prob.Message(page.Lang)}}}
}

// --- file plan ---------------------------------------------------------

type fileplanData struct {
	FilePlanView
	Sections  []Section
	ThisYear  int
	CanManage bool
	Done      string
}

// SectionTitle is for the template.
func (fileplanData) SectionTitle(code string) string { return Model().SectionTitle(code) }

func (h *handlers) fileplanData(r *http.Request, year int) (fileplanData, error) {
	p := access.PrincipalFrom(r.Context())
	d := fileplanData{Sections: Model().Sections, ThisYear: h.svc.thisYear(), CanManage: p.Can(ArchiveManage)}
	err := h.deps.DB.InTenantRead(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d.FilePlanView, err = LoadFilePlan(ctx, tx, year)
		return err
	})
	return d, err
}

// fileplanPage shows a year's file plan; the records manager opens a
// year's version and adds items there.
func (h *handlers) fileplanPage(w http.ResponseWriter, r *http.Request) error {
	year, err := h.yearParam(r)
	if err != nil {
		return err
	}
	d, err := h.fileplanData(r, year)
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "records.fileplan.title", d)
	switch done := r.URL.Query().Get("done"); done {
	case "opened", "added":
		page.Flash = page.T("records.fileplan.done_"+done, year)
	}
	return h.deps.Render.Render(w, r, http.StatusOK, "records/fileplan", page)
}

func (h *handlers) openFileplan(w http.ResponseWriter, r *http.Request) error {
	p := access.PrincipalFrom(r.Context())
	year, err := h.yearParam(r)
	if err != nil {
		return err
	}
	err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := h.svc.OpenFilePlan(ctx, tx, year, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		d, derr := h.fileplanData(r, year)
		if derr != nil {
			return derr
		}
		page := h.deps.Render.NewPage(r, "records.fileplan.title", d)
		problemForm(page, prob, nil)
		return h.deps.Render.Render(w, r, http.StatusUnprocessableEntity, "records/fileplan", page)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/records/fileplan?year=%d&done=opened", year), http.StatusSeeOther)
	return nil
}

func (h *handlers) addItem(w http.ResponseWriter, r *http.Request) error {
	p := access.PrincipalFrom(r.Context())
	year, err := h.yearParam(r)
	if err != nil {
		return err
	}
	n := NewItem{Year: year, Code: r.PostFormValue("code"), Title: r.PostFormValue("title"), Retention: r.PostFormValue("retention"),
		Archive: r.PostFormValue("lt"), AfterExpiry: r.PostFormValue("after_expiry") == "yes", By: p.Username}
	err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := h.svc.AddItem(ctx, tx, n)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		d, derr := h.fileplanData(r, year)
		if derr != nil {
			return derr
		}
		page := h.deps.Render.NewPage(r, "records.fileplan.title", d)
		problemForm(page, prob, map[string]string{"code": n.Code, "title": n.Title, "retention": n.Retention, "lt": n.Archive, "after_expiry": r.PostFormValue("after_expiry")})
		return h.deps.Render.Render(w, r, http.StatusUnprocessableEntity, "records/fileplan", page)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/records/fileplan?year=%d&done=added#item-%s", year, strings.ToUpper(strings.TrimSpace(n.Code))), http.StatusSeeOther)
	return nil
}

// --- the case on the document page ------------------------------------

// FilingView is the case's file-plan section on the document page.
type FilingView struct {
	Case      Case
	Number    string
	Item      *FilePlanItem
	Retention Retention
	// FromHU, FromEN: the first day of disposal, written out.
	FromHU, FromEN string
	Merged         bool
	CanClassify    bool
	CanClose       bool
	CanArchive     bool
}

// loadFiling reads what the document page shows of a case's filing.
func loadFiling(ctx context.Context, tx bun.IDB, c *Case) (*FilingView, error) {
	b, err := bookByID(ctx, tx, c.BookID)
	if err != nil {
		return nil, err
	}
	v := &FilingView{Case: *c, Number: caseNumber(b.Prefix, c.Foszam, b.Year), Merged: c.MergedInto != nil}
	if c.FilePlanCode != "" {
		if v.Item, err = fileplanItem(ctx, tx, c.FilePlanYear, c.FilePlanCode); err != nil {
			return nil, err
		}
	}
	v.Retention = RetentionOf(c.Filing, v.Item)
	if !v.Retention.From.IsZero() {
		v.FromHU, v.FromEN = HungarianFrom(v.Retention.From), EnglishFrom(v.Retention.From)
	}
	return v, nil
}

// allow sets what the user may do with the case.
func (v *FilingView) allow(p *access.Principal) {
	if v == nil || v.Merged {
		return
	}
	v.CanClassify = p.Can(DocumentsRegister) && v.Case.Status == CaseOpen
	v.CanClose = v.CanClassify
	v.CanArchive = p.Can(ArchiveManage) && v.Case.Status == CaseClosed
}

// caseAction files, closes or archives the case of a document and shows
// the document again.
func (h *handlers) caseAction(action string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := access.PrincipalFrom(ctx)
		d, err := h.loadDocument(ctx, p.Tenant, r.PathValue("id"))
		if err != nil {
			return err
		}
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			switch action {
			case "classify":
				_, err = h.svc.ClassifyCase(ctx, tx, d.Case.ID, r.PostFormValue("code"), r.PostFormValue("expires_on"), p.Username)
			case "close":
				_, err = h.svc.CloseCase(ctx, tx, d.Case.ID, p.Username)
			case "archive":
				_, err = h.svc.ArchiveCase(ctx, tx, d.Case.ID, r.PostFormValue("location"), p.Username)
			}
			return err
		})
		var prob *Problem
		if errors.As(err, &prob) {
			return h.refuseOnDocument(w, r, d, http.StatusUnprocessableEntity, formOf(r, []string{"code", "expires_on", "location"}, prob, web.RequestLang(r)))
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/records/documents/"+d.Document.ID.String()+"?done=case_"+action+"#case-filing", http.StatusSeeOther)
		return nil
	}
}

// --- disposal ----------------------------------------------------------

// DisposalLine is a case on the disposal page.
type DisposalLine struct {
	Number, Subject, Code, Title string
	ClosedOn, From               string
}

type disposalData struct {
	Year       int
	ThisYear   int
	Cutoff     string
	Candidates []DisposalLine
	Lists      []Disposal
	Problem    string
}

func (h *handlers) disposalData(r *http.Request, year int) (disposalData, error) {
	d := disposalData{Year: year, ThisYear: h.svc.thisYear()}
	err := h.deps.DB.InTenantRead(r.Context(), tenantOf(r), func(ctx context.Context, tx bun.Tx) error {
		rows, cutoff, err := h.svc.DisposalCandidates(ctx, tx, year)
		var prob *Problem
		if errors.As(err, &prob) {
			d.Problem = prob.Message(web.RequestLang(r))
		} else if err != nil {
			return err
		}
		if !cutoff.IsZero() {
			d.Cutoff = cutoff.HungarianString()
		}
		for _, c := range rows {
			d.Candidates = append(d.Candidates, DisposalLine{Number: c.number(), Subject: c.Subject, Code: c.FilePlanCode, Title: c.ItemTitle,
				ClosedOn: dateOf(c.ClosedAt), From: c.retention().From.HungarianString()})
		}
		d.Lists, err = allDisposals(ctx, tx)
		return err
	})
	return d, err
}

// disposalPage shows the cases whose retention has run out by the end of
// the year (or today) and the disposal lists made so far. Showing cases
// is logged.
func (h *handlers) disposalPage(w http.ResponseWriter, r *http.Request) error {
	year, err := h.yearParam(r)
	if err != nil {
		return err
	}
	d, err := h.disposalData(r, year)
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(r.Context(), tenantOf(r), audit.Event{Action: "records.disposal_view", Result: audit.ResultOK,
		Detail: map[string]any{"year": year, "cases": len(d.Candidates)}}); err != nil {
		return err
	}
	return h.deps.Render.Page(w, r, "records/disposal", "records.disposal.title", d)
}

func (h *handlers) createDisposal(w http.ResponseWriter, r *http.Request) error {
	p := access.PrincipalFrom(r.Context())
	year, err := h.yearParam(r)
	if err != nil {
		return err
	}
	var dp Disposal
	err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		dp, err = h.svc.CreateDisposal(ctx, tx, year, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		d, derr := h.disposalData(r, year)
		if derr != nil {
			return derr
		}
		page := h.deps.Render.NewPage(r, "records.disposal.title", d)
		problemForm(page, prob, nil)
		return h.deps.Render.Render(w, r, http.StatusUnprocessableEntity, "records/disposal", page)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records/disposal/"+dp.ID.String()+"?done=created", http.StatusSeeOther)
	return nil
}

type disposalListData struct {
	Disposal Disposal
	Lines    []DisposalCase
	Titles   map[string]string
	Today    string
}

// Title is the item title of a line, for the template.
func (d disposalListData) Title(code string) string { return d.Titles[code] }

func (h *handlers) loadDisposal(r *http.Request) (disposalListData, error) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return disposalListData{}, web.NotFound()
	}
	d := disposalListData{Titles: map[string]string{}, Today: dateOf(ptr(h.svc.now()))}
	err = h.deps.DB.InTenantRead(r.Context(), tenantOf(r), func(ctx context.Context, tx bun.Tx) error {
		dp, err := disposalByID(ctx, tx, id)
		if err != nil {
			return err
		}
		d.Disposal = *dp
		if d.Lines, err = disposalLines(ctx, tx, id); err != nil {
			return err
		}
		var items []FilePlanItem
		if err := tx.NewSelect().Model(&items).Column("year", "code", "title").
			Where("(year, code) IN (SELECT fileplan_year, fileplan_code FROM records_disposal_cases WHERE tenant_id = ? AND disposal_id = ?)", tenantOf(r), id).
			Scan(ctx); err != nil {
			return fmt.Errorf("items of disposal %s: %w", id, err)
		}
		for _, it := range items {
			d.Titles[it.Code] = it.Title
		}
		return nil
	})
	if isNoDisposal(err) {
		return disposalListData{}, web.NotFound()
	}
	return d, err
}

func isNoDisposal(err error) bool {
	var p *Problem
	return errors.As(err, &p) && (p.Code == "no_disposal" || p.Code == "no_transfer")
}

func (h *handlers) disposalListPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loadDisposal(r)
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(r.Context(), tenantOf(r), audit.Event{Action: "records.disposal_view", ObjectType: "disposal",
		ObjectID: d.Disposal.ID.String(), Result: audit.ResultOK, Detail: map[string]any{"year": d.Disposal.Year}}); err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "records.disposal.list_title", d)
	switch done := r.URL.Query().Get("done"); done {
	case "created", "send", "approve", "discard", "execute":
		page.Flash = page.T("records.disposal.done_" + done)
	}
	return h.deps.Render.Render(w, r, http.StatusOK, "records/disposal_list", page)
}

// disposalCSV exports the list for the minutes sent to the archive.
func (h *handlers) disposalCSV(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loadDisposal(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WriteDisposalCSV(&buf, d.Lines, d.Titles); err != nil {
		return err
	}
	if err := h.deps.Audit.Record(r.Context(), tenantOf(r), audit.Event{Action: "records.disposal_export", ObjectType: "disposal",
		ObjectID: d.Disposal.ID.String(), Result: audit.ResultOK, Detail: map[string]any{"year": d.Disposal.Year, "lines": len(d.Lines)}}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="selejtezesi-jegyzek-%d-%s.csv"`, d.Disposal.Year, d.Disposal.ID.String()[:8]))
	_, err = w.Write(buf.Bytes())
	return err
}

func (h *handlers) disposalStep(step string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := access.PrincipalFrom(r.Context())
		id, err := uuid.Parse(r.PathValue("id"))
		if err != nil {
			return web.NotFound()
		}
		err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			switch step {
			case "send":
				_, err = h.svc.SendDisposal(ctx, tx, id, p.Username)
			case "approve":
				_, err = h.svc.ApproveDisposal(ctx, tx, id, r.PostFormValue("archive_ref"), r.PostFormValue("approved_on"), p.Username)
			case "discard":
				_, err = h.svc.DiscardDisposal(ctx, tx, id, p.Username)
			case "execute":
				_, err = h.svc.ExecuteDisposal(ctx, tx, id, p.Username)
			}
			return err
		})
		if isNoDisposal(err) {
			return web.NotFound()
		}
		var prob *Problem
		if errors.As(err, &prob) {
			d, derr := h.loadDisposal(r)
			if derr != nil {
				return derr
			}
			page := h.deps.Render.NewPage(r, "records.disposal.list_title", d)
			problemForm(page, prob, map[string]string{"archive_ref": r.PostFormValue("archive_ref"), "approved_on": r.PostFormValue("approved_on")})
			return h.deps.Render.Render(w, r, http.StatusUnprocessableEntity, "records/disposal_list", page)
		}
		if err != nil {
			return err
		}
		if step == "execute" && h.deps.Files != nil {
			// The contents go after the commit, so a rollback loses nothing.
			if _, err := PurgeErased(r.Context(), h.deps.DB, h.deps.Files, p.Tenant); err != nil {
				return err
			}
		}
		http.Redirect(w, r, "/records/disposal/"+id.String()+"?done="+step, http.StatusSeeOther)
		return nil
	}
}

// --- archive transfer ----------------------------------------------------

type transferData struct {
	Year      int
	ThisYear  int
	Ready     []DisposalLine
	Withheld  []DisposalLine
	Transfers []Transfer
	Created   string
}

func (h *handlers) transferData(r *http.Request, year int) (transferData, error) {
	d := transferData{Year: year, ThisYear: h.svc.thisYear(), Created: r.URL.Query().Get("done")}
	err := h.deps.DB.InTenantRead(r.Context(), tenantOf(r), func(ctx context.Context, tx bun.Tx) error {
		ready, withheld, err := h.svc.TransferCandidates(ctx, tx, year)
		if err != nil {
			return err
		}
		line := func(c fileRow) DisposalLine {
			return DisposalLine{Number: c.number(), Subject: c.Subject, Code: c.FilePlanCode, Title: c.ItemTitle, ClosedOn: dateOf(c.ClosedAt)}
		}
		for _, c := range ready {
			d.Ready = append(d.Ready, line(c))
		}
		for _, c := range withheld {
			d.Withheld = append(d.Withheld, line(c))
		}
		d.Transfers, err = allTransfers(ctx, tx)
		return err
	})
	return d, err
}

// transferPage shows a year's permanent cases ready for the public
// archive, those withheld, and the transfers made, with their packages.
func (h *handlers) transferPage(w http.ResponseWriter, r *http.Request) error {
	year, err := h.yearParam(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("year") == "" {
		year--
	}
	d, err := h.transferData(r, year)
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(r.Context(), tenantOf(r), audit.Event{Action: "records.transfer_view", Result: audit.ResultOK,
		Detail: map[string]any{"year": year, "cases": len(d.Ready) + len(d.Withheld)}}); err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "records.transfer.title", d)
	if d.Created != "" {
		page.Flash = page.T("records.transfer.done")
	}
	return h.deps.Render.Render(w, r, http.StatusOK, "records/transfer", page)
}

// organisation names the municipality as the layout does (the platform's
// tenant frame), so the module reads no platform table.
func (h *handlers) organisation(r *http.Request) Organisation {
	o := Organisation{KSH: string(tenantOf(r))}
	if h.deps.Render != nil && h.deps.Render.ShellFunc != nil {
		o.Name = h.deps.Render.ShellFunc(r).TenantName
	}
	return o
}

func (h *handlers) createTransfer(w http.ResponseWriter, r *http.Request) error {
	p := access.PrincipalFrom(r.Context())
	year, err := h.yearParam(r)
	if err != nil {
		return err
	}
	var t Transfer
	err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		// The package is built to fingerprint it; it is downloaded from
		// the page, rebuilt and checked against this fingerprint.
		t, err = h.svc.CreateTransfer(ctx, tx, year, h.organisation(r), p.Username, discardBag{})
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		d, derr := h.transferData(r, year)
		if derr != nil {
			return derr
		}
		page := h.deps.Render.NewPage(r, "records.transfer.title", d)
		problemForm(page, prob, nil)
		return h.deps.Render.Render(w, r, http.StatusUnprocessableEntity, "records/transfer", page)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/records/transfer?year=%d&done=%s", year, t.ID), http.StatusSeeOther)
	return nil
}

// transferPackage downloads a transfer's BagIt package as a zip.
func (h *handlers) transferPackage(w http.ResponseWriter, r *http.Request) error {
	p := access.PrincipalFrom(r.Context())
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return web.NotFound()
	}
	var buf bytes.Buffer
	var t Transfer
	err = h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		tr, err := transferByID(ctx, tx, id)
		if err != nil {
			return err
		}
		zw := zip.NewWriter(&buf)
		if t, err = h.svc.WriteTransferPackage(ctx, tx, id, h.organisation(r), p.Username, ZipBag{Zip: zw, Root: tr.BagName(), Modified: tr.CreatedAt}); err != nil {
			return err
		}
		return zw.Close()
	})
	if isNoDisposal(err) {
		return web.NotFound()
	}
	var prob *Problem
	if errors.As(err, &prob) {
		return &web.Error{Status: http.StatusConflict, Key: "records.transfer.refused", Args: []any{prob.Message(web.RequestLang(r))}}
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.zip"`, t.BagName()))
	_, err = w.Write(buf.Bytes())
	return err
}

// dateOf writes a stored time's day in Budapest the Hungarian way.
func dateOf(t *time.Time) string {
	if t == nil {
		return ""
	}
	return hu.DateOf(*t).HungarianString()
}

func ptr[T any](v T) *T { return &v }

// NextYear is the year after the one shown.
func (d fileplanData) NextYear() int { return d.Year + 1 }

// transferPart is one table of the transfer page.
type transferPart struct {
	Key  string // "ready" or "withheld"
	Rows []DisposalLine
}

// Parts are the tables of the transfer page.
func (d transferData) Parts() []transferPart {
	return []transferPart{{"ready", d.Ready}, {"withheld", d.Withheld}}
}
