package app

import (
	"bytes"
	"strings"
	"testing"
)

// asp tax caps prints the year's caps, valorised ones from the CPI chain,
// and refuses a year the CPI table does not reach.
func TestTaxCapsCommand(t *testing.T) {
	for year, want := range map[string][]string{
		"2025": {"804,5 Ft/vendégéjszaka", "közzétett (számított 804,6)", "2\u00a0950,1 Ft/m²", "Htv. 16. § a)", "536,4 Ft/m²", "45\u00a0592,7"},
		"2026": {"3\u00a0059,3 Ft/m²", "556,2 Ft/m²", "47\u00a0279,6 Ft/adótárgy", "834,3", "3,6 %", "2 %", "5\u00a0000 Ft/nap", "1\u00a0200 Ft/m³"},
		"2027": {"2027. adóév", "3\u00a0193,9 Ft/m²", "települési adó", "nincs törvényi felső határ"},
	} {
		var out, errb bytes.Buffer
		if code := Main([]string{"tax", "caps", "--year", year}, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", year, code, errb.String())
		}
		for _, w := range want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: output lacks %q:\n%s", year, w, out.String())
			}
		}
		if strings.Contains(out.String(), "gépjárműadó") {
			t.Errorf("%s: the legacy vehicle tax has no cap after 2020", year)
		}
	}
	for _, bad := range [][]string{{"tax", "caps", "--year", "2028"}, {"tax", "caps", "--year", "1999"}, {"tax", "caps", "--year", "x"}} {
		var out, errb bytes.Buffer
		if code := Main(bad, &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q", bad, code, errb.String())
		}
	}
	var out, errb bytes.Buffer
	Main([]string{"tax", "caps", "--year", "2028"}, &out, &errb)
	if !strings.Contains(errb.String(), "fogyasztói árindex") {
		t.Errorf("2028: %q", errb.String())
	}
}
