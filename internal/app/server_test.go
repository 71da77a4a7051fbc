package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLocalPathKeepsRedirectsOnSite(t *testing.T) {
	for in, want := range map[string]string{
		"/tenants?page=2":       "/tenants?page=2",
		"https://evil.example/": "/",
		"//evil.example/":       "/",
		"/\\evil.example":       "/",
		"javascript:alert(1)":   "/",
		"":                      "/",
		"relative":              "/",
		"/ok/path#frag":         "/ok/path",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlatformEndpoints(t *testing.T) {
	a := testApp(t)
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	get := func(path string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(b)
	}

	if res, body := get("/healthz"); res.StatusCode != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", res.StatusCode, body)
	}
	if res, body := get("/readyz"); res.StatusCode != 200 || body != "ready\n" {
		t.Errorf("/readyz = %d %q", res.StatusCode, body)
	}
	if res, body := get("/metrics"); res.StatusCode != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics = %d", res.StatusCode)
	}
	res, body := get("/no/such/page")
	if res.StatusCode != 404 || !strings.Contains(body, "Az oldal nem található") || !strings.Contains(body, `lang="hu"`) {
		t.Errorf("404 page in Hungarian: %d\n%s", res.StatusCode, body)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if res.Header.Get(h) == "" {
			t.Errorf("missing security header %s", h)
		}
	}
	res, body = get("/no/such/page", "Accept-Language", "en")
	if !strings.Contains(body, "Page not found") || !strings.Contains(body, `lang="en"`) {
		t.Errorf("404 page in English: %s", body)
	}
	res, body = get("/api/v1/nothing")
	if res.StatusCode != 404 || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("API 404 = %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(body), &p); err != nil || p["status"] != float64(404) || p["title"] == "" || p["type"] == "" {
		t.Errorf("problem document = %s (%v)", body, err)
	}

	// The language switch is a POST that sets a cookie and goes back.
	res, err = client.PostForm(srv.URL+"/lang", map[string][]string{"lang": {"en"}, "back": {"/x?y=1"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/x?y=1" || !strings.Contains(res.Header.Get("Set-Cookie"), "asp_lang=en") {
		t.Errorf("POST /lang = %d %v", res.StatusCode, res.Header)
	}
	res, _ = client.PostForm(srv.URL+"/lang", map[string][]string{"lang": {"klingon"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad language = %d", res.StatusCode)
	}
}
