package app

import (
	"context"
	"net/http"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/tax"
)

// The tax object and assessment pages pass the accessibility checks,
// including the refusal of shares that do not add up to one.
func TestBrowserTaxObjectsAccessibility(t *testing.T) {
	app := demoApp(t)
	srv := newServer(t, app)
	err := app.DB.InTenant(cliContext(context.Background()), "12548", func(ctx context.Context, tx bun.Tx) error {
		s := &tax.Service{}
		for _, tp := range []tax.TaxpayerInput{{TaxID: "8123456786", Name: "Kovács Ödön"}, {TaxID: "8390164280", Name: "Kovács Éva"}} {
			if _, err := s.RegisterTaxpayer(ctx, tx, tp, "test"); err != nil {
				return err
			}
		}
		_, err := buildingDecree(ctx, tx, "5/2026. (XI. 20.)")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tb := newTab(t, srv, "hu", true)
	if st := tb.login(demoLogin(t, "ugyintezo")); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	tb.click(`//label[contains(normalize-space(.), "Abaliget")]`)
	tb.press(`form[action="/tenants/switch"] button[type=submit]`)
	tb.open("/tax/objects")
	tb.audit("tax-objects")
	tb.click(`//summary[contains(normalize-space(.), "Új adótárgy")]`)
	for sel, v := range map[string]string{"#hrsz": "123/4/A/5", "#address": "7678 Abaliget, Kossuth utca 1.", "#area_m2": "120", "#category": "lakas",
		"#valid_from": "2010-05-01", "#effective_on": "2020-01-01", "#owner1_tax_id": "8123456786", "#owner1_share": "1/2", "#owner2_tax_id": "8390164280", "#owner2_share": "1/3"} {
		tb.typeIn(sel, v)
	}
	if st := tb.press(`form[method=post][action="/tax/objects"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("shares of 5/6: %d", st)
	}
	tb.audit("tax-objects-error")
	tb.typeIn("#owner2_share", "\b\b\b1/2")
	if st := tb.press(`form[method=post][action="/tax/objects"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("record object: %d", st)
	}
	if got := tb.text("[data-testid=hrsz]"); got != "123/4/A/5" {
		t.Errorf("object page hrsz = %q", got)
	}
	tb.audit("tax-object")
	tb.open("/tax/assessment")
	tb.audit("tax-assessment")
	tb.typeIn("#tax_year", "\b\b\b\b2027")
	if st := tb.press(`[data-testid=run]`); st != http.StatusOK {
		t.Fatalf("run: %d", st)
	}
	tb.audit("tax-assessment-run")
}
