package app

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/records"
)

var docPath = regexp.MustCompile(`^/records/documents/([0-9a-f-]{36})\?done=registered$`)

func TestClerkRegistersInTheBrowser(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	c := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(c.Username, c.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})

	if p := b.get("/records"); p.Status != 200 || !strings.Contains(p.Body, `href="/records/new"`) {
		t.Fatalf("records page: %d", p.Status)
	}
	// Refused: no subject; a malformed predecessor.
	if p := b.post("/records", url.Values{"book": {"KOZ"}, "direction": {"in"}, "subject": {""}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Adja meg az irat tárgyát.") {
		t.Errorf("no subject: %d", p.Status)
	}
	if p := b.post("/records", url.Values{"book": {"KOZ"}, "direction": {"in"}, "subject": {"x"}, "predecessor": {"12/2026"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "nem iktatószám") {
		t.Errorf("bad predecessor: %d", p.Status)
	}
	p := b.post("/records", url.Values{"book": {"KOZ"}, "direction": {"in"}, "subject": {"Fakivágási kérelem"}, "partner": {"Szabó Ilona"}})
	m := docPath.FindStringSubmatch(p.Location)
	if p.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("register: %d %s", p.Status, p.Location)
	}
	doc := b.get(p.Location)
	number := regexp.MustCompile(`data-testid="number">([^<]+)<`).FindStringSubmatch(doc.Body)
	if number == nil || !strings.HasPrefix(number[1], "1-1/") || !strings.Contains(doc.Body, "Iktatva: "+number[1]) {
		t.Fatalf("receipt page lacks the number")
	}
	p = b.post("/records", url.Values{"book": {"KOZ"}, "direction": {"out"}, "subject": {"Hiánypótlási felhívás"}, "predecessor": {number[1]}})
	if !strings.Contains(b.get(p.Location).Body, `"number">1-2/`) {
		t.Errorf("follow-up did not get the next sub-number")
	}
	if s := b.get("/records?q=fakiv"); !strings.Contains(s.Body, "Fakivágási kérelem") || strings.Contains(s.Body, "Hiánypótlási") {
		t.Errorf("search does not narrow")
	}
	// The clerk may not void; the head of records may.
	if p := b.post("/records/documents/"+m[1]+"/void", url.Values{"reason": {"téves"}}); p.Status != http.StatusForbidden {
		t.Errorf("clerk voided: %d", p.Status)
	}
	ku := demoLogin(t, "kulcs.orfu")
	mb := newBrowser(t, srv)
	mb.login(ku.Username, ku.Password, ku.TOTPSecret)
	if p := mb.post("/records/documents/"+m[1]+"/void", url.Values{"reason": {""}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("void without reason: %d", p.Status)
	}
	if p := mb.post("/records/documents/"+m[1]+"/void", url.Values{"reason": {"Rossz ügyfélhez iktatva"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("void: %d", p.Status)
	}
	if d := b.get("/records/documents/" + m[1]); !strings.Contains(d.Body, "Rossz ügyfélhez iktatva") {
		t.Errorf("voided document does not show the reason")
	}
	// Views and searches of case data are in Orfű's log (Iratkr. 63. §).
	if log := mb.get("/audit?action=records."); !strings.Contains(log.Body, "records.view") || !strings.Contains(log.Body, "records.search") || !strings.Contains(log.Body, "records.void") {
		t.Errorf("records events missing from the audit log")
	}

	// Another municipality's document does not exist for Orfű's people.
	var abaDoc records.Document
	err := a.DB.InTenant(cliContext(context.Background()), db.TenantID("12548"), func(ctx context.Context, tx bun.Tx) error {
		var err error
		abaDoc, err = (&records.Service{}).Register(ctx, tx, records.Registration{BookCode: "KOZ", Direction: records.Incoming, Subject: "Abaligeti titkos ügy", By: "test"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	abaFile, err := (&records.Service{}).Attach(context.Background(), a.DB, a.Files, "12548", records.Upload{
		Document: abaDoc.ID, FileName: "abaligeti-titok.txt", Body: strings.NewReader("Abaligeti titkos tartalom"), MaxBytes: 1 << 20, By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	// One of every other IRAT object too, under its own parameter name.
	ids := abaligetRecords(t, a)
	ids["id"] = abaDoc.ID.String()
	ids["aid"] = abaFile.ID.String()
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	separation.Check(t, separation.Case{
		BaseURL:    srv.URL,
		Actors:     []separation.Actor{{Name: "registry clerk of Orfű", Client: b.c}, {Name: "head of records of Orfű", Client: mb.c}},
		IDsOfB:     ids,
		SecretsOfB: []string{"Abaligeti titkos ügy", "abaligeti-titok.txt", "Abaligeti titkos tartalom"},
		Routes:     records.SeparationRoutes,
	})
}

func TestArrivalThenRegistration(t *testing.T) {
	a := demoApp(t)
	b := newBrowser(t, newServer(t, a))
	c := demoLogin(t, "ugyintezo")
	b.login(c.Username, c.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	if p := b.post("/records/arrivals", url.Values{"channel": {"paper"}, "sender_name": {""}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Adja meg a küldő nevét.") {
		t.Errorf("arrival without sender: %d", p.Status)
	}
	if p := b.post("/records/arrivals", url.Values{"channel": {"paper"}, "sender_name": {"x"}, "received_at": {"tegnap"}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("arrival with a bad time: %d", p.Status)
	}
	p := b.post("/records/arrivals", url.Values{"channel": {"electronic"}, "sender_name": {"Vadász Kft."}, "delivery_id": {"HK-1"}})
	if p.Status != http.StatusCreated || !strings.Contains(p.Body, "Érkeztetve: É-1/") || !strings.Contains(p.Body, `data-testid="acknowledgement"`) {
		t.Fatalf("arrival: %d", p.Status)
	}
	link := regexp.MustCompile(`href="/records/new\?arrival=([0-9a-f-]{36})"`).FindStringSubmatch(p.Body)
	if link == nil {
		t.Fatal("no link to register the arrival")
	}
	form := b.get("/records/new?arrival=" + link[1])
	if !strings.Contains(form.Body, `value="Vadász Kft."`) || !strings.Contains(form.Body, `name="arrival" value="`+link[1]+`"`) {
		t.Errorf("registration form not prefilled from the arrival")
	}
	p = b.post("/records", url.Values{"book": {"KOZ"}, "direction": {"in"}, "subject": {"Vadászati engedély"}, "partner": {"Vadász Kft."}, "arrival": {link[1]}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("register the arrival: %d", p.Status)
	}
	if list := b.get("/records/arrivals"); !strings.Contains(list.Body, ">Iktatva</a>") {
		t.Errorf("the arrival does not show it was registered")
	}
	if again := b.post("/records", url.Values{"book": {"KOZ"}, "direction": {"in"}, "subject": {"x"}, "arrival": {link[1]}}); again.Status != http.StatusUnprocessableEntity {
		t.Errorf("second registration of the arrival: %d", again.Status)
	}
}

func TestHeadOfRecordsClosesTheBook(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	c := demoLogin(t, "ugyintezo")
	clerk := newBrowser(t, srv)
	clerk.login(c.Username, c.Password, "")
	clerk.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	clerk.post("/records", url.Values{"book": {"KOZ"}, "direction": {"in"}, "subject": {"Első"}})
	ku := demoLogin(t, "kulcs.orfu")
	head := newBrowser(t, srv)
	head.login(ku.Username, ku.Password, ku.TOTPSecret)
	page := head.get("/records")
	m := regexp.MustCompile(`action="/records/books/([0-9a-f-]{36})/close"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no close button for the head of records")
	}
	if strings.Contains(clerk.get("/records").Body, "/close\"") {
		t.Error("the clerk is offered to close the book")
	}
	if p := clerk.post("/records/books/"+m[1]+"/close", nil); p.Status != http.StatusForbidden {
		t.Errorf("clerk closed the book: %d", p.Status)
	}
	if p := head.post("/records/books/"+m[1]+"/close", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("close: %d", p.Status)
	}
	if p := head.post("/records/books/"+m[1]+"/close", nil); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "már le van zárva") {
		t.Errorf("second close: %d", p.Status)
	}
	if p := clerk.get("/records"); !strings.Contains(p.Body, "Lezárva (1 bejegyzés)") {
		t.Error("the book list does not show the closure")
	}
}
