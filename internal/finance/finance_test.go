package finance_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
	"github.com/openasp-hu/asp/internal/platform/xlsx"
)

var financeMigrations = db.Migrations{Module: "finance", FS: finance.Module().Migrations}

func TestBothDialectsHaveTheSameFinanceSchema(t *testing.T) {
	dbtest.SameSchema(t, migrations.Platform, financeMigrations)
}

const orfu, aba db.TenantID = "11730", "17376"

func code(err error) string {
	var p *finance.Problem
	if errors.As(err, &p) {
		return p.Code
	}
	return ""
}

type fixture struct {
	t   testing.TB
	d   *db.DB
	s   *finance.Service
	ctx context.Context
}

func newFixture(t testing.TB) *fixture {
	d := dbtest.Open(t, migrations.Platform, financeMigrations)
	return &fixture{t: t, d: d, s: &finance.Service{Now: func() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) }}, ctx: context.Background()}
}

func (f *fixture) in(tenant db.TenantID, fn func(ctx context.Context, tx bun.Tx) error) error {
	return f.d.InTenant(f.ctx, tenant, fn)
}

func (f *fixture) entity(tenant db.TenantID, name string, fns ...string) finance.Entity {
	var e finance.Entity
	err := f.in(tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		e, err = f.s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Municipality, Name: name, Functions: fns}, "t")
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

func (f *fixture) post(tenant db.TenantID, ev finance.Event) (finance.Entry, error) {
	var en finance.Entry
	err := f.in(tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		en, err = f.s.Post(ctx, tx, ev, "t")
		return err
	})
	return en, err
}

func (f *fixture) budget(tenant db.TenantID, c finance.BudgetChange) error {
	return f.in(tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := f.s.RecordBudget(ctx, tx, c, "t")
		return err
	})
}

