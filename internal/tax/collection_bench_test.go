package tax_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax"
)

// arrearsTaxpayers is the size of a large town's arrears list.
const arrearsTaxpayers = 60_000

// seedArrears writes n taxpayers, each with a building tax debit of the
// spring instalment of due (half of them part-paid) and, every third, a
// communal tax debit too — inserted directly, as a data migration would.
func seedArrears(b *testing.B, d *db.DB, n int, due hu.Date) {
	b.Helper()
	now := time.Now().UTC()
	tps := make([]tax.Taxpayer, 0, 1000)
	ps := make([]tax.Posting, 0, 3000)
	flush := func(ctx context.Context, tx bun.Tx) error {
		if len(tps) > 0 {
			if _, err := tx.NewInsert().Model(&tps).Exec(ctx); err != nil {
				return err
			}
		}
		if len(ps) > 0 {
			if _, err := tx.NewInsert().Model(&ps).Exec(ctx); err != nil {
				return err
			}
		}
		tps, ps = tps[:0], ps[:0]
		return nil
	}
	err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		for i := 0; i < n; i++ {
			tp := tax.Taxpayer{ID: uuid.Must(uuid.NewV7()), Kind: "person", TaxID: fmt.Sprintf("8%09d", i), Name: fmt.Sprintf("Adózó %d", i), CreatedAt: now, CreatedBy: "bench"}
			tps = append(tps, tp)
			post := func(taxType, side string, amount hu.Forint, on hu.Date) {
				ps = append(ps, tax.Posting{ID: uuid.Must(uuid.NewV7()), TaxpayerID: tp.ID, TaxType: taxType, Side: side, Amount: amount, On: on,
					TaxYear: due.Year, Kind: "bench", PostedAt: now, PostedBy: "bench"})
			}
			post("epitmenyado", tax.Debit, hu.Forint(20_000+i%50*1_000), due)
			if i%2 == 0 {
				post("epitmenyado", tax.Credit, 5_000, due.AddDays(30))
			}
			if i%3 == 0 {
				post("kommunalis_ado", tax.Debit, 12_000, due)
			}
			if len(tps) == cap(tps) {
				if err := flush(ctx, tx); err != nil {
					return err
				}
			}
		}
		return flush(ctx, tx)
	})
	if err != nil {
		b.Fatal(err)
	}
}

var errRollback = errors.New("rolled back: a benchmark changes nothing")

// BenchmarkReminderRun is the reminder run over 60 000 taxpayers with
// arrears: reading every account, one bulk registration (a registrar in
// memory: IRAT's own cost is not in it), the reminders and limitation
// events inserted. Each run is rolled back so the next finds the same.
func BenchmarkReminderRun(b *testing.B) {
	d := openTax(b)
	due := hu.Date{Year: 2026, Month: 3, Day: 16}
	seedArrears(b, d, arrearsTaxpayers, due)
	s := &tax.Service{Now: func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) }}
	on := hu.Date{Year: 2026, Month: 6, Day: 1}
	for b.Loop() {
		var res tax.ReminderRunResult
		err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			if res, err = s.RunReminders(ctx, tx, &fakeRegistrar{}, on, "bench"); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			b.Fatal(err)
		}
		if len(res.Reminders) != arrearsTaxpayers {
			b.Fatalf("%d reminders", len(res.Reminders))
		}
	}
}

// BenchmarkWriteOffRun is the year-end write-off over 60 000 taxpayers
// whose debts of 2019 became time-barred at the end of 2024: a credit
// (and its audit entry) per debit. Rolled back like the reminder run.
func BenchmarkWriteOffRun(b *testing.B) {
	d := openTax(b)
	seedArrears(b, d, arrearsTaxpayers, hu.Date{Year: 2019, Month: 3, Day: 16})
	s := &tax.Service{Now: func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) }}
	for b.Loop() {
		var res tax.WriteOffResult
		err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			if res, err = s.RunWriteOff(ctx, tx, 2024, "", "bench"); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			b.Fatal(err)
		}
		if len(res.Items) != arrearsTaxpayers+arrearsTaxpayers/3 {
			b.Fatalf("%d write-offs", len(res.Items))
		}
	}
}
