package tax_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax"
)

// collectionFixture is a database with one taxpayer of Orfű.
type collectionFixture struct {
	t  *testing.T
	d  *db.DB
	s  *tax.Service
	tp tax.Taxpayer
}

func newCollectionFixture(t *testing.T) *collectionFixture {
	t.Helper()
	f := &collectionFixture{t: t, d: openTax(t), s: &tax.Service{Now: func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) }}}
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		f.tp, err = f.s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "8123456786", Name: "Kovács Ödön"}, "t")
		return err
	})
	return f
}

func (f *collectionFixture) in(tenant db.TenantID, fn func(ctx context.Context, tx bun.Tx) error) {
	f.t.Helper()
	if err := f.d.InTenant(context.Background(), tenant, fn); err != nil {
		f.t.Fatal(err)
	}
}

func (f *collectionFixture) post(taxType, side string, amount hu.Forint, on hu.Date) tax.Posting {
	f.t.Helper()
	var p tax.Posting
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		p, err = f.s.Post(ctx, tx, tax.PostingInput{TaxpayerID: f.tp.ID, TaxType: taxType, Side: side, Amount: amount, On: on, TaxYear: on.Year}, "t")
		return err
	})
	return p
}

func (f *collectionFixture) accounts() map[string]tax.Account {
	f.t.Helper()
	out := map[string]tax.Account{}
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		as, err := f.s.Accounts(ctx, tx, f.tp.ID, hu.Date{Year: 2026, Month: 6, Day: 1})
		for _, a := range as {
			out[a.TaxType] = a
		}
		return err
	})
	return out
}

// try runs fn in a transaction and rolls it back on a refusal, as the
// handlers do; it returns the refusal's code.
func (f *collectionFixture) try(fn func(ctx context.Context, tx bun.Tx) error) string {
	f.t.Helper()
	err := f.d.InTenant(context.Background(), orfu, fn)
	if err != nil && code(err) == "" {
		f.t.Fatal(err)
	}
	return code(err)
}

