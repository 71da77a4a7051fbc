package finance_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

type cashFixture struct {
	*fixture
	e    finance.Entity
	desk finance.CashDesk
}

func newCashFixture(t testing.TB, limit hu.Forint) *cashFixture {
	f := newFixture(t)
	c := &cashFixture{fixture: f, e: f.entity(orfu, "Orfű Község Önkormányzata", "011130", "064010")}
	err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		c.desk, err = f.s.CreateCashDesk(ctx, tx, c.e.ID, finance.CashDeskInput{Name: "Házipénztár", Limit: limit, Cashier: "Pénztáros Piroska"}, "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *cashFixture) issue(in finance.CashVoucherInput) (finance.CashVoucher, error) {
	var v finance.CashVoucher
	err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v, err = c.s.IssueCashVoucher(ctx, tx, c.desk.ID, in, "penztaros")
		return err
	})
	return v, err
}

func (c *cashFixture) mustIssue(in finance.CashVoucherInput, number string) finance.CashVoucher {
	c.t.Helper()
	v, err := c.issue(in)
	if err != nil {
		c.t.Fatalf("%s: %v", number, err)
	}
	if v.Number != number {
		c.t.Fatalf("number %s, want %s", v.Number, number)
	}
	return v
}

func (c *cashFixture) reverse(id uuid.UUID, on hu.Date, reason string) (finance.CashVoucher, error) {
	var v finance.CashVoucher
	err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v, err = c.s.ReverseCashVoucher(ctx, tx, id, on, reason, "penztaros")
		return err
	})
	return v, err
}

