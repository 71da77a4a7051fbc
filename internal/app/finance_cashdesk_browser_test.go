package app

import (
	"net/http"
	"testing"
)

// The cash desk's pages pass axe-core and reflow: the list with its form
// and a refusal, the desk with its vouchers, a refused voucher, the count
// form opened, and the cash book.
func TestBrowserCashDeskPages(t *testing.T) {
	app := demoApp(t)
	srv := newServer(t, app)
	tb := newTab(t, srv, "hu", true)
	if st := tb.login(demoLogin(t, "kulcs.orfu")); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	tb.open("/finance")
	tb.typeIn("#name", "Orfűi Közös Önkormányzati Hivatal")
	tb.typeIn("#functions", "011130")
	if st := tb.press(`form[action="/finance/entities"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("create entity: %d", st)
	}
	tb.open(tb.path() + "/cash-desks")
	tb.audit("cash-desks")
	tb.typeIn("#name", "Házipénztár")
	tb.typeIn("#closing_limit", "sok")
	tb.typeIn("#cashier", "Pénztáros Piroska")
	if st := tb.press(`form[action$="/cash-desks"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("refused desk: %d", st)
	}
	tb.audit("cash-desks-error")
	tb.typeIn("#closing_limit", "100 000")
	if st := tb.press(`form[action$="/cash-desks"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("create desk: %d", st)
	}
	desk := tb.path()
	tb.typeIn("#v-partner", "Pénztáros Piroska")
	tb.typeIn("#v-purpose", "Ellátmány")
	tb.typeIn("#v-amount", "100 000")
	tb.typeIn("#v-rovat", "B402")
	tb.typeIn("#v-funkcio", "011130")
	if st := tb.press(`form[action$="/vouchers"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("receipt: %d", st)
	}
	tb.audit("cash-desk")
	tb.typeIn("#v-partner", "Magyar Posta Zrt.")
	tb.typeIn("#v-purpose", "Bélyeg")
	tb.typeIn("#v-amount", "900 000")
	tb.typeIn("#v-rovat", "K334")
	tb.typeIn("#v-funkcio", "011130")
	if st := tb.press(`form[action$="/vouchers"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("refused voucher: %d", st)
	}
	tb.audit("cash-desk-error")
	tb.open(desk)
	tb.click(`//summary[contains(normalize-space(.), "Új pénztárellenőrzés")]`)
	tb.audit("cash-desk-count")
	tb.open(desk + "/book")
	tb.audit("cash-book")
}
