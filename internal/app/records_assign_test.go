package app

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/records"
)

// The head of records assigns what the registry registered; the case
// officer finds it in her inbox, opens it (seen) and closes the task.
func TestAssignmentAndInbox(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	clerkLogin, headLogin := demoLogin(t, "ugyintezo"), demoLogin(t, "kulcs.orfu")
	clerk := newBrowser(t, srv)
	clerk.login(clerkLogin.Username, clerkLogin.Password, "")
	clerk.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	head := newBrowser(t, srv)
	head.login(headLogin.Username, headLogin.Password, headLogin.TOTPSecret)
	officer, _ := a.Identity.Users.ByUsername(context.Background(), "ugyintezo")

	register := func(subject string) string {
		t.Helper()
		p := clerk.post("/records", url.Values{"book": {"KOZ"}, "direction": {"in"}, "subject": {subject}, "partner": {"Fehér Klára"}})
		m := docPath.FindStringSubmatch(p.Location)
		if m == nil {
			t.Fatalf("register %s: %d %s", subject, p.Status, p.Location)
		}
		return m[1]
	}
	first, second, third := register("Telepengedély iránti kérelem"), register("Közérdekű adatigénylés"), register("Zajpanasz")

	// The registry clerk cannot assign; the head sees the form with the
	// case officers and the case types.
	if p := clerk.post("/records/documents/"+first+"/assignments", url.Values{"assignee": {officer.ID.String()}}); p.Status != http.StatusForbidden {
		t.Errorf("registry clerk assigned: %d", p.Status)
	}
	page := head.get("/records/documents/" + first)
	if !strings.Contains(page.Body, `value="`+officer.ID.String()+`"`) || !strings.Contains(page.Body, "Telepengedély – 30 nap") {
		t.Fatalf("assignment form lacks the officer or the case types")
	}
	// Refusals: nobody chosen, someone who is not a case officer here, a
	// malformed deadline.
	for name, tc := range map[string]struct {
		form url.Values
		msg  string
	}{
		"no officer":  {url.Values{"case_type": {"telepengedely"}}, "Válassza ki az ügyintézőt."},
		"not officer": {url.Values{"assignee": {uuid.NewString()}}, "nem ügyintéző ennél az önkormányzatnál"},
		"bad due":     {url.Values{"assignee": {officer.ID.String()}, "due": {"jövő hét"}}, "ÉÉÉÉ-HH-NN"},
	} {
		if p := head.post("/records/documents/"+first+"/assignments", tc.form); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, tc.msg) {
			t.Errorf("%s: %d, message %q missing", name, p.Status, tc.msg)
		}
	}
	p := head.post("/records/documents/"+first+"/assignments", url.Values{"assignee": {officer.ID.String()}, "case_type": {"telepengedely"},
		"unit": {"Hatósági iroda"}, "instructions": {"Helyszíni szemlét tartani."}, "urgent": {"1"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("assign: %d", p.Status)
	}
	if d := head.get(p.Location); !strings.Contains(d.Body, "Helyszíni szemlét tartani.") || !strings.Contains(d.Body, "Kovács Anna") || !strings.Contains(d.Body, "Sürgős") {
		t.Errorf("the document page does not show the task")
	}

	// Bulk szignálás from the overview: both remaining documents at once.
	overview := head.get("/records/inbox?view=all")
	if !strings.Contains(overview.Body, "Közérdekű adatigénylés") || !strings.Contains(overview.Body, "Zajpanasz") || strings.Contains(overview.Body, `value="`+first+`"`) {
		t.Fatalf("unassigned list wrong")
	}
	if p := head.post("/records/assignments", url.Values{"assignee": {officer.ID.String()}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Jelölje ki a kiosztandó iratokat.") {
		t.Errorf("bulk without documents: %d", p.Status)
	}
	if p := head.post("/records/assignments", url.Values{"document": {second, third}, "assignee": {officer.ID.String()}, "case_type": {"kozerdeku"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("bulk assign: %d", p.Status)
	}
	if o := head.get("/records/inbox?view=all"); !strings.Contains(o.Body, "2 iratot kiosztottunk.") && !strings.Contains(o.Body, "Minden bejövő irat ki van osztva.") {
		t.Errorf("overview after bulk assignment")
	}

	// The officer's inbox: three open tasks, marked new until opened.
	inbox := clerk.get("/records/inbox")
	if inbox.Status != 200 || !strings.Contains(inbox.Body, "Telepengedély iránti kérelem") || strings.Count(inbox.Body, ">Új</strong>") != 3 {
		t.Fatalf("inbox: %d, new marks %d", inbox.Status, strings.Count(inbox.Body, ">Új</strong>"))
	}
	// One menu entry is current: "My cases", not also "Records".
	if n := strings.Count(inbox.Body, `aria-current="page"`); n != 1 || !strings.Contains(inbox.Body, `href="/records/inbox" aria-current="page"`) {
		t.Errorf("menu marks %d entries current on the inbox", n)
	}
	clerk.get("/records/documents/" + first)
	if inbox := clerk.get("/records/inbox"); strings.Count(inbox.Body, ">Új</strong>") != 2 {
		t.Errorf("opening the document did not mark the task seen")
	}
	doc := clerk.get("/records/documents/" + first)
	task := regexp.MustCompile(`action="/records/assignments/([0-9a-f-]{36})/done"`).FindStringSubmatch(doc.Body)
	if task == nil || !strings.Contains(doc.Body, "Megnyitotta:") {
		t.Fatalf("the officer cannot close her task, or seen is not shown")
	}
	if p := clerk.post("/records/assignments/"+task[1]+"/done", url.Values{"note": {"Engedély kiadva."}}); p.Status != http.StatusSeeOther {
		t.Fatalf("finish: %d", p.Status)
	}
	if p := clerk.post("/records/assignments/"+task[1]+"/done", nil); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("finishing twice: %d", p.Status)
	}
	if d := clerk.get("/records/documents/" + first); !strings.Contains(d.Body, "Elintézve:") || !strings.Contains(d.Body, "Engedély kiadva.") {
		t.Errorf("the closed task does not show")
	}

	// Case types: anyone with records may read; the head adds one; a bad
	// one is refused with the reason.
	if ct := clerk.get("/records/case-types"); ct.Status != 200 || !strings.Contains(ct.Body, "Ákr. 50. § (2) c)") || strings.Contains(ct.Body, `action="/records/case-types"`) {
		t.Errorf("case types for the clerk: %d", ct.Status)
	}
	if p := clerk.post("/records/case-types", url.Values{"code": {"fakivagas"}, "name": {"Fakivágás"}, "days": {"15"}, "unit": {"day"}}); p.Status != http.StatusForbidden {
		t.Errorf("clerk changed case types: %d", p.Status)
	}
	if p := head.post("/records/case-types", url.Values{"code": {"fakivagas"}, "name": {"Fakivágás"}, "days": {"sok"}, "unit": {"day"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "1 és 3650 közötti egész szám") {
		t.Errorf("bad days: %d", p.Status)
	}
	if p := head.post("/records/case-types", url.Values{"code": {"fakivagas"}, "name": {"Fakivágási bejelentés"}, "days": {"15"}, "unit": {"working_day"}, "active": {"1"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("save case type: %d", p.Status)
	}
	if ct := head.get("/records/case-types"); !strings.Contains(ct.Body, "Fakivágási bejelentés") || !strings.Contains(ct.Body, "15 munkanap") {
		t.Errorf("own case type not listed")
	}
	if log := head.get("/audit?action=records."); !strings.Contains(log.Body, "records.assign") || !strings.Contains(log.Body, "records.assignment_done") || !strings.Contains(log.Body, "records.inbox") {
		t.Errorf("assignment events missing from the audit log")
	}

	// Another municipality's task and document stay out of reach.
	aba := abaligetRecords(t, a)
	clerk.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	separation.Check(t, separation.Case{
		BaseURL:    srv.URL,
		Actors:     []separation.Actor{{Name: "case officer of Orfű", Client: clerk.c}, {Name: "head of records of Orfű", Client: head.c}},
		IDsOfB:     aba,
		SecretsOfB: []string{"Abaligeti szignált ügy"},
		Routes:     records.SeparationRoutes,
	})
	if p := head.post("/records/assignments", url.Values{"document": {aba["id"]}, "assignee": {officer.ID.String()}}); p.Status != http.StatusNotFound {
		t.Errorf("bulk assignment of Abaliget's document from Orfű: %d", p.Status)
	}
}

// everyone is a directory in which one person holds every permission.
type everyone struct{ module.Person }

func (e everyone) With(context.Context, db.TenantID, access.Permission) ([]module.Person, error) {
	return []module.Person{e.Person}, nil
}

// abaligetRecords makes one of each IRAT object in Abaliget (a task, a
// draft under review, a dispatch) and returns their identifiers under the
// path parameter names of the records routes, for the separation harness.
// Its texts all contain "Abaligeti szignált ügy".
func abaligetRecords(t *testing.T, a *App) map[string]string {
	t.Helper()
	officer, _ := a.Identity.Users.ByUsername(context.Background(), "ugyintezo")
	svc := &records.Service{People: everyone{module.Person{ID: officer.ID, Username: officer.Username, Name: officer.DisplayName}}}
	ids := map[string]string{}
	err := a.DB.InTenant(cliContext(context.Background()), db.TenantID("12548"), func(ctx context.Context, tx bun.Tx) error {
		doc, err := svc.Register(ctx, tx, records.Registration{BookCode: "KOZ", Direction: records.Incoming, Subject: "Abaligeti szignált ügy", By: "test"})
		if err != nil {
			return err
		}
		task, err := svc.Assign(ctx, tx, records.AssignInput{DocumentID: doc.ID, AssigneeID: officer.ID, By: "test"})
		if err != nil {
			return err
		}
		draft, err := svc.CreateDraft(ctx, tx, doc.ID, records.DraftInput{Subject: "Abaligeti szignált ügy válasz", Addressee: "Abaligeti szignált ügy ügyfele"}, "test")
		if err != nil {
			return err
		}
		if _, err := svc.SubmitDraft(ctx, tx, draft.ID, []uuid.UUID{officer.ID}, officer.ID, "test"); err != nil {
			return err
		}
		var review records.Review
		if err := tx.NewSelect().Model(&review).Where("draft_id = ?", draft.ID).Scan(ctx); err != nil {
			return err
		}
		out, err := svc.Register(ctx, tx, records.Registration{BookCode: "KOZ", Direction: records.Outgoing, Subject: "Abaligeti szignált ügy határozat", Predecessor: doc.Number, By: "test"})
		if err != nil {
			return err
		}
		dispatch, err := svc.Dispatch(ctx, tx, out.ID, records.DispatchInput{Channel: records.DispatchElectronic, Addressee: "Abaligeti szignált ügy ügyfele"}, "test")
		if err != nil {
			return err
		}
		ids = map[string]string{"id": doc.ID.String(), "case": doc.CaseID.String(), "task": task.ID.String(), "draft": draft.ID.String(),
			"review": review.ID.String(), "dispatch": dispatch.ID.String()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	file, err := svc.Attach(cliContext(context.Background()), a.DB, a.Files, "12548", records.Upload{Document: uuid.MustParse(ids["id"]),
		FileName: "abaligeti-szignalt-ugy.txt", Body: strings.NewReader("Abaligeti szignált ügy melléklete"), MaxBytes: 1 << 20, By: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ids["aid"] = file.ID.String()
	return ids
}

func TestAssignmentAPI(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	doc, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	v := openapitest.LoadDocument(t, doc)
	officer, _ := a.Identity.Users.ByUsername(context.Background(), "ugyintezo")
	headToken, officerToken := tokenFor(t, a, "kulcs.orfu", "11730"), tokenFor(t, a, "ugyintezo", "11730")
	call := apiCaller(t, srv.URL, v)
	st, d := call("POST", "/api/v1/records/documents", headToken, `{"book":"KOZ","direction":"in","subject":"Hatósági igazolás kérése","partner":"Lakatos Éva"}`)
	if st != 201 {
		t.Fatalf("register: %d %v", st, d)
	}
	id := d["id"].(string)
	path := "/api/v1/records/documents/" + id + "/assignments"
	if st, p := call("POST", path, headToken, `{"assignee":"`+officer.ID.String()+`","case_type":"nincs"}`); st != 422 || p["errors"].(map[string]any)["case_type"] == nil {
		t.Errorf("unknown case type: %d %v", st, p)
	}
	if st, _ := call("POST", path, officerToken, `{"assignee":"`+officer.ID.String()+`"}`); st != 403 {
		t.Errorf("a case officer assigned: %d", st)
	}
	if st, _ := call("POST", "/api/v1/records/documents/"+uuid.NewString()+"/assignments", headToken, `{"assignee":"`+officer.ID.String()+`"}`); st != 404 {
		t.Errorf("unknown document: %d", st)
	}
	st, task := call("POST", path, headToken, `{"assignee":"`+officer.ID.String()+`","case_type":"hatosagi_igazolas","instructions":"Igazolást kiállítani."}`)
	if st != 201 || task["due_on"] == nil || task["status"] != "active" {
		t.Fatalf("assign: %d %v", st, task)
	}
	st, inbox := call("GET", "/api/v1/records/inbox", officerToken, "")
	if st != 200 {
		t.Fatalf("inbox: %d", st)
	}
	n := len(inbox["overdue"].([]any)) + len(inbox["due_soon"].([]any)) + len(inbox["later"].([]any))
	if n != 1 {
		t.Errorf("inbox has %d tasks, want 1: %v", n, inbox)
	}
}
