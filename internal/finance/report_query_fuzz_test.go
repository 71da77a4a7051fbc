package finance

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/openasp-hu/asp/internal/hu"
)

// A report's query string is outside input: whatever it holds, it parses
// to parameters in range or to a refusal naming the field, never a panic.
func FuzzReportQuery(f *testing.F) {
	for _, s := range []string{"year=2026&month=3", "quarter=5", "month=0", "year=99999999999999999999", "from=12&month=1", "page=-1", "account=331&by=rovat", "month=%zz", "year=2026&year=2027", "month= 7 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := &http.Request{URL: &url.URL{Path: "/", RawQuery: raw}}
		rq, prob := reportQueryOf(r, "general-ledger", hu.Date{Year: 2026, Month: 3, Day: 10})
		if prob != nil {
			if prob.Field == "" || prob.HU == "" || prob.EN == "" {
				t.Errorf("%q: refusal without a field or a message: %+v", raw, prob)
			}
			return
		}
		if rq.Year < 2000 || rq.Year > 2100 || rq.Month < 1 || rq.Month > 12 || rq.Quarter < 1 || rq.Quarter > 4 || rq.Page < 1 || rq.Ledger.From < 1 || rq.Ledger.From > 12 {
			t.Errorf("%q → out of range: %+v", raw, rq)
		}
	})
}
