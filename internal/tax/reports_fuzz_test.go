package tax

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The report's query (outside input) never panics; what it accepts is a
// valid range whose every day falls in a period that contains it.
func FuzzRevenueQuery(f *testing.F) {
	f.Add("2026-01-01", "2026-12-31", "quarter")
	f.Add("2024-02-29", "2024-03-01", "month")
	f.Add("x", "", "year")
	h := &handlers{svc: &Service{Now: func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }}}
	f.Fuzz(func(t *testing.T, from, to, period string) {
		r := httptest.NewRequest("GET", "/tax/reports?"+url.Values{"from": {from}, "to": {to}, "period": {period}}.Encode(), nil)
		start, end, p, prob := h.revenueQuery(r)
		if prob != nil || checkRange(start, end) != nil {
			return
		}
		label, first, last := periodOf(start, p)
		if label == "" || first.After(start) || last.Before(start) || !strings.HasPrefix(label, start.String()[:4]) {
			t.Errorf("%s in %q: %s..%s", start, label, first, last)
		}
	})
}
