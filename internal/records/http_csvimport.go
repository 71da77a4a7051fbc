package records

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// MaxImportBytes bounds an uploaded import file. 50 MB holds some 400,000
// registrations; a larger export is imported in parts (per year, say).
const MaxImportBytes = 50 << 20

// shownIssues is how many errors and warnings the page lists; the CSV
// report has them all.
const shownIssues = 500

func (h *handlers) routesImport(rt *web.Router, d module.Deps) {
	m := []web.Middleware{d.Tenant, identity.Require(BooksManage)}
	rt.Handle("GET /records/import", h.importPage, m...)
	rt.Handle("POST /records/import", h.importUpload, m...)
}

type importData struct {
	Report        *ImportReport
	FileName      string
	Errors        []ImportIssue
	MoreErrors    int
	Warnings      []ImportIssue
	MoreWarnings  int
	MaxMegabytes  int
	ShowBookTable bool
	// Form is an example of the municipality's number form, the default
	// for reading the file.
	Form string
}

func (h *handlers) importData(r *http.Request) (importData, error) {
	d := importData{MaxMegabytes: MaxImportBytes >> 20}
	err := h.deps.DB.InTenantRead(r.Context(), tenantOf(r), func(ctx context.Context, tx bun.Tx) error {
		st, _, err := settings(ctx, tx)
		d.Form = st.NumberTemplate.Example()
		return err
	})
	return d, err
}

func (h *handlers) importPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.importData(r)
	if err != nil {
		return err
	}
	return h.deps.Render.Page(w, r, "records/import", "records.import.title", d)
}

// importUpload checks an uploaded file and, when the clerk asked for it
// and no row is rejected, imports it at once. There is no separate
// confirmation step: keeping the upload on the server between two
// requests would leave municipal data in a temporary store outside the
// tenant's transaction, and the import is all-or-nothing anyway. The
// clerk who wants to look first presses "check", then uploads again to
// import; the page and the audit log show the file's SHA-256 both times.
func (h *handlers) importUpload(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	// The multipart framing and the small fields need a little room
	// beyond the file itself.
	r.Body = http.MaxBytesReader(w, r.Body, MaxImportBytes+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return web.BadRequest("records.import.not_multipart")
	}
	var action, encoding, form, name string
	var tmp *os.File
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var size int64
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return uploadError(err)
		}
		switch part.FormName() {
		case "file":
			if tmp != nil {
				continue
			}
			// On disk, not in memory: the file is read twice (check, write).
			if tmp, err = os.CreateTemp("", "asp-records-import-*.csv"); err != nil {
				return err
			}
			name = part.FileName()
			if size, err = io.Copy(tmp, io.LimitReader(part, MaxImportBytes+1)); err != nil {
				return uploadError(err)
			}
			if size > MaxImportBytes {
				return &web.Error{Status: http.StatusRequestEntityTooLarge, Key: "records.import.too_large", Args: []any{MaxImportBytes >> 20}}
			}
		case "action", "encoding", "number_template":
			b, err := io.ReadAll(io.LimitReader(part, 256))
			if err != nil {
				return uploadError(err)
			}
			switch part.FormName() {
			case "action":
				action = string(b)
			case "encoding":
				encoding = string(b)
			default:
				form = string(b)
			}
		}
	}
	if encoding != EncodingUTF8 && encoding != EncodingWindows1250 {
		encoding = EncodingAuto
	}
	page := h.deps.Render.NewPage(r, "records.import.title", nil)
	data, err := h.importData(r)
	if err != nil {
		return err
	}
	data.FileName = name
	page.Form = &web.Form{Values: map[string]string{"number_template": form, "encoding": encoding}}
	if tmp == nil || size == 0 {
		page.Data = data
		page.Form.Errors = []web.FieldError{{Field: "file", Message: page.T("records.import.no_file")}}
		return h.deps.Render.Render(w, r, http.StatusUnprocessableEntity, "records/import", page)
	}
	opt := ImportOptions{DryRun: action != "import", Encoding: encoding, By: p.Username, NumberTemplate: NumberTemplate(form)}
	var rep *ImportReport
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		rep, err = h.svc.Import(ctx, tx, tmp, opt)
		return err
	})
	if err != nil {
		return err
	}
	if action == "report" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="iktatas-atvetel-jelentes.csv"`)
		return WriteImportReport(w, rep)
	}
	data.Report = rep
	data.Errors, data.MoreErrors = firstIssues(rep.Errors, rep.ErrorsOmitted)
	data.Warnings, data.MoreWarnings = firstIssues(rep.Warnings, rep.WarningsOmitted)
	data.ShowBookTable = rep.OK() && len(rep.Books) > 0
	page.Data = data
	status := http.StatusOK
	switch {
	case !rep.OK():
		status = http.StatusUnprocessableEntity
		page.Form.Errors = []web.FieldError{{Field: "report", Message: page.T("records.import.rejected_summary", rep.Rejected, rep.Rows)}}
		if rep.Rejected == 0 {
			page.Form.Errors[0].Message = page.T("records.import.rejected_file")
		}
	case rep.Imported:
		page.Flash = page.T("records.import.done", rep.Documents, rep.Cases, len(rep.Books))
	}
	return h.deps.Render.Render(w, r, status, "records/import", page)
}

func firstIssues(all []ImportIssue, omitted int) ([]ImportIssue, int) {
	if len(all) <= shownIssues {
		return all, omitted
	}
	return all[:shownIssues], len(all) - shownIssues + omitted
}

// uploadError answers a broken or too large upload.
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &web.Error{Status: http.StatusRequestEntityTooLarge, Key: "records.import.too_large", Args: []any{MaxImportBytes >> 20}, Err: err}
	}
	// Anything else is a broken upload (a truncated body, bad framing).
	return &web.Error{Status: http.StatusBadRequest, Key: "records.import.not_multipart", Err: err}
}
