package app

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/records"
)

// oldCases puts a closed 2011 volume into a tenant's records: a case
// filed under U311 (2 years, long disposable) and one under U102 (NS, goes
// to the archive after 15 years), and closes the 2011 book.
func oldCases(t *testing.T, a *App, tenant db.TenantID) (disposable, permanent records.Document) {
	t.Helper()
	at := time.Date(2011, 5, 2, 9, 0, 0, 0, hu.Budapest())
	s := records.NewService(func() time.Time { return at })
	err := a.DB.InTenant(cliContext(context.Background()), tenant, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.OpenBook(ctx, tx, "KOZ", "Általános iktatókönyv", "", 2011); err != nil {
			return err
		}
		var err error
		for _, c := range []struct {
			doc           *records.Document
			subject, code string
		}{{&disposable, "Régi panasz " + string(tenant), "U311"}, {&permanent, "Testületi jegyzőkönyv " + string(tenant), "U102"}} {
			if *c.doc, err = s.Register(ctx, tx, records.Registration{BookCode: "KOZ", Direction: records.Incoming, Subject: c.subject, By: "test"}); err != nil {
				return err
			}
			if _, err := s.ClassifyCase(ctx, tx, c.doc.CaseID, c.code, "", "test"); err != nil {
				return err
			}
			if _, err := s.CloseCase(ctx, tx, c.doc.CaseID, "test"); err != nil {
				return err
			}
		}
		_, err = s.CloseBook(ctx, tx, "KOZ", 2011, "test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return disposable, permanent
}

func TestClerkFilesAndClosesACase(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	c := demoLogin(t, "ugyintezo")
	clerk := newBrowser(t, srv)
	clerk.login(c.Username, c.Password, "")
	clerk.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	year := hu.DateOf(time.Now()).Year

	p := clerk.post("/records", url.Values{"book": {"KOZ"}, "direction": {"in"}, "subject": {"Zajpanasz"}})
	m := docPath.FindStringSubmatch(p.Location)
	if m == nil {
		t.Fatalf("register: %d", p.Status)
	}
	doc := "/records/documents/" + m[1]
	page := clerk.get(doc)
	if !strings.Contains(page.Body, `action="`+doc+`/classify"`) || !strings.Contains(page.Body, "Még nincs megadva.") {
		t.Fatal("the document page has no filing section for the clerk")
	}
	if p := clerk.post(doc+"/close", nil); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "nem zárható le tételszám nélkül") {
		t.Errorf("close without an item: %d", p.Status)
	}
	want := fmt.Sprintf("Nincs ilyen tételszám a(z) %d. évi irattári tervben: X999.", year)
	if p := clerk.post(doc+"/classify", url.Values{"code": {"x999"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, want) || !strings.Contains(p.Body, `href="#code"`) {
		t.Errorf("unknown item: %d", p.Status)
	}
	if p := clerk.post(doc+"/classify", url.Values{"code": {"U311"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("classify: %d", p.Status)
	}
	if p := clerk.get(doc + "?done=case_classify"); !strings.Contains(p.Body, "<strong>U311</strong>") || !strings.Contains(p.Body, "tételszámát rögzítettük") {
		t.Error("the item does not show")
	}
	if p := clerk.post(doc+"/close", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("close: %d", p.Status)
	}
	closed := clerk.get(doc)
	from := hu.DateOf(time.Now()).AddDays(1)
	from = hu.DateOf(time.Date(from.Year+2, from.Month, from.Day, 12, 0, 0, 0, hu.Budapest()))
	if !strings.Contains(closed.Body, "Lezárva") || !strings.Contains(closed.Body, "selejtezhető "+records.HungarianFrom(from)) {
		t.Errorf("the closed case does not show its retention (want %s)", records.HungarianFrom(from))
	}
	// The cover sheet's history has the closure.
	if cover := regexp.MustCompile(`href="(/records/cases/[0-9a-f-]{36})"`).FindStringSubmatch(closed.Body); cover == nil || !strings.Contains(clerk.get(cover[1]).Body, "Az ügyirat lezárva (tételszám: U311)") {
		t.Error("the closure is not in the case's history")
	}
	// Archiving, the disposal and transfer pages and the plan's changes are
	// the head of records'.
	if p := clerk.post(doc+"/archive", nil); p.Status != http.StatusForbidden {
		t.Errorf("clerk archived: %d", p.Status)
	}
	for _, path := range []string{"/records/disposal", "/records/transfer"} {
		if p := clerk.get(path); p.Status != http.StatusForbidden {
			t.Errorf("clerk GET %s: %d", path, p.Status)
		}
	}
	if p := clerk.post("/records/fileplan/items", url.Values{"year": {fmt.Sprint(year)}, "code": {"U417"}}); p.Status != http.StatusForbidden {
		t.Errorf("clerk added an item: %d", p.Status)
	}
	plan := clerk.get("/records/fileplan")
	if plan.Status != 200 || !strings.Contains(plan.Body, `id="item-U102"`) || strings.Contains(plan.Body, `action="/records/fileplan/items"`) {
		t.Errorf("the clerk's view of the plan: %d", plan.Status)
	}
	if list := clerk.get("/records"); !strings.Contains(list.Body, `href="/records/fileplan"`) || strings.Contains(list.Body, `href="/records/disposal"`) {
		t.Error("the records page links wrongly for the clerk")
	}

	ku := demoLogin(t, "kulcs.orfu")
	head := newBrowser(t, srv)
	head.login(ku.Username, ku.Password, ku.TOTPSecret)
	if p := head.post(doc+"/archive", url.Values{"location": {"Központi irattár, 1. polc"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("archive: %d", p.Status)
	}
	if p := head.get(doc); !strings.Contains(p.Body, "Irattárban") || !strings.Contains(p.Body, "1. polc") {
		t.Error("the archived case does not show it")
	}
	// A new document reopens the case.
	number := regexp.MustCompile(`data-testid="number">([^<]+)<`).FindStringSubmatch(closed.Body)[1]
	p = clerk.post("/records", url.Values{"book": {"KOZ"}, "direction": {"out"}, "subject": {"Válasz"}, "predecessor": {number}})
	if p.Status != http.StatusSeeOther || !strings.Contains(clerk.get(doc).Body, "Folyamatban") {
		t.Errorf("the case was not reopened by a new document: %d", p.Status)
	}

	// The head keeps the plan: adds an item, opens next year's version.
	if p := head.post("/records/fileplan/items", url.Values{"year": {fmt.Sprint(year)}, "code": {"U4170"}, "title": {"x"}, "retention": {"3"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "nem tételszám") {
		t.Errorf("bad item code: %d", p.Status)
	}
	if p := head.post("/records/fileplan/items", url.Values{"year": {fmt.Sprint(year)}, "code": {"u417"}, "title": {"Helyi nyilvántartások"}, "retention": {"NS"}, "lt": {"HN"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("add item: %d %s", p.Status, p.Body)
	}
	if p := head.get(fmt.Sprintf("/records/fileplan?year=%d", year)); !strings.Contains(p.Body, "Helyi nyilvántartások") || !strings.Contains(p.Body, "helyi") {
		t.Error("the new item does not show")
	}
	if p := head.post("/records/fileplan", url.Values{"year": {fmt.Sprint(year + 1)}}); p.Status != http.StatusSeeOther {
		t.Fatalf("open next year: %d", p.Status)
	}
	if p := head.get(fmt.Sprintf("/records/fileplan?year=%d", year+1)); !strings.Contains(p.Body, fmt.Sprintf("A(z) %d. évi terv másolata.", year)) || !strings.Contains(p.Body, "Helyi nyilvántartások") {
		t.Error("next year's plan is not a copy of this year's")
	}
	if p := head.post("/records/fileplan", url.Values{"year": {fmt.Sprint(year + 1)}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "már meg van nyitva") {
		t.Errorf("open twice: %d", p.Status)
	}
	if p := head.get("/records/fileplan?year=tavaly"); p.Status != http.StatusBadRequest {
		t.Errorf("bad year: %d", p.Status)
	}
	if log := head.get("/audit?action=records.case"); !strings.Contains(log.Body, "records.case_classify") || !strings.Contains(log.Body, "records.case_close") || !strings.Contains(log.Body, "records.case_archive") {
		t.Error("case filing is not in the audit log")
	}
}

func TestHeadOfRecordsDisposesAndTransfers(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	old, perm := oldCases(t, a, "11730")
	abaOld, abaPerm := oldCases(t, a, "12548")
	ku := demoLogin(t, "kulcs.orfu")
	head := newBrowser(t, srv)
	head.login(ku.Username, ku.Password, ku.TOTPSecret)
	year := hu.DateOf(time.Now()).Year
	// Each old case has a file: the disposed one loses it, the transferred
	// one carries it into the package.
	attach := func(doc records.Document, name, content string) records.Attachment {
		f, err := (&records.Service{}).Attach(cliContext(context.Background()), a.DB, a.Files, "11730", records.Upload{
			Document: doc.ID, FileName: name, Body: strings.NewReader(content), MaxBytes: 1 << 20, By: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	oldFile := attach(old, "panasz.txt", "Régi panasz szövege")
	attach(perm, "jegyzokonyv.txt", "Testületi jegyzőkönyv szövege")

	// Disposal: the 2011 U311 case is on the list, Abaliget's is not.
	page := head.get("/records/disposal")
	if page.Status != 200 || !strings.Contains(page.Body, "Régi panasz 11730") || strings.Contains(page.Body, "12548") || strings.Contains(page.Body, "Testületi jegyzőkönyv") {
		t.Fatalf("disposal page: %d", page.Status)
	}
	if p := head.post("/records/disposal", url.Values{"year": {fmt.Sprint(year + 1)}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Selejtezési jegyzék 1990 és") {
		t.Errorf("future year: %d", p.Status)
	}
	p := head.post("/records/disposal", url.Values{"year": {fmt.Sprint(year)}})
	lm := regexp.MustCompile(`^/records/disposal/([0-9a-f-]{36})\?done=created$`).FindStringSubmatch(p.Location)
	if p.Status != http.StatusSeeOther || lm == nil {
		t.Fatalf("create the list: %d %s", p.Status, p.Location)
	}
	list := "/records/disposal/" + lm[1]
	if p := head.get(list + "?done=created"); !strings.Contains(p.Body, "1/2011") || !strings.Contains(p.Body, "Tervezet") {
		t.Error("the list page does not show the case")
	}
	csvPage := head.get(list + "/list.csv")
	if csvPage.Status != 200 || !strings.HasPrefix(csvPage.Header.Get("Content-Type"), "text/csv") || !strings.Contains(csvPage.Body, "U311;Közérdekű bejelentések, panaszok, javaslatok;1/2011;Régi panasz 11730") {
		t.Errorf("csv: %d %q", csvPage.Status, csvPage.Body)
	}
	if p := head.post(list+"/execute", nil); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("execute a draft: %d", p.Status)
	}
	if p := head.post(list+"/send", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("send: %d", p.Status)
	}
	if p := head.post(list+"/approve", url.Values{"archive_ref": {""}, "approved_on": {"2011-01-01"}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "jóváhagyó záradékának iktatószámát") {
		t.Errorf("approve without a reference: %d", p.Status)
	}
	today := hu.DateOf(time.Now()).String()
	if p := head.post(list+"/approve", url.Values{"archive_ref": {"MNL BaML 12/" + fmt.Sprint(year)}, "approved_on": {today}}); p.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", p.Status, p.Body)
	}
	if p := head.get(list); !strings.Contains(p.Body, "Levéltár jóváhagyta") || !strings.Contains(p.Body, "MNL BaML 12/") {
		t.Error("the approval does not show")
	}
	// Execution deletes the file's content for good; its record stays.
	if p := head.post(list+"/execute", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("execute: %d", p.Status)
	}
	if has, err := a.Files.Has(context.Background(), "11730", oldFile.SHA256); err != nil || has {
		t.Errorf("the disposed file is still stored: %v %v", has, err)
	}
	docPage := head.get("/records/documents/" + old.ID.String())
	if !strings.Contains(docPage.Body, "panasz.txt") {
		t.Error("the disposed file's record is gone")
	}
	if p := head.get("/records/documents/" + old.ID.String() + "/attachments/" + oldFile.ID.String()); p.Status != http.StatusGone || !strings.Contains(p.Body, "véglegesen töröltük") {
		t.Errorf("download of a disposed file: %d", p.Status)
	}

	// Transfer: the 2011 U102 case goes to the archive as a BagIt package.
	page = head.get("/records/transfer?year=2011")
	if !strings.Contains(page.Body, "Testületi jegyzőkönyv 11730") || strings.Contains(page.Body, "Régi panasz") {
		t.Fatalf("transfer page: %d", page.Status)
	}
	if p := head.post("/records/transfer", url.Values{"year": {fmt.Sprint(year)}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "teljes, lezárt év") {
		t.Errorf("transfer of this year: %d", p.Status)
	}
	if p := head.post("/records/transfer", url.Values{"year": {"2011"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("transfer: %d %s", p.Status, p.Body)
	}
	page = head.get("/records/transfer?year=2011")
	zm := regexp.MustCompile(`href="(/records/transfer/([0-9a-f-]{36})/package.zip)"`).FindStringSubmatch(page.Body)
	if zm == nil || strings.Contains(page.Body, "csak adatok") {
		t.Fatal("no package to download")
	}
	z := head.get(zm[1])
	if z.Status != 200 || z.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("package: %d", z.Status)
	}
	bag := unzipAll(t, []byte(z.Body))
	var root string
	for name := range bag {
		root, _, _ = strings.Cut(name, "/")
	}
	for _, f := range []string{"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", "data/transfer.json"} {
		if _, ok := bag[root+"/"+f]; !ok {
			t.Errorf("the package lacks %s", f)
		}
	}
	info := string(bag[root+"/bag-info.txt"])
	if !strings.Contains(info, "Source-Organization: Orfű\n") || !strings.Contains(info, "ASP-KSH-Code: 11730") || !strings.Contains(info, "Payload-Oxum: ") {
		t.Errorf("bag-info:\n%s", info)
	}
	if !strings.Contains(string(bag[root+"/data/transfer.json"]), "Testületi jegyzőkönyv 11730") {
		t.Error("the transfer list lacks the case")
	}
	var packed bool
	for name, b := range bag {
		if strings.HasPrefix(name, root+"/data/files/") && strings.HasSuffix(name, "jegyzokonyv.txt") && string(b) == "Testületi jegyzőkönyv szövege" {
			packed = true
		}
	}
	if !packed {
		t.Error("the package lacks the case's file")
	}
	if p := head.get("/records/documents/" + perm.ID.String()); !strings.Contains(p.Body, "Levéltárba adva") {
		t.Error("the transferred case is not marked")
	}
	if log := head.get("/audit?action=records."); !strings.Contains(log.Body, "records.disposal_approve") || !strings.Contains(log.Body, "records.transfer_package") {
		t.Error("disposal and transfer steps missing from the audit log")
	}

	// Abaliget's list and transfer are not there for Orfű's people.
	var abaList records.Disposal
	var abaTransfer records.Transfer
	err := a.DB.InTenant(cliContext(context.Background()), "12548", func(ctx context.Context, tx bun.Tx) error {
		s := records.NewService(nil)
		var err error
		if abaList, err = s.CreateDisposal(ctx, tx, year, "test"); err != nil {
			return err
		}
		abaTransfer, err = s.CreateTransfer(ctx, tx, 2011, records.Organisation{KSH: "12548", Name: "Abaliget"}, "test", records.DirBag{Root: t.TempDir()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	c := demoLogin(t, "ugyintezo")
	clerk := newBrowser(t, srv)
	clerk.login(c.Username, c.Password, "")
	clerk.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	// The routes whose identifier is {id}: documents, disposal lists and
	// transfers are all tried with each of Abaliget's.
	var routes []separation.Route
	for _, r := range records.SeparationRoutes {
		if strings.Count(r.Pattern, "{") == 1 && strings.Contains(r.Pattern, "{id}") {
			routes = append(routes, r)
		}
	}
	for _, id := range []string{abaOld.ID.String(), abaList.ID.String(), abaTransfer.ID.String()} {
		separation.Check(t, separation.Case{
			BaseURL:    srv.URL,
			Actors:     []separation.Actor{{Name: "head of records of Orfű", Client: head.c}, {Name: "registry clerk of Orfű", Client: clerk.c}},
			IDsOfB:     map[string]string{"id": id},
			SecretsOfB: []string{"Régi panasz 12548", "Testületi jegyzőkönyv 12548"},
			Routes:     routes,
		})
	}
	_, _ = old, abaPerm
}

func unzipAll(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return out
}
