package finance_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/bankstatement"
)

func mustUUID(s string) uuid.UUID { return uuid.MustParse(s) }

// bankOwnAccount is Orfű's payment account in the tests.
const bankOwnAccount = "11773016-00204000-00000008"

func (c *chain) bankAccount() {
	c.t.Helper()
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.AddBankAccount(ctx, tx, c.e.ID, bankOwnAccount, "Költségvetési elszámolási számla", "penzugy")
		return err
	})
}

// bankCSV is a statement in the documented CSV layout of the account;
// the closing balance is computed from the rows.
func bankCSV(id string, opening hu.Forint, _ hu.Forint, rows ...string) string {
	closing := opening
	for _, r := range rows {
		f := strings.Split(r, ";")
		var n int64
		fmt.Sscan(f[3], &n)
		if f[4] == "T" {
			n = -n
		}
		closing += hu.Forint(n)
	}
	return fmt.Sprintf("K;%s;%s;;2026-03-01;2026-03-31;%d;%d;HUF\n%s\n", bankOwnAccount, id, opening, closing, strings.Join(rows, "\n"))
}

func (c *chain) importCSV(file string) (finance.BankImportResult, error) {
	c.t.Helper()
	sts, err := bankstatement.ParseCSV(strings.NewReader(file))
	if err != nil {
		c.t.Fatal(err)
	}
	var res finance.BankImportResult
	err = c.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = c.s.ImportBankStatements(ctx, tx, c.e.ID, sts, "penzugy")
		return err
	})
	return res, err
}

// bankOrdered takes a commitment to a payment order of amount for the
// supplier invoice document.
func (c *chain) bankOrdered(amount hu.Forint, partner, document string) (finance.Commitment, finance.Performance) {
	c.t.Helper()
	cm := c.draft(amount, partner)
	var p finance.Performance
	c.do(func(ctx context.Context, tx bun.Tx) error {
		if _, err := c.s.Countersign(ctx, tx, cm.ID, countersign); err != nil {
			return err
		}
		if _, err := c.s.Commit(ctx, tx, cm.ID, committer); err != nil {
			return err
		}
		var err error
		if p, err = c.s.Certify(ctx, tx, cm.ID, finance.PerformanceInput{On: d26(3, 5), Amount: amount, Document: document}, certifier); err != nil {
			return err
		}
		if _, err = c.s.Validate(ctx, tx, cm.ID, p.ID, validator); err != nil {
			return err
		}
		p, err = c.s.Order(ctx, tx, cm.ID, p.ID, orderer)
		return err
	})
	return cm, p
}

func (c *chain) bankEntries(status string) []finance.BankEntry {
	c.t.Helper()
	var bes []finance.BankEntry
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		bes, err = finance.BankEntries(ctx, tx, c.e.ID, status, 100)
		return err
	})
	return bes
}

func bankWritten(c *chain) []int {
	c.t.Helper()
	n := countRows(c.t, c.d, orfu, (*finance.BankStatement)(nil), (*finance.BankEntry)(nil), (*finance.Entry)(nil), (*finance.Step)(nil))
	var a []audit.Entry
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		a, err = audit.List(ctx, tx, orfu, audit.Filter{Limit: 1000})
		return err
	})
	return append(n, len(a))
}

