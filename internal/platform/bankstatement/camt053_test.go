package bankstatement

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/hu"
)

const (
	testIBAN    = "HU86117730160020400000000008"
	testAccount = "11773016-00204000-00000008"
)

// camtEntry writes one Ntry; v08 selects the .08 shapes (Sts/Cd, Dbtr/Pty).
func camtEntry(v08 bool, ref, amt, dir, name, ustrd string) string {
	sts := "<Sts>BOOK</Sts>"
	dbtr := "<Dbtr><Nm>" + name + "</Nm></Dbtr>"
	if v08 {
		sts = "<Sts><Cd>BOOK</Cd></Sts>"
		dbtr = "<Dbtr><Pty><Nm>" + name + "</Nm></Pty></Dbtr>"
	}
	acctSvcr := ""
	if ref != "" {
		acctSvcr = "<AcctSvcrRef>" + ref + "</AcctSvcrRef>"
	}
	return `
    <Ntry>
      <Amt Ccy="HUF">` + amt + `</Amt>
      <CdtDbtInd>` + dir + `</CdtDbtInd>
      ` + sts + `
      <BookgDt><Dt>2026-11-23</Dt></BookgDt>
      <ValDt><Dt>2026-11-23</Dt></ValDt>
      ` + acctSvcr + `
      <NtryDtls><TxDtls>
        <Refs><EndToEndId>E2E-` + ref + `</EndToEndId></Refs>
        <RltdPties>` + dbtr + `<DbtrAcct><Id><Othr><Id>10400009-50504000-00000004</Id></Othr></Id></DbtrAcct></RltdPties>
        <RmtInf><Ustrd>` + ustrd + `</Ustrd><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>
      </TxDtls></NtryDtls>
    </Ntry>`
}

func camtBal(code, amt, dir string) string {
	return `
    <Bal><Tp><CdOrPrtry><Cd>` + code + `</Cd></CdOrPrtry></Tp><Amt Ccy="HUF">` + amt + `</Amt><CdtDbtInd>` + dir + `</CdtDbtInd><Dt><Dt>2026-11-23</Dt></Dt></Bal>`
}

func camtStmt(id, opening, closing, summary string, entries ...string) string {
	return `
  <Stmt>
    <Id>` + id + `</Id>
    <ElctrncSeqNb>231</ElctrncSeqNb>
    <LglSeqNb>231</LglSeqNb>
    <CreDtTm>2026-11-24T06:30:00+01:00</CreDtTm>
    <FrToDt><FrDtTm>2026-11-23T00:00:00</FrDtTm><ToDtTm>2026-11-23T23:59:59</ToDtTm></FrToDt>
    <Acct><Id><IBAN>` + testIBAN + `</IBAN></Id><Ccy>HUF</Ccy></Acct>` +
		camtBal("OPBD", opening, "CRDT") + camtBal("CLBD", closing, "CRDT") + summary +
		strings.Join(entries, "") + `
  </Stmt>`
}

func camtDoc(version string, stmts ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.` + version + `">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>MSG1</MsgId><CreDtTm>2026-11-24T06:30:00</CreDtTm></GrpHdr>` +
		strings.Join(stmts, "") + `
 </BkToCstmrStmt>
</Document>`
}

