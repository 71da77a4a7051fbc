package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/records"
	"github.com/openasp-hu/asp/internal/tax"
)

// A refusal of IRAT's reaches the tax clerk as a refusal with IRAT's
// reason, in her language: with this year's volume of the general book
// closed, a data report cannot be registered, and the form says why
// instead of failing with a server error.
func TestIRATRefusalReachesTheTaxClerk(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	cl := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(cl.Username, cl.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	if p := b.post("/tax/taxpayers", url.Values{"tax_id": {"8123456786"}, "name": {"Kovács Ödön"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("taxpayer: %d", p.Status)
	}
	year := time.Now().In(hu.Budapest()).Year()
	s := records.NewService(nil)
	// This year's volume may be open already (the demo registers in it);
	// opening it again is refused, and on PostgreSQL that ends its
	// transaction: its own.
	_ = a.DB.InTenant(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		_, err := s.OpenBook(ctx, tx, tax.ObjectsBook, "Általános iktatókönyv", "", year)
		return err
	})
	err := a.DB.InTenant(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		_, err := s.CloseBook(ctx, tx, tax.ObjectsBook, year, "test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	plot := url.Values{"kind": {"plot"}, "hrsz": {"0123/4"}, "address": {"7677 Orfű, Kert utca 3."}, "area_m2": {"900"},
		"valid_from": {"2015-01-01"}, "effective_on": {"2015-01-01"}, "owner1_tax_id": {"8123456786"}, "owner1_share": {"1"}}
	p := b.post("/tax/objects", plot)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "le van zárva") {
		t.Errorf("data report with the book closed: %d\n%s", p.Status, p.Body)
	}
}
