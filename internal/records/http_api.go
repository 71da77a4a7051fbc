package records

import (
	"errors"
	"net/http"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/audit"
)

// registrationRequest is the JSON body of POST /api/v1/records/documents.
type registrationRequest struct {
	Book        string    `json:"book"`
	Direction   Direction `json:"direction"`
	Subject     string    `json:"subject"`
	Partner     string    `json:"partner"`
	ExternalRef string    `json:"external_ref"`
	Predecessor string    `json:"predecessor"`
	Keywords    string    `json:"keywords"`
}

// apiRegister registers a document for an interface-connected system or
// a script; it answers after the commit.
func (h *handlers) apiRegister(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var req registrationRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	doc, err := h.batch.Register(ctx, p.Tenant, Registration{
		BookCode: req.Book, Direction: req.Direction, Subject: req.Subject, Partner: req.Partner,
		ExternalRef: req.ExternalRef, Predecessor: req.Predecessor, Keywords: req.Keywords, By: p.Username,
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return apiRefusal(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusCreated, doc)
	return nil
}

// apiDocument returns one registered document; the read is logged.
func (h *handlers) apiDocument(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadDocument(ctx, p.Tenant, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "records.view", ObjectType: "document",
		ObjectID: d.Document.ID.String(), Result: audit.ResultOK, Detail: map[string]any{"number": d.Document.Number, "via": "api"}}); err != nil {
		return err
	}
	if d.Attachments == nil {
		d.Attachments = []Attachment{}
	}
	api.Write(w, http.StatusOK, documentWithAttachments{Document: d.Document, Attachments: d.Attachments})
	return nil
}
