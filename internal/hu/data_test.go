package hu

import "testing"

// TestCheckEmbeddedData is the test that catches a malformed embedded file.
func TestCheckEmbeddedData(t *testing.T) {
	if err := CheckEmbeddedData(); err != nil {
		t.Fatal(err)
	}
}