func TestCollectionSettings(t *testing.T) {
	f := newCollectionFixture(t)
	ctx := context.Background()
	get := func(tenant db.TenantID, taxType string, year int) tax.CollectionSettings {
		var s tax.CollectionSettings
		if err := f.d.InTenantRead(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			s, err = tax.SettingsFor(ctx, tx, taxType, year)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := get(orfu, "epitmenyado", 2026); s.MinRefund != 1000 || s.Strategy != tax.StrategyStatutory {
		t.Errorf("defaults: %+v", s)
	}
	all := tax.DefaultSettings()
	all.FromYear, all.MinRefund, all.Strategy = 2025, 2000, tax.StrategyCostsFirst
	one := tax.DefaultSettings()
	one.TaxType, one.FromYear, one.MinRefund = "epitmenyado", 2026, 3000
	for name, tc := range map[string]struct {
		change func(*tax.CollectionSettings)
		code   string
	}{
		"tax type": {func(s *tax.CollectionSettings) { s.TaxType = "kutyaado" }, "bad_tax_type"},
		"strategy": {func(s *tax.CollectionSettings) { s.Strategy = "random" }, "bad_strategy"},
		"minimum":  {func(s *tax.CollectionSettings) { s.MinNotice = -1 }, "bad_minimum"},
		"interval": {func(s *tax.CollectionSettings) { s.ReminderIntervalDays = 0 }, "bad_interval"},
		"year":     {func(s *tax.CollectionSettings) { s.FromYear = 2099 }, "bad_year"},
	} {
		in := one
		tc.change(&in)
		if c := f.try(func(ctx context.Context, tx bun.Tx) error { _, err := f.s.SaveSettings(ctx, tx, in, "t"); return err }); c != tc.code {
			t.Errorf("%s: %q", name, c)
		}
	}
	for _, in := range []tax.CollectionSettings{all, one} {
		f.in(orfu, func(ctx context.Context, tx bun.Tx) error { _, err := f.s.SaveSettings(ctx, tx, in, "t"); return err })
	}
	if s := get(orfu, "epitmenyado", 2026); s.MinRefund != 3000 || s.Strategy != tax.StrategyStatutory {
		t.Errorf("own row: %+v", s)
	}
	if s := get(orfu, "epitmenyado", 2025); s.MinRefund != 2000 || s.Strategy != tax.StrategyCostsFirst {
		t.Errorf("before the own row: the row for every tax type: %+v", s)
	}
	if s := get(orfu, "kommunalis_ado", 2024); s.MinRefund != 1000 {
		t.Errorf("before any row: defaults: %+v", s)
	}
	if s := get(aba, "epitmenyado", 2026); s.MinRefund != 1000 {
		t.Errorf("another tenant sees Orfű's settings: %+v", s)
	}
	// Saving again replaces, and the audit log keeps both.
	one.MinRefund = 4000
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error { _, err := f.s.SaveSettings(ctx, tx, one, "t"); return err })
	if s := get(orfu, "epitmenyado", 2026); s.MinRefund != 4000 {
		t.Errorf("update: %+v", s)
	}
}

func TestTransferAndRefund(t *testing.T) {
	f := newCollectionFixture(t)
	march := hu.Date{Year: 2026, Month: 3, Day: 16}
	f.post("epitmenyado", tax.Debit, 100_000, march)
	f.post("epitmenyado", tax.Credit, 150_000, march) // 50 000 overpaid
	f.post("kommunalis_ado", tax.Debit, 20_000, march)
	f.post("birsag", tax.Debit, 10_000, march)

	// Refund refused while there are arrears, below the minimum, above the
	// overpayment, to a bad account.
	refund := func(amount hu.Forint, acct string) string {
		return f.try(func(ctx context.Context, tx bun.Tx) error {
			_, err := f.s.Refund(ctx, tx, tax.RefundInput{TaxpayerID: f.tp.ID, TaxType: "epitmenyado", Amount: amount, BankAccount: acct}, "t")
			return err
		})
	}
	const acct = "11773016-11111018"
	if c := refund(40_000, acct); c != "has_arrears" {
		t.Errorf("with arrears: %q", c)
	}
	transfer := func(in tax.TransferInput) (tax.Transfer, string) {
		var tr tax.Transfer
		c := f.try(func(ctx context.Context, tx bun.Tx) error {
			var err error
			tr, err = f.s.Transfer(ctx, tx, in, "t")
			return err
		})
		return tr, c
	}
	if _, c := transfer(tax.TransferInput{TaxpayerID: f.tp.ID, From: "epitmenyado", To: "birsag", Amount: 50_001, Reason: "kérelem"}); c != "more_than_overpayment" {
		t.Errorf("more than the overpayment: %q", c)
	}
	if _, c := transfer(tax.TransferInput{TaxpayerID: f.tp.ID, From: "epitmenyado", To: "epitmenyado", Amount: 1, Reason: "x"}); c != "bad_target" {
		t.Errorf("to itself: %q", c)
	}
	if _, c := transfer(tax.TransferInput{TaxpayerID: f.tp.ID, From: "epitmenyado", To: "birsag", Amount: 1}); c != "no_reason" {
		t.Errorf("no reason: %q", c)
	}
	if a := f.accounts(); a["epitmenyado"].Overpayment != 50_000 {
		t.Fatalf("a refusal wrote something: %+v", a["epitmenyado"])
	}
	// Ex officio, to cover the arrears: both tax types, same due day, pro rata.
	tr, c := transfer(tax.TransferInput{TaxpayerID: f.tp.ID, From: "epitmenyado", ExOfficio: true, Reason: "hivatalból"})
	if c != "" || tr.Debit.Amount != 30_000 || len(tr.Credits) != 2 || tr.Debit.Kind != "transfer_out" {
		t.Fatalf("transfer: %+v %q", tr, c)
	}
	for _, cr := range tr.Credits {
		if cr.Reference != tr.Debit.Reference || cr.Reference != tax.TransferReference(tr.ID) || cr.Kind != "transfer_in" {
			t.Errorf("the sides do not reference each other: %+v / %+v", cr, tr.Debit)
		}
	}
	a := f.accounts()
	if a["epitmenyado"].Overpayment != 20_000 || a["kommunalis_ado"].Arrears != 0 || a["birsag"].Arrears != 0 || a["epitmenyado"].Arrears != 0 {
		t.Errorf("after the transfer: %+v", a)
	}
	if c := refund(999, acct); c != "below_minimum" {
		t.Errorf("below the minimum: %q", c)
	}
	if c := refund(20_001, acct); c != "more_than_overpayment" {
		t.Errorf("more than the overpayment: %q", c)
	}
	if c := refund(5_000, "11773016-11111019"); c != "bad_bank_account" {
		t.Errorf("bad account: %q", c)
	}
	var rf tax.Refund
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		rf, err = f.s.Refund(ctx, tx, tax.RefundInput{TaxpayerID: f.tp.ID, TaxType: "epitmenyado", Amount: 20_000, BankAccount: acct}, "t")
		return err
	})
	if rf.Holder != "Kovács Ödön" || rf.BankAccount != "1177301611111018" {
		t.Errorf("refund: %+v", rf)
	}
	if a := f.accounts()["epitmenyado"]; a.Overpayment != 0 || a.Balance() != 0 || a.Arrears != 0 {
		t.Errorf("after the refund: %+v", a)
	}
	var lines []tax.RefundLine
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		lines, err = tax.RefundList(ctx, tx, hu.Date{Year: 2026, Month: 6, Day: 1}, hu.Date{Year: 2026, Month: 6, Day: 1})
		return err
	})
	if len(lines) != 1 || lines[0].TaxID != "8123456786" || lines[0].Amount != 20_000 {
		t.Errorf("refund list: %+v", lines)
	}
	f.in(aba, func(ctx context.Context, tx bun.Tx) error {
		var err error
		lines, err = tax.RefundList(ctx, tx, hu.Date{Year: 2026, Month: 1, Day: 1}, hu.Date{Year: 2026, Month: 12, Day: 31})
		if len(lines) != 0 {
			t.Errorf("another tenant sees the refunds: %+v", lines)
		}
		return err
	})
}