func TestParseCamt053Valid(t *testing.T) {
	e1 := camtEntry(false, "B1", "150000.00", "CRDT", "Kovács Árvíztűrő Tükörfúrógép", "8379143028 kommunális adó 2026 II. félév")
	e2 := camtEntry(false, "B2", "2500", "DBIT", "Szép Ödön", "bankköltség")
	e3 := camtEntry(true, "B3", "12000", "CRDT", "Őrsi Ügyvédi Iroda Kft.", "HIPA 12345676-2-13 előleg")
	sum08 := `<TxsSummry><TtlNtries><NbOfNtries>1</NbOfNtries><Sum>12000</Sum><TtlNetNtry><Amt Ccy="HUF">12000</Amt><CdtDbtInd>CRDT</CdtDbtInd></TtlNetNtry></TtlNtries>` +
		`<TtlCdtNtries><NbOfNtries>1</NbOfNtries><Sum>12000</Sum></TtlCdtNtries><TtlDbtNtries><NbOfNtries>0</NbOfNtries><Sum>0</Sum></TtlDbtNtries></TxsSummry>`
	sum02 := `<TxsSummry><TtlNtries><NbOfNtries>2</NbOfNtries><Sum>152500</Sum><TtlNetNtryAmt>147500</TtlNetNtryAmt><CdtDbtInd>CRDT</CdtDbtInd></TtlNtries></TxsSummry>`
	tests := []struct {
		name    string
		doc     string
		entries []int
		closing []hu.Forint
	}{
		{"v02 one statement", camtDoc("02", camtStmt("S1", "1000", "148500", sum02, e1, e2)), []int{2}, []hu.Forint{148500}},
		{"v08 with summary", camtDoc("08", camtStmt("S8", "0", "12000", sum08, e3)), []int{1}, []hu.Forint{12000}},
		{"two statements", camtDoc("08", camtStmt("S1", "1000", "148500", "", e1, e2), camtStmt("S2", "148500", "160500", "", e3)), []int{2, 1}, []hu.Forint{148500, 160500}},
		{"no entries", camtDoc("04", camtStmt("S0", "500", "500", "")), []int{0}, []hu.Forint{500}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sts, err := ParseCamt053(strings.NewReader(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(sts) != len(tc.entries) {
				t.Fatalf("got %d statements", len(sts))
			}
			for i, st := range sts {
				if len(st.Entries) != tc.entries[i] || st.Closing != tc.closing[i] {
					t.Errorf("statement %d: %d entries, closing %v", i, len(st.Entries), st.Closing)
				}
				if st.Account.String() != testAccount || st.IBAN.Electronic() != testIBAN {
					t.Errorf("account %v %v", st.Account, st.IBAN)
				}
				if st.ElectronicSequence != 231 || st.PeriodFrom.String() != "2026-11-23" || st.Created.IsZero() {
					t.Errorf("header %+v", st)
				}
				assertConsistent(t, sts)
			}
		})
	}
	sts, err := ParseCamt053(strings.NewReader(camtDoc("02", camtStmt("S1", "1000", "148500", sum02, e1, e2))))
	if err != nil {
		t.Fatal(err)
	}
	e := sts[0].Entries[0]
	want := Entry{BookingDate: mustDate("2026-11-23"), ValueDate: mustDate("2026-11-23"), Amount: 150000, Direction: Credit,
		BankRef: "B1", EndToEnd: "E2E-B1", Remittance: "8379143028 kommunális adó 2026 II. félév", CreditorRef: "RF18539007547034",
		DebtorName: "Kovács Árvíztűrő Tükörfúrógép", DebtorAccount: "104000095050400000000004", Transactions: 1, Line: e.Line, key: e.key}
	if e != want {
		t.Errorf("entry\n got %+v\nwant %+v", e, want)
	}
	if e.Key() != "ref:117730160020400000000008:B1" {
		t.Errorf("key %q", e.Key())
	}
	if sts[0].Entries[1].Signed() != -2500 {
		t.Errorf("debit signed %v", sts[0].Entries[1].Signed())
	}
}

func mustDate(s string) hu.Date {
	d, err := hu.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// assertConsistent checks what every accepted file must satisfy.
func assertConsistent(t testing.TB, sts []Statement) {
	t.Helper()
	keys := map[string]bool{}
	for _, st := range sts {
		bal := st.Opening
		for _, e := range st.Entries {
			if e.Amount < 0 || (e.Direction != Credit && e.Direction != Debit) {
				t.Fatalf("bad entry %+v", e)
			}
			bal += e.Signed()
			if e.Key() == "" || keys[e.Key()] {
				t.Fatalf("empty or duplicate key %q", e.Key())
			}
			keys[e.Key()] = true
		}
		if bal != st.Closing || st.Currency != "HUF" {
			t.Fatalf("statement %q: %v + entries = %v, closing %v", st.ID, st.Opening, bal, st.Closing)
		}
	}
}

func TestParseCamt053Invalid(t *testing.T) {
	e1 := camtEntry(false, "B1", "150000", "CRDT", "Kovács Éva", "adó")
	tests := []struct {
		name, doc, code, elem string
	}{
		{"balance mismatch", camtDoc("02", camtStmt("S1", "1000", "150000", "", e1)), CodeBalance, ""},
		{"summary count", camtDoc("02", camtStmt("S1", "0", "150000", `<TxsSummry><TtlNtries><NbOfNtries>2</NbOfNtries></TtlNtries></TxsSummry>`, e1)), CodeSummary, "TxsSummry/TtlNtries/NbOfNtries"},
		{"summary net", camtDoc("08", camtStmt("S1", "0", "150000", `<TxsSummry><TtlNtries><TtlNetNtry><Amt Ccy="HUF">150000</Amt><CdtDbtInd>DBIT</CdtDbtInd></TtlNetNtry></TtlNtries></TxsSummry>`, e1)), CodeSummary, "TxsSummry/TtlNtries/TtlNetNtry"},
		{"non-HUF", camtDoc("02", camtStmt("S1", "0", "150000", "", strings.Replace(e1, `Ccy="HUF"`, `Ccy="EUR"`, 1))), CodeCurrency, "Ntry/Amt"},
		{"fractional HUF", camtDoc("02", camtStmt("S1", "0", "150000", "", camtEntry(false, "B1", "149999.50", "CRDT", "X", "y"))), CodeFraction, "Ntry/Amt"},
		{"duplicate ref", camtDoc("02", camtStmt("S1", "0", "300000", "", e1, e1)), CodeDuplicate, ""},
		{"duplicate across statements", camtDoc("02", camtStmt("S1", "0", "150000", "", e1), camtStmt("S2", "150000", "300000", "", e1)), CodeDuplicate, ""},
		{"pending entry", camtDoc("02", camtStmt("S1", "0", "150000", "", strings.Replace(e1, "BOOK", "PDNG", 1))), CodeStatus, "Ntry/Sts"},
		{"bad account", camtDoc("02", strings.Replace(camtStmt("S1", "0", "150000", "", e1), testIBAN, "HU86117730160020400000000009", 1)), CodeInvalid, "Stmt/Acct/Id/IBAN"},
		{"no closing", camtDoc("02", strings.Replace(camtStmt("S1", "0", "150000", "", e1), "CLBD", "CLAV", 1)), CodeMissing, "Stmt/Bal"},
		{"other message", strings.Replace(camtDoc("02", camtStmt("S1", "0", "150000", "", e1)), "camt.053", "camt.054", 1), CodeFormat, ""},
		{"not xml", "Kivonat;1;2", CodeFormat, ""},
		{"broken xml", camtDoc("02", camtStmt("S1", "0", "150000", "", e1))[:400], CodeFormat, ""},
		{"bad date", camtDoc("02", camtStmt("S1", "0", "150000", "", strings.Replace(e1, "<Dt>2026-11-23</Dt>", "<Dt>2026-02-30</Dt>", 1))), CodeInvalid, "Ntry/BookgDt/Dt"},
		{"negative amount", camtDoc("02", camtStmt("S1", "0", "150000", "", camtEntry(false, "B1", "-150000", "CRDT", "X", "y"))), CodeInvalid, "Ntry/Amt"},
		{"empty", "", CodeFormat, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCamt053(strings.NewReader(tc.doc))
			var be *Error
			if !errors.As(err, &be) {
				t.Fatalf("want *Error, got %v", err)
			}
			if be.Code != tc.code || be.Element != tc.elem {
				t.Fatalf("got code %q element %q (%v), want %q %q", be.Code, be.Element, be, tc.code, tc.elem)
			}
			if be.HU == "" || be.EN == "" || be.Message("hu") == be.Message("en") {
				t.Errorf("messages: %q / %q", be.Message("hu"), be.Message("en"))
			}
			if tc.code != CodeFormat && be.Line == 0 {
				t.Errorf("no line: %v", be)
			}
			if !errors.Is(err, &Error{Code: tc.code}) {
				t.Errorf("errors.Is fails")
			}
		})
	}
}

func TestCamt053BalanceErrorNamesStatement(t *testing.T) {
	_, err := ParseCamt053(strings.NewReader(camtDoc("02", camtStmt("2026/231", "1000", "1", ""))))
	if err == nil || !strings.Contains(err.Error(), "statement 2026/231") || !strings.Contains(err.(*Error).Message("hu"), "kivonat: 2026/231") {
		t.Fatalf("got %v", err)
	}
}

func TestCamt053HashedKeys(t *testing.T) {
	// The same payment twice without a bank reference: two entries, two
	// keys, and the same keys on a second parse.
	e := camtEntry(false, "", "5000", "CRDT", "Nagy Ilona", "8379143028 kommunális adó")
	doc := camtDoc("02", camtStmt("S1", "0", "10000", "", e, e))
	a, err := ParseCamt053(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ParseCamt053(strings.NewReader(doc))
	k0, k1 := a[0].Entries[0].Key(), a[0].Entries[1].Key()
	if k0 == k1 || !strings.HasPrefix(k0, "sha:") || k0 != b[0].Entries[0].Key() || k1 != b[0].Entries[1].Key() {
		t.Fatalf("keys %q %q / %q %q", k0, k1, b[0].Entries[0].Key(), b[0].Entries[1].Key())
	}
}

func TestCamt053TooLarge(t *testing.T) {
	r := strings.NewReader(camtDoc("02", camtStmt("S1", "0", "0", "<AddtlStmtInf>"+strings.Repeat("x", MaxFileSize)+"</AddtlStmtInf>")))
	_, err := ParseCamt053(r)
	if !errors.Is(err, &Error{Code: CodeTooLarge}) {
		t.Fatalf("got %v", err)
	}
}

// bigCamt builds a statement with n entries.
func bigCamt(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(camtEntry(i%2 == 0, fmt.Sprintf("B%07d", i), "1000", "CRDT", "Kiss Péter", fmt.Sprintf("%010d kommunális adó", i)))
	}
	return camtDoc("08", camtStmt("BIG", "0", fmt.Sprint(n*1000), "", b.String()))
}

func BenchmarkParseCamt053_100k(b *testing.B) {
	doc := bigCamt(100_000)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		sts, err := ParseCamt053(strings.NewReader(doc))
		if err != nil || len(sts[0].Entries) != 100_000 {
			b.Fatal(err)
		}
	}
}

func FuzzParseCamt053(f *testing.F) {
	e1 := camtEntry(false, "B1", "150000", "CRDT", "Kovács Éva", "adó")
	f.Add(camtDoc("02", camtStmt("S1", "0", "150000", "", e1)))
	f.Add(camtDoc("08", camtStmt("S1", "0", "150000", `<TxsSummry><TtlNtries><NbOfNtries>1</NbOfNtries></TtlNtries></TxsSummry>`, e1)))
	f.Add(camtDoc("02", camtStmt("S1", "0", "0", "")))
	f.Add(camtDoc("02", camtStmt("S1", "0", "10000", "", camtEntry(false, "", "5000", "CRDT", "A", "b"), camtEntry(false, "", "5000", "CRDT", "A", "b"))))
	f.Fuzz(func(t *testing.T, doc string) {
		sts, err := ParseCamt053(strings.NewReader(doc))
		if err != nil {
			var be *Error
			if !errors.As(err, &be) {
				t.Fatalf("not an *Error: %T %v", err, err)
			}
			return
		}
		assertConsistent(t, sts)
	})
}
