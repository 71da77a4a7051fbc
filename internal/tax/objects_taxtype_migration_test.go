package tax_test

import (
	"context"
	"io/fs"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
	"github.com/openasp-hu/asp/internal/tax"
)

// Migration 00013 gives the objects recorded before it their kind's tax
// (what they were assessed for), and afterwards the database itself
// refuses a tax the kind does not bear.
func TestObjectTaxMigrationFillsExistingObjects(t *testing.T) {
	before := tax.MigrationsBefore(t, "00013")
	d := dbtest.Open(t, migrations.Platform, db.Migrations{Module: "tax", FS: before})
	ctx := context.Background()
	ids := map[string]string{"building": "01a00000-0000-7000-8000-000000000001", "plot": "01a00000-0000-7000-8000-000000000002", "dwelling": "01a00000-0000-7000-8000-000000000003"}
	err := d.InTenant(ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		for kind, id := range ids {
			if _, err := tx.ExecContext(ctx, "INSERT INTO tax_objects (tenant_id, id, kind, created_at, created_by) VALUES (?, ?, ?, ?, 't')",
				string(orfu), id, kind, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := fs.Sub(tax.Module().Migrations, ".")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Migrate(ctx, nil, db.Migrations{Module: "tax", FS: all}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"building": "epitmenyado", "plot": "telekado", "dwelling": "kommunalis_ado"}
	err = d.InTenant(ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		var objs []tax.TaxObject
		if err := tx.NewSelect().Model(&objs).Scan(ctx); err != nil {
			return err
		}
		if len(objs) != 3 {
			t.Errorf("objects after the migration: %+v", objs)
		}
		for _, o := range objs {
			if string(o.TaxType) != want[o.Kind] || o.ID.String() != ids[o.Kind] {
				t.Errorf("%s got %q, want %q", o.Kind, o.TaxType, want[o.Kind])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pair, ok := range map[[2]string]bool{
		{"building", "telekado"}: false, {"dwelling", "epitmenyado"}: false, {"plot", ""}: false, {"plot", "ebado"}: false,
		{"plot", "kommunalis_ado"}: true, {"building", "kommunalis_ado"}: true,
	} {
		err := d.InTenant(ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO tax_objects (tenant_id, id, kind, tax_type, created_at, created_by) VALUES (?, ?, ?, ?, ?, 't')",
				string(orfu), uuid.NewString(), pair[0], pair[1], time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
			return err
		})
		if (err == nil) != ok {
			t.Errorf("%v: insert gave %v, allowed %v", pair, err, ok)
		}
	}
}
