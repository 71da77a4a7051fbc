package bankstatement

import (
	"strings"
	"testing"
)

// Shapes banks produce that the main table does not cover.
func TestCamt053Variants(t *testing.T) {
	base := camtEntry(true, "B1", "150000", "CRDT", "Kiss Éva", "8379143028 kommunális adó")

	t.Run("prefixed namespace in an envelope", func(t *testing.T) {
		doc := camtDoc("08", camtStmt("S1", "0", "150000", "", base))
		doc = strings.Replace(doc, `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">`,
			`<Envlp><AppHdr><MsgDefIdr>camt.053.001.08</MsgDefIdr></AppHdr><c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">`, 1)
		doc = strings.Replace(doc, "</Document>", "</c:Document></Envlp>", 1)
		for _, n := range []string{"BkToCstmrStmt", "GrpHdr", "MsgId", "CreDtTm", "Stmt", "Id", "ElctrncSeqNb", "LglSeqNb", "FrToDt", "FrDtTm", "ToDtTm",
			"Acct", "IBAN", "Ccy", "Bal", "Tp", "CdOrPrtry", "Cd", "Amt", "CdtDbtInd", "Dt", "Ntry", "Sts", "BookgDt", "ValDt", "AcctSvcrRef",
			"NtryDtls", "TxDtls", "Refs", "EndToEndId", "RltdPties", "Dbtr", "Pty", "Nm", "DbtrAcct", "Othr", "RmtInf", "Ustrd", "Strd", "CdtrRefInf", "Ref"} {
			doc = strings.ReplaceAll(doc, "<"+n+">", "<c:"+n+">")
			doc = strings.ReplaceAll(doc, "<"+n+" ", "<c:"+n+" ")
			doc = strings.ReplaceAll(doc, "</"+n+">", "</c:"+n+">")
		}
		sts, err := ParseCamt053(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if e := sts[0].Entries[0]; e.DebtorName != "Kiss Éva" || e.Amount != 150000 {
			t.Fatalf("entry %+v", e)
		}
	})

	t.Run("PRCD as opening, reversal, AddtlNtryInf", func(t *testing.T) {
		rev := `<Ntry><Amt Ccy="HUF">4000</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd><Sts>BOOK</Sts>` +
			`<BookgDt><DtTm>2026-11-23T23:30:00Z</DtTm></BookgDt><AcctSvcrRef>R1</AcctSvcrRef><AddtlNtryInf>Visszautalás: téves jóváírás</AddtlNtryInf></Ntry>`
		doc := camtDoc("02", strings.Replace(camtStmt("S1", "10000", "6000", "", rev), "OPBD", "PRCD", 1))
		sts, err := ParseCamt053(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		e := sts[0].Entries[0]
		// 23:30 UTC on 23 November is 00:30 on the 24th in Budapest.
		if !e.Reversal || e.Remittance != "Visszautalás: téves jóváírás" || e.BookingDate.String() != "2026-11-24" || sts[0].Opening != 10000 {
			t.Fatalf("entry %+v opening %v", e, sts[0].Opening)
		}
	})

	t.Run("batch entry keeps the first transaction", func(t *testing.T) {
		second := `<TxDtls><Refs><EndToEndId>OTHER</EndToEndId></Refs><RmtInf><Ustrd>másik</Ustrd></RmtInf></TxDtls></NtryDtls>`
		e := strings.Replace(base, "</NtryDtls>", second, 1)
		e = strings.Replace(e, "<Ustrd>8379143028 kommunális adó</Ustrd>", "<Ustrd>8379143028</Ustrd><Ustrd>kommunális adó</Ustrd>", 1)
		sts, err := ParseCamt053(strings.NewReader(camtDoc("08", camtStmt("S1", "0", "150000", "", e))))
		if err != nil {
			t.Fatal(err)
		}
		got := sts[0].Entries[0]
		if got.Transactions != 2 || got.EndToEnd != "E2E-B1" || got.Remittance != "8379143028 kommunális adó" {
			t.Fatalf("entry %+v", got)
		}
	})

	t.Run("debit balances are negative", func(t *testing.T) {
		st := strings.Replace(camtStmt("S1", "5000", "145000", "", base), "<CdtDbtInd>CRDT</CdtDbtInd><Dt>", "<CdtDbtInd>DBIT</CdtDbtInd><Dt>", 1)
		sts, err := ParseCamt053(strings.NewReader(camtDoc("02", st)))
		if err != nil {
			t.Fatal(err)
		}
		if sts[0].Opening != -5000 {
			t.Fatalf("opening %v", sts[0].Opening)
		}
	})
}
