package bankstatement

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

const csvHeader = "típus;számlaszám;kivonat azonosító;sorszám;kezdő nap;záró nap;nyitó egyenleg;záró egyenleg;pénznem\n"

const csvValid = csvHeader +
	"K;11773016-00204000-00000008;2026/231;231;2026.11.23.;2026.11.23.;1 000;148 500;HUF\n" +
	"T;2026.11.23.;2026.11.23.;150 000;J;B1;E2E-1;Kovács Árvíztűrő Tükörfúrógép;10400009-50504000-00000004;\"8379143028 kommunális adó; 2026 II. félév\";RF18539007547034\n" +
	"T;2026-11-23;;-2500;;B2;;OTP Bank;;bankköltség\n" +
	"# second statement, ISO dates, D/C column\n" +
	"K;HU86117730160020400000000008;2026/232;232;2026-11-24;2026-11-24;148500;160500\n" +
	"T;2026-11-24;2026-11-24;12 000,00;C;B3;;Őrsi Ügyvédi Iroda Kft.;;HIPA előleg\n"

func TestParseCSVValid(t *testing.T) {
	for _, enc := range []string{"utf-8", "utf-8 bom", "windows-1250", "crlf"} {
		t.Run(enc, func(t *testing.T) {
			data := csvValid
			switch enc {
			case "utf-8 bom":
				data = "\ufeff" + data
			case "windows-1250":
				b, err := charmap.Windows1250.NewEncoder().String(data)
				if err != nil {
					t.Fatal(err)
				}
				data = b
			case "crlf":
				data = strings.ReplaceAll(data, "\n", "\r\n")
			}
			sts, err := ParseCSV(strings.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			assertConsistent(t, sts)
			if len(sts) != 2 || len(sts[0].Entries) != 2 || len(sts[1].Entries) != 1 {
				t.Fatalf("got %d statements", len(sts))
			}
			st := sts[0]
			if st.ID != "2026/231" || st.Account.String() != testAccount || st.IBAN.Electronic() != testIBAN ||
				st.Opening != 1000 || st.Closing != 148500 || st.LegalSequence != 231 || st.PeriodTo.String() != "2026-11-23" {
				t.Errorf("statement %+v", st)
			}
			e := st.Entries[0]
			if e.Amount != 150000 || e.Direction != Credit || e.DebtorName != "Kovács Árvíztűrő Tükörfúrógép" ||
				e.Remittance != "8379143028 kommunális adó; 2026 II. félév" || e.CreditorRef != "RF18539007547034" ||
				e.DebtorAccount != "104000095050400000000004" || e.Key() != "ref:117730160020400000000008:B1" || e.Line != 3 {
				t.Errorf("entry %+v", e)
			}
			d := st.Entries[1]
			if d.Direction != Debit || d.Amount != 2500 || d.CreditorName != "OTP Bank" || !d.ValueDate.IsZero() {
				t.Errorf("debit %+v", d)
			}
			if sts[1].Entries[0].Remittance != "HIPA előleg" || sts[1].Entries[0].Amount != 12000 {
				t.Errorf("second %+v", sts[1].Entries[0])
			}
		})
	}
}

func TestParseCSVInvalid(t *testing.T) {
	k := "K;11773016-00204000-00000008;S1;;2026.11.23.;2026.11.23.;0;150 000\n"
	tr := "T;2026.11.23.;;150 000;J;B1;;Kiss Éva;;adó\n"
	tests := []struct {
		name, data, code, col string
		line                  int
	}{
		{"balance mismatch", strings.Replace(k, "150 000", "150 001", 1) + tr, CodeBalance, "", 1},
		{"non-HUF", strings.TrimSuffix(k, "\n") + ";EUR\n" + tr, CodeCurrency, "pénznem", 1},
		{"fractional HUF", k + strings.Replace(tr, "150 000", "149 999,50", 1), CodeFraction, "összeg", 2},
		{"duplicate ref", strings.Replace(k, "150 000", "300 000", 1) + tr + tr, CodeDuplicate, "", 3},
		{"entry before statement", tr + k, CodeFormat, "típus", 1},
		{"unknown row type", k + "X;1\n", CodeFormat, "típus", 2},
		{"bad direction", k + strings.Replace(tr, ";J;", ";Z;", 1), CodeInvalid, "irány", 2},
		{"negative with direction", k + strings.Replace(tr, "150 000", "-150 000", 1), CodeInvalid, "összeg", 2},
		{"bad account", strings.Replace(k, "00000008", "00000009", 1) + tr, CodeInvalid, "számlaszám", 1},
		{"bad date", k + strings.Replace(tr, "2026.11.23.", "2026.13.01.", 1), CodeInvalid, "könyvelés napja", 2},
		{"bad amount", k + strings.Replace(tr, "150 000", "150 00", 1), CodeInvalid, "összeg", 2},
		{"missing closing", "K;11773016-00204000-00000008;S1;;2026.11.23.;2026.11.23.;0\n", CodeMissing, "záró egyenleg", 1},
		{"too many fields", k + strings.TrimSuffix(tr, "\n") + ";RF1;extra\n", CodeFormat, "", 2},
		{"bad quotes", k + "T;2026.11.23.;;1;J;B1;;\"Kiss;;\n", CodeFormat, "", 2},
		{"empty", "", CodeFormat, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCSV(strings.NewReader(tc.data))
			var be *Error
			if !errors.As(err, &be) {
				t.Fatalf("want *Error, got %v", err)
			}
			if be.Code != tc.code || be.Element != tc.col || be.Line != tc.line {
				t.Fatalf("got %q %q line %d (%v), want %q %q line %d", be.Code, be.Element, be.Line, be, tc.code, tc.col, tc.line)
			}
			if be.HU == "" || be.EN == "" {
				t.Errorf("messages: %q / %q", be.HU, be.EN)
			}
		})
	}
}

func bigCSV(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "K;11773016-00204000-00000008;BIG;1;2026.11.01.;2026.11.30.;0;%d\n", n*1000)
	for i := range n {
		fmt.Fprintf(&b, "T;2026.11.23.;2026.11.23.;1 000;J;B%07d;;Kiss Péter;10400009-50504000-00000004;%010d kommunális adó\n", i, i)
	}
	return b.String()
}

func BenchmarkParseCSV_100k(b *testing.B) {
	data := bigCSV(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sts, err := ParseCSV(strings.NewReader(data))
		if err != nil || len(sts[0].Entries) != 100_000 {
			b.Fatal(err)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add(csvValid)
	f.Add(bigCSV(3))
	f.Add("K;11773016-00204000-00000008;S1;;2026.11.23.;2026.11.23.;0;0\n")
	f.Add("K;11773016-00204000-00000008;S1;;2026.11.23.;2026.11.23.;0;10\nT;2026.11.23.;;5;;;;;;x\nT;2026.11.23.;;5;;;;;;x\n")
	f.Fuzz(func(t *testing.T, data string) {
		sts, err := ParseCSV(strings.NewReader(data))
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
