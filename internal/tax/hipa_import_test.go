package tax_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/tax"
)

func (f *declFixture) importHIPA(t testing.TB, file []byte) (tax.HIPAImportResult, error) {
	t.Helper()
	returns, err := tax.ParseHIPAFile(bytes.NewReader(file))
	if err != nil {
		return tax.HIPAImportResult{}, err
	}
	var r tax.HIPAImportResult
	err = f.d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		r, err = f.s.ImportHIPA(ctx, tx, f.reg, returns, "ugyintezo")
		return err
	})
	return r, err
}

// The documented example file: Orfű takes its share of the §A.15 return,
// skips Abaliget's, rejects the two bad ones with their reasons, registers
// the unknown taxpayers; importing it again changes nothing; a later
// return for the same year corrects the earlier one.
func TestHIPAImport(t *testing.T) {
	f := newDeclFixture(t)
	file, err := os.ReadFile("testdata/hipa-example.xml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.importHIPA(t, file)
	if err != nil {
		t.Fatal(err)
	}
	if r.Returns != 5 || r.Imported != 2 || r.OtherPlaces != 1 || r.NewTaxpayers != 2 || len(r.Rejected) != 2 || r.Unchanged != 0 {
		t.Fatalf("result: %+v", r)
	}
	if r.Rejected[0].Index != 3 || !strings.Contains(r.Rejected[0].HU, "ellenőrző szám") || r.Rejected[1].Index != 4 || !strings.Contains(r.Rejected[1].HU, "megosztott adóalapok összege") {
		t.Errorf("rejections: %+v", r.Rejected)
	}
	var mecsek, szabo []string
	err = f.d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tax.ListDeclarations(ctx, tx, tax.DeclarationFilter{Kind: tax.KindHIPAAnnual})
		for _, row := range rows {
			as, err := f.s.Accounts(ctx, tx, row.TaxpayerID, day(2026, 5, 20))
			if err != nil {
				return err
			}
			for _, a := range as {
				for _, p := range a.Postings {
					line := fmt.Sprintf("%s %d %s", p.Side, p.Amount, p.On)
					if row.Taxpayer.TaxID == "12345676-2-02" {
						mecsek = append(mecsek, line)
					} else {
						szabo = append(szabo, line)
					}
				}
			}
			if row.Source != tax.SourceNAVImport || row.Number == "" {
				t.Errorf("declaration: %+v", row.Declaration)
			}
		}
		// Nothing of the rejected "Hibás Kft." was written.
		if tps, _ := tax.ListDeclarations(ctx, tx, tax.DeclarationFilter{Taxpayer: "Hibás"}); len(tps) != 0 {
			t.Errorf("a rejected return left a declaration")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !same(mecsek, []string{"debit 3750000 2026-06-01", "debit 1875000 2026-09-15", "debit 1875000 2027-03-16"}) {
		t.Errorf("Mecsek's account: %v", mecsek)
	}
	if !same(szabo, []string{"debit 60000 2026-06-01", "debit 80000 2026-09-15", "debit 80000 2027-03-16"}) {
		t.Errorf("Szabó's account: %v", szabo)
	}

	again, err := f.importHIPA(t, file)
	if err != nil || again.Unchanged != 2 || again.Imported != 0 || len(again.Rejected) != 2 {
		t.Errorf("re-import: %+v %v", again, err)
	}
	// A self-revision of Szabó Kata's return: turnover 12 M → base 10 M.
	rev := []byte(`<HipaBevallasok><Bevallas azonosito="26HIPA-0000000099" adoev="2025" jelleg="onellenorzes">
	<Adozo adoazonosito="8345678904" nev="Szabó Kata e.v."/><Adoalap netto_arbevetel="12000000" anyagkoltseg="2000000" adoalap="10000000"/>
	<Megosztas ksh="11730" adoalap="10000000" ado="200000" eloleg="100000"/></Bevallas></HipaBevallasok>`)
	r, err = f.importHIPA(t, rev)
	if err != nil || r.Imported != 1 || r.Corrections != 1 {
		t.Fatalf("correction: %+v %v", r, err)
	}
	err = f.d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tax.ListDeclarations(ctx, tx, tax.DeclarationFilter{Taxpayer: "8345678904"})
		if len(rows) != 2 || rows[0].Status != tax.StatusFiled || rows[1].Status != tax.StatusCorrected || rows[0].Tax != 200_000 {
			t.Errorf("after the correction: %+v", rows)
		}
		v, err := tax.LoadDeclaration(ctx, tx, rows[0].ID)
		// Only the differences: +40 000 balance, +20 000 each advance.
		for _, c := range v.Charges {
			if c.PostingID == nil {
				t.Errorf("charge %s posted nothing", c.Line)
			}
		}
		as, _ := f.s.Accounts(ctx, tx, rows[0].TaxpayerID, day(2026, 5, 20))
		if len(as) != 1 || as[0].DebitTotal != 60_000+80_000*2+40_000+20_000*2 {
			t.Errorf("account after the correction: %+v", as)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A file that is not well-formed is refused whole.
func TestHIPAFileRefused(t *testing.T) {
	for _, s := range []string{"", "<HipaBevallasok>", "<Mas/>", "nem xml"} {
		if _, err := tax.ParseHIPAFile(strings.NewReader(s)); code(err) != "bad_file" {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// FuzzParseHIPAFile: whatever the file, the parser does not panic, and a
// return it accepts has an identifier, a valid year, a taxpayer and at
// least one share with non-negative figures.
func FuzzParseHIPAFile(f *testing.F) {
	if b, err := os.ReadFile("testdata/hipa-example.xml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`<HipaBevallasok><Bevallas azonosito="x" adoev="2025"><Adozo adoazonosito="8123456786" nev="A"/><Adoalap adoalap="-1"/><Megosztas ksh="11730" adoalap="1" ado="1"/></Bevallas></HipaBevallasok>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, err := tax.ParseHIPAFile(bytes.NewReader(b))
		if err != nil {
			if code(err) != "bad_file" {
				t.Fatalf("error without a problem: %v", err)
			}
			return
		}
		for _, r := range rs {
			if r.Problem != nil {
				continue
			}
			if r.ID == "" || r.Year < 1991 || r.TaxID == "" || r.Name == "" || len(r.Figures.Shares) == 0 {
				t.Fatalf("accepted a bad return: %+v", r)
			}
			for _, s := range r.Figures.Shares {
				if s.Base < 0 || s.Tax < 0 {
					t.Fatalf("negative share: %+v", s)
				}
			}
			if _, _, err := tax.HIPABase(r.Figures); err != nil && code(err) == "" {
				t.Fatalf("base: %v", err)
			}
		}
	})
}

// In chunks (two returns per transaction here) the import does the same,
// and an identifier repeated in a later chunk is still a duplicate.
func TestHIPAImportInChunks(t *testing.T) {
	old := tax.HIPAChunk
	tax.HIPAChunk = 2
	defer func() { tax.HIPAChunk = old }()
	f := newDeclFixture(t)
	file, err := os.ReadFile("testdata/hipa-example.xml")
	if err != nil {
		t.Fatal(err)
	}
	// The first return once more at the end of the file.
	first := file[bytes.Index(file, []byte("<Bevallas ")) : bytes.Index(file, []byte("</Bevallas>"))+len("</Bevallas>")]
	file = bytes.Replace(file, []byte("</HipaBevallasok>"), append(append([]byte{}, first...), []byte("</HipaBevallasok>")...), 1)
	returns, err := tax.ParseHIPAFile(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.s.ImportHIPAInChunks(context.Background(), f.d, orfu, f.reg, returns, "ugyintezo")
	if err != nil || r.Returns != 6 || r.Imported != 2 || r.OtherPlaces != 1 || r.NewTaxpayers != 2 || len(r.Rejected) != 3 || r.Rejected[2].Index != 6 ||
		!strings.Contains(r.Rejected[2].HU, "korábban már szerepelt") {
		t.Fatalf("chunked: %+v %v", r, err)
	}
}