// ledger321 is the balance of account 321 of the entity's trial balance.
func (c *cashFixture) ledger321() hu.Forint {
	c.t.Helper()
	var bal hu.Forint
	err := c.d.InTenantRead(c.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		tb, err := finance.TrialBalanceOf(ctx, tx, finance.Scope{Entity: c.e.ID, Year: 2026, Through: 12})
		for _, r := range tb.Rows {
			if r.Account.Code == "321" {
				bal = r.Balance()
			}
		}
		return err
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return bal
}

func (c *cashFixture) book(from, to hu.Date) finance.CashBook {
	c.t.Helper()
	var b finance.CashBook
	err := c.d.InTenantRead(c.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		b, err = finance.CashBookOf(ctx, tx, c.desk.ID, from, to)
		return err
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return b
}

// counts is the number of vouchers, entries and audit entries.
func (c *cashFixture) counts() [3]int {
	c.t.Helper()
	var n [3]int
	err := c.d.InTenantRead(c.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		for i, m := range []any{(*finance.CashVoucher)(nil), (*finance.Entry)(nil)} {
			k, err := db.Count(ctx, tx.NewSelect().Model(m))
			if err != nil {
				return err
			}
			n[i] = int(k)
		}
		es, err := audit.List(ctx, tx, orfu, audit.Filter{Limit: 1000})
		n[2] = len(es)
		return err
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return n
}

func TestCashDeskVouchersBookAndLedger(t *testing.T) {
	c := newCashFixture(t, 100_000)
	withdraw := finance.CashVoucherInput{Kind: finance.CashReceipt, Event: finance.EvCashWithdrawal, On: d26(3, 2), Partner: "Pénztáros Piroska", Purpose: "Készpénzfelvétel ellátmányra", Amount: 300_000}
	w := c.mustIssue(withdraw, "BP-2026-000001")
	stamps := finance.CashVoucherInput{Kind: finance.CashPayment, On: d26(3, 3), Partner: "Magyar Posta Zrt.", Purpose: "Bélyeg", Amount: 50_000, Rovat: "K334", Funkcio: "011130"}
	p := c.mustIssue(stamps, "KP-2026-000001")
	if p.Event != finance.EvCashPayment || p.Task != "kotelezo" {
		t.Errorf("payment voucher: %+v", p)
	}
	// The voucher's entry goes through the rule table, with the number as
	// its document and 321 as the cash account.
	err := c.d.InTenantRead(c.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		en, err := finance.EntryByID(ctx, tx, uuid.MustParse(p.EntryID))
		if err != nil {
			return err
		}
		if en.Document != "KP-2026-000001" || en.Event != finance.EvCashPayment || len(en.Lines) != 3 || en.Lines[0].Debit != "52" || en.Lines[1].Credit != "321" || en.Lines[2].Debit != "0514" {
			return fmt.Errorf("entry of the payment: %+v", en)
		}
		wen, err := finance.EntryByID(ctx, tx, uuid.MustParse(w.EntryID))
		if err != nil {
			return err
		}
		if len(wen.Lines) != 1 || wen.Lines[0].Debit != "321" || wen.Lines[0].Credit != "331" || wen.Lines[0].Ledger != finance.Financial || wen.Lines[0].Rovat != "" {
			return fmt.Errorf("entry of the withdrawal: %+v", wen.Lines)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A payment beyond the cash is refused, and nothing is written; so are
	// other bad vouchers.
	before := c.counts()
	big := stamps
	big.Amount = 250_005
	for _, tc := range []struct {
		name, want string
		in         finance.CashVoucherInput
	}{
		{"beyond the cash", "no_cash", big},
		{"no kind", "bad_kind", finance.CashVoucherInput{On: d26(3, 3), Amount: 5, Purpose: "x", Partner: "x"}},
		{"a payment event on a receipt", "bad_event", finance.CashVoucherInput{Kind: finance.CashReceipt, Event: finance.EvCashDeposit, On: d26(3, 3), Amount: 5, Purpose: "x", Partner: "x"}},
		{"a one forint amount", "not_rounded", func() finance.CashVoucherInput { i := stamps; i.Amount = 1_001; return i }()},
		{"zero", "bad_amount", func() finance.CashVoucherInput { i := stamps; i.Amount = 0; return i }()},
		{"no purpose", "no_purpose", func() finance.CashVoucherInput { i := stamps; i.Purpose = " "; return i }()},
		{"no partner", "no_partner", func() finance.CashVoucherInput { i := stamps; i.Partner = ""; return i }()},
		{"no rovat", "bad_rovat", func() finance.CashVoucherInput { i := stamps; i.Rovat = ""; return i }()},
		{"a funkció the entity may not use", "funkcio_not_permitted", func() finance.CashVoucherInput { i := stamps; i.Funkcio = "066020"; return i }()},
		{"a revenue rovat on a payment", "wrong_side", func() finance.CashVoucherInput { i := stamps; i.Rovat = "B34"; return i }()},
		{"a day before the last voucher", "out_of_order", func() finance.CashVoucherInput { i := stamps; i.On = d26(3, 1); return i }()},
		{"a day after today", "future_date", func() finance.CashVoucherInput { i := stamps; i.On = d26(3, 11); return i }()},
		{"no day", "bad_date", func() finance.CashVoucherInput { i := stamps; i.On = hu.Date{}; return i }()},
		{"a commitment that is not one", "bad_commitment", func() finance.CashVoucherInput { i := stamps; i.Commitment = uuid.NewString(); return i }()},
	} {
		if _, err := c.issue(tc.in); code(err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
	if after := c.counts(); after != before {
		t.Errorf("refused vouchers wrote something: %v → %v", before, after)
	}
	// The refused numbers were not used up.
	r := c.mustIssue(finance.CashVoucherInput{Kind: finance.CashReceipt, On: d26(3, 4), Partner: "Kiss János", Purpose: "Teremhasználati díj", Amount: 20_005, Rovat: "B402", Funkcio: "064010"}, "BP-2026-000002")

	// A mistake is reversed by a stornó voucher of the same series.
	// The voucher's ledger entry cannot be reversed on its own.
	err = c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.Reverse(ctx, tx, uuid.MustParse(p.EntryID), d26(3, 5), "kézi stornó", "t")
		return err
	})
	if code(err) != "cash_voucher_entry" {
		t.Errorf("ledger reversal of a voucher's entry: %v", err)
	}
	if _, err := c.reverse(p.ID, d26(3, 5), " "); code(err) != "no_reason" {
		t.Errorf("reversal without reason: %v", err)
	}
	sp, err := c.reverse(p.ID, d26(3, 5), "Téves összeg")
	if err != nil {
		t.Fatal(err)
	}
	if sp.Number != "KP-2026-000002" || sp.Reverses != p.ID.String() || sp.Effect() != 50_000 {
		t.Errorf("stornó: %+v", sp)
	}
	if _, err := c.reverse(p.ID, d26(3, 5), "again"); code(err) != "already_reversed" {
		t.Errorf("second reversal: %v", err)
	}
	if _, err := c.reverse(sp.ID, d26(3, 5), "again"); code(err) != "is_reversal" {
		t.Errorf("reversal of a reversal: %v", err)
	}
	// Reversing the withdrawal would take the cash below zero after the
	// payment below.
	c.mustIssue(finance.CashVoucherInput{Kind: finance.CashPayment, On: d26(3, 5), Partner: "Nagy Bt.", Purpose: "Javítás", Amount: 70_000, Rovat: "K334", Funkcio: "064010"}, "KP-2026-000003")
	if _, err := c.reverse(w.ID, d26(3, 5), "Téves felvétel"); code(err) != "no_cash" {
		t.Errorf("reversal beyond the cash: %v", err)
	}

	// The book: opening, each voucher in order with the running balance,
	// and it agrees with the ledger's 321.
	b := c.book(d26(3, 1), d26(3, 31))
	want := []hu.Forint{300_000, 250_000, 270_005, 320_005, 250_005}
	if b.Opening != 0 || len(b.Lines) != len(want) || b.Closing != 250_005 {
		t.Fatalf("book: opening %s, %d lines, closing %s", b.Opening, len(b.Lines), b.Closing)
	}
	for i, l := range b.Lines {
		if l.Balance != want[i] {
			t.Errorf("line %d (%s): balance %s, want %s", i, l.Voucher.Number, l.Balance, want[i])
		}
	}
	if got := c.ledger321(); got != b.Closing {
		t.Errorf("ledger 321 %s, book %s", got, b.Closing)
	}
	if len(b.Days) != 4 || b.Days[3].Excess != 150_005 || b.Days[0].Excess != 200_000 {
		t.Errorf("days: %+v", b.Days)
	}
	part := c.book(d26(3, 4), d26(3, 4))
	if part.Opening != 250_000 || len(part.Lines) != 1 || part.Closing != 270_005 || part.Lines[0].Voucher.ID != r.ID {
		t.Errorf("one day's book: %+v", part)
	}

	// Closing the day records the excess over the limit; the day then
	// takes no more vouchers.
	var cl finance.CashClosing
	err = c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		cl, err = c.s.CloseCashDay(ctx, tx, c.desk.ID, d26(3, 5), "penztaros")
		return err
	})
	if err != nil || cl.Balance != 250_005 || cl.Excess != 150_005 || cl.Limit != 100_000 {
		t.Fatalf("closing: %+v %v", cl, err)
	}
	late := stamps
	late.On = d26(3, 5)
	if _, err := c.issue(late); code(err) != "day_closed" {
		t.Errorf("voucher on a closed day: %v", err)
	}
	dep := c.mustIssue(finance.CashVoucherInput{Kind: finance.CashPayment, Event: finance.EvCashDeposit, On: d26(3, 6), Partner: "OTP Bank", Purpose: "Limit feletti pénz befizetése", Amount: 150_005}, "KP-2026-000004")
	if dep.Rovat != "" {
		t.Errorf("deposit with a rovat: %+v", dep)
	}
	if b := c.book(d26(3, 1), d26(3, 31)); b.Closing != 100_000 || c.ledger321() != 100_000 || b.Days[3].Closing == nil {
		t.Errorf("after the deposit: book %s, ledger %s, days %+v", b.Closing, c.ledger321(), b.Days)
	}
	// Every change was audited.
	err = c.d.InTenantRead(c.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		es, err := audit.List(ctx, tx, orfu, audit.Filter{Limit: 1000})
		seen := map[string]int{}
		for _, e := range es {
			seen[e.Action]++
		}
		if seen["finance.cash_voucher"] != 5 || seen["finance.cash_voucher_reverse"] != 1 || seen["finance.cash_day_close"] != 1 || seen["finance.cash_desk_create"] != 1 {
			return fmt.Errorf("audit: %v", seen)
		}
		return err
	})
	if err != nil {
		t.Error(err)
	}
	// Another tenant sees neither the desk nor its vouchers.
	err = c.d.InTenantRead(c.ctx, aba, func(ctx context.Context, tx bun.Tx) error {
		if _, err := finance.CashDeskByID(ctx, tx, c.desk.ID); code(err) != "no_cash_desk" {
			return fmt.Errorf("desk from another tenant: %v", err)
		}
		if _, err := finance.CashVoucherByID(ctx, tx, p.ID); code(err) != "no_cash_voucher" {
			return fmt.Errorf("voucher from another tenant: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// Clerks issue vouchers of one desk at once, some refused after their
// number was taken: each series is 1..N with no gap and no duplicate.
func TestCashVoucherNumbersAreGaplessUnderConcurrentIssue(t *testing.T) {
	c := newCashFixture(t, 0)
	const clerks, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, clerks)
	for i := range clerks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range each {
				in := finance.CashVoucherInput{Kind: finance.CashReceipt, On: d26(3, 10), Partner: fmt.Sprintf("Befizető %d/%d", i, j), Purpose: "Díj", Amount: 1_000, Rovat: "B402", Funkcio: "064010"}
				if _, err := c.issue(in); err != nil {
					errs <- err
					return
				}
				// Refused by the rule engine, after the number was taken.
				in.Funkcio = "066020"
				if _, err := c.issue(in); code(err) != "funkcio_not_permitted" {
					errs <- fmt.Errorf("refused voucher: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var vs []finance.CashVoucher
	err := c.d.InTenantRead(c.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&vs).Scan(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].Seq < vs[j].Seq })
	if len(vs) != clerks*each {
		t.Fatalf("%d vouchers, want %d", len(vs), clerks*each)
	}
	for i, v := range vs {
		if v.Seq != int64(i+1) || v.Number != fmt.Sprintf("BP-2026-%06d", i+1) {
			t.Fatalf("voucher %s at position %d: a gap or a duplicate", v.Number, i+1)
		}
	}
	if b := c.book(d26(1, 1), d26(12, 31)); b.Closing != clerks*each*1_000 || c.ledger321() != b.Closing {
		t.Errorf("book %s, ledger %s", b.Closing, c.ledger321())
	}
}

func TestCashCount(t *testing.T) {
	c := newCashFixture(t, 200_000)
	c.mustIssue(finance.CashVoucherInput{Kind: finance.CashReceipt, Event: finance.EvCashWithdrawal, On: d26(3, 9), Partner: "P", Purpose: "Felvét", Amount: 137_655}, "BP-2026-000001")
	count := func(in finance.CashCountInput) (finance.CashCount, error) {
		var cn finance.CashCount
		err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			cn, err = c.s.RecordCashCount(ctx, tx, c.desk.ID, in, "ellenor")
			return err
		})
		return cn, err
	}
	// 6×20000 + 1×10000 + 3×2000 + 1×1000 + 1×500 + 3×50 + 1×5 = 137 655,
	// less one 5 Ft coin: a shortage of 5.
	pieces := []finance.CashPieces{{Value: 20000, Pieces: 6}, {Value: 10000, Pieces: 1}, {Value: 2000, Pieces: 3}, {Value: 1000, Pieces: 1}, {Value: 500, Pieces: 1}, {Value: 50, Pieces: 3}, {Value: 5, Pieces: 0}}
	cn, err := count(finance.CashCountInput{On: d26(3, 10), Denominations: pieces, CountedBy: "Ellenőr Erzsébet", Witness: "Pénztáros Piroska"})
	if err != nil {
		t.Fatal(err)
	}
	if cn.Counted != 137_650 || cn.Book != 137_655 || cn.Difference != -5 || len(cn.Denominations) != 6 {
		t.Errorf("count: %+v", cn)
	}
	pieces[6].Pieces = 1
	if cn, err := count(finance.CashCountInput{On: d26(3, 10), Denominations: pieces, CountedBy: "Ellenőr Erzsébet"}); err != nil || cn.Difference != 0 {
		t.Errorf("even count: %+v %v", cn, err)
	}
	// The difference is not posted.
	if got := c.ledger321(); got != 137_655 {
		t.Errorf("ledger 321 after counts: %s", got)
	}
	for _, tc := range []struct {
		name, want string
		in         finance.CashCountInput
	}{
		{"a 1 forint coin", "withdrawn_coin", finance.CashCountInput{On: d26(3, 10), CountedBy: "E", Denominations: []finance.CashPieces{{Value: 1, Pieces: 2}}}},
		{"a 3 forint note", "bad_denomination", finance.CashCountInput{On: d26(3, 10), CountedBy: "E", Denominations: []finance.CashPieces{{Value: 3, Pieces: 2}}}},
		{"negative pieces", "bad_pieces", finance.CashCountInput{On: d26(3, 10), CountedBy: "E", Denominations: []finance.CashPieces{{Value: 5, Pieces: -1}}}},
		{"nobody counted", "no_counter", finance.CashCountInput{On: d26(3, 10)}},
		{"tomorrow", "bad_date", finance.CashCountInput{On: d26(3, 11), CountedBy: "E"}},
	} {
		if _, err := count(tc.in); code(err) != tc.want {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
	err = c.d.InTenantRead(c.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		cs, err := finance.CashCounts(ctx, tx, c.desk.ID, 10)
		if err == nil && (len(cs) != 2 || len(cs[1].Denominations) != 6 || cs[1].Denominations[0] != (finance.CashPieces{Value: 20000, Pieces: 6})) {
			err = fmt.Errorf("counts: %+v", cs)
		}
		return err
	})
	if err != nil {
		t.Error(err)
	}
}

func TestCashDeskSettings(t *testing.T) {
	c := newCashFixture(t, 100_000)
	upd := func(in finance.CashDeskInput) (finance.CashDesk, error) {
		var d finance.CashDesk
		err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			d, err = c.s.UpdateCashDesk(ctx, tx, c.desk.ID, in, "t")
			return err
		})
		return d, err
	}
	if d, err := upd(finance.CashDeskInput{Name: "Házipénztár", Limit: 250_000, Cashier: "Új Pénztáros", Controller: "Ellenőr Erzsébet"}); err != nil || d.Limit != 250_000 || d.Controller != "Ellenőr Erzsébet" {
		t.Errorf("update: %+v %v", d, err)
	}
	for _, tc := range []struct {
		want string
		in   finance.CashDeskInput
	}{
		{"bad_limit", finance.CashDeskInput{Name: "X", Limit: -1, Cashier: "P"}},
		{"bad_name", finance.CashDeskInput{Limit: 1, Cashier: "P"}},
		{"bad_cashier", finance.CashDeskInput{Name: "X", Limit: 1}},
	} {
		if _, err := upd(tc.in); code(err) != tc.want {
			t.Errorf("%+v: %v, want %s", tc.in, err, tc.want)
		}
	}
	err := c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.CreateCashDesk(ctx, tx, c.e.ID, finance.CashDeskInput{Name: "Házipénztár", Limit: 1, Cashier: "P"}, "t")
		return err
	})
	if code(err) != "desk_exists" {
		t.Errorf("second desk of the same name: %v", err)
	}
	var p *finance.Problem
	err = c.in(aba, func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.CreateCashDesk(ctx, tx, c.e.ID, finance.CashDeskInput{Name: "Y", Limit: 1, Cashier: "P"}, "t")
		return err
	})
	if !errors.As(err, &p) || p.Code != "no_entity" {
		t.Errorf("desk for another tenant's entity: %v", err)
	}
}

// Issuing vouchers one by one, as at the desk: each takes the desk's row,
// checks the cash, takes a number and posts through the rule table; then
// a year's cash book over what was issued.
func BenchmarkCashVoucherIssue(b *testing.B) {
	c := newCashFixture(b, 100_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := finance.CashVoucherInput{Kind: finance.CashReceipt, On: d26(3, 10), Partner: "Befizető", Purpose: "Díj", Amount: 1_000, Rovat: "B402", Funkcio: "064010"}
		if i%2 == 1 {
			in = finance.CashVoucherInput{Kind: finance.CashPayment, On: d26(3, 10), Partner: "Átvevő", Purpose: "Bélyeg", Amount: 500, Rovat: "K334", Funkcio: "011130"}
		}
		if _, err := c.issue(in); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	start := time.Now()
	bk := c.book(d26(1, 1), d26(12, 31))
	b.ReportMetric(float64(time.Since(start).Milliseconds()), "book-ms")
	if len(bk.Lines) != b.N {
		b.Fatalf("%d lines in the book, want %d", len(bk.Lines), b.N)
	}
}

// A payment voucher may name a commitment that has been made: it takes
// the commitment's rovat and funkció, and its entry releases the
// commitment on the budget side like a bank payment does. A draft (not
// yet on the books) is refused, and so is a commitment on a receipt.
func TestCashPaymentAgainstACommitment(t *testing.T) {
	c := newChain(t)
	drafted := c.draft(30_000, "Villany Kft.")
	made := c.draft(40_000, "Villany Kft.")
	c.do(func(ctx context.Context, tx bun.Tx) error {
		if _, err := c.s.Countersign(ctx, tx, made.ID, countersign); err != nil {
			return err
		}
		_, err := c.s.Commit(ctx, tx, made.ID, committer)
		return err
	})
	cf := &cashFixture{fixture: c.fixture, e: c.e}
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		cf.desk, err = c.s.CreateCashDesk(ctx, tx, c.e.ID, finance.CashDeskInput{Name: "Házipénztár", Limit: 50_000, Cashier: "Pénztáros Piroska"}, "t")
		return err
	})
	cf.mustIssue(finance.CashVoucherInput{Kind: finance.CashReceipt, Event: finance.EvCashWithdrawal, On: d26(3, 3), Partner: "P", Purpose: "Felvét", Amount: 100_000}, "BP-2026-000001")
	pay := finance.CashVoucherInput{Kind: finance.CashPayment, On: d26(3, 4), Partner: "Villany Kft.", Purpose: "Karbantartás", Amount: 40_000, Rovat: "K1101", Funkcio: "011130", Commitment: drafted.ID.String()}
	if _, err := cf.issue(pay); code(err) != "commitment_not_committed" {
		t.Errorf("payment against a drafted commitment: %v", err)
	}
	pay.Commitment = made.ID.String()
	v := cf.mustIssue(pay, "KP-2026-000001")
	if v.Rovat != "K334" || v.Funkcio != "064010" || v.Commitment != made.ID.String() {
		t.Errorf("the voucher does not take the commitment's lines: %+v", v)
	}
	err := c.d.InTenantRead(c.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		en, err := finance.EntryByID(ctx, tx, uuid.MustParse(v.EntryID))
		if err != nil {
			return err
		}
		last := en.Lines[len(en.Lines)-1]
		if last.Debit != "001" || last.Credit != "0513" || last.Commitment != made.ID.String() || last.Amount != 40_000 {
			return fmt.Errorf("the commitment is not released: %+v", en.Lines)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	r := c.report(orfu, finance.Scope{Entity: c.e.ID, Year: 2026})
	if k := line(r, "K334", "064010"); k.Performance != 40_000 || k.Committed != 40_000 || k.OpenCommitment != 0 {
		t.Errorf("K334 after the cash payment: %+v", k)
	}
	// A receipt voucher cannot name a commitment.
	if _, err := cf.issue(finance.CashVoucherInput{Kind: finance.CashReceipt, On: d26(3, 4), Partner: "X", Purpose: "Y", Amount: 5, Rovat: "B402", Funkcio: "064010", Commitment: made.ID.String()}); code(err) != "bad_commitment" {
		t.Errorf("receipt with a commitment: %v", err)
	}
}

// The desk's routes that take an identifier are in the module's list the
// cross-tenant harness walks.
func TestCashRoutesAreInTheSeparationList(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range finance.Module().SeparationRoutes {
		seen[r.Pattern] = true
	}
	for _, p := range []string{"GET /finance/cash-desks/{desk}", "POST /finance/cash-desks/{desk}/vouchers", "POST /finance/cash-vouchers/{voucher}/reverse",
		"GET /finance/cash-vouchers/{voucher}/pdf", "GET /api/v1/finance/cash-desks/{desk}/book", "POST /api/v1/finance/entities/{entity}/cash-desks"} {
		if !seen[p] {
			t.Errorf("%s is not in finance.SeparationRoutes", p)
		}
	}
}