func TestBankStatementIsMatchedPostedAndImportedOnce(t *testing.T) {
	c := newChain(t)
	c.bankAccount()
	inv1, err := c.issue(outgoingInput(100_000, d26(3, 5))) // 127 000 gross
	if err != nil {
		t.Fatal(err)
	}
	inv2, err := c.issue(outgoingInput(40_000, d26(3, 5))) // 50 800 gross, from the partner's account
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.issue(outgoingInput(1000, d26(3, 5))); err != nil { // 1 270 gross, overpaid below
		t.Fatal(err)
	}
	cm, perf := c.bankOrdered(100_000, "Villanyszerelő Bt.", "VSZ-2026/77")
	_, perf2 := c.bankOrdered(20_000, "Kertész Kft.", "K-55")
	file := bankCSV("2026/11", 1_000_000, 0,
		"T;2026-03-12;;127000;J;R-1;;Fénylő Kft.;;oszlopbérlet ksz 2026/1",
		"T;2026-03-12;;50800;J;R-2;;Fénylő Kft.;10400009-50504000-00000004;március",
		"T;2026-03-13;;100000;T;R-3;;Villanyszerelő Bt.;;VSZ-2026/77 számla",
		"T;2026-03-13;;20000;T;R-4;;Kertész  kft.;;",
		"T;2026-03-14;;999;J;R-5;;Ismeretlen;;adomány",
		"T;2026-03-14;;5000;T;R-6;;OTP Bank;;bankköltség",
		"T;2026-03-14;;200000;J;R-7;;Fénylő Kft.;;KSZ-2026-000003 túlfizetés")
	res, err := c.importCSV(file)
	if err != nil {
		t.Fatal(err)
	}
	if res.Statements != 1 || res.Entries != 7 || res.Matched != 4 || res.Unmatched != 3 || res.MatchedAmount != 127_000+50_800+100_000+20_000 {
		t.Errorf("import: %+v", res)
	}
	if o := c.outgoing(inv1.ID.String()); o.Collected != 127_000 || o.CollectedVAT != 27_000 || o.Open() != 0 {
		t.Errorf("invoice 1 (by number): %+v", o)
	}
	if o := c.outgoing(inv2.ID.String()); o.Collected != 50_800 {
		t.Errorf("invoice 2 (by amount and account): %+v", o)
	}
	var paid finance.Commitment
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		paid, err = finance.CommitmentByID(ctx, tx, cm.ID)
		return err
	})
	if paid.Performances[0].ID != perf.ID || paid.Performances[0].State != finance.Paid {
		t.Errorf("payment order by reference: %+v", paid.Performances)
	}
	r := c.report(orfu, finance.Scope{Entity: c.e.ID, Year: 2026})
	if got := line(r, "K334", "064010"); got.Performance != 120_000 {
		t.Errorf("K334 performance %d, want 120 000 (both orders paid)", got.Performance)
	}
	if got := line(r, "B402", "064010"); got.Performance != 140_000 || got.OpenReceivable != 1000 {
		t.Errorf("B402: %+v", got)
	}
	if got := line(r, "B406", "064010"); got.Performance != 27_000+10_800 || got.OpenReceivable != 270 {
		t.Errorf("B406: %+v", got)
	}
	waiting := c.bankEntries(finance.BankUnmatched)
	reasons := map[hu.Forint]string{}
	for _, be := range waiting {
		reasons[be.Amount] = be.Reason
	}
	if reasons[999] != finance.BankReasonNoInvoice || reasons[5000] != finance.BankReasonNoOrder || reasons[200_000] != finance.BankReasonAmountDiffers {
		t.Errorf("waiting: %v", reasons)
	}

	// The same file again changes nothing and says so.
	before := bankWritten(c)
	res, err = c.importCSV(file)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Nothing() || res.Duplicates != 7 || len(res.AlreadyImported) != 1 || res.AlreadyImported[0] != "2026/11" {
		t.Errorf("re-import: %+v", res)
	}
	if after := bankWritten(c); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the re-import wrote: %v → %v", before, after)
	}

	// The clerk settles the waiting ones.
	byAmount := map[hu.Forint]finance.BankEntry{}
	for _, be := range waiting {
		byAmount[be.Amount] = be
	}
	resolve := func(amount hu.Forint, in finance.BankResolution) func(ctx context.Context, tx bun.Tx) error {
		return func(ctx context.Context, tx bun.Tx) error {
			_, err := c.s.ResolveBankEntry(ctx, tx, byAmount[amount].ID, in, "penzugy")
			return err
		}
	}
	c.refused("credit to a K rovat", "wrong_side", resolve(999, finance.BankResolution{Action: finance.BankToRovat, Rovat: "K334", Funkcio: "064010"}))
	c.refused("debit to an invoice", "wrong_direction", resolve(5000, finance.BankResolution{Action: finance.BankToInvoice, Invoice: inv1.Number}))
	c.refused("beyond the invoice", "beyond_invoice", resolve(200_000, finance.BankResolution{Action: finance.BankToInvoice, Invoice: inv1.Number}))
	c.refused("funkció not permitted", "funkcio_not_permitted", resolve(999, finance.BankResolution{Action: finance.BankToRovat, Rovat: "B411", Funkcio: "066020"}))
	c.refused("wrong payment order", "amount_differs", resolve(5000, finance.BankResolution{Action: finance.BankToPayment, Performance: perf2.ID}))
	c.do(resolve(999, finance.BankResolution{Action: finance.BankToRovat, Rovat: "B411", Funkcio: "064010"}))
	c.do(resolve(5000, finance.BankResolution{Action: finance.BankToRovat, Rovat: "K354", Funkcio: "011130"}))
	c.refused("twice", "entry_done", resolve(999, finance.BankResolution{Action: finance.BankToRovat, Rovat: "B411", Funkcio: "064010"}))
	r = c.report(orfu, finance.Scope{Entity: c.e.ID, Year: 2026})
	if got := line(r, "B411", "064010"); got.Performance != 999 || got.Receivable != 999 || got.OpenReceivable != 0 {
		t.Errorf("B411 after the clerk: %+v", got)
	}
	if got := line(r, "K354", "011130"); got.Performance != 5000 {
		t.Errorf("K354 after the clerk: %+v", got)
	}
	if left := c.bankEntries(finance.BankUnmatched); len(left) != 1 || left[0].Amount != 200_000 {
		t.Errorf("left waiting: %+v", left)
	}
}

