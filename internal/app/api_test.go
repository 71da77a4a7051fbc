package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
)

// apiGet calls the API with a bearer token (or a browser's session) and
// checks the answer against the OpenAPI document.
func apiGet(t *testing.T, v *openapitest.Validator, c *http.Client, base, path, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	v.Check(t, req, res, body)
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("%s: not JSON: %s", path, body)
	}
	return res.StatusCode, m
}

func TestAPIWithTokenHasTheOwnersRights(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	v := openapitest.Load(t)
	clerk, _ := a.Identity.Users.ByUsername(context.Background(), "ugyintezo")
	var token string
	err := a.DB.InTenant(cliContext(context.Background()), "12548", func(ctx context.Context, tx bun.Tx) error {
		var err error
		token, _, err = a.Identity.CreateToken(ctx, tx, clerk.ID, "12548", "test", 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	c := http.DefaultClient

	status, me := apiGet(t, v, c, srv.URL, "/api/v1/me", token)
	if status != 200 || me["tenant"].(map[string]any)["id"] != "12548" || len(me["grants"].([]any)) != 1 {
		t.Fatalf("/me with a token = %d %v", status, me)
	}
	// Abaliget's users: local IT may read them.
	if status, list := apiGet(t, v, c, srv.URL, "/api/v1/tenants/12548/users", token); status != 200 || len(list["items"].([]any)) == 0 {
		t.Errorf("users of the token's tenant = %d %v", status, list)
	}
	// The owner holds a grant on Orfű too, but the token is for Abaliget only.
	if status, _ := apiGet(t, v, c, srv.URL, "/api/v1/tenants/11730", token); status != 404 {
		t.Errorf("another tenant of the owner through the token = %d, want 404", status)
	}
	if status, list := apiGet(t, v, c, srv.URL, "/api/v1/tenants", token); status != 200 || len(list["items"].([]any)) != 1 {
		t.Errorf("tenant list through the token = %d %v", status, list)
	}
	// Missing, forged and revoked tokens: 401 problem documents.
	for name, tok := range map[string]string{"missing": "", "forged": "asp_aaaaaaaaaaaa_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "garbage": "not-a-token"} {
		status, p := apiGet(t, v, c, srv.URL, "/api/v1/me", tok)
		if status != 401 || p["title"] == "" {
			t.Errorf("%s token: %d %v", name, status, p)
		}
	}
	id := token[4:16]
	if err := a.DB.Tx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		_, err := a.Identity.RevokeToken(ctx, tx, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if status, _ := apiGet(t, v, c, srv.URL, "/api/v1/me", token); status != 401 {
		t.Errorf("revoked token: %d", status)
	}
}

func TestAPIForTheOperatorAndPagination(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	v := openapitest.Load(t)
	op := demoLogin(t, "uzemelteto")
	b := newBrowser(t, srv)
	b.login(op.Username, op.Password, op.TOTPSecret)

	status, page1 := apiGet(t, v, b.c, srv.URL, "/api/v1/tenants?limit=200", "")
	items := page1["items"].([]any)
	if status != 200 || len(items) != 200 || page1["next_cursor"] == nil {
		t.Fatalf("first page: %d, %d items", status, len(items))
	}
	seen := map[string]bool{}
	total := 0
	next := page1["next_cursor"].(string)
	for _, it := range items {
		seen[it.(map[string]any)["id"].(string)] = true
	}
	total += len(items)
	for next != "" {
		_, page := apiGet(t, v, b.c, srv.URL, "/api/v1/tenants?limit=200&cursor="+url.QueryEscape(next), "")
		for _, it := range page["items"].([]any) {
			id := it.(map[string]any)["id"].(string)
			if seen[id] {
				t.Fatalf("tenant %s on two pages", id)
			}
			seen[id] = true
			total++
		}
		next, _ = page["next_cursor"].(string)
	}
	if total != 3178 {
		t.Errorf("paged through %d tenants, want 3178", total)
	}
	if status, _ := apiGet(t, v, b.c, srv.URL, "/api/v1/tenants?limit=0", ""); status != 400 {
		t.Errorf("limit=0: %d", status)
	}
	if status, _ := apiGet(t, v, b.c, srv.URL, "/api/v1/tenants?cursor=bm9wZQ", ""); status != 400 {
		t.Errorf("bad cursor: %d", status)
	}
	if status, _ := apiGet(t, v, b.c, srv.URL, "/api/v1/tenants/99999", ""); status != 404 {
		t.Errorf("unknown tenant: %d", status)
	}
	if status, users := apiGet(t, v, b.c, srv.URL, "/api/v1/tenants/11730/users", ""); status != 200 || len(users["items"].([]any)) < 2 {
		t.Errorf("operator lists Orfű's users: %d", status)
	}
}

var newToken = regexp.MustCompile(`data-testid="new-token">([^<]+)<`)

func TestTokenMadeAndRevokedInTheBrowser(t *testing.T) {
	a := demoApp(t)
	srv := newServer(t, a)
	v := openapitest.Load(t)
	b := newBrowser(t, srv)
	c := demoLogin(t, "ugyintezo")
	b.login(c.Username, c.Password, "")
	b.post("/tenants/switch", url.Values{"tenant": {"11730"}})
	if p := b.post("/account/tokens", url.Values{"name": {""}, "days": {"30"}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("token without a name: %d", p.Status)
	}
	if p := b.post("/account/tokens", url.Values{"name": {"x"}, "days": {"7"}}); p.Status != http.StatusBadRequest {
		t.Errorf("token with a validity not offered: %d", p.Status)
	}
	p := b.post("/account/tokens", url.Values{"name": {"adatszolgáltatás"}, "days": {"30"}})
	m := newToken.FindStringSubmatch(p.Body)
	if p.Status != http.StatusCreated || m == nil {
		t.Fatalf("make token: %d", p.Status)
	}
	token := m[1]
	if status, me := apiGet(t, v, http.DefaultClient, srv.URL, "/api/v1/me", token); status != 200 || me["tenant"].(map[string]any)["id"] != "11730" {
		t.Fatalf("token from the browser: %d %v", status, me)
	}
	if list := b.get("/account/tokens"); strings.Contains(list.Body, token) {
		t.Error("the token is shown again on the list")
	}
	id := token[4:16]
	if p := b.post("/account/tokens/"+id+"/revoke", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", p.Status)
	}
	if status, _ := apiGet(t, v, http.DefaultClient, srv.URL, "/api/v1/me", token); status != 401 {
		t.Errorf("revoked token: %d", status)
	}
}
