package bankstatement

import (
	"errors"
	"strings"
	"testing"
)

func TestParseDetectsFormat(t *testing.T) {
	xml := camtDoc("02", camtStmt("X1", "0", "150000", "", camtEntry(false, "B1", "150000", "CRDT", "Kiss Éva", "adó")))
	for name, data := range map[string]string{
		"camt":            xml,
		"camt bom spaces": "\ufeff\n  " + xml,
		"csv":             csvValid,
	} {
		t.Run(name, func(t *testing.T) {
			sts, err := Parse(strings.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			assertConsistent(t, sts)
		})
	}
	// A camt error comes from the camt reader, with the statement named.
	_, err := Parse(strings.NewReader(strings.Replace(xml, `Ccy="HUF">150000`, `Ccy="EUR">150000`, 1)))
	var be *Error
	if !errors.As(err, &be) || be.Code != CodeCurrency || be.Statement != "X1" {
		t.Fatalf("got %v", err)
	}
}
