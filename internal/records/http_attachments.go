package records

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/files"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// routesAttachments registers uploading and reading attached files:
// reading needs DocumentsRead, attaching DocumentsRegister.
func (h *handlers) routesAttachments(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(DocumentsRead)}
	reg := []web.Middleware{d.Tenant, identity.Require(DocumentsRegister)}
	rt.Handle("POST /records/documents/{id}/attachments", h.attach, reg...)
	rt.Handle("GET /records/documents/{id}/attachments/{aid}", h.download, read...)
	rt.Handle("POST /api/v1/records/documents/{id}/attachments", h.apiAttach, reg...)
	rt.Handle("GET /api/v1/records/documents/{id}/attachments/{aid}", h.download, read...)
}

func (h *handlers) maxFileBytes() int64 {
	if h.deps.MaxFileBytes > 0 {
		return h.deps.MaxFileBytes
	}
	return files.DefaultMaxBytes
}

// attach takes a file from the document page's form (multipart, read as
// it arrives: the file streams to the store, never into memory).
func (h *handlers) attach(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadDocument(ctx, p.Tenant, r.PathValue("id"))
	if err != nil {
		return err
	}
	max := h.maxFileBytes()
	name, body := "", io.Reader(nil)
	if mr, err := r.MultipartReader(); err == nil {
		for {
			part, err := mr.NextPart()
			if err != nil {
				break
			}
			if part.FormName() == "file" {
				name, body = part.FileName(), part
				break
			}
		}
	}
	if body == nil || name == "" {
		// No file chosen: browsers send the part with no name.
		err = errNoFile
	} else {
		_, err = h.svc.Attach(ctx, h.deps.DB, h.deps.Files, p.Tenant, Upload{Document: d.Document.ID, FileName: name, Body: body, MaxBytes: max, By: p.Username})
	}
	var prob *Problem
	if errors.As(err, &prob) {
		// Read on what the browser is still sending (up to one more
		// limit's worth), or it may show a broken connection instead of
		// this answer.
		io.CopyN(io.Discard, r.Body, max)
		return h.refuseOnDocument(w, r, d, problemStatus(prob),
			&web.Form{Errors: []web.FieldError{{Field: "file", Message: prob.Message(web.RequestLang(r))}}})
	}
	if errors.Is(err, ErrNoDocument) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records/documents/"+d.Document.ID.String()+"?done=attached", http.StatusSeeOther)
	return nil
}

func problemStatus(p *Problem) int {
	if p.Code == "file_too_large" {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusUnprocessableEntity
}

// apiAttach takes a file as the raw request body; its name comes in the
// name parameter or a Content-Disposition header.
func (h *handlers) apiAttach(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return web.NotFound()
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil {
			name = params["filename"]
		}
	}
	a, err := h.svc.Attach(ctx, h.deps.DB, h.deps.Files, p.Tenant, Upload{Document: id, FileName: name, Body: r.Body, MaxBytes: h.maxFileBytes(), By: p.Username})
	var prob *Problem
	if errors.As(err, &prob) {
		msg := prob.Message(web.RequestLang(r))
		return &web.Error{Status: problemStatus(prob), Key: "records.attach_refused", Args: []any{msg},
			Fields: []web.FieldError{{Field: prob.Field, Message: msg}}}
	}
	if errors.Is(err, ErrNoDocument) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusCreated, a)
	return nil
}

// download sends an attached file. Every view is logged before a byte
// leaves (Iratkr. 63. § (5)); a file whose content no longer matches its
// hash is not sent, and the failed view is logged too.
func (h *handlers) download(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	docID, err1 := uuid.Parse(r.PathValue("id"))
	aid, err2 := uuid.Parse(r.PathValue("aid"))
	if err1 != nil || err2 != nil {
		return web.NotFound()
	}
	var doc *Document
	var a *Attachment
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if doc, err = documentByID(ctx, tx, docID); err != nil || doc == nil {
			return errors.Join(err, web.NotFound())
		}
		if a, err = attachmentByID(ctx, tx, docID, aid); err != nil || a == nil {
			return errors.Join(err, web.NotFound())
		}
		return nil
	})
	if err != nil {
		return err
	}
	via := "web"
	if web.IsAPI(r) {
		via = "api"
	}
	ev := audit.Event{Action: "records.attachment_view", ObjectType: "attachment", ObjectID: a.ID.String(), Result: audit.ResultOK,
		Detail: map[string]any{"number": doc.Number, "document": doc.ID.String(), "file_name": a.FileName, "sha256": a.SHA256, "via": via}}
	if a.ErasedAt != nil {
		return &web.Error{Status: http.StatusGone, Key: "records.file_erased", Args: []any{a.FileName}}
	}
	rc, err := h.deps.Files.Open(ctx, p.Tenant, a.SHA256)
	if err != nil {
		ev.Result, ev.Detail["error"] = audit.ResultFailed, err.Error()
		if aerr := h.deps.Audit.Record(ctx, p.Tenant, ev); aerr != nil {
			return errors.Join(err, aerr)
		}
		return &web.Error{Status: http.StatusInternalServerError, Key: "records.file_unavailable", Err: err}
	}
	defer rc.Close()
	if err := h.deps.Audit.Record(ctx, p.Tenant, ev); err != nil {
		return err
	}
	w.Header().Set("Content-Type", a.MediaType)
	w.Header().Set("Content-Length", strconv.FormatInt(a.Size, 10))
	w.Header().Set("Content-Disposition", contentDisposition(a.FileName))
	w.Header().Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	if _, err := io.Copy(w, rc); err != nil {
		// Too late for an error page: the client has part of the file.
		h.deps.Render.Log.Warn("attachment download cut short", "attachment", a.ID, "err", err)
	}
	return nil
}

// contentDisposition always makes the browser save the file, never show
// it inline (an attached HTML or SVG must not run as the service's page):
// a plain ASCII name for old clients and the exact one in RFC 5987 form.
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			return '_'
		}
		return r
	}, name)
	var enc strings.Builder
	for _, b := range []byte(name) {
		// RFC 5987 attr-char; everything else percent-encoded.
		if b < 0x80 && (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0) {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, enc.String())
}

// fill sets what the document page shows beside the stored data.
func (d *documentData) fill(p *access.Principal, max int64) {
	d.CanVoid = p.Can(DocumentsVoid) && d.Document.VoidedAt == nil
	d.CanAttach = p.Can(DocumentsRegister) && d.Document.VoidedAt == nil
	d.MaxFileMB = (max + 1<<20 - 1) >> 20
}

// documentWithAttachments is a document as GET /api/v1/records/documents/{id}
// answers it.
type documentWithAttachments struct {
	Document
	Attachments []Attachment `json:"attachments"`
}
