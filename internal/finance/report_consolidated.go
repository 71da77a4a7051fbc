package finance

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
)

// The consolidated (összevont) interim budget report of the tenant's
// entities: the municipality with its institutions and office. The
// irányító szervi támogatás goes out of the municipality as K915 and
// into the institution as B816; within the group it is neither
// expenditure nor revenue, so both are eliminated (§B.2), and whatever
// of the two does not match is shown as a difference.

// ConsolidatedCell is a modified appropriation and its performance.
type ConsolidatedCell struct {
	Modified    hu.Forint `json:"modified"`
	Performance hu.Forint `json:"performance"`
}

func (c *ConsolidatedCell) add(s Status) { c.Modified += s.Modified; c.Performance += s.Performance }

// ConsolidatedRow is one rovat group (or total) across the entities.
type ConsolidatedRow struct {
	Rovat        string             `json:"rovat"`
	Entities     []ConsolidatedCell `json:"entities"` // in Consolidated.Entities' order
	Sum          ConsolidatedCell   `json:"sum"`
	Eliminated   ConsolidatedCell   `json:"eliminated"`
	Consolidated ConsolidatedCell   `json:"consolidated"`
}

// ConsolidatedEntity names a column.
type ConsolidatedEntity struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
	Kind string    `json:"kind"`
}

// Consolidated is the report.
type Consolidated struct {
	Year     int                  `json:"year"`
	Through  int                  `json:"through_month"`
	Entities []ConsolidatedEntity `json:"entities"`
	// Rows: K1…K9, K915, B1…B8, B816, then the §B.2 totals (K1-K8, K9,
	// B1-B7, B8) and the balance (B1-B7 − K1-K8).
	Rows []ConsolidatedRow `json:"rows"`
	// K915 and B816 are the group's totals of the two sides eliminated.
	K915 ConsolidatedCell `json:"eliminated_k915"`
	B816 ConsolidatedCell `json:"eliminated_b816"`
	// Budget reports per entity, for the checks.
	reports []BudgetReport
}

var consolidatedGroups = []string{"K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8", "K9", "K915", "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B816", "K1-K8", "B1-B7", "balance"}

// ConsolidatedOf computes the consolidated report of all the tenant's
// entities for months 1..sc.Through of sc.Year.
func ConsolidatedOf(ctx context.Context, tx bun.IDB, sc Scope) (Consolidated, error) {
	es, err := Entities(ctx, tx)
	if err != nil {
		return Consolidated{}, err
	}
	c := Consolidated{Year: sc.Year, Through: sc.Through, Entities: []ConsolidatedEntity{}}
	rows := map[string]*ConsolidatedRow{}
	for _, g := range consolidatedGroups {
		rows[g] = &ConsolidatedRow{Rovat: g, Entities: make([]ConsolidatedCell, len(es))}
	}
	for i, e := range es {
		c.Entities = append(c.Entities, ConsolidatedEntity{ID: e.ID, Name: e.Name, Kind: e.Kind})
		br, err := BudgetOf(ctx, tx, Scope{Entity: e.ID, Year: sc.Year, Through: sc.Through})
		if err != nil {
			return Consolidated{}, err
		}
		c.reports = append(c.reports, br)
		for _, g := range br.Groups {
			if r := rows[g.Rovat]; r != nil {
				r.Entities[i].add(g)
			}
		}
		for _, l := range br.Lines {
			for _, g := range []string{"K915", "B816"} {
				if strings.HasPrefix(l.Rovat, g) {
					rows[g].Entities[i].add(l)
				}
			}
		}
		rows["K1-K8"].Entities[i].add(br.BudgetExpenditure)
		rows["B1-B7"].Entities[i].add(br.BudgetRevenue)
		bal := &rows["balance"].Entities[i]
		bal.Modified = br.BudgetRevenue.Modified - br.BudgetExpenditure.Modified
		bal.Performance = br.Balance
	}
	for _, g := range consolidatedGroups {
		r := rows[g]
		for _, cell := range r.Entities {
			r.Sum.Modified += cell.Modified
			r.Sum.Performance += cell.Performance
		}
	}
	c.K915, c.B816 = rows["K915"].Sum, rows["B816"].Sum
	// The whole of both sides leaves the group's figures: K9 and B8 (and
	// the two lines themselves) lose them; the budget totals and the
	// balance do not contain them.
	for g, cell := range map[string]ConsolidatedCell{"K9": c.K915, "K915": c.K915, "B8": c.B816, "B816": c.B816} {
		rows[g].Eliminated = cell
	}
	for _, g := range consolidatedGroups {
		r := rows[g]
		r.Consolidated = ConsolidatedCell{Modified: r.Sum.Modified - r.Eliminated.Modified, Performance: r.Sum.Performance - r.Eliminated.Performance}
		c.Rows = append(c.Rows, *r)
	}
	return c, nil
}

// Row finds a row by its rovat group or total.
func (c Consolidated) Row(g string) ConsolidatedRow {
	for _, r := range c.Rows {
		if r.Rovat == g {
			return r
		}
	}
	return ConsolidatedRow{}
}

// Checks: the eliminated sides must match, and each entity's
// report keeps the §B.2 identities.
func (c Consolidated) Checks() []Check {
	out := []Check{
		{HU: "Irányító szervi támogatás: folyósított (K915) = kapott (B816) teljesítés", EN: "Support from the directing body: paid (K915) = received (B816) performance", Budget: c.K915.Performance, Financial: c.B816.Performance},
		{HU: "Irányító szervi támogatás: K915 = B816 módosított előirányzat", EN: "Support from the directing body: K915 = B816 modified appropriation", Budget: c.K915.Modified, Financial: c.B816.Modified},
	}
	for i, br := range c.reports {
		for _, ch := range budgetIdentityChecks(br) {
			if !ch.OK() {
				ch.HU, ch.EN = c.Entities[i].Name+": "+ch.HU, c.Entities[i].Name+": "+ch.EN
				out = append(out, ch)
			}
		}
	}
	return out
}
