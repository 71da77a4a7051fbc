package tenancy

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// ImportReport says what an import changed. Running the same import twice
// gives a report with only Unchanged counts the second time.
type ImportReport struct {
	TenantsAdded     int
	TenantsUpdated   int
	TenantsUnchanged int
	OfficesAdded     int
	OfficesUpdated   int
	OfficesUnchanged int
	// Changes lists each updated tenant or office with its changed fields.
	Changes []string
	// Missing lists tenants in the database that the source no longer has.
	// They are kept: nothing is ever deleted by an import.
	Missing []db.TenantID
}

// Changed reports whether the import changed anything.
func (r ImportReport) Changed() bool {
	return r.TenantsAdded+r.TenantsUpdated+r.OfficesAdded+r.OfficesUpdated > 0
}

func (r ImportReport) String() string {
	return fmt.Sprintf("tenants: %d added, %d updated, %d unchanged; offices: %d added, %d updated, %d unchanged; missing from source: %d",
		r.TenantsAdded, r.TenantsUpdated, r.TenantsUnchanged, r.OfficesAdded, r.OfficesUpdated, r.OfficesUnchanged, len(r.Missing))
}

// Import loads a gazetteer into the tenants and offices tables in one
// transaction: either all of it lands or none (a crash mid-import leaves
// the previous state). Only the gazetteer's own fields are written;
// connection mode, phase and modules are left as the operating centre set
// them.
func Import(ctx context.Context, d *db.DB, src io.Reader, now time.Time) (ImportReport, error) {
	places, err := ParseGazetteer(src)
	if err != nil {
		return ImportReport{}, err
	}
	tenants, offices := Plan(places)
	var rep ImportReport
	err = d.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rep = ImportReport{}
		if err := importOffices(ctx, tx, offices, now, &rep); err != nil {
			return err
		}
		return importTenants(ctx, tx, tenants, now, &rep)
	})
	if err != nil {
		return ImportReport{}, fmt.Errorf("import tenants: %w", err)
	}
	return rep, nil
}

const insertChunk = 500

func importOffices(ctx context.Context, tx bun.Tx, want []Office, now time.Time, rep *ImportReport) error {
	var have []Office
	if err := tx.NewSelect().Model(&have).Scan(ctx); err != nil {
		return fmt.Errorf("read offices: %w", err)
	}
	byID := make(map[string]Office, len(have))
	for _, o := range have {
		byID[o.ID] = o
	}
	var add []Office
	for _, o := range want {
		old, ok := byID[o.ID]
		if !ok {
			o.CreatedAt, o.UpdatedAt = now, now
			add = append(add, o)
			continue
		}
		var diff []string
		if old.Name != o.Name {
			diff = append(diff, fmt.Sprintf("name %q → %q", old.Name, o.Name))
		}
		if old.Kind != o.Kind {
			diff = append(diff, fmt.Sprintf("kind %s → %s", old.Kind, o.Kind))
		}
		if old.SeatTenantID != o.SeatTenantID {
			diff = append(diff, fmt.Sprintf("seat %s → %s", old.SeatTenantID, o.SeatTenantID))
		}
		if len(diff) == 0 {
			rep.OfficesUnchanged++
			continue
		}
		o.CreatedAt, o.UpdatedAt = old.CreatedAt, now
		if _, err := tx.NewUpdate().Model(&o).Column("name", "kind", "seat_tenant_id", "updated_at").WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("update office %s: %w", o.ID, err)
		}
		rep.OfficesUpdated++
		rep.Changes = append(rep.Changes, "office "+o.ID+": "+strings.Join(diff, ", "))
	}
	for part := range slices.Chunk(add, insertChunk) {
		if _, err := tx.NewInsert().Model(&part).Exec(ctx); err != nil {
			return fmt.Errorf("insert offices: %w", err)
		}
	}
	rep.OfficesAdded = len(add)
	return nil
}

func importTenants(ctx context.Context, tx bun.Tx, want []Tenant, now time.Time, rep *ImportReport) error {
	var have []Tenant
	if err := tx.NewSelect().Model(&have).Scan(ctx); err != nil {
		return fmt.Errorf("read tenants: %w", err)
	}
	byID := make(map[db.TenantID]Tenant, len(have))
	for _, t := range have {
		byID[t.ID] = t
	}
	inSource := make(map[db.TenantID]bool, len(want))
	var add []Tenant
	for _, t := range want {
		inSource[t.ID] = true
		old, ok := byID[t.ID]
		if !ok {
			t.ConnectionMode, t.Phase = System, Preparation
			t.CreatedAt, t.UpdatedAt = now, now
			add = append(add, t)
			continue
		}
		diff := tenantDiff(old, t)
		if len(diff) == 0 {
			rep.TenantsUnchanged++
			continue
		}
		t.UpdatedAt = now
		if _, err := tx.NewUpdate().Model(&t).
			Column("name", "legal_status", "county", "district_code", "district_name", "office_id",
				"population", "area_ha", "dwellings", "updated_at").
			WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("update tenant %s: %w", t.ID, err)
		}
		rep.TenantsUpdated++
		rep.Changes = append(rep.Changes, fmt.Sprintf("tenant %s (%s): %s", t.ID, t.Name, strings.Join(diff, ", ")))
	}
	for part := range slices.Chunk(add, insertChunk) {
		if _, err := tx.NewInsert().Model(&part).Exec(ctx); err != nil {
			return fmt.Errorf("insert tenants: %w", err)
		}
	}
	rep.TenantsAdded = len(add)
	for _, t := range have {
		if !inSource[t.ID] {
			rep.Missing = append(rep.Missing, t.ID)
		}
	}
	return nil
}

func tenantDiff(a, b Tenant) []string {
	var d []string
	str := func(name, x, y string) {
		if x != y {
			d = append(d, fmt.Sprintf("%s %q → %q", name, x, y))
		}
	}
	num := func(name string, x, y int64) {
		if x != y {
			d = append(d, fmt.Sprintf("%s %d → %d", name, x, y))
		}
	}
	str("name", a.Name, b.Name)
	str("legal_status", a.LegalStatus, b.LegalStatus)
	str("county", a.County, b.County)
	str("district_code", a.DistrictCode, b.DistrictCode)
	str("district_name", a.DistrictName, b.DistrictName)
	str("office_id", a.OfficeID, b.OfficeID)
	num("population", a.Population, b.Population)
	num("area_ha", a.AreaHa, b.AreaHa)
	num("dwellings", a.Dwellings, b.Dwellings)
	return d
}