func (f *fixture) report(tenant db.TenantID, sc finance.Scope) finance.BudgetReport {
	var r finance.BudgetReport
	err := f.d.InTenantRead(f.ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		r, err = finance.BudgetOf(ctx, tx, sc)
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func line(r finance.BudgetReport, rovat, funkcio string) finance.Status {
	for _, l := range r.Lines {
		if l.Rovat == rovat && l.Funkcio == funkcio {
			return l
		}
	}
	return finance.Status{}
}

func TestEntitiesAndTheirFunctions(t *testing.T) {
	f := newFixture(t)
	err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		for name, tc := range map[string]struct {
			in   finance.EntityInput
			code string
		}{
			"no kind":         {finance.EntityInput{Name: "x"}, "bad_kind"},
			"no name":         {finance.EntityInput{Kind: finance.Institution}, "bad_name"},
			"bad pir":         {finance.EntityInput{Kind: finance.Institution, Name: "x", PIR: "12"}, "bad_pir"},
			"stripped zero":   {finance.EntityInput{Kind: finance.Institution, Name: "x", Functions: []string{"11130"}}, "bad_funkcio"},
			"group":           {finance.EntityInput{Kind: finance.Institution, Name: "x", Functions: []string{"0111"}}, "bad_funkcio"},
			"no such funkció": {finance.EntityInput{Kind: finance.Institution, Name: "x", Functions: []string{"999999"}}, "bad_funkcio"},
		} {
			if _, err := f.s.CreateEntity(ctx, tx, tc.in, "t"); code(err) != tc.code {
				t.Errorf("%s: %v", name, err)
			}
		}
		_, err := f.s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Institution, Name: "x", Functions: []string{"11130"}}, "t")
		if err == nil || !strings.Contains(err.(*finance.Problem).HU, "011130") {
			t.Errorf("the refusal of 11130 should name 011130: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e := f.entity(orfu, "Orfű Község Önkormányzata", "011130", "064010", "011130")
	if strings.Join(e.Functions, ",") != "011130,064010" {
		t.Errorf("functions %v", e.Functions)
	}
	err = f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := f.s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Municipality, Name: "Orfű Község Önkormányzata"}, "t"); code(err) != "entity_exists" {
			t.Errorf("duplicate: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		e2, err := f.s.AddFunctions(ctx, tx, e.ID, finance.SplitCodes("066020 Város-, községgazdálkodási\n900020"), "t")
		if err != nil || strings.Join(e2.Functions, ",") != "011130,064010,066020,900020" {
			t.Errorf("add: %v %v", e2.Functions, err)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Another tenant sees no entity of Orfű.
	err = f.d.InTenantRead(f.ctx, aba, func(ctx context.Context, tx bun.Tx) error {
		if _, err := finance.EntityByID(ctx, tx, e.ID); code(err) != "no_entity" {
			t.Errorf("Aba reads Orfű's entity: %v", err)
		}
		es, err := finance.Entities(ctx, tx)
		if len(es) != 0 {
			t.Errorf("Aba lists %v", es)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// A rovat or funkció that does not exist or is not permitted is refused.
	for name, tc := range map[string]struct{ rovat, funkcio, code string }{
		"unknown rovat":     {"K1999", "011130", "bad_rovat"},
		"unknown funkció":   {"K1101", "123456", "bad_funkcio"},
		"not permitted":     {"K1101", "082044", "funkcio_not_permitted"},
		"revenue for spend": {"B351", "011130", "wrong_side"},
	} {
		_, err := f.post(orfu, finance.Event{Entity: e.ID, Kind: finance.EvCommitment, On: hu.Date{Year: 2026, Month: 3, Day: 2}, Rovat: tc.rovat, Funkcio: tc.funkcio, Amount: 1})
		if code(err) != tc.code {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The whole chain on both ledgers: budget, amendment, reallocation,
// commitment, invoice, payment, revenue; the report, the trial balance
// and the §B.6 checks agree; closed periods and reversals.
func TestBudgetAndLedger(t *testing.T) {
	f := newFixture(t)
	e := f.entity(orfu, "Orfű Község Önkormányzata", "011130", "064010", "900020")
	day := func(m, d int) hu.Date { return hu.Date{Year: 2026, Month: time.Month(m), Day: d} }
	orig := finance.BudgetChange{Entity: e.ID, Year: 2026, Kind: finance.Original, On: day(1, 2), Decision: "1/2026. (II. 12.) ör.", Lines: []finance.AppropriationInput{
		{LineKey: finance.LineKey{Rovat: "K334", Funkcio: "064010"}, Amount: 1_000_000},
		{LineKey: finance.LineKey{Rovat: "K1101", Funkcio: "011130"}, Amount: 5_000_000},
		{LineKey: finance.LineKey{Rovat: "B34", Funkcio: "900020"}, Amount: 8_000_000},
	}}
	if err := f.budget(orfu, orig); err != nil {
		t.Fatal(err)
	}
	if err := f.budget(orfu, orig); code(err) != "original_exists" {
		t.Errorf("second original: %v", err)
	}
	if err := f.budget(orfu, finance.BudgetChange{Entity: e.ID, Year: 2026, Kind: finance.Amendment, Lines: orig.Lines[:1]}); code(err) != "no_decision" {
		t.Errorf("amendment without decision: %v", err)
	}
	realloc := finance.BudgetChange{Entity: e.ID, Year: 2026, Kind: finance.Reallocation, On: day(3, 1), Decision: "12/2026. (III. 1.) polgármesteri döntés", Lines: []finance.AppropriationInput{
		{LineKey: finance.LineKey{Rovat: "K1101", Funkcio: "011130"}, Amount: -300_000},
		{LineKey: finance.LineKey{Rovat: "K334", Funkcio: "064010"}, Amount: 200_000},
	}}
	if err := f.budget(orfu, realloc); code(err) != "unbalanced_reallocation" {
		t.Errorf("unbalanced reallocation: %v", err)
	}
	realloc.Lines[1].Amount = 300_000
	if err := f.budget(orfu, realloc); err != nil {
		t.Fatal(err)
	}
	if err := f.budget(orfu, finance.BudgetChange{Entity: e.ID, Year: 2026, Kind: finance.Amendment, On: day(3, 2), Decision: "5/2026. (III. 2.) ör.", Lines: []finance.AppropriationInput{
		{LineKey: finance.LineKey{Rovat: "B34", Funkcio: "900020"}, Amount: 500_000}}}); err != nil {
		t.Fatal(err)
	}
	// The chain of a service bought on K334: commitment, invoice, payment.
	ev := finance.Event{Entity: e.ID, On: day(3, 3), Rovat: "K334", Funkcio: "064010", Amount: 800_000, Partner: "Mecsek Villamos Kft.", Commitment: "KV-2026/1", Document: "SZ-1"}
	for _, k := range []string{finance.EvCommitment, finance.EvInvoice, finance.EvPayment} {
		ev.Kind = k
		if _, err := f.post(orfu, ev); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	// A second commitment left open.
	ev.Kind, ev.Amount, ev.Commitment = finance.EvCommitment, 150_000, "KV-2026/2"
	if _, err := f.post(orfu, ev); err != nil {
		t.Fatal(err)
	}
	// The free appropriation is modified − open commitments − performance;
	// a reduction below it is refused.
	r := f.report(orfu, finance.Scope{Entity: e.ID, Year: 2026})
	k334 := line(r, "K334", "064010")
	if k334.Original != 1_000_000 || k334.Modified != 1_300_000 || k334.Committed != 950_000 || k334.OpenCommitment != 150_000 || k334.Performance != 800_000 || k334.Free != 350_000 {
		t.Errorf("K334: %+v", k334)
	}
	if err := f.budget(orfu, finance.BudgetChange{Entity: e.ID, Year: 2026, Kind: finance.Amendment, On: day(3, 4), Decision: "6/2026.", Lines: []finance.AppropriationInput{
		{LineKey: finance.LineKey{Rovat: "K334", Funkcio: "064010"}, Amount: -350_001}}}); code(err) != "not_enough_free" {
		t.Errorf("reduction below the free appropriation: %v", err)
	}
	// Revenue: local tax assessed and collected.
	rev := finance.Event{Entity: e.ID, On: day(3, 5), Rovat: "B34", Funkcio: "900020", Amount: 2_000_000, Kind: finance.EvRevenueAssessed, Document: "ADÓ-2026"}
	if _, err := f.post(orfu, rev); err != nil {
		t.Fatal(err)
	}
	rev.Kind, rev.Amount = finance.EvRevenueCollected, 1_200_000
	if _, err := f.post(orfu, rev); err != nil {
		t.Fatal(err)
	}
	r = f.report(orfu, finance.Scope{Entity: e.ID, Year: 2026})
	b34 := line(r, "B34", "900020")
	if b34.Original != 8_000_000 || b34.Modified != 8_500_000 || b34.Receivable != 2_000_000 || b34.OpenReceivable != 800_000 || b34.Performance != 1_200_000 {
		t.Errorf("B34: %+v", b34)
	}
	if r.BudgetExpenditure.Modified != 6_000_000 || r.BudgetRevenue.Modified != 8_500_000 || r.Balance != 1_200_000-800_000 {
		t.Errorf("totals: %+v %+v %d", r.BudgetExpenditure, r.BudgetRevenue, r.Balance)
	}
	// February shows only the original budget.
	if feb := f.report(orfu, finance.Scope{Entity: e.ID, Year: 2026, Through: 2}); line(feb, "K334", "064010").Modified != 1_000_000 {
		t.Errorf("February: %+v", line(feb, "K334", "064010"))
	}
	var tb finance.TrialBalance
	var checks []finance.Check
	err := f.d.InTenantRead(f.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if tb, err = finance.TrialBalanceOf(ctx, tx, finance.Scope{Entity: e.ID, Year: 2026}); err != nil {
			return err
		}
		checks, err = finance.Reconcile(ctx, tx, finance.Scope{Entity: e.ID, Year: 2026})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if tb.FinancialDebit != tb.FinCred || tb.BudgetDebit != tb.BudCred || tb.FinancialDebit != 800_000*2+2_000_000+1_200_000 {
		t.Errorf("trial balance sides: %+v", tb)
	}
	bal := map[string]hu.Forint{}
	for _, row := range tb.Rows {
		bal[row.Account.Code] = row.Balance()
	}
	if bal["331"] != 400_000 || bal["4213"] != 0 || bal["52"] != 800_000 || bal["3513"] != 800_000 || bal["92"] != -2_000_000 {
		t.Errorf("balances: %v", bal)
	}
	for _, c := range checks {
		if !c.OK() {
			t.Errorf("check %s: %d vs %d", c.EN, c.Budget, c.Financial)
		}
	}
	if len(checks) < 3 {
		t.Errorf("checks: %+v", checks)
	}

	// Closed period: no posting; reversal goes to an open month.
	err = f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		if err := f.s.ClosePeriod(ctx, tx, e.ID, 2026, 3, "t"); err != nil {
			return err
		}
		if err := f.s.ClosePeriod(ctx, tx, e.ID, 2026, 3, "t"); code(err) != "period_closed" {
			t.Errorf("closing twice: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ev.On = day(3, 20)
	if _, err := f.post(orfu, ev); code(err) != "period_closed" {
		t.Errorf("posting into a closed month: %v", err)
	}
	ev.On = day(4, 1)
	en, err := f.post(orfu, ev)
	if err != nil {
		t.Fatal(err)
	}
	rv := func(id uuid.UUID, on hu.Date, reason string) (finance.Entry, error) {
		var out finance.Entry
		err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			out, err = f.s.Reverse(ctx, tx, id, on, reason, "t")
			return err
		})
		return out, err
	}
	if _, err := rv(en.ID, day(4, 2), " "); code(err) != "no_reason" {
		t.Errorf("no reason: %v", err)
	}
	if _, err := rv(en.ID, day(3, 31), "hibás"); code(err) != "period_closed" {
		t.Errorf("reversal into a closed month: %v", err)
	}
	back, err := rv(en.ID, day(4, 2), "hibás összeg")
	if err != nil || back.Lines[0].Debit != en.Lines[0].Credit {
		t.Fatalf("reverse: %+v %v", back, err)
	}
	if _, err := rv(en.ID, day(4, 2), "megint"); code(err) != "already_reversed" {
		t.Errorf("twice: %v", err)
	}
	if _, err := rv(back.ID, day(4, 2), "vissza"); code(err) != "is_reversal" {
		t.Errorf("reversal of a reversal: %v", err)
	}
	if got := line(f.report(orfu, finance.Scope{Entity: e.ID, Year: 2026}), "K334", "064010"); got.OpenCommitment != 150_000 {
		t.Errorf("after the reversal: %+v", got)
	}
	// Aba cannot reverse Orfű's entry, nor post to its entity.
	err = f.in(aba, func(ctx context.Context, tx bun.Tx) error {
		if _, err := f.s.Reverse(ctx, tx, en.ID, day(4, 2), "x", "t"); code(err) != "no_entry" {
			t.Errorf("Aba reverses: %v", err)
		}
		if _, err := f.s.Post(ctx, tx, ev, "t"); code(err) != "no_entity" {
			t.Errorf("Aba posts: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func sheetXLSX(t *testing.T, rows [][]any) []byte {
	t.Helper()
	w, err := xlsx.New()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cols := make([]xlsx.Column, len(rows[0]))
	for i, h := range rows[0] {
		cols[i] = xlsx.Column{Header: h.(string), Kind: xlsx.Text}
		if i > 0 {
			cols[i].Kind = xlsx.Number
		}
	}
	sh, err := w.Sheet("Költségvetés", cols...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		if err := sh.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	var b strings.Builder
	if _, err := w.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return []byte(b.String())
}

func TestBudgetSheetImport(t *testing.T) {
	e := finance.Entity{Name: "Orfű", Functions: []string{"011130", "064010", "900020"}}
	good := sheetXLSX(t, [][]any{
		{"Rovat", "011130 Önkormányzatok és önkormányzati hivatalok jogalkotó és általános igazgatási tevékenysége", "064010 Közvilágítás", "900020 Funkcióra nem sorolható bevételek"},
		{"Törvény szerinti illetmények, munkabérek (K1101)", 12_000_000, nil, nil},
		{"Közüzemi díjak (K331)", 800_000, 2_400_000, nil},
		{"Vagyoni típusú adók (B34)", nil, nil, 15_000_000},
	})
	rows, err := finance.ReadSheetFile("k.xlsx", strings.NewReader(string(good)))
	if err != nil {
		t.Fatal(err)
	}
	lines, issues := finance.MapSheet(rows, e, "")
	if len(issues) != 0 || len(lines) != 4 {
		t.Fatalf("lines %+v issues %+v", lines, issues)
	}
	if lines[2].Rovat != "K331" || lines[2].Funkcio != "064010" || lines[2].Amount != 2_400_000 || lines[2].Task != "kotelezo" {
		t.Errorf("line: %+v", lines[2])
	}
	// CSV with a semicolon, a stripped leading zero in a heading, spaces in amounts.
	csv := "\ufeffRovat;11130 Önkormányzatok;064010 Közvilágítás\nIlletmények (K1101);1 000 000;\nÖsszesen;1 000 000;5\nKözüzemi díjak (K331);x;-5\nIsmeretlen (K1999);7;\n"
	rows, err = finance.ReadSheetFile("k.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	lines, issues = finance.MapSheet(rows, finance.Entity{Name: "Orfű", Functions: []string{"011130"}}, "")
	var cells []string
	for _, i := range issues {
		cells = append(cells, i.Cell)
	}
	// C1 funkció not permitted; B3, C3 no rovat in the label; B4 not a
	// number; C4 column refused; B5 unknown rovat; C3 also counts.
	if strings.Join(cells, " ") != "C1 B3 C3 B4 C4 B5" || lines != nil {
		t.Errorf("issues %v, lines %v", issues, lines)
	}
	if !strings.Contains(issues[0].HU, "064010") {
		t.Errorf("issue text: %s", issues[0].HU)
	}

	// On a database: nothing written unless every cell maps.
	f := newFixture(t)
	ent := f.entity(orfu, "Orfű Község Önkormányzata", "011130", "064010", "900020")
	rows, _ = finance.ReadSheetFile("k.xlsx", strings.NewReader(string(good)))
	lines, _ = finance.MapSheet(rows, ent, "")
	if err := f.budget(orfu, finance.BudgetChange{Entity: ent.ID, Year: 2026, Kind: finance.Original, Lines: lines}); err != nil {
		t.Fatal(err)
	}
	r := f.report(orfu, finance.Scope{Entity: ent.ID, Year: 2026})
	if r.BudgetExpenditure.Original != 15_200_000 || r.BudgetRevenue.Original != 15_000_000 {
		t.Errorf("imported: %+v %+v", r.BudgetExpenditure, r.BudgetRevenue)
	}
	if _, err := finance.ReadSheetFile("x.csv", strings.NewReader("a;b\xff\n")); code(err) != "bad_file" {
		t.Errorf("latin-2 csv: %v", err)
	}
}
