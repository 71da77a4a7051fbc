package finance_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
)

// outgoingInput is an invoice of net forints at 27 % for street
// lighting services on B402 / 064010.
func outgoingInput(net hu.Forint, day hu.Date) finance.OutgoingInput {
	return finance.OutgoingInput{PartnerName: "Fénylő Kft.", PartnerTaxNumber: "12345676-2-02", PartnerAccount: "10400009-50504000-00000004",
		IssueDate: day, PerformanceDate: day, DueDate: day.AddDays(8), Description: "Oszlopbérlet, március", Rovat: "B402", Funkcio: "064010",
		Net: net, VATRate: 27}
}

// sellerTaxNumber records the chain's entity's adószám, which its
// invoices need.
func (c *chain) sellerTaxNumber() {
	c.t.Helper()
	c.do(func(ctx context.Context, tx bun.Tx) error {
		e, err := c.s.SetEntityTaxNumber(ctx, tx, c.e.ID, "15730150-2-02", "jegyzo")
		c.e.TaxNumber = e.TaxNumber
		return err
	})
}

// issue issues an invoice of the chain's entity, recording the entity's
// tax number first if it has none.
func (c *chain) issue(in finance.OutgoingInput) (finance.OutgoingInvoice, error) {
	if c.e.TaxNumber == "" {
		c.sellerTaxNumber()
	}
	var o finance.OutgoingInvoice
	err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		o, err = c.s.IssueOutgoing(ctx, tx, c.e.ID, in, "penzugy")
		return err
	})
	return o, err
}

// An invoice names its seller's adószám (Áfa tv. 169. §): without one the
// entity issues none and takes no number; a wrong one is refused; once
// recorded, it is on the invoice and its PDF.
func TestOutgoingNeedsTheSellerTaxNumber(t *testing.T) {
	c := newChain(t)
	err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.IssueOutgoing(ctx, tx, c.e.ID, outgoingInput(1000, d26(3, 5)), "penzugy")
		return err
	})
	if code(err) != "no_seller_tax_number" {
		t.Fatalf("without a tax number: %v", err)
	}
	err = c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.SetEntityTaxNumber(ctx, tx, c.e.ID, "15730151-2-02", "jegyzo")
		return err
	})
	if code(err) != "bad_tax_number" {
		t.Errorf("a wrong check digit: %v", err)
	}
	o, err := c.issue(outgoingInput(1000, d26(3, 5)))
	if err != nil || o.Number != "KSZ-2026-000001" {
		t.Fatalf("issue: %+v %v", o, err)
	}
	var pdfBytes []byte
	err = c.d.InTenantRead(c.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		e, err := finance.EntityByID(ctx, tx, c.e.ID)
		if err != nil {
			return err
		}
		pdfBytes, err = finance.OutgoingPDF(o, e, nil, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, pdfBytes, false); !strings.Contains(text, "15730150-2-02") {
		t.Errorf("the seller's tax number is not on the invoice:\n%s", text)
	}
}

