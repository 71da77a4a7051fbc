package tax_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// declFixture is a tax database with Orfű's 2025 decree (IFA 500 Ft a
// night, HIPA 2 %, temporary HIPA 3 000 Ft a day, soil-load fee 1 200
// Ft/m³) and a taxpayer.
type declFixture struct {
	d   *db.DB
	s   *tax.Service
	reg *fakeRegistrar
	tp  tax.Taxpayer
}

func newDeclFixture(t testing.TB) *declFixture {
	t.Helper()
	f := &declFixture{d: openTax(t), reg: &fakeRegistrar{},
		s: &tax.Service{Now: func() time.Time { return time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC) }}}
	err := f.d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := tax.RecordDecree(ctx, tx, tax.NewDecree{Number: "9/2024. (XI. 28.)", Title: "a helyi adókról", AdoptedOn: day(2024, 11, 28),
			EffectiveFrom: day(2025, 1, 1), TaxYear: 2025, By: "t", Levier: tax.LevierFor(orfu), Rates: []tax.DecreeRate{
				{TaxType: caps.TouristTax, Basis: caps.PerGuestNight, Rate: rate("500")},
				{TaxType: caps.BusinessTax, Basis: caps.PercentBusinessBase, Rate: rate("2")},
				{TaxType: caps.TemporaryBusinessTax, Basis: caps.PerDay, Rate: rate("3000")},
				{TaxType: caps.SoilLoadFee, Basis: caps.PerCubicMetre, Rate: rate("1200")},
			}}, time.Date(2024, 11, 28, 9, 0, 0, 0, time.UTC))
		if err != nil {
			return err
		}
		f.tp, err = f.s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "8123456786", Name: "Mecsek Panzió Kft."}, "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *declFixture) file(tenant db.TenantID, in tax.DeclarationInput) (tax.Declaration, error) {
	var d tax.Declaration
	if in.Source == "" {
		in.Source = tax.SourceClerk
	}
	err := f.d.InTenant(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d, err = f.s.FileDeclaration(ctx, tx, f.reg, in, "ugyintezo")
		return err
	})
	return d, err
}

