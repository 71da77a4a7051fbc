package api

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/web"
)

func readCatalog(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := Catalog.ReadFile("i18n/" + lang + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.json: %v", lang, err)
	}
	return m
}

func TestCatalogLanguagesHaveTheSameKeys(t *testing.T) {
	hu, en := readCatalog(t, "hu"), readCatalog(t, "en")
	for k := range hu {
		if _, ok := en[k]; !ok {
			t.Errorf("%q has no English text", k)
		}
	}
	for k := range en {
		if _, ok := hu[k]; !ok {
			t.Errorf("%q has no Hungarian text", k)
		}
	}
	for k := range hu {
		if !strings.HasPrefix(k, "api.") {
			t.Errorf("%q: keys of this package start with api.", k)
		}
		// The same verbs in both, or one language shows %!d(MISSING).
		verbs := regexp.MustCompile(`%[a-z]`)
		if h, e := verbs.FindAllString(hu[k], -1), verbs.FindAllString(en[k], -1); !slices.Equal(h, e) {
			t.Errorf("%q: hu has %v, en has %v", k, h, e)
		}
	}
}

// The app loads this catalog next to the platform's; a clash would stop
// it from starting.
func TestCatalogLoadsBesideThePlatform(t *testing.T) {
	c, err := web.NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Load(Catalog, "i18n"); err != nil {
		t.Fatal(err)
	}
	if got := c.T(web.English, "api.error.bad_limit", MaxLimit); got != "The limit must be a whole number from 1 to 200" {
		t.Errorf("T = %q", got)
	}
}

// Every key the code uses is in the catalog, or users see the bare key.
func TestCatalogHasEveryKeyUsed(t *testing.T) {
	hu := readCatalog(t, "hu")
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`"(api\.[a-z_.]+)"`)
	found := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(src), -1) {
			found++
			if _, ok := hu[m[1]]; !ok {
				t.Errorf("%s uses %q, which is not in i18n/hu.json", name, m[1])
			}
		}
	}
	if found == 0 {
		t.Error("found no keys in the source; is the pattern stale?")
	}
}
