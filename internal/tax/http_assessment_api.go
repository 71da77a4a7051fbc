package tax

import (
	"context"
	"net/http"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
)

// The mass assessment through the API: the same run as the Kivetés page's
// button, for a scheduler or another system.

type assessmentRequest struct {
	TaxYear    int       `json:"tax_year"`
	SingleUpTo hu.Forint `json:"single_up_to"`
	DryRun     bool      `json:"dry_run"`
}

type assessmentResponse struct {
	RunID       string    `json:"run_id,omitempty"`
	TaxYear     int       `json:"tax_year"`
	DryRun      bool      `json:"dry_run"`
	Objects     int       `json:"objects"`
	Liable      int       `json:"liable"`
	NoRate      int       `json:"no_rate"`
	Decisions   int       `json:"decisions"`
	Corrections int       `json:"corrections"`
	Postings    int       `json:"postings"`
	Unchanged   int       `json:"unchanged"`
	Debited     hu.Forint `json:"debited"`
	Credited    hu.Forint `json:"credited"`
	// Progress is the page that shows the decision PDFs being made;
	// ProgressAPI the same as data.
	Progress    string `json:"progress,omitempty"`
	ProgressAPI string `json:"progress_api,omitempty"`
}

func (o *objectHandlers) apiAssess(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var req assessmentRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.TaxYear < 1990 || req.TaxYear > 2100 {
		return apiProblem(r, problem("bad_year", "tax_year", "Adja meg az adóévet, például 2026.", "Give the tax year, e.g. 2026."))
	}
	if req.SingleUpTo < 0 {
		return apiProblem(r, problem("bad_amount", "single_up_to", "Az összeghatárt egész forintban adja meg (0: nincs).", "Give the limit in whole forints (0: none)."))
	}
	opt := RunOptions{TaxYear: req.TaxYear, SingleInstalmentUpTo: req.SingleUpTo, DryRun: req.DryRun}
	var res RunResult
	err := o.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = o.svc.RunAssessment(ctx, tx, o.reg, opt, p.Username)
		return err
	})
	prob, err := refusalOf(err)
	if err != nil {
		return err
	}
	if prob != nil {
		return apiProblem(r, prob)
	}
	out := assessmentResponse{TaxYear: req.TaxYear, DryRun: req.DryRun, Objects: res.Objects, Liable: res.Liable, NoRate: len(res.NoRate),
		Decisions: res.Decisions, Corrections: res.Corrections, Postings: res.Postings, Unchanged: res.Unchanged, Debited: res.Debited, Credited: res.Credited}
	status := http.StatusOK
	if !req.DryRun && res.Decisions > 0 {
		o.renderer.Start(ctx, p.Tenant, res.Run.ID)
		out.RunID = res.Run.ID.String()
		out.Progress = "/tax/assessment/" + out.RunID
		out.ProgressAPI = "/api/v1/tax/assessments/" + out.RunID
		status = http.StatusCreated
	}
	api.Write(w, status, out)
	return nil
}

type runProgressResponse struct {
	Run  AssessmentRun `json:"run"`
	PDFs struct {
		Total   int    `json:"total"`
		Done    int    `json:"done"`
		Running bool   `json:"running"`
		Error   string `json:"error,omitempty"`
	} `json:"pdfs"`
}

// apiAssessmentRun is a run with the progress of its decision PDFs, for a
// caller that started it through the API.
func (o *objectHandlers) apiAssessmentRun(w http.ResponseWriter, r *http.Request) error {
	run, err := o.loadRun(r) // 404 for another tenant's run
	if err != nil {
		return err
	}
	prog, err := o.renderer.Progress(r.Context(), access.PrincipalFrom(r.Context()).Tenant, run.ID)
	if err != nil {
		return err
	}
	var out runProgressResponse
	out.Run = run
	out.PDFs.Total, out.PDFs.Done, out.PDFs.Running, out.PDFs.Error = prog.Total, prog.Done, prog.Running, prog.Err
	api.Write(w, http.StatusOK, out)
	return nil
}
