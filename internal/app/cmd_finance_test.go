package app

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
)

// export-journal writes Orfű's ledger in journal format, and refuses a
// missing tenant or year.
func TestFinanceExportJournalCommand(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := Main([]string{"migrate", "--data", dir}, &out, &errb); code != 0 {
		t.Fatalf("migrate: %d %s", code, errb.String())
	}
	ctx := cliContext(context.Background())
	a, err := Open(ctx, Config{DataDir: dir, LogFormat: "text"}, &errb)
	if err != nil {
		t.Fatal(err)
	}
	err = a.DB.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		s := &finance.Service{}
		e, err := s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Municipality, Name: "Orfű; Község", Functions: []string{"064010"}}, "t")
		if err != nil {
			return err
		}
		_, err = s.Post(ctx, tx, finance.Event{Entity: e.ID, Kind: finance.EvPayment, On: hu.Date{Year: 2026, Month: 3, Day: 2}, Rovat: "K331", Funkcio: "064010", Amount: 127_000, Document: "SZ-1"}, "t")
		return err
	})
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := Main([]string{"finance", "export-journal", "--tenant", "11730", "--year", "2026", "--data", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, w := range []string{"2026-03-02 Kifizetés (SZ-1)  ; entry:", "entity:Orfű, Község", "    4213      127000 HUF  ; ledger:financial, rovat:K331, funkcio:064010", "    331       -127000 HUF", "    0514      127000 HUF"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("journal lacks %q:\n%s", w, out.String())
		}
	}
	for _, bad := range [][]string{{"finance", "export-journal", "--year", "2026"}, {"finance", "export-journal", "--tenant", "11730"}, {"finance", "kivonat"}} {
		errb.Reset()
		if code := Main(append(bad, "--data", dir), &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("%v: exit %d, %q", bad, code, errb.String())
		}
	}
}
