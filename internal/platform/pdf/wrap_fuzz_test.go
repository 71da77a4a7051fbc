package pdf

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzWrap feeds the layout what clerks and senders type (subjects,
// names): wrapping loses no word and no letter, keeps lines within the
// column unless one letter alone is wider, and the document still writes.
func FuzzWrap(f *testing.F) {
	for _, s := range []string{"", " ", "árvíztűrő tükörfúrógép", strings.Repeat("Ő", 200), "a\nb\r\nc\td", "emoji 🙂 és \u200b szóköz", "\x00\x07x", "ﬁ ligatúra", "a  b   c"} {
		f.Add(s, 40.0)
	}
	d, err := New(Options{Title: "fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string, width float64) {
		if !utf8.ValidString(s) || width < 1 || width > 2000 {
			t.Skip()
		}
		d.setFont(regular, tableSize)
		lines := d.wrap(s, width)
		want := strings.Join(strings.Fields(clean(s)), "")
		if got := strings.Join(strings.Fields(strings.Join(lines, " ")), ""); got != want {
			t.Fatalf("wrap(%q, %v) lost text: %q", s, width, lines)
		}
		for _, l := range lines {
			if d.width(l) > width+0.001 && utf8.RuneCountInString(l) > 1 {
				t.Fatalf("line %q is %v wide in %v", l, d.width(l), width)
			}
			if strings.ContainsFunc(l, unicode.IsControl) {
				t.Fatalf("control character in %q", l)
			}
		}
		doc, err := New(Options{Issuer: s, Title: s, GeneratedAt: made})
		if err != nil {
			t.Fatal(err)
		}
		doc.KeyValues([]KV{{s, s}})
		doc.Table(Column{Header: s, Min: s}, Column{Header: "x"}).Row(s, s)
		if _, err := doc.WriteTo(&bytes.Buffer{}); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
	})
}
