package web

import (
	"net/http/httptest"
	"slices"
	"testing"
)

func TestCatalogHasEveryKeyInEveryLanguage(t *testing.T) {
	c, err := NewCatalog()
	if err != nil {
		t.Fatal(err)
	}
	hu, en := c.Keys(Hungarian), c.Keys(English)
	slices.Sort(hu)
	slices.Sort(en)
	if len(hu) == 0 {
		t.Fatal("empty catalog")
	}
	for _, k := range hu {
		if !c.Has(English, k) {
			t.Errorf("%q has no English text", k)
		}
	}
	for _, k := range en {
		if !c.Has(Hungarian, k) {
			t.Errorf("%q has no Hungarian text", k)
		}
	}
	if got := c.T(English, "error.status", 404); got != "Error code: 404" {
		t.Errorf("T = %q", got)
	}
}

func TestRequestLang(t *testing.T) {
	for _, tc := range []struct{ cookie, accept, want string }{
		{"", "", "hu"},
		{"", "en-GB,en;q=0.9", "en"},
		{"", "de-DE,hu;q=0.8", "hu"},
		{"en", "hu", "en"},
		{"xx", "en", "en"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tc.cookie != "" {
			r.Header.Set("Cookie", LangCookie+"="+tc.cookie)
		}
		if tc.accept != "" {
			r.Header.Set("Accept-Language", tc.accept)
		}
		if got := RequestLang(r); got != tc.want {
			t.Errorf("cookie %q accept %q: %q, want %q", tc.cookie, tc.accept, got, tc.want)
		}
	}
}
