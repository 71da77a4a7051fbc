package finance

import (
	"strconv"
	"testing"

	"github.com/openasp-hu/asp/internal/hu"
)

// FuzzCashPiecesFromForm: the pieces of a count are typed by a clerk, one
// field a denomination; any text is read or refused, never a panic, and
// what is read is the typed number of a known denomination (or 1 and 2,
// which the count then refuses by name).
func FuzzCashPiecesFromForm(f *testing.F) {
	for _, s := range []string{"15", "", " 1 000 ", "-3", "x", "99999999999999999999", "0"} {
		f.Add(s, int64(20000))
		f.Add(s, int64(1))
	}
	f.Fuzz(func(t *testing.T, s string, value int64) {
		key := "count_" + strconv.FormatInt(value, 10)
		ps, p := cashPiecesFromForm(func(k string) string {
			if k == key {
				return s
			}
			return ""
		})
		if p != nil && ps != nil {
			t.Fatalf("both a refusal and pieces for %q", s)
		}
		for _, x := range ps {
			if x.Value != value {
				t.Fatalf("pieces of %d read from the field of %d", x.Value, value)
			}
		}
	})
}

func TestCashInWords(t *testing.T) {
	for _, c := range []struct {
		n    hu.Forint
		want string
	}{
		{5, "öt"}, {12, "tizenkettő"}, {20, "húsz"}, {25, "huszonöt"}, {200, "kétszáz"}, {1000, "ezer"}, {1250, "ezerkétszázötven"},
		{2000, "kétezer"}, {2005, "kétezer-öt"}, {12_500, "tizenkétezer-ötszáz"}, {300_000, "háromszázezer"},
		{1_001_000, "egymillió-egyezer"}, {250_005, "kétszázötvenezer-öt"},
	} {
		if got := CashInWords(c.n); got != c.want {
			t.Errorf("%d: %q, want %q", c.n, got, c.want)
		}
	}
}
