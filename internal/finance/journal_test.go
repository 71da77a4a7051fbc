package finance_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
)

// hledger finds Debian's hledger, installing it if it is missing; the
// test is skipped only when apt cannot run here.
func hledger(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("hledger"); err == nil {
		return p
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		t.Skip("hledger is not installed and there is no apt-get to install it")
	}
	if out, err := exec.Command("apt-get", "install", "-y", "hledger").CombinedOutput(); err != nil {
		t.Skipf("apt-get install -y hledger failed (no root or no network?): %v\n%s", err, out)
	}
	p, err := exec.LookPath("hledger")
	if err != nil {
		t.Fatal("hledger installed but not found")
	}
	return p
}

// The exported journal of a generated year, read by hledger, has the
// same balance on every account as our trial balance, and hledger finds
// every transaction balanced.
func TestJournalAgreesWithHledger(t *testing.T) {
	bin := hledger(t)
	f := newFixture(t)
	e := f.entity(orfu, "Orfű Község Önkormányzata", "011130", "064010", "066020", "900020")
	e2 := f.entity(orfu, "Orfűi Közös Önkormányzati Hivatal", "011130", "064010", "066020", "900020")
	var tb finance.TrialBalance
	var journal bytes.Buffer
	err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		for i, ent := range []uuid.UUID{e.ID, e2.ID} {
			budget, evs := genYear(uint64(i+1), ent, 2026, 1500)
			if _, err := f.s.RecordBudget(ctx, tx, budget, "t"); err != nil {
				return err
			}
			if _, err := f.s.PostMany(ctx, tx, evs, "t"); err != nil {
				return err
			}
		}
		// A reversal and a negative amendment take part too.
		js, err := finance.Journal(ctx, tx, e.ID, 2026, 1)
		if err != nil {
			return err
		}
		if _, err := f.s.Reverse(ctx, tx, js[0].ID, js[0].On, "teszt", "t"); err != nil {
			return err
		}
		if _, err := f.s.RecordBudget(ctx, tx, finance.BudgetChange{Entity: e.ID, Year: 2026, Kind: finance.Amendment, Decision: "9/2026.", On: hu.Date{Year: 2026, Month: 6, Day: 1},
			Lines: []finance.AppropriationInput{{LineKey: finance.LineKey{Rovat: "B402", Funkcio: "066020"}, Amount: -1000}}}, "t"); err != nil {
			return err
		}
		if tb, err = finance.TrialBalanceOf(ctx, tx, finance.Scope{Year: 2026}); err != nil {
			return err
		}
		return finance.WriteJournal(ctx, tx, &journal, uuid.Nil, 2026)
	})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "2026.journal")
	if err := os.WriteFile(path, journal.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-f", path, "balance", "--flat", "--no-total", "-O", "csv").CombinedOutput()
	if err != nil {
		t.Fatalf("hledger: %v\n%s", err, out)
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("hledger csv: %v\n%s", err, out)
	}
	theirs := map[string]int64{}
	for _, r := range rows[1:] {
		v, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.ReplaceAll(r[1], ",", ""), "HUF")), 10, 64)
		if err != nil {
			t.Fatalf("hledger amount %q: %v", r[1], err)
		}
		theirs[r[0]] = v
	}
	ours := map[string]int64{}
	for _, r := range tb.Rows {
		if r.Balance() != 0 {
			ours[r.Account.Code] = int64(r.Balance())
		}
	}
	if len(ours) < 15 {
		t.Errorf("only %d accounts with a balance: %v", len(ours), ours)
	}
	for a, v := range ours {
		if theirs[a] != v {
			t.Errorf("account %s: ours %d, hledger %d", a, v, theirs[a])
		}
	}
	for a, v := range theirs {
		if _, ok := ours[a]; !ok {
			t.Errorf("account %s only in hledger: %d", a, v)
		}
	}
	// hledger's own count of transactions matches the entries.
	stats, err := exec.Command(bin, "-f", path, "stats").CombinedOutput()
	if err != nil || !strings.Contains(string(stats), "Transactions") {
		t.Fatalf("hledger stats: %v\n%s", err, stats)
	}
	if !strings.Contains(string(stats), ": 3018 (") { // 2×1500 events + 2×8 appropriation lines + 1 reversal + 1 amendment
		t.Errorf("hledger stats: %s", stats)
	}
}
