package tax

import (
	"strings"
	"testing"
)

// Whatever a settings form holds, reading it gives settings or a refusal
// naming one of the form's fields, never a panic; what it reads back is
// what was typed.
func FuzzSettingsFromForm(f *testing.F) {
	f.Add("", "2026", "1 000", "1000", "5000", "statutory", "60", "15")
	f.Add("epitmenyado", "x", "-1", "", "1e9", "costs_first", "0", "999999999999999999999")
	f.Fuzz(func(t *testing.T, taxType, year, refund, notice, collection, strategy, interval, deadline string) {
		v := map[string]string{"tax_type": taxType, "from_year": year, "min_refund": refund, "min_notice": notice, "min_collection": collection,
			"strategy": strategy, "reminder_interval_days": interval, "reminder_deadline_days": deadline}
		s, prob := settingsFromForm(func(k string) string { return v[k] })
		if prob != nil {
			known := false
			for _, k := range settingsFields {
				known = known || prob.Field == k
			}
			if !known || prob.HU == "" || prob.EN == "" {
				t.Fatalf("refusal %+v names no field of the form", prob)
			}
			return
		}
		if s.TaxType != strings.TrimSpace(taxType) || s.Strategy != strings.TrimSpace(strategy) {
			t.Fatalf("read back %+v from %v", s, v)
		}
	})
}
