// Package separation is the cross-tenant test harness (architecture §2,
// layer 3). Every module lists its routes; the harness calls each of them
// as a user of tenant A with the identifiers of tenant B's objects, and
// fails unless the answer is a refusal (404 or 403) that shows none of
// B's data. A test in internal/app checks that every registered route
// with a path parameter is listed by some module, so a new route cannot
// skip the harness.
package separation

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
)

// TB is the part of *testing.T the harness uses; the package does not
// import testing, so modules can list their routes in non-test code.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Route is one route of a module, as registered ("GET /users/{id}"), with
// the form a POST sends.
type Route struct {
	Pattern string
	Form    url.Values
}

// Method and path of the route's pattern.
func (r Route) split() (string, string) {
	method, path, ok := strings.Cut(r.Pattern, " ")
	if !ok {
		return "GET", r.Pattern
	}
	return method, path
}

// Actor is how the harness makes requests as a user of tenant A: a
// logged-in browser session (cookies in Client) or an API token.
type Actor struct {
	Name   string
	Client *http.Client
	Token  string
}

// Case is what one module gives the harness.
type Case struct {
	// BaseURL of the running service (an httptest server).
	BaseURL string
	// Actors of tenant A, each holding the module's roles there (a clerk, a
	// key user, a token...).
	Actors []Actor
	// IDsOfB maps every path parameter ("id", "role", ...) to an
	// identifier of tenant B's objects.
	IDsOfB map[string]string
	// SecretsOfB are strings from B's data (names, subjects) that must not
	// appear in any answer A gets.
	SecretsOfB []string
	Routes     []Route
}

// NewClient returns a client with a cookie jar that does not follow
// redirects (a redirect is not a refusal, and following one could land on
// a page that legitimately shows A's data).
func NewClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Check runs every route as every actor.
func Check(t TB, c Case) {
	t.Helper()
	if len(c.Actors) == 0 || len(c.Routes) == 0 {
		t.Fatalf("separation: a case needs actors and routes")
	}
	for _, actor := range c.Actors {
		for _, rt := range c.Routes {
			method, path := rt.split()
			filled, missing := fill(path, c.IDsOfB)
			if missing != "" {
				t.Errorf("%s: no identifier of tenant B for {%s}", rt.Pattern, missing)
				continue
			}
			func() {
				var body io.Reader
				if method != "GET" && method != "HEAD" {
					body = strings.NewReader(rt.Form.Encode())
				}
				req, err := http.NewRequest(method, c.BaseURL+filled, body)
				if err != nil {
					t.Fatalf("%s: %v", rt.Pattern, err)
				}
				if body != nil {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				if actor.Token != "" {
					req.Header.Set("Authorization", "Bearer "+actor.Token)
				}
				res, err := actor.Client.Do(req)
				if err != nil {
					t.Fatalf("%s: %v", rt.Pattern, err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s as %s with tenant B's identifiers: status %d, want 404 or 403", method, filled, actor.Name, res.StatusCode)
				}
				for _, s := range c.SecretsOfB {
					if strings.Contains(string(b), s) {
						t.Errorf("%s %s as %s: the answer contains tenant B's %q", method, filled, actor.Name, s)
					}
				}
			}()
		}
	}
}

// fill replaces {name} (and {name...}) segments with ids[name].
func fill(path string, ids map[string]string) (string, string) {
	var b strings.Builder
	for {
		i := strings.IndexByte(path, '{')
		if i < 0 {
			b.WriteString(path)
			return b.String(), ""
		}
		j := strings.IndexByte(path[i:], '}')
		if j < 0 {
			b.WriteString(path)
			return b.String(), ""
		}
		name := strings.TrimSuffix(strings.TrimSuffix(path[i+1:i+j], "..."), "$")
		b.WriteString(path[:i])
		if name != "" {
			v, ok := ids[name]
			if !ok {
				return "", name
			}
			b.WriteString(url.PathEscape(v))
		}
		path = path[i+j+1:]
	}
}

// Parameterised reports whether a route pattern has a path parameter:
// those are the routes that take identifiers and must be in the harness.
func Parameterised(pattern string) bool {
	return strings.Contains(pattern, "{") && !strings.Contains(pattern, "{$}")
}