func TestBankStatementRefusedWhole(t *testing.T) {
	c := newChain(t)
	inv, err := c.issue(outgoingInput(100_000, d26(3, 5)))
	if err != nil {
		t.Fatal(err)
	}
	file := bankCSV("2026/12", 0, 0, "T;2026-03-12;;127000;J;R-1;;Fénylő Kft.;;"+inv.Number, "T;2026-03-12;;1;J;R-2;;X;;")
	before := bankWritten(c)
	// No account recorded: the statement is for someone else's account.
	if _, err := c.importCSV(file); code(err) != "foreign_account" || !strings.Contains(err.(*finance.Problem).HU, "11773016-00204000-00000008") {
		t.Errorf("foreign account: %v", err)
	}
	c.bankAccount()
	// An account of another entity of the tenant is refused too.
	other := c.entity(orfu, "Orfűi Óvoda", "091110")
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.AddBankAccount(ctx, tx, other.ID, "11773016-11111018", "", "t")
		return err
	})
	c.refused("account twice", "account_exists", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.AddBankAccount(ctx, tx, other.ID, bankOwnAccount, "", "t")
		return err
	})
	c.refused("bad account", "bad_account", func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.AddBankAccount(ctx, tx, other.ID, "11773016-11111019", "", "t")
		return err
	})
	before = bankWritten(c)
	// March is closed: the matched credit cannot be posted, so nothing of
	// the file is — not the statement, not the entry that would wait.
	c.do(func(ctx context.Context, tx bun.Tx) error { return c.s.ClosePeriod(ctx, tx, c.e.ID, 2026, 3, "t") })
	before[len(before)-1]++ // the closing's audit entry
	_, err = c.importCSV(file)
	if code(err) != "period_closed" || !strings.Contains(err.(*finance.Problem).HU, "Semmi sem került könyvelésre") {
		t.Errorf("closed month: %v", err)
	}
	if after := bankWritten(c); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the refused import wrote: %v → %v", before, after)
	}
	if o := c.outgoing(inv.ID.String()); o.Collected != 0 {
		t.Errorf("half-posted: %+v", o)
	}
}

