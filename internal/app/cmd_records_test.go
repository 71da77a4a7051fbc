package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTransferPackageCommand(t *testing.T) {
	a := testApp(t)
	oldCases(t, a, "11730")
	dir := filepath.Join(t.TempDir(), "bag")
	var out bytes.Buffer
	if err := transferPackage(cliContext(t.Context()), a, "11730", 2011, dir, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "handed over 1 cases of 2011 of 11730 (Orfű)") {
		t.Errorf("output: %s", out.String())
	}
	info, err := os.ReadFile(filepath.Join(dir, "bag-info.txt"))
	if err != nil || !strings.Contains(string(info), "Source-Organization: Orfű\n") {
		t.Fatalf("bag-info: %s %v", info, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "cases", "KOZ-2011-000002.json")); err != nil {
		t.Error(err)
	}
	// Again: nothing is left, the refusal is said and no folder is left.
	again := filepath.Join(t.TempDir(), "again")
	err = transferPackage(cliContext(t.Context()), a, "11730", 2011, again, &out)
	if err == nil || !strings.Contains(err.Error(), "Nothing to hand over from 2011") {
		t.Errorf("second transfer: %v", err)
	}
	if _, err := os.Stat(again); !os.IsNotExist(err) {
		t.Error("a refused transfer left its folder")
	}
	if err := transferPackage(cliContext(t.Context()), a, "11730", 2011, dir, &out); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("into a full folder: %v", err)
	}
}
