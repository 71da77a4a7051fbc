package app

import (
	"net/http"
	"testing"
)

// The later GAZD pages pass axe-core and reflow too: fixed assets (with a
// refused form), outgoing invoices (with a refused form), bank statements,
// and the further reports, on the demo municipality's entity.
func TestBrowserFinanceLaterPages(t *testing.T) {
	app := demoApp(t)
	srv := newServer(t, app)
	tb := newTab(t, srv, "hu", true)
	if st := tb.login(demoLogin(t, "kulcs.orfu")); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	tb.open("/finance")
	entity, ok := tb.attr(`a[href^="/finance/entities/"]`, "href")
	if !ok {
		t.Fatal("the demo has no entity on the finance overview")
	}

	tb.open(entity + "/assets")
	tb.audit("finance-assets")
	if st := tb.press(`form[method="post"][action$="/assets"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("an empty asset form: %d", st)
	}
	tb.audit("finance-assets-error")

	tb.open(entity + "/outgoing")
	tb.audit("finance-outgoing")
	if st := tb.press(`form[method="post"][action$="/outgoing"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("an empty invoice form: %d", st)
	}
	tb.audit("finance-outgoing-error")

	tb.open(entity + "/bank")
	tb.audit("finance-bank")

	for name, r := range map[string]string{"general-ledger": "general-ledger?account=331", "analytics": "analytics?account=331",
		"balance-sheet": "balance-sheet", "maradvany": "maradvany"} {
		if st := tb.open(entity + "/reports/" + r); st != http.StatusOK {
			t.Fatalf("%s: %d", r, st)
		}
		tb.audit("finance-report-" + name)
	}
	tb.open("/finance/reports/consolidated")
	tb.audit("finance-report-consolidated")
}
