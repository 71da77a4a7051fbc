package xlsx

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// FuzzText writes whatever text a clerk or a sender typed and reads it
// back: it is the same text less the control characters XML cannot hold,
// and it is still text.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "árvíztűrő tükörfúrógép", "=HYPERLINK(\"x\")", "12-1/2026", "a\nb\tc", "\x00\x1f\u0085", "2026. 03. 05.", " lead and trail "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || len(s) > 2000 {
			t.Skip()
		}
		w, err := New()
		if err != nil {
			t.Fatal(err)
		}
		sh, err := w.Sheet("S", Column{Header: s}, Column{Header: "n", Kind: Number})
		if err != nil {
			t.Fatal(err)
		}
		if err := sh.Row(s, 1); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := w.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("%q: unreadable workbook: %v", s, err)
		}
		defer f.Close()
		want := strings.Map(func(r rune) rune {
			if unicode.IsControl(r) && r != '\n' && r != '\t' {
				return -1
			}
			return r
		}, s)
		for _, cell := range []string{"A1", "A2"} {
			got, _ := f.GetCellValue("S", cell)
			if got != want {
				t.Fatalf("%s: wrote %q, read %q", cell, s, got)
			}
		}
		if formula, _ := f.GetCellFormula("S", "A2"); formula != "" {
			t.Fatalf("text %q became a formula", s)
		}
	})
}
