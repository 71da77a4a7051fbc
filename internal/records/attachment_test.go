package records_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/files"
	"github.com/openasp-hu/asp/internal/records"
)

// storedFiles counts the files in a tenant's part of the store.
func storedFiles(t *testing.T, root string, tenant db.TenantID) int {
	t.Helper()
	n := 0
	filepath.WalkDir(filepath.Join(root, string(tenant)), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func attachmentRows(t *testing.T, d *db.DB, tenant db.TenantID) []records.Attachment {
	t.Helper()
	var as []records.Attachment
	err := d.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&as).Scan(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	return as
}

func TestAttach(t *testing.T) {
	d, s, _ := setup(t)
	root := t.TempDir()
	store := files.NewFS(root)
	ctx := context.Background()
	doc := mustRegister(t, d, s, orfu, in("Építési engedély iránti kérelem"))
	pdf := []byte("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	up := func(tenant db.TenantID, name string, body []byte, max int64) (records.Attachment, error) {
		return s.Attach(ctx, d, store, tenant, records.Upload{Document: doc.ID, FileName: name, Body: bytes.NewReader(body), MaxBytes: max, By: "kiss.anna"})
	}
	a, err := up(orfu, `C:\fakepath\kérelem.pdf`, pdf, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if a.FileName != "kérelem.pdf" || a.MediaType != "application/pdf" || a.Size != int64(len(pdf)) || len(a.SHA256) != 64 || a.UploadedBy != "kiss.anna" {
		t.Errorf("attachment %+v", a)
	}
	rc, err := store.Open(ctx, orfu, a.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, pdf) {
		t.Error("stored content differs")
	}
	// The same content again is a second attachment of one stored file.
	if _, err := up(orfu, "masolat.pdf", pdf, 1<<20); err != nil {
		t.Fatal(err)
	}
	if n := storedFiles(t, root, orfu); n != 1 {
		t.Errorf("%d files stored for two attachments of one content", n)
	}

	// Refusals leave no row and no file.
	var p *records.Problem
	if _, err := up(orfu, "ures.pdf", nil, 1<<20); !errors.As(err, &p) || p.HU != "A fájl üres." {
		t.Errorf("empty file: %v", err)
	}
	big := bytes.Repeat([]byte("x"), 1<<20+1)
	if _, err := up(orfu, "nagy.pdf", big, 1<<20); !errors.As(err, &p) || p.HU != "A fájl nagyobb a megengedett 1 MB-nál." || p.Field != "file" {
		t.Errorf("too large: %v", err)
	}
	if _, err := up(orfu, " ../ ", pdf, 1<<20); !errors.As(err, &p) || p.Code != "no_file_name" {
		t.Errorf("no usable name: %v", err)
	}
	// Another tenant's document does not exist here, and nothing is kept.
	if _, err := up(aba, "x.pdf", []byte("Abaligeti tartalom"), 1<<20); !errors.Is(err, records.ErrNoDocument) {
		t.Errorf("Aba attached to Orfű's document: %v", err)
	}
	if n := storedFiles(t, root, aba); n != 0 {
		t.Errorf("%d files stored for Aba's refused upload", n)
	}
	if rows := attachmentRows(t, d, orfu); len(rows) != 2 {
		t.Errorf("%d attachment rows, want 2", len(rows))
	}
	if n := storedFiles(t, root, orfu); n != 1 {
		t.Errorf("%d files stored after the refusals, want 1", n)
	}

	// A voided document takes no new files.
	err = d.InTenant(ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.Void(ctx, tx, doc.Number, "téves iktatás", "test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := up(orfu, "kesei.pdf", []byte("késői melléklet"), 1<<20); !errors.As(err, &p) || p.Code != "voided_document" {
		t.Errorf("attached to a voided document: %v", err)
	}
	if n := storedFiles(t, root, orfu); n != 1 {
		t.Errorf("a file was stored for a voided document")
	}

	// Attaching is in the audit chain; attachments are never deleted.
	var entries []audit.Entry
	err = d.InTenantRead(ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		entries, err = audit.List(ctx, tx, orfu, audit.Filter{Action: "records.attach"})
		return err
	})
	if err != nil || len(entries) != 2 || !strings.Contains(entries[0].Detail, a.SHA256) && !strings.Contains(entries[1].Detail, a.SHA256) {
		t.Errorf("audit: %d entries, %v", len(entries), err)
	}
	d.InTenant(ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewDelete().Model((*records.Attachment)(nil)).Where("id = ?", a.ID).Exec(ctx)
		return err
	})
	if rows := attachmentRows(t, d, orfu); len(rows) != 2 {
		t.Errorf("an attachment was deleted: %d rows left", len(rows))
	}
}
