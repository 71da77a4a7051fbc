package app

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
)

var draftPath = regexp.MustCompile(`^/records/drafts/([0-9a-f-]{36})\?done=created$`)

// The case officer drafts a reply, the head approves and signs it off
// (which registers it), the registry dispatches it and records the
// delivery; the same through the API.
func TestDraftSignOffDispatch(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	clerkLogin, headLogin := demoLogin(t, "ugyintezo"), demoLogin(t, "kulcs.orfu")
	clerk := newBrowser(t, srv)
	clerk.login(clerkLogin.Username, clerkLogin.Password, "")
	clerk.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	head := newBrowser(t, srv)
	head.login(headLogin.Username, headLogin.Password, headLogin.TOTPSecret)
	headUser, _ := a.Identity.Users.ByUsername(context.Background(), "kulcs.orfu")

	p := clerk.post("/records", url.Values{"book": {"KOZ"}, "direction": {"in"}, "subject": {"Fakivágási kérelem"}, "partner": {"Szabó Ilona"}})
	incoming := docPath.FindStringSubmatch(p.Location)[1]

	// A draft without addressee is refused on the document page.
	if p := clerk.post("/records/documents/"+incoming+"/drafts", url.Values{"subject": {"Engedély"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Adja meg a címzett nevét") {
		t.Errorf("draft without addressee: %d", p.Status)
	}
	p = clerk.post("/records/documents/"+incoming+"/drafts", url.Values{"subject": {"Fakivágási engedély"}, "addressee": {"Szabó Ilona"},
		"addressee_address": {"7677 Orfű, Dollár utca 3."}, "body": {"Tisztelt Szabó Ilona!\nA kérelmének helyt adok."}})
	m := draftPath.FindStringSubmatch(p.Location)
	if p.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create draft: %d %s", p.Status, p.Location)
	}
	draft := "/records/drafts/" + m[1]
	if d := clerk.get(draft); !strings.Contains(d.Body, "A kérelmének helyt adok.") || !strings.Contains(d.Body, `name="signer"`) {
		t.Fatalf("draft page")
	}
	if p := clerk.post(draft+"/submit", url.Values{"signer": {""}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "kiadmányozási joggal") {
		t.Errorf("submit without signer: %d", p.Status)
	}
	if p := clerk.post(draft+"/submit", url.Values{"reviewer": {headUser.ID.String()}, "signer": {headUser.ID.String()}}); p.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d", p.Status)
	}
	// The clerk cannot sign; the head sees it to approve, then to sign.
	if p := clerk.post(draft+"/sign", url.Values{"method": {"paper"}}); p.Status != http.StatusForbidden {
		t.Errorf("clerk signed: %d", p.Status)
	}
	inbox := head.get("/records/inbox")
	if !strings.Contains(inbox.Body, `data-testid="to-review"`) || !strings.Contains(inbox.Body, "Fakivágási engedély") {
		t.Fatalf("the approver's inbox lacks the draft")
	}
	review := regexp.MustCompile(`action="/records/reviews/([0-9a-f-]{36})"`).FindStringSubmatch(head.get(draft).Body)
	if review == nil {
		t.Fatal("no approval form for the approver")
	}
	if p := head.post("/records/reviews/"+review[1], url.Values{"decision": {"reject"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Írja le, miért nem hagyja jóvá.") {
		t.Errorf("reject without reason: %d", p.Status)
	}
	if p := head.post("/records/reviews/"+review[1], url.Values{"decision": {"approve"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d", p.Status)
	}
	if inbox := head.get("/records/inbox"); !strings.Contains(inbox.Body, `data-testid="to-sign"`) {
		t.Errorf("the signer's inbox lacks the draft")
	}
	if p := head.post(draft+"/sign", url.Values{"method": {"paper"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("sign: %d", p.Status)
	}
	signed := head.get(draft)
	number := regexp.MustCompile(`href="/records/documents/([0-9a-f-]{36})" data-testid="registered">([^<]+)<`).FindStringSubmatch(signed.Body)
	if number == nil || !strings.HasPrefix(number[2], "1-2/") || !strings.Contains(signed.Body, "Kiadmányozva") {
		t.Fatalf("signed draft does not show its registration")
	}
	outgoing := number[1]

	// Expediálás: by post, address required; the queue; marked sent; the
	// notices; the delivery presumed later.
	if p := clerk.post("/records/documents/"+incoming+"/dispatches", url.Values{"channel": {"electronic"}, "addressee": {"x"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Csak kimenő iratot") {
		t.Errorf("dispatching an incoming document: %d", p.Status)
	}
	if p := clerk.post("/records/documents/"+outgoing+"/dispatches", url.Values{"channel": {"post"}, "addressee": {"Szabó Ilona"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "adja meg a címet") {
		t.Errorf("post without address: %d", p.Status)
	}
	if p := clerk.post("/records/documents/"+outgoing+"/dispatches", url.Values{"channel": {"post"}, "addressee": {"Szabó Ilona"}, "address": {"7677 Orfű, Dollár utca 3."}, "postal_id": {"RL987654321HU"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("dispatch: %d", p.Status)
	}
	queue := clerk.get("/records/dispatch")
	item := regexp.MustCompile(`name="dispatch" type="checkbox" value="([0-9a-f-]{36})"`).FindStringSubmatch(queue.Body)
	if queue.Status != 200 || item == nil || !strings.Contains(queue.Body, "Posta") {
		t.Fatalf("dispatch queue: %d", queue.Status)
	}
	if p := clerk.post("/records/dispatch/sent", url.Values{"dispatch": {item[1]}}); p.Status != http.StatusSeeOther {
		t.Fatalf("mark sent: %d", p.Status)
	}
	if p := clerk.post("/records/dispatches/"+item[1]+"/events", url.Values{"event": {"notice2"}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("second notice before the first: %d", p.Status)
	}
	if p := clerk.post("/records/dispatches/"+item[1]+"/events", url.Values{"event": {"notice1"}, "at": {"holnap"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "ÉÉÉÉ-HH-NN") {
		t.Errorf("malformed time: %d", p.Status)
	}
	for _, ev := range []string{"notice1", "notice2"} {
		if p := clerk.post("/records/dispatches/"+item[1]+"/events", url.Values{"event": {ev}}); p.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d", ev, p.Status)
		}
	}
	doc := clerk.get("/records/documents/" + outgoing)
	if !strings.Contains(doc.Body, "Értesítő hagyva, nem vette át") || !strings.Contains(doc.Body, "kézbesítettnek minősül:") {
		t.Errorf("the document does not show the delivery state")
	}
	// The case cover sheet tells the story in order.
	cover := regexp.MustCompile(`href="(/records/cases/[0-9a-f-]{36})" data-testid="case-cover"`).FindStringSubmatch(doc.Body)
	if cover == nil {
		t.Fatal("no link to the case cover sheet")
	}
	story := clerk.get(cover[1]).Body
	var at []int
	for _, step := range []string{"Bejövő irat iktatva: 1-1/", "Kiadmány-tervezet készült: Fakivágási engedély", "Jóváhagyva: Fakivágási engedély",
		"Kiadmányozva: Fakivágási engedély", "Kimenő irat iktatva: 1-2/", "Feladva: 1-2/", "Második értesítés: 1-2/"} {
		i := strings.Index(story, step)
		if i < 0 {
			t.Fatalf("the cover sheet lacks %q", step)
		}
		at = append(at, i)
	}
	for i := 1; i < len(at); i++ {
		// Signing and the registration it makes share a moment; the rest
		// must come in order.
		if at[i] < at[i-1] && i != 4 {
			t.Errorf("cover sheet events out of order at step %d", i)
		}
	}
	if log := head.get("/audit?action=records."); !strings.Contains(log.Body, "records.sign") || !strings.Contains(log.Body, "records.delivery") || !strings.Contains(log.Body, "records.draft_review") {
		t.Errorf("outgoing events missing from the audit log")
	}

	// The same dispatch through the API, checked against openapi.json.
	spec, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	call := apiCaller(t, srv.URL, openapitest.LoadDocument(t, spec))
	tok := tokenFor(t, a, "ugyintezo", "11730")
	st, dp := call("POST", "/api/v1/records/documents/"+outgoing+"/dispatches", tok, `{"channel":"notice","addressee":"Ismeretlen helyen tartózkodó"}`)
	if st != 201 || dp["state"] != "prepared" {
		t.Fatalf("API dispatch: %d %v", st, dp)
	}
	id := dp["id"].(string)
	if st, p := call("POST", "/api/v1/records/dispatches/"+id+"/events", tok, `{"event":"picked_up"}`); st != 422 || p["errors"] == nil {
		t.Errorf("picked up on a public notice: %d %v", st, p)
	}
	if st, p := call("POST", "/api/v1/records/dispatches/"+id+"/events", tok, `{"event":"sent"}`); st != 200 || p["state"] != "published" || p["presumed_on"] == nil {
		t.Errorf("published: %d %v", st, p)
	}
	if st, p := call("GET", "/api/v1/records/dispatches/"+id, tok, ""); st != 200 || p["channel"] != "notice" {
		t.Errorf("get dispatch: %d %v", st, p)
	}
}

// The head of records sets the number form; a book opened afterwards uses
// it, the open one keeps its own.
func TestNumberFormSetting(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	hl, cl := demoLogin(t, "kulcs.orfu"), demoLogin(t, "ugyintezo")
	head := newBrowser(t, srv)
	head.login(hl.Username, hl.Password, hl.TOTPSecret)
	clerk := newBrowser(t, srv)
	clerk.login(cl.Username, cl.Password, "")
	clerk.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	if p := clerk.get("/records/settings"); p.Status != http.StatusForbidden {
		t.Errorf("clerk on settings: %d", p.Status)
	}
	if p := head.get("/records/settings"); p.Status != 200 || !strings.Contains(p.Body, "{főszám}-{alszám}/{év} (például 1234-3/2026)") {
		t.Fatalf("settings page: %d", p.Status)
	}
	if p := head.post("/records/settings", url.Values{"number_template": {"{év}{főszám}{alszám}"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "pontosan egyszer") {
		t.Errorf("bad template: %d", p.Status)
	}
	if p := head.post("/records/settings", url.Values{"number_template": {"{év}/{főszám}-{alszám}"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", p.Status)
	}
	if p := head.post("/records/books", url.Values{"code": {"ADO"}, "title": {"Adóügyek"}, "prefix": {"ADO"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("open book: %d", p.Status)
	}
	for book, want := range map[string]string{"KOZ": `"number">1-1/`, "ADO": `"number">ADO/20`} {
		p := clerk.post("/records", url.Values{"book": {book}, "direction": {"in"}, "subject": {"Teszt " + book}})
		if doc := clerk.get(p.Location); !strings.Contains(doc.Body, want) {
			t.Errorf("%s: number not in the form %s", book, want)
		}
	}
}
