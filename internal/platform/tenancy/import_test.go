package tenancy_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
)

var t0 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func TestImportGazetteerLoadsEveryLocalGovernment(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, migrations.Platform)
	rep, err := tenancy.Import(ctx, d, tenancy.Gazetteer2018(), t0)
	if err != nil {
		t.Fatal(err)
	}
	// 3,154 settlements + Budapest + its 23 districts (shared/data/README.md).
	if rep.TenantsAdded != 3178 {
		t.Errorf("tenants added = %d, want 3178", rep.TenantsAdded)
	}
	// 545 own offices (code 1) + 738 joint-office seats (codes 2 and 4).
	if rep.OfficesAdded != 545+738 {
		t.Errorf("offices added = %d, want %d", rep.OfficesAdded, 545+738)
	}
	s := tenancy.Store{DB: d}
	aba, err := s.Get(ctx, "17376")
	if err != nil {
		t.Fatal(err)
	}
	if aba.Name != "Aba" || aba.LegalStatus != "város" || aba.County != "Fejér" || aba.Population != 4416 ||
		aba.Phase != tenancy.Preparation || aba.ConnectionMode != tenancy.System || aba.OfficeID != "h17376" {
		t.Errorf("Aba = %+v", aba)
	}
	// Abaliget is a member of the joint office seated in Orfű.
	abaliget, err := s.Get(ctx, "12548")
	if err != nil {
		t.Fatal(err)
	}
	orfu, err := s.Office(ctx, abaliget.OfficeID)
	if err != nil {
		t.Fatal(err)
	}
	if orfu.Kind != tenancy.JointOffice || !strings.Contains(orfu.Name, "Orfű") {
		t.Errorf("Abaliget's office = %+v", orfu)
	}
	members, err := s.OfficeTenants(ctx, orfu.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) < 2 || members[0].ID != orfu.SeatTenantID {
		t.Errorf("members of %s = %v, want the seat first and at least two", orfu.ID, members)
	}
	bp, err := s.Get(ctx, "13578")
	if err != nil || bp.LegalStatus != "főváros" || bp.County != "főváros" {
		t.Errorf("Budapest = %+v, %v", bp, err)
	}
	if n, _ := s.Count(ctx); n != 3178 {
		t.Errorf("count = %d", n)
	}
}

func TestImportIsIdempotentAndReportsChanges(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, migrations.Platform)
	if _, err := tenancy.Import(ctx, d, tenancy.Gazetteer2018(), t0); err != nil {
		t.Fatal(err)
	}
	// The operating centre moves Aba on; a re-import must not undo it.
	s := tenancy.Store{DB: d}
	if err := s.UpdateSettings(ctx, d.Bun(), "17376", tenancy.Settings{ConnectionMode: tenancy.Interface, Phase: tenancy.Live}, t0); err != nil {
		t.Fatal(err)
	}
	rep, err := tenancy.Import(ctx, d, tenancy.Gazetteer2018(), t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changed() || rep.TenantsUnchanged != 3178 || rep.OfficesUnchanged != 1283 || len(rep.Missing) != 0 {
		t.Errorf("second import: %s", rep)
	}
	aba, _ := s.Get(ctx, "17376")
	if aba.Phase != tenancy.Live || aba.ConnectionMode != tenancy.Interface {
		t.Errorf("re-import changed operational fields: %+v", aba)
	}

	// A newer gazetteer: Aba grew, and one village is gone from the file.
	src := string(mustRead(t))
	src = strings.Replace(src, "Aba,17376,város,Fejér,085 0,Székesfehérvári,Székesfehérvár,1,–,8805,4416,1548",
		"Aba,17376,város,Fejér,085 0,Székesfehérvári,Székesfehérvár,1,–,8805,4500,1548", 1)
	src = strings.Replace(src, "Abasár,24554,község,Heves,106 0,Gyöngyösi,Gyöngyös,1,–,2082,2564,1189\r\n", "", 1)
	rep, err = tenancy.Import(ctx, d, strings.NewReader(src), t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if rep.TenantsUpdated != 1 || rep.TenantsAdded != 0 || len(rep.Missing) != 1 || rep.Missing[0] != "24554" {
		t.Fatalf("third import: %s %v", rep, rep.Changes)
	}
	if !strings.Contains(rep.Changes[0], "population 4416 → 4500") {
		t.Errorf("change = %q", rep.Changes[0])
	}
	if _, err := s.Get(ctx, "24554"); err != nil {
		t.Errorf("a tenant missing from the source must be kept: %v", err)
	}
}

func TestImportRefusesABadFileWhole(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, migrations.Platform)
	src := string(mustRead(t))
	for name, bad := range map[string]string{
		"bad KSH code":       strings.Replace(src, ",17376,", ",1737,", 1),
		"unknown seat":       strings.Replace(src, "Abaliget,12548,község,Baranya,028 0,Pécsi,Pécs,5,Orfű", "Abaliget,12548,község,Baranya,028 0,Pécsi,Pécs,5,Nincsilyen", 1),
		"negative count":     strings.Replace(src, ",4416,1548", ",-4416,1548", 1),
		"wrong header":       strings.Replace(src, "helyseg_nev", "nev", 1),
		"duplicate KSH code": src + "Másik,17376,község,Fejér,085 0,Székesfehérvári,Székesfehérvár,1,–,1,1,1\r\n",
		"empty":              "",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := tenancy.Import(ctx, d, strings.NewReader(bad), t0); err == nil {
				t.Fatal("import accepted a bad file")
			}
			if n, _ := (tenancy.Store{DB: d}).Count(ctx); n != 0 {
				t.Fatalf("a refused import left %d tenants", n)
			}
		})
	}
}

func mustRead(t *testing.T) []byte {
	t.Helper()
	b, err := io.ReadAll(tenancy.Gazetteer2018())
	if err != nil {
		t.Fatal(err)
	}
	return b
}
