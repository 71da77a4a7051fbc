// Package openapitest checks, in tests, that the API answers what
// openapi.json promises: status, content type and body of every response
// a test sees. A module's API test does
//
//	v := openapitest.Load(t)
//	res, body := v.Serve(t, handler, httptest.NewRequest("GET", "/api/v1/me", nil))
//
// or, with a response it got some other way, v.Check(t, req, res, body).
//
// Only responses are checked, not requests: tests send bad requests on
// purpose (a limit of 0, a forged cursor) to see the 400 they get back,
// and that 400 is what must be documented.
package openapitest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/openasp-hu/asp/internal/platform/api"
)

// Validator checks responses against the API's OpenAPI document.
type Validator struct {
	router  routers.Router
	options *openapi3filter.Options
}

// Load parses and validates api.Document, failing the test if the
// document itself is wrong: a broken document would make every check
// meaningless.
func Load(t testing.TB) *Validator {
	t.Helper()
	return LoadDocument(t, api.Document())
}

// LoadDocument is Load for another document: the platform's merged with
// the modules' fragments (api.Merge), as the service serves it.
func LoadDocument(t testing.TB, data []byte) *Validator {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	// EnableSchemaFormatValidation makes a misspelt format ("date_time")
	// an error instead of a silently unchecked string.
	if err := doc.Validate(context.Background(), openapi3.EnableSchemaFormatValidation()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3.0 document: %v", err)
	}
	// gorillamux rather than legacy: it matches {id} path parameters and
	// the relative server "/" without needing a host.
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("openapi.json: cannot route: %v", err)
	}
	return &Validator{
		router: router,
		options: &openapi3filter.Options{
			// A status the document does not list is a failure, not a
			// pass: an undocumented 500 or 409 is exactly what to catch.
			IncludeResponseStatus: true,
			MultiError:            true,
			// Only responses are validated, so no security check runs;
			// accept anyway in case request validation is added.
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{
				// Formats are not checked in bodies unless asked for;
				// a malformed date-time is a real bug.
				openapi3.EnableFormatValidation(),
				// The failure message quotes the body; the schema dump that
				// would follow each error is noise next to it.
				openapi3.DisableSchemaErrorDetails(),
				// kin-openapi knows "uuid" but validates it only when told
				// how. RFC 9562 admits UUIDv7 as well as v4.
				openapi3.WithStringFormatValidator("uuid",
					openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562)),
			},
		},
	}
}

// PDFs (certificates, decisions) are answers too: kin-openapi decodes
// only the types registered, so a PDF is read as a file, like
// application/octet-stream.
func init() { openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder) }

// Check reports, through t.Errorf, every way res (whose body the caller
// has already read into body) departs from the document for req: an
// undocumented path or method, an undocumented status, another content
// type, or a body that does not match the schema. req may be nil when
// res.Request is set (responses from an http.Client).
func (v *Validator) Check(t testing.TB, req *http.Request, res *http.Response, body []byte) {
	t.Helper()
	if req == nil {
		req = res.Request
	}
	route, params, err := v.router.FindRoute(req)
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		t.Errorf("openapi: %s %s: the path is documented but not the method %s; add it to openapi.json",
			req.Method, req.URL.Path, req.Method)
		return
	case err != nil:
		t.Errorf("openapi: %s %s: the path is not documented in openapi.json (%v)", req.Method, req.URL.Path, err)
		return
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      route,
			Options:    v.options,
		},
		Status:  res.StatusCode,
		Header:  res.Header,
		Options: v.options,
	}
	input.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		t.Errorf("openapi: %s %s answered %d %s that does not match openapi.json (%s %s):\n%v\nbody: %s",
			req.Method, req.URL.Path, res.StatusCode, res.Header.Get("Content-Type"),
			route.Method, route.Path, err, excerpt(body))
	}
}

// Serve runs req through h, checks the response, and returns it with its
// body for the test's own assertions.
func (v *Validator) Serve(t testing.TB, h http.Handler, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read recorded body: %v", err)
	}
	v.Check(t, req, res, body)
	return res, body
}

// excerpt keeps failure messages readable when a body is long.
func excerpt(b []byte) string {
	const max = 2000
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
