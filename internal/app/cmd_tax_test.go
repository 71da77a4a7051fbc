package app

import (
	"bytes"
	"strings"
	"testing"
)

// The calculator on the command line gives the brief's worked examples,
// with the day-by-day segments, and refuses bad input with exit code 2.
func TestTaxInterestCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"tax", "interest", "--amount", "150000", "--due", "2025-09-15", "--paid", "2025-11-14"},
			[]string{"Késedelmi pótlék (Art. 209. §): 2\u00a0790 Ft", "2025-09-16 – 2025-11-14", "0,031 %"}},
		{[]string{"tax", "interest", "--amount", "100 000", "--due", "2022-02-15", "--paid", "2022-03-02"},
			[]string{": 331 Ft", "2,90 %", "3,40 %"}},
		{[]string{"tax", "interest", "--amount", "150000", "--due", "2025-09-15", "--paid", "2025-11-14", "--payment", "2025-10-15=75000"},
			[]string{": 2\u00a0093 Ft", "75\u00a0000"}},
		{[]string{"tax", "interest", "--amount", "200000", "--due", "2025-05-31", "--paid", "2025-09-30", "--self-revision"},
			[]string{"Önellenőrzési pótlék (Art. 212. §): 3\u00a0720 Ft", "munkaszüneti nap", "1/2"}},
	} {
		var out, errb bytes.Buffer
		if code := Main(tc.args, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errb.String())
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%v: output lacks %q:\n%s", tc.args, w, out.String())
			}
		}
	}
	for _, bad := range [][]string{
		{"tax", "interest", "--amount", "sok", "--due", "2025-09-15", "--paid", "2025-11-14"},
		{"tax", "interest", "--amount", "100", "--due", "2025-02-30", "--paid", "2025-11-14"},
		{"tax", "interest", "--amount", "100", "--due", "2025-09-15", "--paid", "2025-11-14", "--payment", "2025-10-01=500"},
		{"tax", "kivetes"},
	} {
		var out, errb bytes.Buffer
		if code := Main(bad, &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q", bad, code, errb.String())
		}
	}
}

// The interest run from the command line, on an empty municipality and
// with a bad day.
func TestTaxPostInterestCommand(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := Main([]string{"tax", "post-interest", "--tenant", "11730", "--on", "2026-11-24", "--data", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Késedelmi pótlék 2026-11-24 napjáig: 0 adózó, 0 tétel") {
		t.Errorf("output: %s", out.String())
	}
	errb.Reset()
	if code := Main([]string{"tax", "post-interest", "--tenant", "11730", "--on", "tegnap", "--data", dir}, &out, &errb); code != 2 {
		t.Errorf("bad day: exit %d", code)
	}
}
