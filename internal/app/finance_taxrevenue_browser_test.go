package app

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
)

// The pages of the tax revenue transfer, the commitment roll, the
// designations with their revoke forms, and the settings pass axe-core
// and reflow, with their refusals.
func TestBrowserFinanceTaxRevenuePages(t *testing.T) {
	app := demoApp(t)
	srv := newServer(t, app)
	month := taxrevPrevMonth(app.Now())
	taxrevSeed(t, app.DB, "11730", month)
	var ent uuid.UUID
	if err := app.DB.InTenant(cliContext(context.Background()), "11730", func(ctx context.Context, tx bun.Tx) error {
		es, err := finance.Entities(ctx, tx)
		for _, e := range es {
			if e.Kind == finance.Municipality {
				ent = e.ID
			}
		}
		if err != nil {
			return err
		}
		_, err = (&finance.Service{Now: app.Now}).Designate(ctx, tx, ent, finance.DesignationInput{Username: "ellenjegyzo", Role: finance.RoleCountersign,
			ValidFrom: hu.Date{Year: month.Year, Month: 1, Day: 1}, Decision: "jegyző 1/2026."}, "t")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	base := "/finance/entities/" + ent.String()
	tb := newTab(t, srv, "hu", true)
	if st := tb.login(demoLogin(t, "kulcs.orfu")); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	tb.open(base + "/tax-revenue?month=" + month.String()[:7])
	tb.audit("finance-taxrev-preview")
	if st := tb.press(`[data-testid="taxrev-post"]`); st != http.StatusOK {
		t.Fatalf("post: %d", st)
	}
	tb.audit("finance-taxrev-posted")
	tb.typeIn("#month", "2026-13")
	if st := tb.press(`form[method="get"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("bad month: %d", st)
	}
	tb.audit("finance-taxrev-error")
	tb.open(base + "/commitments/roll")
	tb.audit("finance-roll")
	tb.open(base + "/designations")
	tb.click(`//summary[contains(normalize-space(.), "Visszavonás")]`)
	tb.typeIn(`input[name="decision"]`, "jegyző 9/2026.")
	tb.typeIn(`input[name="revoked_from"]`, "2000-01-01")
	if st := tb.press(`form[action$="/revoke"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("backdated revocation: %d", st)
	}
	tb.audit("finance-designations-revoke-error")
	tb.open("/finance/settings")
	tb.typeIn("#written_commitment_limit", "sok")
	if st := tb.press(`form[action="/finance/settings"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("bad setting: %d", st)
	}
	tb.audit("finance-settings-error")
}