// debits lists the taxpayer's postings of a tax type as "side amount due".
func (f *declFixture) postings(t *testing.T, taxType string) []string {
	t.Helper()
	var out []string
	err := f.d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		as, err := f.s.Accounts(ctx, tx, f.tp.ID, day(2026, 5, 20))
		for _, a := range as {
			if a.TaxType != taxType {
				continue
			}
			for _, p := range a.Postings {
				out = append(out, fmt.Sprintf("%s %d %s", p.Side, p.Amount, p.On))
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func same(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// The IFA collector's monthly return: taxable nights × the decree's rate,
// due on the 15th of the next month; a correction posts only the
// difference, up (a debit) or down (a credit with the reason).
func TestIFADeclarationAndCorrections(t *testing.T) {
	f := newDeclFixture(t)
	in := tax.DeclarationInput{Kind: tax.KindIFAMonthly, TaxpayerID: f.tp.ID, Period: "2025-03",
		Figures: tax.Figures{GuestNights: 120, Exempt: []tax.ExemptNights{{Reason: "under_18", Nights: 15}, {Reason: "patient", Nights: 5}}}}
	d1, err := f.file(orfu, in)
	if err != nil {
		t.Fatal(err)
	}
	if d1.Tax != 50_000 || d1.Base != 100 || d1.Number == "" || d1.Status != tax.StatusFiled {
		t.Fatalf("declaration: %+v", d1)
	}
	if got := f.postings(t, "idegenforgalmi_ado"); !same(got, []string{"debit 50000 2025-04-15"}) {
		t.Errorf("postings: %v", got)
	}
	// The same period again, not as a correction: refused.
	if _, err := f.file(orfu, in); code(err) != "already_filed" {
		t.Errorf("duplicate: %v", err)
	}
	// A correction without a reason: refused.
	up := in
	up.Figures.GuestNights = 130
	up.Corrects = &d1.ID
	if _, err := f.file(orfu, up); code(err) != "no_reason" {
		t.Errorf("no reason: %v", err)
	}
	up.Reason = "10 vendégéjszaka kimaradt"
	d2, err := f.file(orfu, up)
	if err != nil || d2.Tax != 55_000 {
		t.Fatalf("correction up: %+v %v", d2, err)
	}
	// Correcting the corrected one again is refused: only the one in force.
	if _, err := f.file(orfu, up); code(err) != "bad_corrects" {
		t.Errorf("correcting a corrected one: %v", err)
	}
	down := in
	down.Figures.GuestNights = 100
	down.Corrects, down.Reason = &d2.ID, "túl sok vendégéjszaka"
	d3, err := f.file(orfu, down)
	if err != nil || d3.Tax != 40_000 {
		t.Fatalf("correction down: %+v %v", d3, err)
	}
	want := []string{"debit 50000 2025-04-15", "debit 5000 2025-04-15", "credit 15000 2025-04-15"}
	if got := f.postings(t, "idegenforgalmi_ado"); !same(got, want) {
		t.Errorf("postings after corrections: %v, want %v", got, want)
	}
	// The chain: d1 and d2 corrected, d3 in force and naming d2.
	err = f.d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		v1, err := tax.LoadDeclaration(ctx, tx, d1.ID)
		if err != nil {
			return err
		}
		v3, err := tax.LoadDeclaration(ctx, tx, d3.ID)
		if err != nil {
			return err
		}
		if v1.Status != tax.StatusCorrected || v1.Successor == nil || v1.Successor.ID != d2.ID || v3.Corrected == nil || v3.Corrected.ID != d2.ID {
			t.Errorf("chain: %+v / %+v", v1.Declaration, v3.Declaration)
		}
		if len(v3.Figures.Exempt) != 2 || v3.Figures.GuestNights != 100 {
			t.Errorf("figures: %+v", v3.Figures)
		}
		rows, err := tax.ListDeclarations(ctx, tx, tax.DeclarationFilter{Kind: tax.KindIFAMonthly, Period: "2025", Taxpayer: "mecsek"})
		if len(rows) != 3 || rows[0].Taxpayer.Name != "Mecsek Panzió Kft." {
			t.Errorf("list: %d rows", len(rows))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Refusals: bad figures, no rate, another tenant's taxpayer, IRAT refusing;
// each leaves no declaration and no posting.
func TestDeclarationRefusalsWriteNothing(t *testing.T) {
	f := newDeclFixture(t)
	ok := tax.DeclarationInput{Kind: tax.KindIFAMonthly, TaxpayerID: f.tp.ID, Period: "2025-06", Figures: tax.Figures{GuestNights: 10}}
	for name, tc := range map[string]struct {
		change func(*tax.DeclarationInput)
		code   string
	}{
		"bad kind":  {func(in *tax.DeclarationInput) { in.Kind = "kutya" }, "bad_kind"},
		"bad month": {func(in *tax.DeclarationInput) { in.Period = "2025-13" }, "bad_period"},
		"exempt > total": {func(in *tax.DeclarationInput) {
			in.Figures.Exempt = []tax.ExemptNights{{Reason: "study_work", Nights: 11}}
		}, "exempt_above_total"},
		"exempt no cause":  {func(in *tax.DeclarationInput) { in.Figures.Exempt = []tax.ExemptNights{{Nights: 1}} }, "bad_exempt"},
		"negative nights":  {func(in *tax.DeclarationInput) { in.Figures.GuestNights = -1 }, "bad_nights"},
		"no decree":        {func(in *tax.DeclarationInput) { in.Period = "2024-06" }, "no_rate"},
		"future":           {func(in *tax.DeclarationInput) { in.Period = "2027-01" }, "future_period"},
		"unknown taxpayer": {func(in *tax.DeclarationInput) { in.TaxpayerID = uuid.New() }, "no_taxpayer"},
		"long temporary": {func(in *tax.DeclarationInput) {
			in.Kind, in.From, in.To = tax.KindHIPATemporary, day(2025, 1, 1), day(2025, 7, 1)
		}, "not_temporary"},
	} {
		in := ok
		tc.change(&in)
		if _, err := f.file(orfu, in); code(err) != tc.code {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := f.file(aba, ok); code(err) != "no_taxpayer" {
		t.Errorf("another tenant's taxpayer: %v", err)
	}
	f.reg.refuse = true
	if _, err := f.file(orfu, ok); err == nil {
		t.Error("IRAT refused, yet filed")
	}
	f.reg.refuse = false
	if got := f.postings(t, "idegenforgalmi_ado"); len(got) != 0 {
		t.Errorf("refusals posted: %v", got)
	}
	// After all that, the good one files (nothing was left in the way).
	if _, err := f.file(orfu, ok); err != nil {
		t.Fatal(err)
	}
}

// §A.15: turnover 800 M, ELÁBÉ 300 M + mediated services 100 M,
// subcontractors 50 M, materials 60 M → base 312.5 M; Orfű's share 60 %
// (187.5 M) at 2 % → 3 750 000 Ft, next advances 1 875 000 twice.
func TestHIPAWorkedExample(t *testing.T) {
	fig := tax.Figures{Turnover: 800_000_000, COGS: 300_000_000, Mediated: 100_000_000, Subcontractors: 50_000_000, Materials: 60_000_000}
	base, ded, err := tax.HIPABase(fig)
	if err != nil || base != 312_500_000 || ded != 377_500_000 {
		t.Fatalf("base %d, deductible %d, %v", base, ded, err)
	}
	// Below 500 M the whole ELÁBÉ is deductible.
	if b, d, _ := tax.HIPABase(tax.Figures{Turnover: 400_000_000, COGS: 300_000_000}); b != 100_000_000 || d != 300_000_000 {
		t.Errorf("small: %d %d", b, d)
	}
	// Simplified: 80 % up to the configured limit; KATA pro rata.
	if b, _, _ := tax.HIPABase(tax.Figures{Method: tax.MethodSimplified, Turnover: 5_000_000}); b != 4_000_000 {
		t.Errorf("simplified: %d", b)
	}
	if _, _, err := tax.HIPABase(tax.Figures{Method: tax.MethodSimplified, Turnover: 9_000_000}); code(err) != "simplified_limit" {
		t.Errorf("simplified above limit: %v", err)
	}
	if b, _, _ := tax.HIPABase(tax.Figures{Method: tax.MethodKATA, KATAMonths: 6}); b != 1_250_000 {
		t.Errorf("kata: %d", b)
	}

	f := newDeclFixture(t)
	fig.Shares = []tax.BaseShare{{KSH: string(orfu), Base: 187_500_000, Tax: 3_750_000}, {KSH: "17376", Base: 125_000_000, Tax: 2_250_000}}
	in := tax.DeclarationInput{Kind: tax.KindHIPAAnnual, TaxpayerID: f.tp.ID, Period: "2025", Figures: fig}
	bad := in
	bad.Figures.Shares = []tax.BaseShare{{KSH: string(orfu), Base: 187_500_000}, {KSH: "17376", Base: 100_000_000}}
	if _, err := f.file(orfu, bad); code(err) != "shares_sum" {
		t.Errorf("shares not adding up: %v", err)
	}
	bad.Figures.Shares = []tax.BaseShare{{KSH: string(orfu), Base: 187_500_000, Tax: 3_000_000}, {KSH: "17376", Base: 125_000_000}}
	if _, err := f.file(orfu, bad); code(err) != "tax_mismatch" {
		t.Errorf("tax at another rate: %v", err)
	}
	d, err := f.file(orfu, in)
	if err != nil || d.Tax != 3_750_000 || d.Base != 187_500_000 {
		t.Fatalf("HIPA: %+v %v", d, err)
	}
	// Balance May 31 2026 (a Sunday → June 1), advances Sep 15 2026 and
	// Mar 15 2027 (the national holiday → Mar 16).
	want := []string{"debit 3750000 2026-06-01", "debit 1875000 2026-09-15", "debit 1875000 2027-03-16"}
	if got := f.postings(t, "iparuzesi_ado"); !same(got, want) {
		t.Errorf("HIPA postings: %v, want %v", got, want)
	}
	// A self-revision with advances already paid: the balance drops to
	// tax − advances, a credit for the difference; the advances stay.
	rev := in
	rev.Figures.Advances = 1_000_000
	rev.Corrects, rev.Reason = &d.ID, "az előleg kimaradt"
	if _, err := f.file(orfu, rev); err != nil {
		t.Fatal(err)
	}
	want = []string{"debit 3750000 2026-06-01", "credit 1000000 2026-06-01", "debit 1875000 2026-09-15", "debit 1875000 2027-03-16"}
	if got := f.postings(t, "iparuzesi_ado"); !same(got, want) {
		t.Errorf("after self-revision: %v, want %v", got, want)
	}
}

// Temporary HIPA (days × rate, due on the 15th of the next month, or on
// the last day when so configured) and the soil-load fee (E × A × T, due
// Mar 31 of the next year).
func TestTemporaryHIPAAndSoilLoadFee(t *testing.T) {
	f := newDeclFixture(t)
	d, err := f.file(orfu, tax.DeclarationInput{Kind: tax.KindHIPATemporary, TaxpayerID: f.tp.ID, From: day(2025, 7, 1), To: day(2025, 7, 10)})
	if err != nil || d.Tax != 30_000 || d.Period != "2025-07-01..2025-07-10" {
		t.Fatalf("temporary: %+v %v", d, err)
	}
	old := tax.Rules
	tax.Rules.TemporaryHIPADue = tax.DueLastDay
	defer func() { tax.Rules = old }()
	if _, err := f.file(orfu, tax.DeclarationInput{Kind: tax.KindHIPATemporary, TaxpayerID: f.tp.ID, From: day(2025, 9, 1), To: day(2025, 9, 3)}); err != nil {
		t.Fatal(err)
	}
	if got := f.postings(t, "ideiglenes_iparuzesi_ado"); !same(got, []string{"debit 30000 2025-08-15", "debit 9000 2025-09-03"}) {
		t.Errorf("temporary postings: %v", got)
	}
	// §A.14: 80 m³ net at T = 1.5 → 144 000 Ft by Mar 31 2026.
	s, err := f.file(orfu, tax.DeclarationInput{Kind: tax.KindSoilLoadFee, TaxpayerID: f.tp.ID, Period: "2025",
		Figures: tax.Figures{WaterM3: 100, WateringM3: 15, CollectedM3: 5, MultiplierMill: 1500}})
	if err != nil || s.Tax != 144_000 {
		t.Fatalf("soil-load fee: %+v %v", s, err)
	}
	if got := f.postings(t, "talajterhelesi_dij"); !same(got, []string{"debit 144000 2026-03-31"}) {
		t.Errorf("soil-load postings: %v", got)
	}
	// A HIPA return for the year still running (the business ended): the
	// balance only, no advances.
	c, err := f.file(orfu, tax.DeclarationInput{Kind: tax.KindHIPAAnnual, TaxpayerID: f.tp.ID, Period: "2026", Figures: tax.Figures{Turnover: 1_000_000}})
	if err != nil || c.Tax != 20_000 {
		t.Fatalf("closing HIPA return: %+v %v", c, err)
	}
	if got := f.postings(t, "iparuzesi_ado"); !same(got, []string{"debit 20000 2027-05-31"}) {
		t.Errorf("closing return's postings: %v", got)
	}
	_ = hu.Forint(0)
}
