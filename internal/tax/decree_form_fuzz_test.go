package tax

import (
	"net/url"
	"testing"
)

// The decree form is outside input: whatever is posted, reading it gives
// a decree or a refusal naming a field, never a panic, and every rate it
// accepts is non-negative.
func FuzzDecreeFromForm(f *testing.F) {
	f.Add("number=12%2F2026&title=x&adopted_on=2026-11-28&effective_from=2027-01-01&tax_year=2027&rate1_tax_type=epitmenyado%2Fm2&rate1_rate=1000&rate1_band=0&rate1_band_to=100")
	f.Add("adopted_on=2026-11-28&effective_from=2027-01-01&tax_year=2027&rate2_tax_type=x&rate2_rate=-1")
	f.Add("adopted_on=2026-11-28&effective_from=2027-01-01&tax_year=2027&relief1_description=y&relief1_percent=50,5&relief1_amount=1e9")
	f.Add("replaces=not-a-uuid&tax_year=99999999999999999999")
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		for _, lang := range []string{"hu", "en"} {
			n, fe := decreeFromForm(v.Get, lang)
			if fe != nil {
				if fe.Field == "" || fe.Message == "" {
					t.Fatalf("refusal without field or message: %+v", fe)
				}
				continue
			}
			for _, r := range n.Rates {
				if r.Rate < 0 {
					t.Fatalf("negative rate accepted: %+v", r)
				}
			}
		}
	})
}
