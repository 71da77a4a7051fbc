package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
	"github.com/openasp-hu/asp/internal/platform/db"
)

func TestRecordsAPI(t *testing.T) {
	a := demoApp(t)
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
	orfuToken, abaToken := token("11730"), token("12548")
	call := apiCaller(t, srv.URL, v)

	st, d := call("POST", "/api/v1/records/documents", orfuToken, `{"book":"KOZ","direction":"in","subject":"Lakossági bejelentés","partner":"Tóth Gábor"}`)
	if st != 201 || !strings.HasPrefix(d["number"].(string), "1-1/") {
		t.Fatalf("register: %d %v", st, d)
	}
	id := d["id"].(string)
	st, f := call("POST", "/api/v1/records/documents", orfuToken, `{"book":"KOZ","direction":"out","subject":"Válasz","predecessor":"`+d["number"].(string)+`"}`)
	if st != 201 || !strings.HasPrefix(f["number"].(string), "1-2/") {
		t.Errorf("follow-up: %d %v", st, f)
	}
	if st, p := call("POST", "/api/v1/records/documents", orfuToken, `{"book":"KOZ","direction":"in","subject":""}`); st != 422 || p["errors"].(map[string]any)["subject"] == nil {
		t.Errorf("no subject: %d %v", st, p)
	}
	if st, _ := call("POST", "/api/v1/records/documents", orfuToken, `{"book":"KOZ",`); st != 400 {
		t.Errorf("broken JSON: %d", st)
	}
	if st, _ := call("POST", "/api/v1/records/documents", orfuToken, `{"book":"KOZ","direction":"in","subject":"x","extra":1}`); st != 400 {
		t.Errorf("unknown field: %d", st)
	}
	if st, g := call("GET", "/api/v1/records/documents/"+id, orfuToken, ""); st != 200 || g["number"] != d["number"] {
		t.Errorf("get: %d %v", st, g)
	}
	// The same owner's token for Abaliget does not see Orfű's document.
	if st, _ := call("GET", "/api/v1/records/documents/"+id, abaToken, ""); st != 404 {
		t.Errorf("Abaliget's token reads Orfű's document: %d", st)
	}
}

// apiCaller returns a JSON API client for tests: every answer is checked
// against the OpenAPI document, and decoded.
func apiCaller(t *testing.T, base string, v *openapitest.Validator) func(method, path, token, body string) (int, map[string]any) {
	return func(method, path, token, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		v.Check(t, req, res, b)
		var m map[string]any
		json.Unmarshal(b, &m)
		return res.StatusCode, m
	}
}

// tokenFor makes an API token of a demo user for one tenant.
func tokenFor(t *testing.T, a *App, username string, tenant db.TenantID) string {
	t.Helper()
	u, err := a.Identity.Users.ByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	var tok string
	err = a.DB.InTenant(cliContext(context.Background()), tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		tok, _, err = a.Identity.CreateToken(ctx, tx, u.ID, tenant, "teszt", 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
