package tax

import (
	"strings"
	"testing"
)

// The data report form never panics, and what it accepts has sane
// numbers: an area it parsed, owners only from filled rows.
func FuzzReportFromForm(f *testing.F) {
	f.Add("120", "1/2", "2010-01-01", "", "5 000 000", "8123456786")
	f.Add("-1", "x", "2010-13-01", "2011-01-01", "sok", "")
	f.Add("99999999999999999999", "1/0", "", "0000-00-00", "", " ")
	f.Fuzz(func(t *testing.T, area, share, from, to, value, taxID string) {
		vals := map[string]string{"area_m2": area, "owner1_share": share, "owner1_tax_id": taxID, "valid_from": from, "valid_to": to,
			"effective_on": from, "market_value": value}
		in, prob := reportFromForm(func(k string) string { return vals[k] })
		if prob != nil {
			if prob.Field == "" || prob.HU == "" || prob.EN == "" {
				t.Fatalf("refusal without field or text: %+v", prob)
			}
			return
		}
		if len(in.Owners) > 1 || (len(in.Owners) == 1) != (strings.TrimSpace(taxID) != "" || strings.TrimSpace(share) != "") {
			t.Fatalf("owners %+v from %q %q", in.Owners, taxID, share)
		}
		if !in.ValidFrom.IsValid() {
			t.Fatalf("accepted %q as a day", from)
		}
	})
}
