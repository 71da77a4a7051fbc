package app

import (
	"net/http"
	"testing"
)

// GAZD's pages pass axe-core and reflow: the entity list and form, a
// refused form, the entity page with its budget and journal, the reports.
func TestBrowserFinancePages(t *testing.T) {
	app := demoApp(t)
	srv := newServer(t, app)
	tb := newTab(t, srv, "hu", true)
	if st := tb.login(demoLogin(t, "kulcs.orfu")); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	tb.open("/finance")
	tb.audit("finance-overview")
	tb.typeIn("#name", "Orfűi Közös Önkormányzati Hivatal")
	tb.typeIn("#functions", "11130")
	if st := tb.press(`form[action="/finance/entities"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("refused: %d", st)
	}
	tb.audit("finance-overview-error")
	tb.typeIn("#functions", "0")
	if st := tb.press(`form[action="/finance/entities"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("refused again: %d", st)
	}
	tb.open("/finance")
	tb.typeIn("#name", "Orfűi Közös Önkormányzati Hivatal")
	tb.typeIn("#functions", "011130, 064010")
	if st := tb.press(`form[action="/finance/entities"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("create: %d", st)
	}
	entity := tb.path()
	tb.click(`//summary[contains(normalize-space(.), "Előirányzat rögzítése")]`)
	tb.typeIn("#b-rovat", "K331")
	tb.typeIn("#b-funkcio", "064010")
	tb.typeIn("#b-amount", "1 000 000")
	if st := tb.press(`form[action$="/budget"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("budget: %d", st)
	}
	tb.click(`//summary[contains(normalize-space(.), "Gazdasági esemény")]`)
	tb.typeIn("#e-rovat", "K331")
	tb.typeIn("#e-funkcio", "064010")
	tb.typeIn("#e-amount", "250 000")
	if st := tb.press(`form[action$="/events"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("event: %d", st)
	}
	tb.audit("finance-entity")
	tb.open(entity + "/reports")
	tb.audit("finance-reports")
}
