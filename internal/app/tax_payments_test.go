package app

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
)

const statementCSV = `típus;számlaszám;kivonat azonosító;sorszám;kezdő nap;záró nap;nyitó egyenleg;záró egyenleg;pénznem
K;11773016-00204000-00000008;2026/31;31;2026-03-01;2026-03-31;0;154000;HUF
T;2026-03-16;2026-03-16;150000;J;REF-1;;Kovács Ödön;;Építményadó 8123456786;
T;2026-03-17;2026-03-17;5000;J;REF-2;;Ismeretlen Befizető;;befizetés;
T;2026-03-18;2026-03-18;1000;T;REF-3;;Bank;;számlavezetési díj;
`

// The tax office names its collection account, reads a statement: the
// payment with an identifier lands on the taxpayer's account, the other
// waits for a clerk, the bank's fee is ignored; reading it again changes
// nothing.
func TestPaymentImport(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	cl := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(cl.Username, cl.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})

	p := b.post("/tax/taxpayers", url.Values{"tax_id": {"8123456786"}, "name": {"Kovács Ödön"}})
	taxpayer := p.Location
	if p := b.post("/tax/payments/accounts", url.Values{"account": {"1177301600204000"}, "tax_type": {"epitmenyado"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "érvényes pénzforgalmi jelzőszámot") {
		t.Errorf("bad account: %d", p.Status)
	}
	if p := b.post("/tax/payments/accounts", url.Values{"account": {"11773016-00204000-00000008"}, "tax_type": {"epitmenyado"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("collection account: %d", p.Status)
	}
	if p := b.upload("/tax/payments/import", nil, "kivonat.csv", strings.NewReader(strings.Replace(statementCSV, "154000", "154001", 1))); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("a statement that does not add up: %d", p.Status)
	}
	p = b.upload("/tax/payments/import", nil, "kivonat.csv", strings.NewReader(statementCSV))
	if p.Status != 200 || !strings.Contains(p.Body, "3 tétel: 1 befizetés elszámolva, 1 egyeztetésre vár, 0 már korábban beolvasva, 1 nem befizetés.") {
		t.Fatalf("import: %d", p.Status)
	}
	if acc := b.get(taxpayer).Body; !strings.Contains(acc, `data-testid="balance-epitmenyado">150`+"\u00a0"+`000 Ft`) {
		t.Errorf("the payment is not on the taxpayer's account")
	}
	p = b.upload("/tax/payments/import", nil, "kivonat.csv", strings.NewReader(statementCSV))
	if !strings.Contains(p.Body, "3 tétel: 0 befizetés elszámolva, 0 egyeztetésre vár, 3 már korábban beolvasva") {
		t.Errorf("re-import changed something")
	}
	// The unmatched payment: the clerk books it for the taxpayer.
	page := b.get("/tax/payments")
	assign := regexp.MustCompile(`action="(/tax/payments/entries/[0-9a-f-]{36}/assign)"`).FindStringSubmatch(page.Body)
	if assign == nil || !strings.Contains(page.Body, "nincs adóazonosító jel") {
		t.Fatal("no unmatched payment to assign")
	}
	if p := b.post(assign[1], url.Values{"tax_id": {"8345678904"}, "tax_type": {"epitmenyado"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Nincs ilyen azonosítójú adózó") {
		t.Errorf("assign to an unknown taxpayer: %d", p.Status)
	}
	if p := b.post(assign[1], url.Values{"tax_id": {"8123456786"}, "tax_type": {"epitmenyado"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("assign: %d", p.Status)
	}
	if acc := b.get(taxpayer).Body; !strings.Contains(acc, `data-testid="balance-epitmenyado">155`+"\u00a0"+`000 Ft`) {
		t.Errorf("the assigned payment is not on the account")
	}
	if p := b.get("/tax/payments"); !strings.Contains(p.Body, "Minden befizetés el van számolva.") {
		t.Errorf("the queue is not empty")
	}
	// The balance notice names the municipality, the balance and where to pay.
	n := b.get(taxpayer + "/notice.pdf")
	if n.Status != 200 || n.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("notice: %d", n.Status)
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, []byte(n.Body), false)), " ")
	for _, want := range []string{"Orfű", "Értesítés az adószámla egyenlegéről", "Kovács Ödön", "építményadó", "155", "11773016-00204000-00000008", "8123456786"} {
		if !strings.Contains(text, want) {
			t.Errorf("the notice lacks %q:\n%s", want, text)
		}
	}
	// A certificate: no debt; registered in IRAT with its number.
	c := b.post(taxpayer+"/certificate", nil)
	if c.Status != 200 || c.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("certificate: %d", c.Status)
	}
	ct := strings.Join(strings.Fields(pdftest.Text(t, []byte(c.Body), false)), " ")
	number := regexp.MustCompile(`Iktatószám: (\d+-1/\d{4})`).FindStringSubmatch(ct)
	if number == nil || !strings.Contains(ct, "nincs adótartozása") || !strings.Contains(ct, "Kovács Ödön") {
		t.Fatalf("certificate text: %s", ct)
	}
	if book := b.get("/records?q=" + url.QueryEscape(number[1])); !strings.Contains(book.Body, "Adóigazolás: nincs adótartozás") {
		t.Errorf("the certificate %s is not in the registration book", number[1])
	}
}
