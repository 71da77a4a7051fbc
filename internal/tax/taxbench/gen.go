// Package taxbench generates a realistic municipality's tax ledger for
// ADÓ's performance benchmarks (docs/performance.md): taxpayers with valid
// adóazonosító jelek, and years of assessments and payments with the
// habits real taxpayers have — most pay on time, some late, a few not at
// all. It writes straight to the tables (no audit events): it builds a
// test database, it is not a way to record taxes.
package taxbench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/taxgen"
)

// Options of a generated ledger.
type Options struct {
	Taxpayers int
	Years     int     // of postings, ending with the year of Until
	Until     hu.Date // no posting after this day
	Seed      uint64
}

// Summary counts what was generated.
type Summary struct {
	Taxpayers, Postings, Debits, Credits int
	// Busiest is the taxpayer with the most postings: the page
	// benchmark's subject.
	Busiest uuid.UUID
	// TaxIDs are the taxpayers' identifiers in order (for statements).
	TaxIDs []string
	IDs    []uuid.UUID
}

// v7At is a UUIDv7 of the time t: the ledger's postings carry the time
// they were posted, years ago, as real ones do (the interest run tells new
// postings from old by it).
func v7At(t time.Time, r *rand.Rand) uuid.UUID {
	var u uuid.UUID
	ms := uint64(t.UnixMilli())
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (8 * (5 - i)))
	}
	for i := 6; i < 16; i++ {
		u[i] = byte(r.Uint32())
	}
	u[6] = 0x70 | u[6]&0x0f
	u[8] = 0x80 | u[8]&0x3f
	return u
}

// Generate writes the ledger in the tenant of ctx.
func Generate(ctx context.Context, tx bun.Tx, o Options) (Summary, error) {
	var sum Summary
	r := rand.New(rand.NewPCG(o.Seed, 0x41535020))
	at := o.Until.Time()
	var tps []tax.Taxpayer
	for i := 0; len(tps) < o.Taxpayers; i++ {
		// The same adóazonosító jelek as the assessment's generated
		// municipality: valid and unique by construction.
		tps = append(tps, tax.Taxpayer{ID: uuid.Must(uuid.NewV7()), Kind: "person", TaxID: taxgen.TaxID(i),
			Name: fmt.Sprintf("Adózó %06d", len(tps)+1), Address: fmt.Sprintf("7677 Orfű, Fő utca %d.", len(tps)%300+1), CreatedAt: at, CreatedBy: "taxbench"})
	}
	for start := 0; start < len(tps); start += 1000 {
		part := tps[start:min(start+1000, len(tps))]
		if _, err := tx.NewInsert().Model(&part).Exec(ctx); err != nil {
			return sum, fmt.Errorf("taxpayers: %w", err)
		}
	}
	sum.Taxpayers = len(tps)
	var batch []tax.Posting
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := tax.InsertPostings(ctx, tx, batch); err != nil {
			return fmt.Errorf("postings: %w", err)
		}
		batch = batch[:0]
		return nil
	}
	most := 0
	for _, tp := range tps {
		sum.TaxIDs = append(sum.TaxIDs, tp.TaxID)
		sum.IDs = append(sum.IDs, tp.ID)
		// Which taxes: nearly everyone pays the communal tax, many the
		// building tax, some the land tax.
		var types []string
		if r.IntN(100) < 80 {
			types = append(types, "kommunalis_ado")
		}
		if r.IntN(100) < 40 {
			types = append(types, "epitmenyado")
		}
		if r.IntN(100) < 10 || len(types) == 0 {
			types = append(types, "telekado")
		}
		// Habit: 85 % on time, 12 % late, 3 % seldom pay.
		habit := r.IntN(100)
		n := 0
		for _, tt := range types {
			yearly := hu.Forint(12_000 + r.IntN(40)*5_000)
			for y := o.Until.Year - o.Years + 1; y <= o.Until.Year; y++ {
				for _, due := range []hu.Date{{Year: y, Month: 3, Day: 16}, {Year: y, Month: 9, Day: 15}} {
					if due.After(o.Until) {
						continue
					}
					// Assessed in February, posted then.
					postedAt := time.Date(y, 2, 15, 9, 0, 0, 0, time.UTC)
					d := tax.Posting{ID: v7At(postedAt, r), TaxpayerID: tp.ID, TaxType: tt, Side: tax.Debit, Amount: yearly / 2, On: due,
						TaxYear: y, Kind: "kivetés", Reference: fmt.Sprintf("%d/%d", len(batch), y), PostedAt: postedAt, PostedBy: "taxbench"}
					batch = append(batch, d)
					sum.Debits++
					n++
					var paid hu.Date
					switch {
					case habit < 85:
						paid = due.AddDays(-r.IntN(20))
					case habit < 97:
						paid = due.AddDays(5 + r.IntN(200))
					default:
						if r.IntN(10) < 3 {
							paid = due.AddDays(30 + r.IntN(700))
						}
					}
					if !paid.IsZero() && !paid.After(o.Until) {
						postedAt := paid.Time().Add(30 * time.Hour) // imported the next morning
						batch = append(batch, tax.Posting{ID: v7At(postedAt, r), TaxpayerID: tp.ID, TaxType: tt, Side: tax.Credit, Amount: yearly / 2, On: paid,
							TaxYear: paid.Year, Kind: "befizetés", Reference: "kivonat", Note: tp.TaxID, PostedAt: postedAt, PostedBy: "taxbench"})
						sum.Credits++
						n++
					}
					if len(batch) >= 1000 {
						if err := flush(); err != nil {
							return sum, err
						}
					}
				}
			}
		}
		if n > most {
			most, sum.Busiest = n, tp.ID
		}
	}
	if err := flush(); err != nil {
		return sum, err
	}
	sum.Postings = sum.Debits + sum.Credits
	return sum, nil
}
