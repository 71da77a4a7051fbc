package finance

import "testing"

// FuzzLaterYears: the later years of a multi-year commitment are typed
// by a clerk; any text is read or refused, never a panic, and what is
// read has a year and an amount from the text.
func FuzzLaterYears(f *testing.F) {
	for _, s := range []string{"2027: 400 000\n2028: 1 000", "", "2027", ":", "x: y", "2027: -5", "\n\n2027:1\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ys, p := laterYears(s)
		if p != nil && ys != nil {
			t.Fatalf("both a refusal and years for %q", s)
		}
	})
}
