package openapitest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/api/openapitest"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// recorder is a testing.TB whose Errorf is recorded instead of failing
// the test, so a test can assert that Check does fail. Everything else
// goes to the real test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) Helper() {}

const goodMe = `{
  "user": {"id": "0190f1e2-7b8c-7def-8123-456789abcdef", "username": "kovacs.eva", "display_name": "Kovács Éva", "kind": "staff"},
  "tenant": {"id": "17376", "name": "Aba"},
  "grants": [{"tenant_id": "17376", "tenant_name": "Aba", "roles": ["clerk"]}],
  "permissions": ["tenants.read"]
}`

// serve starts a server answering every request with status, content
// type and body.
func serve(t *testing.T, status int, contentType, body string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// check sends method path to srv and returns what Check reported.
func check(t *testing.T, v *openapitest.Validator, srv *httptest.Server, method, path string) []string {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{TB: t}
	v.Check(rec, nil, res, body) // nil: Check takes res.Request
	return rec.errs
}

func TestCheck(t *testing.T) {
	v := openapitest.Load(t)
	const jsonCT = "application/json; charset=utf-8"
	for _, tc := range []struct {
		name        string
		method      string
		path        string
		status      int
		contentType string
		body        string
		wantErr     string // "" when Check must pass
	}{
		{"good me", "GET", "/api/v1/me", 200, jsonCT, goodMe, ""},
		{"no tenant chosen", "GET", "/api/v1/me", 200, jsonCT,
			strings.Replace(goodMe, `{"id": "17376", "name": "Aba"}`, `null`, 1), ""},
		{"unknown kind", "GET", "/api/v1/me", 200, jsonCT, strings.Replace(goodMe, `"staff"`, `"robot"`, 1), "robot"},
		{"user id not a uuid", "GET", "/api/v1/me", 200, jsonCT, strings.Replace(goodMe, `0190f1e2-`, `x`, 1), "uuid"},
		{"tenant id not a KSH code", "GET", "/api/v1/me", 200, jsonCT, strings.Replace(goodMe, `"id": "17376"`, `"id": "1737"`, 1), "regular expression"},
		{"missing field", "GET", "/api/v1/me", 200, jsonCT, strings.Replace(goodMe, `"permissions": ["tenants.read"]`, `"perms": []`, 1), "permissions"},
		{"not json at all", "GET", "/api/v1/me", 200, "text/html", "<p>hi</p>", "text/html"},
		{"problem", "GET", "/api/v1/me", 401, "application/problem+json",
			`{"type":"urn:asp:problem:error.login_required","title":"Sign in","status":401,"instance":"/api/v1/me"}`, ""},
		{"problem as plain json", "GET", "/api/v1/me", 401, jsonCT,
			`{"type":"urn:asp:problem:error.login_required","title":"Sign in","status":401}`, "application/json"},
		{"undocumented status", "GET", "/api/v1/me", 418, "application/problem+json",
			`{"type":"x","title":"teapot","status":418}`, "status is not supported"},
		{"undocumented path", "GET", "/api/v1/nope", 200, jsonCT, `{}`, "path is not documented"},
		{"undocumented method", "DELETE", "/api/v1/me", 204, jsonCT, ``, "not the method DELETE"},
		{"path parameter", "GET", "/api/v1/tenants/17376", 404, "application/problem+json",
			`{"type":"urn:asp:problem:error.not_found","title":"Not found","status":404}`, ""},
		{"nested path", "GET", "/api/v1/tenants/17376/users?limit=5", 200, jsonCT, `{"items":[]}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := check(t, v, serve(t, tc.status, tc.contentType, tc.body), tc.method, tc.path)
			for _, e := range errs {
				t.Log(e)
			}
			switch {
			case tc.wantErr == "" && len(errs) > 0:
				t.Errorf("Check reported %q", errs)
			case tc.wantErr != "" && len(errs) == 0:
				t.Errorf("Check passed; want a report mentioning %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(strings.Join(errs, "\n"), tc.wantErr):
				t.Errorf("Check reported %q; want it to mention %q", errs, tc.wantErr)
			}
		})
	}
}

// The platform's real writers must produce what the document promises:
// api.Write with api.List for lists, web.Renderer.Error for problems.
func TestPlatformWritersMatchTheDocument(t *testing.T) {
	v := openapitest.Load(t)
	cat, err := web.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.Load(api.Catalog, "i18n"); err != nil {
		t.Fatal(err)
	}
	rend, err := web.NewRenderer(cat, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	type tenant struct {
		ID             string    `json:"id"`
		Name           string    `json:"name"`
		LegalStatus    string    `json:"legal_status"`
		County         string    `json:"county"`
		DistrictCode   string    `json:"district_code"`
		DistrictName   string    `json:"district_name"`
		OfficeID       string    `json:"office_id,omitempty"`
		Population     int64     `json:"population"`
		AreaHa         int64     `json:"area_ha"`
		Dwellings      int64     `json:"dwellings"`
		ConnectionMode string    `json:"connection_mode"`
		Phase          string    `json:"phase"`
		CreatedAt      time.Time `json:"created_at"`
		UpdatedAt      time.Time `json:"updated_at"`
	}
	aba := tenant{ID: "17376", Name: "Aba", LegalStatus: "nagyközség", County: "Fejér", DistrictCode: "071",
		DistrictName: "Székesfehérvári", Population: 4300, AreaHa: 8800, Dwellings: 1700,
		ConnectionMode: "system", Phase: "live", CreatedAt: time.Now(), UpdatedAt: time.Now().UTC()}

	for _, tc := range []struct {
		name, path string
		h          http.Handler
		wantStatus int
		wantReport bool
	}{
		{"list page", "/api/v1/tenants", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			api.Write(w, 200, api.List[tenant]{Items: []tenant{aba}, NextCursor: api.EncodeCursor("Aba", "17376")})
		}), 200, false},
		{"empty list", "/api/v1/tenants", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			api.Write(w, 200, api.List[tenant]{})
		}), 200, false},
		{"one tenant", "/api/v1/tenants/17376", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			api.Write(w, 200, aba)
		}), 200, false},
		{"bad date-time and phase", "/api/v1/tenants/17376", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			bad := aba
			bad.Phase = ""
			b, _ := json.Marshal(bad)
			b = bytes.Replace(b, []byte(aba.CreatedAt.Format(time.RFC3339Nano)), []byte("yesterday"), 1)
			w.Header().Set("Content-Type", "application/json")
			w.Write(b)
		}), 200, true},
		{"bad limit", "/api/v1/tenants?limit=0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _, err := api.PageParams(r, 2)
			rend.Error(w, r, err)
		}), 400, false},
		{"not signed in", "/api/v1/me", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rend.Error(w, r, web.Unauthorized("error.login_required"))
		}), 401, false},
		{"field errors", "/api/v1/tenants", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rend.Error(w, r, &web.Error{Status: 400, Key: "api.error.bad_json",
				Fields: []web.FieldError{{Field: "name", Message: "Required"}}})
		}), 400, false},
		{"not found", "/api/v1/tenants/99999/users", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rend.Error(w, r, web.NotFound())
		}), 404, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			res, _ := v.Serve(rec, tc.h, httptest.NewRequest("GET", tc.path, nil))
			if res.StatusCode != tc.wantStatus {
				t.Errorf("status %d, want %d", res.StatusCode, tc.wantStatus)
			}
			if reported := len(rec.errs) > 0; reported != tc.wantReport {
				t.Errorf("reported %q, want a report: %v", rec.errs, tc.wantReport)
			}
			for _, e := range rec.errs {
				t.Log(e)
			}
		})
	}
}