// bankCamt is a camt.053.001.08 message of Orfű's account with one
// credit, as a bank sends it.
func bankCamt(id, ref, amount, payer, payerAccount, text string) string {
	bal := func(code, amt string) string {
		return `<Bal><Tp><CdOrPrtry><Cd>` + code + `</Cd></CdOrPrtry></Tp><Amt Ccy="HUF">` + amt + `</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-20</Dt></Dt></Bal>`
	}
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
 <GrpHdr><MsgId>M-` + id + `</MsgId><CreDtTm>2026-03-21T06:30:00</CreDtTm></GrpHdr>
 <Stmt><Id>` + id + `</Id><FrToDt><FrDtTm>2026-03-20T00:00:00</FrDtTm><ToDtTm>2026-03-20T23:59:59</ToDtTm></FrToDt>
  <Acct><Id><IBAN>HU86117730160020400000000008</IBAN></Id><Ccy>HUF</Ccy></Acct>` + bal("OPBD", "0") + bal("CLBD", amount) + `
  <Ntry><Amt Ccy="HUF">` + amount + `</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
   <BookgDt><Dt>2026-03-20</Dt></BookgDt><ValDt><Dt>2026-03-20</Dt></ValDt><AcctSvcrRef>` + ref + `</AcctSvcrRef>
   <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
    <RltdPties><Dbtr><Pty><Nm>` + payer + `</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>` + payerAccount + `</IBAN></Id></DbtrAcct></RltdPties>
    <RmtInf><Ustrd>` + text + `</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
 </Stmt></BkToCstmrStmt></Document>`
}

func TestBankCamt053IsReadByTheSharedParserAndMatched(t *testing.T) {
	c := newChain(t)
	c.bankAccount()
	o, err := c.issue(outgoingInput(10_000, d26(3, 5))) // 12 700 gross
	if err != nil {
		t.Fatal(err)
	}
	// The payer's IBAN is the invoice's partner account: matched by amount
	// and account, with no number in the text.
	sts, err := bankstatement.Parse(strings.NewReader(bankCamt("2026/80", "CAMT-1", "12700", "Fénylő Kft.", "HU61104000095050400000000004", "bérleti díj")))
	if err != nil {
		t.Fatal(err)
	}
	var res finance.BankImportResult
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = c.s.ImportBankStatements(ctx, tx, c.e.ID, sts, "penzugy")
		return err
	})
	if res.Matched != 1 || c.outgoing(o.ID.String()).Open() != 0 {
		t.Errorf("camt.053: %+v, invoice open %d", res, c.outgoing(o.ID.String()).Open())
	}
}

// Clerks issuing at the same time get consecutive numbers, none twice,
// none skipped (on PostgreSQL the series row's lock orders them).
func TestOutgoingNumbersStayGaplessUnderConcurrency(t *testing.T) {
	c := newChain(t)
	c.sellerTaxNumber() // before the clerks start, not by each of them
	const n = 8
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := c.issue(outgoingInput(1000, d26(3, 5)))
			errs <- err
		}()
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var os []finance.OutgoingInvoice
	c.do(func(ctx context.Context, tx bun.Tx) error {
		var err error
		os, err = finance.OutgoingInvoices(ctx, tx, c.e.ID, 2026)
		return err
	})
	if len(os) != n {
		t.Fatalf("%d invoices, want %d", len(os), n)
	}
	for i, o := range os {
		if o.Seq != i+1 || o.Number != fmt.Sprintf("KSZ-2026-%06d", i+1) {
			t.Errorf("invoice %d: %d %s", i, o.Seq, o.Number)
		}
	}
}

// Payers write the number as they like; each writing finds its invoice
// (the zero padding is decimal, not octal).
func TestBankFindsInvoiceNumbersAsPayersWriteThem(t *testing.T) {
	c := newChain(t)
	c.bankAccount()
	var rows []string
	writings := []string{"KSZ-2026-000001", "ksz 2026/2", "KSZ2026000003", "KSZ-2026-4.", "díj KSZ / 2026 / 000005", "KSZ-2026-000006", "KSZ-2026-000007",
		"KSZ-2026-000008", "ksz-2026-000009 és más", "(KSZ-2026-000010)"}
	for i, w := range writings {
		o, err := c.issue(outgoingInput(hu.Forint(1000+i), d26(3, 5)))
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, fmt.Sprintf("T;2026-03-12;;%d;J;W-%d;;Fénylő Kft.;;%s", o.Gross, i, w))
	}
	res, err := c.importCSV(bankCSV("2026/20", 0, 0, rows...))
	if err != nil {
		t.Fatal(err)
	}
	if res.Matched != len(writings) {
		for _, be := range c.bankEntries(finance.BankUnmatched) {
			t.Errorf("not matched: %q (%s)", be.Remittance, be.Reason)
		}
	}
}

// A reversal by the bank and a payment of last year's invoice wait for
// the clerk; nothing is posted for them.
func TestBankReversalsAndOtherYearsWait(t *testing.T) {
	c := newChain(t)
	c.bankAccount()
	last, err := c.issue(outgoingInput(1000, hu.Date{Year: 2025, Month: 12, Day: 1}))
	if err != nil {
		t.Fatal(err)
	}
	before := countRows(t, c.d, orfu, (*finance.Entry)(nil))
	sts, err := bankstatement.Parse(strings.NewReader(strings.Replace(bankCamt("2026/30", "REV-1", "1270", "Fénylő Kft.", "HU61104000095050400000000004", last.Number),
		"<CdtDbtInd>CRDT</CdtDbtInd><Sts>", "<CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd><Sts>", 1)))
	if err != nil {
		t.Fatal(err)
	}
	c.do(func(ctx context.Context, tx bun.Tx) error {
		_, err := c.s.ImportBankStatements(ctx, tx, c.e.ID, sts, "penzugy")
		return err
	})
	res, err := c.importCSV(bankCSV("2026/31", 0, 0, "T;2026-03-12;;1270;J;R-9;;Fénylő Kft.;;"+last.Number))
	if err != nil || res.Unmatched != 1 {
		t.Fatalf("last year's invoice: %+v %v", res, err)
	}
	reasons := map[string]bool{}
	for _, be := range c.bankEntries(finance.BankUnmatched) {
		reasons[be.Reason] = true
	}
	if !reasons[finance.BankReasonReversal] || !reasons[finance.BankReasonOtherYear] {
		t.Errorf("reasons: %v", reasons)
	}
	if after := countRows(t, c.d, orfu, (*finance.Entry)(nil)); after[0] != before[0] {
		t.Errorf("posted for waiting entries: %v → %v", before, after)
	}
}
