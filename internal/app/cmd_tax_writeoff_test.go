package app

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/tax"
)

// The write-off from the command line: a dry run lists, the run writes
// off, a second run finds nothing; bad years are refused.
func TestTaxWriteOffCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := cliContext(context.Background())
	a, err := Open(ctx, Config{DataDir: dir, LogFormat: "text"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s := &tax.Service{Now: a.Now}
	err = a.DB.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		tp, err := s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "8123456786", Name: "Régi Adós"}, "t")
		if err != nil {
			return err
		}
		_, err = s.Post(ctx, tx, tax.PostingInput{TaxpayerID: tp.ID, TaxType: "epitmenyado", Side: tax.Debit, Amount: 45_000, On: hu.Date{Year: 2015, Month: 3, Day: 16}, TaxYear: 2015}, "t")
		return err
	})
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := Main(append([]string{"tax", "write-off", "--tenant", "11730", "--data", dir}, args...), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := run("--year", "2020", "--dry-run"); code != 0 || !strings.Contains(out, "próba") || !strings.Contains(out, "1 elévült tétel") || !strings.Contains(out, "45\u00a0000") {
		t.Errorf("dry run: %d %s", code, out)
	}
	if code, out := run("--year", "2020"); code != 0 || !strings.Contains(out, "Törölve: 1 elévült tétel") {
		t.Errorf("run: %d %s", code, out)
	}
	if code, out := run("--year", "2020"); code != 0 || !strings.Contains(out, "Törölve: 0 elévült tétel") {
		t.Errorf("second run: %d %s", code, out)
	}
	if code, _ := run("--year", "jövőre"); code != 2 {
		t.Errorf("bad year: %d", code)
	}
	if code, out := run("--year", "2999"); code != 2 || !strings.Contains(out, "1995") {
		t.Errorf("a future year: %d %s", code, out)
	}
}
