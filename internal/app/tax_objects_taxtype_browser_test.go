package app

import (
	"context"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/tax"
)

// A clerk chooses "Telek – kommunális adó" in the new-object form's one
// labelled select and sees the tax on the object page and in the list;
// the pages pass the accessibility checks. (The select offers only the
// allowed pairs; the refusal of another is in the form test.)
func TestBrowserTaxObjectCommunalPlot(t *testing.T) {
	app := demoApp(t)
	srv := newServer(t, app)
	err := app.DB.InTenant(cliContext(context.Background()), "12548", func(ctx context.Context, tx bun.Tx) error {
		_, err := (&tax.Service{}).RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "8123456786", Name: "Kovács Ödön"}, "test")
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
	tb.click(`//summary[contains(normalize-space(.), "Új adótárgy")]`)
	if got := tb.text(`label[for=kind_tax]`); got != "Adónem és adótárgy" {
		t.Errorf("the select's label: %q", got)
	}
	for sel, v := range map[string]string{"#hrsz": "0312/5", "#address": "7678 Abaliget, Kert utca 3.", "#area_m2": "900",
		"#valid_from": "2015-01-01", "#effective_on": "2015-01-01", "#owner1_tax_id": "8123456786", "#owner1_share": "1"} {
		tb.typeIn(sel, v)
	}
	tb.audit("tax-object-form")
	tb.shot("form")
	tb.fatal("choose", chromedp.Do(tb.ctx, chromedp.SetValue(chromedp.CSS("#kind_tax"), "plot:kommunalis_ado")))
	if st := tb.press(`form[method=post][action="/tax/objects"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("communal plot: %d", st)
	}
	if got := tb.text("[data-testid=tax-type]"); got != "Magánszemélyek kommunális adója" {
		t.Errorf("object page tax = %q", got)
	}
	tb.audit("tax-object-communal")
	tb.shot("object")
	tb.open("/tax/objects")
	tb.shot("list")
}
