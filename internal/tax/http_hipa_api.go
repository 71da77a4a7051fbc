package tax

import (
	"errors"
	"net/http"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// The HIPA returns NAV forwards, through the API: the body is the file in
// the documented format (docs/hipa-import.md), imported as the page's
// upload does, so a scheduled job can fetch NAV's file and post it here.

type hipaRejected struct {
	Index   int    `json:"index"`
	ID      string `json:"id"`
	Message string `json:"message"`
}

type hipaImportResponse struct {
	Returns      int            `json:"returns"`
	Imported     int            `json:"imported"`
	Corrections  int            `json:"corrections"`
	Unchanged    int            `json:"unchanged"`
	OtherPlaces  int            `json:"other_places"`
	NewTaxpayers int            `json:"new_taxpayers"`
	Rejected     []hipaRejected `json:"rejected"`
}

func (h *handlers) apiImportHIPA(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	lang := web.RequestLang(r)
	if r.Body == nil || r.Body == http.NoBody {
		return web.BadRequest("api.error.empty_body")
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxHIPAFileSize)
	returns, err := ParseHIPAFile(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &web.Error{Status: http.StatusRequestEntityTooLarge, Key: "api.error.too_large"}
	}
	var prob *Problem
	if errors.As(err, &prob) {
		return apiProblem(r, prob)
	}
	if err != nil {
		return err
	}
	res, err := h.svc.ImportHIPAInChunks(ctx, h.deps.DB, p.Tenant, h.reg, returns, p.Username)
	var refusal interface{ Message(string) string }
	if errors.As(err, &refusal) {
		return &web.Error{Status: http.StatusUnprocessableEntity, Key: "tax.api_refused", Args: []any{refusal.Message(lang)}}
	}
	if err != nil {
		return err
	}
	out := hipaImportResponse{Returns: res.Returns, Imported: res.Imported, Corrections: res.Corrections, Unchanged: res.Unchanged,
		OtherPlaces: res.OtherPlaces, NewTaxpayers: res.NewTaxpayers, Rejected: []hipaRejected{}}
	for _, x := range res.Rejected {
		out.Rejected = append(out.Rejected, hipaRejected{Index: x.Index, ID: x.ID, Message: x.Message(lang)})
	}
	api.Write(w, http.StatusOK, out)
	return nil
}
