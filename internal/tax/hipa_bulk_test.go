package tax_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/tax"
)

// A chunk is checked return by return and written in bulk: one IRAT
// registration call for the good returns (two here, because a return
// corrects one of the same chunk and must see it written first), a
// rejected return in between leaving nothing, every change in the audit
// chain; importing the file again changes nothing and registers nothing.
func TestHIPAImportWritesAChunkInBulk(t *testing.T) {
	f := newDeclFixture(t)
	file := []byte(`<HipaBevallasok>
	<Bevallas azonosito="26HIPA-0000000011" adoev="2025">
	<Adozo adoazonosito="8345678904" nev="Szabó Kata e.v."/><Adoalap netto_arbevetel="10000000" anyagkoltseg="2000000" adoalap="8000000"/>
	<Megosztas ksh="11730" adoalap="8000000" ado="160000" eloleg="100000"/></Bevallas>
	<Bevallas azonosito="26HIPA-0000000012" adoev="2025">
	<Adozo adoszam="12345676-2-02" nev="Mecsek Építő Kft."/><Adoalap netto_arbevetel="10000000" adoalap="10000000"/>
	<Megosztas ksh="11730" adoalap="5000000" ado="100000"/><Megosztas ksh="12548" adoalap="2000000" ado="40000"/></Bevallas>
	<Bevallas azonosito="26HIPA-0000000013" adoev="2025" jelleg="onellenorzes">
	<Adozo adoazonosito="8345678904" nev="Szabó Kata e.v."/><Adoalap netto_arbevetel="12000000" anyagkoltseg="2000000" adoalap="10000000"/>
	<Megosztas ksh="11730" adoalap="10000000" ado="200000" eloleg="100000"/></Bevallas>
	<Bevallas azonosito="26HIPA-0000000014" adoev="2025">
	<Adozo adoszam="12345676-2-02" nev="Mecsek Építő Kft."/><Adoalap netto_arbevetel="10000000" adoalap="10000000"/>
	<Megosztas ksh="11730" adoalap="10000000" ado="200000"/></Bevallas>
	</HipaBevallasok>`)
	r, err := f.importHIPA(t, file)
	if err != nil {
		t.Fatal(err)
	}
	if r.Imported != 3 || r.Corrections != 1 || r.NewTaxpayers != 2 || len(r.Rejected) != 1 || r.Rejected[0].Index != 2 ||
		!strings.Contains(r.Rejected[0].HU, "megosztott adóalapok összege") {
		t.Fatalf("result: %+v", r)
	}
	if f.reg.incomingMany != 2 || len(f.reg.subjects) != 3 {
		t.Errorf("%d bulk registrations of %d documents, want 2 of 3", f.reg.incomingMany, len(f.reg.subjects))
	}
	count := func(ctx context.Context, tx bun.Tx, action string) int {
		n, err := tx.NewSelect().Table("audit_log").Where("tenant_id = ? AND action = ?", orfu, action).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	err = f.d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tax.ListDeclarations(ctx, tx, tax.DeclarationFilter{Taxpayer: "8345678904"})
		if len(rows) != 2 || rows[0].Status != tax.StatusFiled || rows[0].Tax != 200_000 || rows[1].Status != tax.StatusCorrected || rows[0].Number == rows[1].Number {
			t.Errorf("Szabó's declarations: %+v", rows)
		}
		if len(rows) == 2 {
			as, _ := f.s.Accounts(ctx, tx, rows[0].TaxpayerID, day(2026, 5, 20))
			// 60 000 balance and two 80 000 advances, then the differences.
			if len(as) != 1 || as[0].DebitTotal != 60_000+80_000*2+40_000+20_000*2 {
				t.Errorf("Szabó's account: %+v", as)
			}
		}
		if m, _ := tax.ListDeclarations(ctx, tx, tax.DeclarationFilter{Taxpayer: "12345676-2-02"}); len(m) != 1 || m[0].ExternalID != "26HIPA-0000000014" {
			t.Errorf("Mecsek's declarations: %+v", m)
		}
		if n := count(ctx, tx, "tax.declaration_file"); n != 3 {
			t.Errorf("%d declarations in the audit log", n)
		}
		if n := count(ctx, tx, "tax.taxpayer_create"); n != 2+1 { // the fixture's own taxpayer too
			t.Errorf("%d taxpayers in the audit log", n)
		}
		if n := count(ctx, tx, "tax.post"); n != 3+3+3 { // Szabó, the correction's differences, Mecsek
			t.Errorf("%d postings in the audit log", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := audit.Verify(context.Background(), f.d, orfu); err != nil || !rep.OK() {
		t.Fatalf("audit chain: %+v %v", rep, err)
	}
	again, err := f.importHIPA(t, file)
	if err != nil || again.Unchanged != 3 || again.Imported != 0 || len(again.Rejected) != 1 || f.reg.incomingMany != 2 {
		t.Errorf("re-import: %+v %v, %d bulk registrations", again, err, f.reg.incomingMany)
	}
}
