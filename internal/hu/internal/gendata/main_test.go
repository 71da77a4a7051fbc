package main

import (
	"bytes"
	"os"
	"testing"
)

// TestRegenerate rebuilds the embedded city postal-code table from the
// shared workbook and checks it matches the committed copy byte for byte.
// It is skipped when shared/ is not beside the repository.
func TestRegenerate(t *testing.T) {
	const workbook = "../../../../../shared/data/posta_iranyitoszam_2019/iranyitoszam_2019-01-15.xlsx"
	if _, err := os.Stat(workbook); err != nil {
		t.Skip("shared data not available:", err)
	}
	var out bytes.Buffer
	if err := run(workbook, &out); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../data/iranyitoszam_nagyvarosok.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Error("data/iranyitoszam_nagyvarosok.csv differs from a fresh run of gendata")
	}
}

func TestRunMissingFile(t *testing.T) {
	if err := run("does-not-exist.xlsx", &bytes.Buffer{}); err == nil {
		t.Error("run accepted a missing file")
	}
}