func (c *chain) outgoing(id string) finance.OutgoingInvoice {
	c.t.Helper()
	var o finance.OutgoingInvoice
	err := c.d.InTenantRead(c.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		o, err = finance.OutgoingByID(ctx, tx, mustUUID(id))
		return err
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return o
}

func TestOutgoingInvoicesAreNumberedWithoutGapsAndPosted(t *testing.T) {
	c := newChain(t)
	var numbers []string
	// ÁFA is rounded half up to whole forints: 1 001 × 27 % = 270,27 → 270;
	// 1 002 × 27 % = 270,54 → 271; 2 × 27 % = 0,54 → 1.
	for _, tc := range []struct{ net, vat hu.Forint }{{1001, 270}, {1002, 271}, {2, 1}} {
		o, err := c.issue(outgoingInput(tc.net, d26(3, 5)))
		if err != nil {
			t.Fatal(err)
		}
		if o.VAT != tc.vat || o.Gross != tc.net+tc.vat {
			t.Errorf("net %d: ÁFA %d, gross %d; want ÁFA %d", tc.net, o.VAT, o.Gross, tc.vat)
		}
		numbers = append(numbers, o.Number)
	}
	// A refused invoice and a rolled-back transaction take no number.
	for name, tc := range map[string]struct {
		mod  func(*finance.OutgoingInput)
		code string
	}{
		"expenditure rovat":  {func(in *finance.OutgoingInput) { in.Rovat = "K334" }, "wrong_side"},
		"ÁFA rovat":          {func(in *finance.OutgoingInput) { in.Rovat = "B406" }, "wrong_side"},
		"funkció of another": {func(in *finance.OutgoingInput) { in.Funkcio = "066020" }, "funkcio_not_permitted"},
		"bad rate":           {func(in *finance.OutgoingInput) { in.VATRate = 20 }, "bad_vat_rate"},
		"due before issue":   {func(in *finance.OutgoingInput) { in.DueDate = d26(3, 1) }, "bad_date"},
		"bad tax number":     {func(in *finance.OutgoingInput) { in.PartnerTaxNumber = "12345678-1-23" }, "bad_tax_number"},
		"no partner":         {func(in *finance.OutgoingInput) { in.PartnerName = " " }, "no_partner"},
		"no amount":          {func(in *finance.OutgoingInput) { in.Net = 0 }, "bad_amount"},
	} {
		in := outgoingInput(1000, d26(3, 6))
		tc.mod(&in)
		c.refused(name, tc.code, func(ctx context.Context, tx bun.Tx) error {
			_, err := c.s.IssueOutgoing(ctx, tx, c.e.ID, in, "t")
			return err
		})
	}
	rollback := errors.New("rolled back")
	if err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := c.s.IssueOutgoing(ctx, tx, c.e.ID, outgoingInput(5000, d26(3, 6)), "t"); err != nil {
			return err
		}
		return rollback
	}); !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	o, err := c.issue(outgoingInput(10_000, d26(3, 7)))
	if err != nil {
		t.Fatal(err)
	}
	numbers = append(numbers, o.Number)
	next, err := c.issue(outgoingInput(10_000, hu.Date{Year: 2027, Month: 1, Day: 4}))
	if err != nil {
		t.Fatal(err)
	}
	numbers = append(numbers, next.Number)
	want := []string{"KSZ-2026-000001", "KSZ-2026-000002", "KSZ-2026-000003", "KSZ-2026-000004", "KSZ-2027-000001"}
	for i := range want {
		if numbers[i] != want[i] {
			t.Errorf("numbers %v, want %v", numbers, want)
			break
		}
	}
	// The receivables: the net on B402, the ÁFA on B406 (against 364).
	r := c.report(orfu, finance.Scope{Entity: c.e.ID, Year: 2026})
	if got := line(r, "B402", "064010"); got.Receivable != 1001+1002+2+10_000 || got.OpenReceivable != got.Receivable {
		t.Errorf("B402: %+v", got)
	}
	if got := line(r, "B406", "064010"); got.Receivable != 270+271+1+2700 {
		t.Errorf("B406: %+v", got)
	}
	var en finance.Entry
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		en, err = finance.EntryByID(ctx, tx, mustUUID(o.VATEntryID))
		return err
	})
	c.do(func(ctx context.Context, tx bun.Tx) error {
		net, err := finance.EntryByID(ctx, tx, mustUUID(o.EntryID))
		if net.Event != finance.EvRevenueAssessed || net.Lines[0].Debit != "3514" || net.Lines[0].Credit != "91" || net.Lines[0].Amount != 10_000 {
			t.Errorf("receivable entry: %+v", net)
		}
		return err
	})
	if en.Event != finance.EvOutputVAT || en.Lines[0].Debit != "3514" || en.Lines[0].Credit != "364" || en.Lines[0].Amount != 2700 || en.Document != o.Number {
		t.Errorf("ÁFA entry: %+v", en)
	}
}

