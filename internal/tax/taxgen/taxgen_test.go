package taxgen

import (
	"testing"

	"github.com/openasp-hu/asp/internal/hu"
)

func TestTaxIDsAreValidAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for n := range 100_000 {
		id := TaxID(n)
		if _, err := hu.ParseTaxID(id); err != nil {
			t.Fatalf("%d: %s: %v", n, id, err)
		}
		if seen[id] {
			t.Fatalf("%d: %s twice", n, id)
		}
		seen[id] = true
	}
}
