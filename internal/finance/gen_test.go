package finance_test

import (
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
)

// genYear makes a deterministic year of events for one entity: the
// original budget, then commitments, invoices, payments, revenue
// assessments and collections spread over the months, each fitting the
// free appropriation. Roughly 1.6 lines per event.
func genYear(seed uint64, entity uuid.UUID, year, events int) (finance.BudgetChange, []finance.Event) {
	rng := rand.New(rand.NewPCG(seed, 7))
	kLines := []finance.LineKey{{Rovat: "K1101", Funkcio: "011130"}, {Rovat: "K331", Funkcio: "064010"}, {Rovat: "K334", Funkcio: "066020"}, {Rovat: "K337", Funkcio: "011130"}, {Rovat: "K64", Funkcio: "066020"}}
	bLines := []finance.LineKey{{Rovat: "B34", Funkcio: "900020"}, {Rovat: "B351", Funkcio: "900020"}, {Rovat: "B402", Funkcio: "066020"}}
	budget := finance.BudgetChange{Entity: entity, Year: year, Kind: finance.Original, Decision: "1/2026. (II. 12.) ör."}
	for _, k := range append(append([]finance.LineKey{}, kLines...), bLines...) {
		budget.Lines = append(budget.Lines, finance.AppropriationInput{LineKey: k, Amount: hu.Forint(events) * 1_000_000})
	}
	var evs []finance.Event
	for i := 0; len(evs) < events; i++ {
		day := hu.Date{Year: year, Month: time.Month(1 + rng.IntN(12)), Day: 1 + rng.IntN(28)}
		amount := hu.Forint(1_000 + rng.IntN(500_000))
		if rng.IntN(3) == 0 {
			k := bLines[rng.IntN(len(bLines))]
			ev := finance.Event{Entity: entity, On: day, Rovat: k.Rovat, Funkcio: k.Funkcio, Amount: amount, Document: "B-" + uuid.NewString()[:8]}
			ev.Kind = finance.EvRevenueAssessed
			evs = append(evs, ev)
			ev.Kind, ev.Amount = finance.EvRevenueCollected, amount/2+1
			evs = append(evs, ev)
			continue
		}
		k := kLines[rng.IntN(len(kLines))]
		ev := finance.Event{Entity: entity, On: day, Rovat: k.Rovat, Funkcio: k.Funkcio, Amount: amount, Partner: "Partner Kft.", Commitment: "KV-" + uuid.NewString()[:8], Document: "SZ"}
		for _, kind := range []string{finance.EvCommitment, finance.EvInvoice, finance.EvPayment} {
			ev.Kind = kind
			evs = append(evs, ev)
		}
	}
	return budget, evs[:events]
}
