package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Every page of the tax office's page list opens for a tax clerk and marks
// itself as the current one.
func TestTaxPageList(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	cl := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(cl.Username, cl.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	for _, path := range []string{"/tax/taxpayers", "/tax/objects", "/tax/assessment", "/tax/declarations", "/tax/payments", "/tax/reports", "/tax/reports/arrears", "/tax/interest"} {
		p := b.get(path)
		if p.Status != http.StatusOK {
			t.Errorf("%s: %d", path, p.Status)
			continue
		}
		start := strings.Index(p.Body, `data-testid="tax-nav"`)
		if start < 0 {
			t.Errorf("%s: no page list", path)
			continue
		}
		nav, _, _ := strings.Cut(p.Body[start:], "</nav>")
		if strings.Count(nav, `aria-current="page"`) != 1 || strings.Contains(nav, `href="`+path+`"`) || strings.Count(nav, `class="govuk-link"`) != 7 {
			t.Errorf("%s: page list %s", path, nav)
		}
	}
}