func TestOutgoingStornoReversesAndTakesTheNextNumber(t *testing.T) {
	c := newChain(t)
	o, err := c.issue(outgoingInput(100_000, d26(3, 5)))
	if err != nil {
		t.Fatal(err)
	}
	storno := func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.StornoOutgoing(ctx, tx, o.ID, d26(3, 9), "téves vevő", "penzugy")
		return err
	}
	c.refused("no reason", "no_reason", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.StornoOutgoing(ctx, tx, o.ID, d26(3, 9), " ", "penzugy")
		return err
	})
	c.refused("next year", "bad_date", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.StornoOutgoing(ctx, tx, o.ID, hu.Date{Year: 2027, Month: 1, Day: 2}, "x", "penzugy")
		return err
	})
	c.do(storno)
	st := c.outgoing(c.outgoing(o.ID.String()).CancelledBy)
	if st.Kind != finance.OutgoingStornoKind || st.Number != "KSZ-2026-000002" || st.Cancels != o.ID.String() || st.Gross != o.Gross {
		t.Errorf("stornó: %+v", st)
	}
	if got := c.outgoing(o.ID.String()); got.Open() != 0 {
		t.Errorf("a cancelled invoice is open: %d", got.Open())
	}
	r := c.report(orfu, finance.Scope{Entity: c.e.ID, Year: 2026})
	if b402, b406 := line(r, "B402", "064010"), line(r, "B406", "064010"); b402.OpenReceivable != 0 || b406.OpenReceivable != 0 {
		t.Errorf("after the stornó: B402 %+v, B406 %+v", b402, b406)
	}
	for _, inv := range []finance.OutgoingInvoice{c.outgoing(o.ID.String()), st} {
		b, err := finance.OutgoingPDF(inv, c.e, nil, o.Number)
		if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
			t.Errorf("PDF of %s: %v", inv.Number, err)
		}
	}
	c.refused("twice", "already_cancelled", storno)
	c.refused("a stornó", "is_storno", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.StornoOutgoing(ctx, tx, st.ID, d26(3, 9), "x", "penzugy")
		return err
	})
	// Nothing deleted: both invoices are listed, the series has no gap.
	c.do(func(ctx context.Context, tx bun.Tx) error {
		os, err := finance.OutgoingInvoices(ctx, tx, c.e.ID, 2026)
		if len(os) != 2 || os[0].Seq != 1 || os[1].Seq != 2 {
			t.Errorf("invoices: %+v", os)
		}
		es, _ := audit.List(ctx, tx, orfu, audit.Filter{Limit: 500})
		found := false
		for _, e := range es {
			found = found || e.Action == "finance.outgoing_storno"
		}
		if !found {
			t.Error("no audit entry of the stornó")
		}
		return err
	})
}

func TestOutgoingStornoRefusedOnceMoneyCame(t *testing.T) {
	c := newChain(t)
	c.bankAccount()
	o, err := c.issue(outgoingInput(100_000, d26(3, 5)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.importCSV(bankCSV("2026/10", 0, 50_000, "T;2026-03-12;;50000;J;R-1;;Fénylő Kft.;;"+o.Number+" részlet")); err != nil {
		t.Fatal(err)
	}
	got := c.outgoing(o.ID.String())
	// A part payment: the ÁFA in proportion (50 000 × 27 000 / 127 000).
	if got.Collected != 50_000 || got.CollectedVAT != 10_629 {
		t.Errorf("collected %d, of it ÁFA %d", got.Collected, got.CollectedVAT)
	}
	c.refused("collected", "collected", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.StornoOutgoing(ctx, tx, o.ID, d26(3, 20), "x", "penzugy")
		return err
	})
}

func countRows(t testing.TB, d *db.DB, tenant db.TenantID, models ...any) []int {
	t.Helper()
	out := make([]int, len(models))
	err := d.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		for i, m := range models {
			n, err := db.Count(ctx, tx.NewSelect().Model(m))
			if err != nil {
				return err
			}
			out[i] = int(n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A closed month refuses the invoice before a number is taken, even if
// the caller commits its transaction regardless.
func TestOutgoingInAClosedMonthTakesNoNumber(t *testing.T) {
	c := newChain(t)
	c.sellerTaxNumber()
	c.do(func(ctx context.Context, tx bun.Tx) error { return c.s.ClosePeriod(ctx, tx, c.e.ID, 2026, 2, "t") })
	c.refused("closed month", "period_closed", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.IssueOutgoing(ctx, tx, c.e.ID, outgoingInput(1000, d26(2, 20)), "t")
		return err
	})
	o, err := c.issue(outgoingInput(1000, d26(3, 2)))
	if err != nil || o.Number != "KSZ-2026-000001" {
		t.Errorf("after the refusal: %s %v", o.Number, err)
	}
}
