package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/files"
)

// AttachmentContents connects the attached files to disposal and archive
// transfer: it is the service's ContentEraser and ContentSource.
type AttachmentContents struct{ Store files.Store }

var (
	_ ContentEraser = AttachmentContents{}
	_ ContentSource = AttachmentContents{}
)

// EraseCaseContents marks the files of the case's documents erased, in
// the disposal's transaction. The stored contents are deleted after the
// commit (PurgeErased): deleting them inside the transaction would lose
// them if it rolled back, and a file may still be shared by another,
// living attachment of the tenant (the store keeps one copy per content).
func (c AttachmentContents) EraseCaseContents(ctx context.Context, tx bun.Tx, caseID uuid.UUID) (int, error) {
	var ids []string
	err := tx.NewRaw(`UPDATE records_attachments SET erased_at = ?
		WHERE tenant_id = ? AND erased_at IS NULL AND document_id IN
		  (SELECT id FROM records_documents WHERE tenant_id = ? AND case_id = ?)
		RETURNING id`, time.Now().UTC(), mustTenant(ctx), mustTenant(ctx), caseID).Scan(ctx, &ids)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("erase files of case %s: %w", caseID, err)
	}
	return len(ids), nil
}

// CaseContents gives the living files of the case's documents for a
// transfer package.
func (c AttachmentContents) CaseContents(ctx context.Context, tx bun.Tx, caseID uuid.UUID) ([]ContentFile, error) {
	var as []Attachment
	err := tx.NewSelect().Model(&as).
		Where("erased_at IS NULL AND document_id IN (SELECT id FROM records_documents AS d WHERE d.tenant_id = attachment.tenant_id AND d.case_id = ?)", caseID).
		OrderExpr("uploaded_at, id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("files of case %s: %w", caseID, err)
	}
	t := mustTenant(ctx)
	out := make([]ContentFile, 0, len(as))
	for _, a := range as {
		sum := a.SHA256
		out = append(out, ContentFile{DocumentID: a.DocumentID, Name: a.ID.String()[:8] + "-" + a.FileName,
			Open: func() (io.ReadCloser, error) { return c.Store.Open(context.WithoutCancel(ctx), t, sum) }})
	}
	return out, nil
}

// PurgeErased deletes from the store the contents that only erased
// attachments refer to. It runs after a disposal commits, and is safe to
// run again (a crash between the commit and the purge leaves contents the
// next run removes). Known limit: a new upload of exactly the same content
// at the very moment of the purge could lose its stored copy; disposal is
// a rare, deliberate step, and the next view of such a file reports it
// missing rather than serving something else.
func PurgeErased(ctx context.Context, d *db.DB, store files.Store, tenant db.TenantID) (int, error) {
	var sums []string
	err := d.InTenantRead(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT DISTINCT e.sha256 FROM records_attachments AS e
			WHERE e.tenant_id = ? AND e.erased_at IS NOT NULL AND NOT EXISTS (
			  SELECT 1 FROM records_attachments AS l
			  WHERE l.tenant_id = e.tenant_id AND l.sha256 = e.sha256 AND l.erased_at IS NULL)`, tenant).Scan(ctx, &sums)
	})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("erased files: %w", err)
	}
	n := 0
	for _, s := range sums {
		if ok, err := store.Has(ctx, tenant, s); err != nil || !ok {
			continue
		}
		if err := store.Delete(ctx, tenant, s); err != nil {
			return n, fmt.Errorf("delete erased file %s: %w", s, err)
		}
		n++
	}
	return n, nil
}
