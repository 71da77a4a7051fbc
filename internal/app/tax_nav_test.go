package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Every page of the tax office's page list opens for a tax clerk and marks
// itself as the current one, and the service menu marks the area it
// belongs to: "Adóügyek" for all but the declarations, which have their
// own entry.
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
		menu := "/tax/taxpayers"
		if path == "/tax/declarations" {
			menu = path
		}
		if strings.Count(p.Body, `class="govuk-service-navigation__link" href="`) < 3 || !strings.Contains(p.Body, `class="govuk-service-navigation__link" href="`+menu+`" aria-current="page"`) ||
			strings.Count(p.Body[:start], `aria-current="page"`) != 1 {
			t.Errorf("%s: the service menu does not mark %s as current", path, menu)
		}
		nav, _, _ := strings.Cut(p.Body[start:], "</nav>")
		if strings.Count(nav, `aria-current="page"`) != 1 || strings.Contains(nav, `href="`+path+`"`) || strings.Count(nav, `class="govuk-link"`) != 7 {
			t.Errorf("%s: page list %s", path, nav)
		}
	}
}
