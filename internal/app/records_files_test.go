package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/files"
)

// uploadFile posts a file the way a browser's form does (multipart).
func (b *browser) uploadFile(path, fileName string, content []byte) page {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", fileName)
	if err != nil {
		b.t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", b.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func auditEntries(t *testing.T, a *App, tenant db.TenantID, action string) []audit.Entry {
	t.Helper()
	var es []audit.Entry
	err := a.DB.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		es, err = audit.List(ctx, tx, tenant, audit.Filter{Action: action})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The filter matches a prefix; keep the action itself.
	var out []audit.Entry
	for _, e := range es {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// attachAndSearch is the accessibility audit's walk through attached
// files and the search, from a registered document's page.
func (tb *tab) attachAndSearch() {
	t := tb.t
	t.Helper()
	upload := `form[enctype="multipart/form-data"] button[type=submit]`
	if st := tb.press(upload); st != http.StatusUnprocessableEntity { // no file chosen
		t.Errorf("upload without a file: %d", st)
	}
	tb.audit("records-attach-error")
	f := filepath.Join(t.TempDir(), "kérelem.pdf")
	if err := os.WriteFile(f, []byte("%PDF-1.7\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tb.fatal("choose a file", chromedp.Do(tb.ctx, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{f}, chromedp.NodeVisible)))
	if st := tb.press(upload); st != http.StatusOK {
		t.Fatalf("upload: %d", st)
	}
	if got := tb.text("[data-testid=attachments] a"); got != "kérelem.pdf" {
		t.Errorf("attached file listed as %q", got)
	}
	tb.audit("records-document-attachments")
	tb.open("/records?text=fakiv")
	tb.audit("records-search")
	tb.open("/records?from=tegnap&direction=x")
	tb.audit("records-search-error")
}

var attachmentLink = regexp.MustCompile(`href="(/records/documents/[0-9a-f-]{36}/attachments/[0-9a-f-]{36})">([^<]+)<`)

func TestClerkAttachesFilesInTheBrowser(t *testing.T) {
	a := demoApp(t)
	a.Cfg.MaxFileMB = 1
	srv := newServer(t, a)
	c := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(c.Username, c.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})

	p := b.post("/records", url.Values{"book": {"KOZ"}, "direction": {"in"}, "subject": {"Fakivágási kérelem"}, "partner": {"Szabó Ilona"}, "keywords": {"fakivágás, zöldterület"}})
	m := docPath.FindStringSubmatch(p.Location)
	if m == nil {
		t.Fatalf("register: %d %s", p.Status, p.Location)
	}
	docURL := "/records/documents/" + m[1]
	doc := b.get(docURL)
	if !strings.Contains(doc.Body, `enctype="multipart/form-data"`) || !strings.Contains(doc.Body, "Ehhez az irathoz még nincs csatolt fájl.") ||
		!strings.Contains(doc.Body, "Legfeljebb 1 MB.") || !strings.Contains(doc.Body, "fakivágás, zöldterület") {
		t.Fatalf("document page lacks the upload form or the keywords")
	}

	// Refusals in Hungarian, with the page and no row.
	for _, tc := range []struct {
		name    string
		content []byte
		status  int
		msg     string
	}{
		{"ures.pdf", nil, http.StatusUnprocessableEntity, "A fájl üres."},
		{"nagy.pdf", bytes.Repeat([]byte("x"), 1<<20+1), http.StatusRequestEntityTooLarge, "A fájl nagyobb a megengedett 1 MB-nál."},
		{"", []byte("x"), http.StatusUnprocessableEntity, "Válassza ki a csatolandó fájlt."},
	} {
		p := b.uploadFile(docURL+"/attachments", tc.name, tc.content)
		if p.Status != tc.status || !strings.Contains(p.Body, tc.msg) || !strings.Contains(p.Body, `govuk-error-summary`) || !strings.Contains(p.Body, `href="#file"`) {
			t.Errorf("%q: %d, want %d with %q", tc.name, p.Status, tc.status, tc.msg)
		}
	}
	if n := len(auditEntries(t, a, "11730", "records.attach")); n != 0 {
		t.Errorf("%d attachments recorded by refused uploads", n)
	}

	pdf := []byte("%PDF-1.7\n% Szabó Ilona kérelme\n%%EOF\n")
	p = b.uploadFile(docURL+"/attachments", "Kérelem (aláírt).pdf", pdf)
	if p.Status != http.StatusSeeOther || p.Location != docURL+"?done=attached" {
		t.Fatalf("upload: %d %s\n%s", p.Status, p.Location, p.Body)
	}
	doc = b.get(p.Location)
	link := attachmentLink.FindStringSubmatch(doc.Body)
	if link == nil || link[2] != "Kérelem (aláírt).pdf" || !strings.Contains(doc.Body, fmt.Sprintf("%d\u00a0bájt", len(pdf))) ||
		!strings.Contains(doc.Body, "application/pdf") || !strings.Contains(doc.Body, "Fájl csatolva") {
		t.Fatalf("attachment not listed:\n%s", doc.Body)
	}

	// Each view is logged, before the file is sent.
	for range 2 {
		f := b.get(link[1])
		if f.Status != 200 || f.Body != string(pdf) || f.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(f.Header.Get("Content-Disposition"), `attachment; filename="K_relem (al__rt).pdf"`) ||
			!strings.Contains(f.Header.Get("Content-Disposition"), "filename*=UTF-8''K%C3%A9relem%20%28al%C3%A1%C3%ADrt%29.pdf") {
			t.Fatalf("download: %d %q %v", f.Status, f.Body, f.Header)
		}
	}
	if views := auditEntries(t, a, "11730", "records.attachment_view"); len(views) != 2 {
		t.Errorf("%d views logged, want 2", len(views))
	}
	// A file damaged on disk is not served; the failed view is logged.
	att := auditEntries(t, a, "11730", "records.attach")
	var detail struct{ SHA256 string }
	if len(att) != 1 || json.Unmarshal([]byte(att[0].Detail), &detail) != nil {
		t.Fatalf("attach audit: %+v", att)
	}
	stored := filepath.Join(a.Files.(*files.FS).Root(), "11730", detail.SHA256[:2], detail.SHA256[2:4], detail.SHA256)
	if err := os.WriteFile(stored, []byte("%PDF-1.7\n% meghamisítva\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if f := b.get(link[1]); f.Status != http.StatusInternalServerError || !strings.Contains(f.Body, "A fájl most nem olvasható") || strings.Contains(f.Body, "meghamisítva") {
		t.Errorf("damaged file: %d", f.Status)
	}
	if views := auditEntries(t, a, "11730", "records.attachment_view"); len(views) != 3 || views[0].Result != audit.ResultFailed && views[2].Result != audit.ResultFailed {
		t.Errorf("failed view not logged: %d entries", len(views))
	}

	// A voided document takes no new files and offers no form.
	ku := demoLogin(t, "kulcs.orfu")
	mb := newBrowser(t, srv)
	mb.login(ku.Username, ku.Password, ku.TOTPSecret)
	if p := mb.post(docURL+"/void", url.Values{"reason": {"téves"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("void: %d", p.Status)
	}
	if d := b.get(docURL); strings.Contains(d.Body, `enctype="multipart/form-data"`) {
		t.Error("a voided document offers the upload form")
	}
	if p := b.uploadFile(docURL+"/attachments", "kesei.txt", []byte("késői")); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Érvénytelenített irathoz nem lehet fájlt csatolni.") {
		t.Errorf("upload to a voided document: %d", p.Status)
	}
}

func TestClerkSearchesTheBook(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	c := demoLogin(t, "ugyintezo")
	b := newBrowser(t, srv)
	b.login(c.Username, c.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	b.post("/records", url.Values{"book": {"KOZ"}, "direction": {"in"}, "subject": {"Építési engedély iránti kérelem"}, "partner": {"Kovács Péter"}})
	b.post("/records", url.Values{"book": {"KOZ"}, "direction": {"out"}, "subject": {"Határozat a Petőfi utcai fakivágásról"}, "partner": {"Nagy Éva"}, "keywords": {"zöldterület"}})
	for i := range 22 {
		b.post("/records", url.Values{"book": {"KOZ"}, "direction": {"in"}, "subject": {fmt.Sprintf("Zajpanasz %d", i)}, "partner": {"Szabó Anna"}})
	}

	for _, tc := range []struct {
		query      string
		want, not  []string
		pagerShown bool
	}{
		{"text=petofi", []string{"Határozat a Petőfi utcai fakivágásról"}, []string{"Építési"}, false},
		{"text=zoldter", []string{"Határozat a Petőfi"}, []string{"Építési"}, false},
		{"partner=kovacs&direction=in", []string{"Építési engedély"}, []string{"Határozat"}, false},
		{"number=1", []string{"Építési engedély"}, []string{"Határozat", "Zajpanasz"}, false},
		{"q=2-1/" + fmt.Sprint(a.Now().Year()), []string{"Határozat a Petőfi"}, []string{"Építési"}, false},
		{"text=zajpanasz", []string{"Zajpanasz 21", "Zajpanasz 2<"}, []string{"Zajpanasz 1<", "Zajpanasz 0<"}, true},
		{"text=zajpanasz&page=2", []string{"Zajpanasz 1<", "Zajpanasz 0<"}, []string{"Zajpanasz 21"}, true},
	} {
		p := b.get("/records?" + tc.query)
		if p.Status != 200 {
			t.Errorf("%s: %d", tc.query, p.Status)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(p.Body, w) {
				t.Errorf("%s: %q not found", tc.query, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(p.Body, w) {
				t.Errorf("%s: %q should not be found", tc.query, w)
			}
		}
		if strings.Contains(p.Body, `data-testid="pager"`) != tc.pagerShown {
			t.Errorf("%s: pager shown = %v", tc.query, !tc.pagerShown)
		}
	}
	// Malformed input: the page with the reasons in Hungarian, never a 500.
	p := b.get("/records?from=tegnap&to=2026-02-30&direction=oldalra&page=x")
	if p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("malformed search: %d", p.Status)
	}
	for _, w := range []string{"Iktatva ettől: a dátum formája", "Iktatva eddig: a dátum formája", "Az irány bejövő, kimenő vagy belső lehet.", "Az oldalszám", `value="tegnap"`, `href="#from"`, "<details class=\"govuk-details\" data-testid=\"advanced-search\" open>"} {
		if !strings.Contains(p.Body, w) {
			t.Errorf("malformed search page lacks %q", w)
		}
	}
	if p := b.get("/records?q=%21%21"); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Adjon meg legalább egy kétbetűs szót.") || !strings.Contains(p.Body, `href="#q"`) {
		t.Errorf("search for punctuation: %d", p.Status)
	}
	// Every search is a logged query (the refused ones found nothing to
	// log); the plain list is not a search.
	n := len(auditEntries(t, a, "11730", "records.search"))
	b.get("/records")
	b.get("/records?page=2")
	if m := len(auditEntries(t, a, "11730", "records.search")); m != n || n != 7 {
		t.Errorf("%d searches logged, then %d; want 7 both times", n, m)
	}
	// The English page works too.
	b.lang = "en"
	if p := b.get("/records?text=zajpanasz"); p.Status != 200 || !strings.Contains(p.Body, "Detailed search") || !strings.Contains(p.Body, "Next page") {
		t.Errorf("English search page: %d", p.Status)
	}
}

func TestRecordsAttachmentsAPI(t *testing.T) {
	a := demoApp(t)
	a.Cfg.MaxFileMB = 1
	srv := newServer(t, a)
	doc, err := a.OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	v := openapitest.LoadDocument(t, doc)
	clerk, _ := a.Identity.Users.ByUsername(context.Background(), "ugyintezo")
	token := func(tenant db.TenantID) string {
		var tok string
		err := a.DB.InTenant(cliContext(context.Background()), tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			tok, _, err = a.Identity.CreateToken(ctx, tx, clerk.ID, tenant, "iktató program", 0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	orfu, aba := token("11730"), token("12548")
	call := func(method, path, tok, contentType string, body io.Reader) (int, []byte, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, body)
		req.Header.Set("Authorization", "Bearer "+tok)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		v.Check(t, req, res, b)
		return res.StatusCode, b, res.Header
	}
	st, body, _ := call("POST", "/api/v1/records/documents", orfu, "application/json",
		strings.NewReader(`{"book":"KOZ","direction":"in","subject":"Lakossági bejelentés","keywords":"zaj; éjszaka"}`))
	var d struct{ ID, Keywords string }
	if json.Unmarshal(body, &d); st != 201 || d.Keywords != "zaj, éjszaka" {
		t.Fatalf("register: %d %s", st, body)
	}
	base := "/api/v1/records/documents/" + d.ID + "/attachments"
	letter := "Tisztelt Hivatal! Éjszakai zaj miatt fordulok Önökhöz.\n"
	st, body, _ = call("POST", base+"?name="+url.QueryEscape("levél.txt"), orfu, "text/plain", strings.NewReader(letter))
	var att struct {
		ID        string `json:"id"`
		FileName  string `json:"file_name"`
		MediaType string `json:"media_type"`
	}
	if json.Unmarshal(body, &att); st != 201 || att.FileName != "levél.txt" || att.MediaType != "text/plain; charset=utf-8" {
		t.Fatalf("attach: %d %s", st, body)
	}
	// The name may come in Content-Disposition instead.
	req := strings.NewReader("\x89PNG\r\n\x1a\nkép")
	hreq, _ := http.NewRequest("POST", srv.URL+base, req)
	hreq.Header.Set("Authorization", "Bearer "+orfu)
	hreq.Header.Set("Content-Disposition", `attachment; filename="fenykep.png"`)
	if res, err := http.DefaultClient.Do(hreq); err != nil || res.StatusCode != 201 {
		t.Errorf("attach with Content-Disposition: %v %v", res.StatusCode, err)
	}
	for _, tc := range []struct {
		path   string
		body   io.Reader
		status int
		msg    string
	}{
		{base + "?name=ures.txt", strings.NewReader(""), 422, "A fájl üres."},
		{base + "?name=nagy.bin", bytes.NewReader(make([]byte, 1<<20+1)), 413, "A fájl nagyobb a megengedett 1 MB-nál."},
		{base, strings.NewReader("névtelen"), 422, "Adja meg a fájl nevét."},
	} {
		st, body, _ := call("POST", tc.path, orfu, "application/octet-stream", tc.body)
		var p struct {
			Errors map[string]string `json:"errors"`
		}
		if json.Unmarshal(body, &p); st != tc.status || p.Errors["file"] != tc.msg {
			t.Errorf("%s: %d %s", tc.path, st, body)
		}
	}
	st, body, _ = call("GET", "/api/v1/records/documents/"+d.ID, orfu, "", nil)
	var got struct {
		Attachments []struct {
			FileName string `json:"file_name"`
		} `json:"attachments"`
	}
	if json.Unmarshal(body, &got); st != 200 || len(got.Attachments) != 2 || got.Attachments[0].FileName != "levél.txt" {
		t.Fatalf("document with attachments: %d %s", st, body)
	}
	st, body, h := call("GET", base+"/"+att.ID, orfu, "", nil)
	if st != 200 || string(body) != letter || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") {
		t.Errorf("download: %d %q", st, body)
	}
	if views := auditEntries(t, a, "11730", "records.attachment_view"); len(views) != 1 || !strings.Contains(views[0].Detail, `"via":"api"`) {
		t.Errorf("API view not logged: %+v", views)
	}
	// Abaliget's token finds neither the document nor the file.
	if st, _, _ := call("GET", base+"/"+att.ID, aba, "", nil); st != 404 {
		t.Errorf("Abaliget reads Orfű's file: %d", st)
	}
	if st, _, _ := call("POST", base+"?name=x.txt", aba, "text/plain", strings.NewReader("x")); st != 404 {
		t.Errorf("Abaliget attaches to Orfű's document: %d", st)
	}
}
