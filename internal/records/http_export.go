package records

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// routesExport registers the exports: reading them is reading case data.
// The routes with an identifier are in SeparationRoutes.
func (h *handlers) routesExport(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(DocumentsRead)}
	rt.Handle("GET /records/books/{id}/export.pdf", h.exportBook(pdfFormat), read...)
	rt.Handle("GET /records/books/{id}/export.xlsx", h.exportBook(xlsxFormat), read...)
	rt.Handle("GET /records/arrivals/export.pdf", h.exportArrivals(pdfFormat), read...)
	rt.Handle("GET /records/arrivals/export.xlsx", h.exportArrivals(xlsxFormat), read...)
	rt.Handle("GET /records/documents/{id}/receipt.pdf", h.receipt, read...)
}

type format string

const (
	pdfFormat  format = "pdf"
	xlsxFormat format = "xlsx"
)

func (f format) contentType() string {
	if f == xlsxFormat {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/pdf"
}

// exportMeta is who makes an export, when, for which municipality.
func (h *handlers) exportMeta(r *http.Request) (ExportMeta, error) {
	p := access.PrincipalFrom(r.Context())
	m := ExportMeta{Issuer: string(p.Tenant), By: p.Name, At: h.svc.now()}
	if m.By == "" {
		m.By = p.Username
	}
	if h.deps.TenantName != nil {
		name, err := h.deps.TenantName(r.Context(), p.Tenant)
		if err != nil {
			return m, err
		}
		m.Issuer = name
	}
	return m, nil
}

// send logs the export as a query of case data (Iratkr. 63. §, ISZ-r.
// 27. §) and, once that is recorded, sends the file: no log, no file.
func (h *handlers) send(w http.ResponseWriter, r *http.Request, f format, name string, body []byte, ev audit.Event) error {
	ev.Action, ev.Result = "records.export", audit.ResultOK
	ev.Detail["format"] = string(f)
	ev.Detail["bytes"] = len(body)
	if err := h.deps.Audit.Record(r.Context(), tenantOf(r), ev); err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", f.contentType())
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": fileName(name) + "." + string(f)}))
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	hd.Set("Cache-Control", "private, no-store")
	_, err := w.Write(body)
	return err
}

// exportBook sends a registration book of a year, every entry.
func (h *handlers) exportBook(f format) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := uuid.Parse(r.PathValue("id"))
		if err != nil {
			return web.NotFound()
		}
		var e *BookExport
		err = h.deps.DB.InTenantRead(r.Context(), tenantOf(r), func(ctx context.Context, tx bun.Tx) error {
			var err error
			e, err = LoadBookExport(ctx, tx, id)
			return err
		})
		if err != nil {
			return err
		}
		if e == nil {
			return web.NotFound()
		}
		m, err := h.exportMeta(r)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if f == xlsxFormat {
			err = e.XLSX(&buf, m)
		} else {
			err = e.PDF(&buf, m)
		}
		if err != nil {
			return err
		}
		return h.send(w, r, f, "iktatokonyv-"+e.Book.Code+"-"+strconv.Itoa(e.Book.Year), buf.Bytes(), audit.Event{
			ObjectType: "book", ObjectID: e.Book.ID.String(),
			Detail: map[string]any{"export": "book", "code": e.Book.Code, "year": e.Book.Year, "entries": len(e.Entries)},
		})
	}
}

// exportYear reads ?year=, this year when it is not given.
func (h *handlers) exportYear(r *http.Request) (int, error) {
	this := hu.DateOf(h.svc.now()).Year
	v := strings.TrimSpace(r.URL.Query().Get("year"))
	if v == "" {
		return this, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 1900 || y > this+1 {
		if utf8.RuneCountInString(v) > 20 {
			v = string([]rune(v)[:20]) + "…"
		}
		return 0, web.BadRequest("records.export.bad_year", v, this+1)
	}
	return y, nil
}

// exportArrivals sends the arrival register of a year.
func (h *handlers) exportArrivals(f format) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		year, err := h.exportYear(r)
		if err != nil {
			return err
		}
		var e *ArrivalsExport
		err = h.deps.DB.InTenantRead(r.Context(), tenantOf(r), func(ctx context.Context, tx bun.Tx) error {
			var err error
			e, err = LoadArrivalsExport(ctx, tx, year)
			return err
		})
		if err != nil {
			return err
		}
		m, err := h.exportMeta(r)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if f == xlsxFormat {
			err = e.XLSX(&buf, m)
		} else {
			err = e.PDF(&buf, m)
		}
		if err != nil {
			return err
		}
		return h.send(w, r, f, "erkeztetes-"+strconv.Itoa(year), buf.Bytes(), audit.Event{
			ObjectType: "arrivals", ObjectID: strconv.Itoa(year),
			Detail: map[string]any{"export": "arrivals", "year": year, "entries": len(e.Entries)},
		})
	}
}

// receipt sends the iktatási igazolás of a registration.
func (h *handlers) receipt(w http.ResponseWriter, r *http.Request) error {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return web.NotFound()
	}
	var rc *Receipt
	err = h.deps.DB.InTenantRead(r.Context(), tenantOf(r), func(ctx context.Context, tx bun.Tx) error {
		var err error
		rc, err = LoadReceipt(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	if rc == nil {
		return web.NotFound()
	}
	m, err := h.exportMeta(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := rc.PDF(&buf, m); err != nil {
		return err
	}
	return h.send(w, r, pdfFormat, "iktatasi-igazolas-"+rc.Document.Number, buf.Bytes(), audit.Event{
		ObjectType: "document", ObjectID: rc.Document.ID.String(),
		Detail: map[string]any{"export": "receipt", "number": rc.Document.Number},
	})
}

// fileName makes a download's name plain ASCII: accents are dropped
// (iktatókönyv → iktatokonyv), anything but letters, digits, '-' and '_'
// becomes '-' (12-1/2026 → 12-1-2026).
func fileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if a, ok := unaccent[r]; ok {
			r = a
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

var unaccent = map[rune]rune{
	'á': 'a', 'é': 'e', 'í': 'i', 'ó': 'o', 'ö': 'o', 'ő': 'o', 'ú': 'u', 'ü': 'u', 'ű': 'u',
	'Á': 'A', 'É': 'E', 'Í': 'I', 'Ó': 'O', 'Ö': 'O', 'Ő': 'O', 'Ú': 'U', 'Ü': 'U', 'Ű': 'U',
}
