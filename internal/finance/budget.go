package finance

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// The budget (költségvetés): original appropriations by entity, rovat
// and kormányzati funkció, and their amendments and reallocations, each
// with the decision behind it (§B.4). Each change is also posted to the
// ledger's class 0 by the rule table, so every report reads one source.

// Appropriation kinds.
const (
	Original     = "original"     // eredeti előirányzat
	Amendment    = "amendment"    // előirányzat-módosítás
	Reallocation = "reallocation" // átcsoportosítás
)

// AppropriationChange is one line of the budget's register.
type AppropriationChange struct {
	bun.BaseModel `bun:"table:finance_appropriations,alias:ap"`
	db.TenantScoped

	ID        uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	EntityID  uuid.UUID `bun:"entity_id,type:uuid" json:"entity_id"`
	Year      int       `bun:"year" json:"year"`
	Rovat     string    `bun:"rovat" json:"rovat"`
	Funkcio   string    `bun:"funkcio" json:"funkcio"`
	Task      string    `bun:"task" json:"task"`
	Kind      string    `bun:"kind" json:"kind"`
	Amount    hu.Forint `bun:"amount" json:"amount"`
	Decision  string    `bun:"decision" json:"decision"`
	Batch     uuid.UUID `bun:"batch,type:uuid" json:"batch"`
	Note      string    `bun:"note" json:"note"`
	On        hu.Date   `bun:"on_date" json:"on"`
	EntryID   uuid.UUID `bun:"entry_id,type:uuid" json:"entry_id"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
	CreatedBy string    `bun:"created_by" json:"created_by"`
}

// LineKey names an appropriation line.
type LineKey struct {
	Rovat   string `json:"rovat"`
	Funkcio string `json:"funkcio"`
	Task    string `json:"task"`
}

// AppropriationInput is one line of a budget change.
type AppropriationInput struct {
	LineKey
	Amount hu.Forint `json:"amount"`
}

// BudgetChange is a decision changing the budget: the original budget
// (or part of it), an amendment, or a reallocation (its lines sum to 0).
type BudgetChange struct {
	Entity   uuid.UUID
	Year     int
	Kind     string
	On       hu.Date
	Decision string
	Note     string
	Lines    []AppropriationInput
}

// RecordBudget records a budget change: all lines or none.
func (s *Service) RecordBudget(ctx context.Context, tx bun.Tx, in BudgetChange, by string) ([]AppropriationChange, error) {
	e, err := EntityByID(ctx, tx, in.Entity)
	if err != nil {
		return nil, err
	}
	in.Decision, in.Note = strings.TrimSpace(in.Decision), strings.TrimSpace(in.Note)
	switch {
	case in.Kind != Original && in.Kind != Amendment && in.Kind != Reallocation:
		return nil, problem("bad_kind", "kind", "Válassza ki: eredeti előirányzat, módosítás vagy átcsoportosítás.", "Choose: original appropriation, amendment or reallocation.")
	case in.Year < 2000 || in.Year > hu.DateOf(s.now()).Year+1:
		return nil, problem("bad_year", "year", "A költségvetési év 2000 és a jövő év között lehet.", "The budget year is between 2000 and next year.")
	case in.Kind != Original && in.Decision == "":
		return nil, problem("no_decision", "decision", "Adja meg a döntést, amely a módosítást elrendelte (például 12/2026. (III. 5.) önkormányzati rendelet vagy 45/2026. képviselő-testületi határozat).",
			"Give the decision that ordered the change (e.g. decree 12/2026. (III. 5.) or council resolution 45/2026.).")
	case len(in.Decision) > 300 || len(in.Note) > 1000:
		return nil, problem("too_long", "decision", "A döntés hivatkozása legfeljebb 300, a megjegyzés legfeljebb 1000 karakter.", "The decision reference is at most 300, the note at most 1000 characters.")
	case len(in.Lines) == 0:
		return nil, problem("no_lines", "amount", "Adjon meg legalább egy előirányzat-sort.", "Give at least one appropriation line.")
	}
	if !in.On.IsValid() {
		// The original budget applies from the first day of the year; a
		// change from the day it is recorded (or the year's first day when
		// recorded ahead).
		in.On = hu.DateOf(s.now())
		if in.Kind == Original || in.On.Year != in.Year {
			in.On = hu.Date{Year: in.Year, Month: 1, Day: 1}
		}
	}
	if in.On.Year != in.Year {
		return nil, problem("bad_date", "on", "A döntés könyvelési napja a költségvetési évbe essen (%d).", "The day of the change must be in the budget year (%d).", in.Year)
	}
	var sum hu.Forint
	for _, l := range in.Lines {
		if l.Amount == 0 || (in.Kind == Original && l.Amount < 0) {
			return nil, problem("bad_amount", "amount", "%s/%s: az összeg nem lehet nulla, eredeti előirányzat nem lehet negatív.", "%s/%s: the amount cannot be zero, an original appropriation cannot be negative.", l.Rovat, l.Funkcio)
		}
		sum += l.Amount
	}
	if in.Kind == Reallocation {
		if len(in.Lines) < 2 || sum != 0 {
			return nil, problem("unbalanced_reallocation", "amount", "Az átcsoportosítás sorainak összege nulla legyen (amennyit az egyik sorról elvesz, annyit ad a másikhoz); most %s Ft.",
				"A reallocation's lines must sum to zero (what one line gives, another takes); now %s Ft.", sum.Grouped())
		}
	}
	ev := EvAppropriationChange
	if in.Kind == Original {
		ev = EvAppropriation
		// One original appropriation per line: later changes are amendments.
		for _, l := range in.Lines {
			n, err := db.Count(ctx, tx.NewSelect().Model((*AppropriationChange)(nil)).Where("entity_id = ? AND year = ? AND rovat = ? AND funkcio = ? AND task = ? AND kind = ?",
				e.ID, in.Year, l.Rovat, l.Funkcio, taskOr(l.Task), Original))
			if err != nil {
				return nil, err
			}
			if n > 0 {
				return nil, problem("original_exists", "rovat", "%s / %s már kapott eredeti előirányzatot %d-ra; a változást módosításként rögzítse.",
					"%s / %s already has an original appropriation for %d; record the change as an amendment.", l.Rovat, l.Funkcio, in.Year)
			}
		}
	}
	evs := make([]Event, len(in.Lines))
	for i, l := range in.Lines {
		evs[i] = Event{Entity: e.ID, Kind: ev, On: in.On, Rovat: l.Rovat, Funkcio: l.Funkcio, Task: l.Task, Amount: l.Amount, Document: in.Decision, Text: in.Note}
	}
	entries, err := s.PostMany(ctx, tx, evs, by)
	if err != nil {
		return nil, err
	}
	// A reduction may not take away what is already committed or spent.
	if in.Kind != Original {
		for _, l := range in.Lines {
			if l.Amount >= 0 || l.Rovat[0] != 'K' {
				continue
			}
			st, err := LineStatus(ctx, tx, e.ID, in.Year, l.LineKey)
			if err != nil {
				return nil, err
			}
			if st.Free < 0 {
				return nil, problem("not_enough_free", "amount", "%s / %s szabad előirányzata csak %s Ft lenne (módosított %s Ft, kötelezettségvállalás %s Ft, teljesítés %s Ft); ennyivel nem csökkenthető.",
					"%s / %s would have only %s Ft free (modified %s Ft, committed %s Ft, paid %s Ft); it cannot be reduced by this much.",
					l.Rovat, l.Funkcio, st.Free.Grouped(), st.Modified.Grouped(), st.OpenCommitment.Grouped(), st.Performance.Grouped())
			}
		}
	}
	batch := uuid.Must(uuid.NewV7())
	now := s.now().UTC()
	out := make([]AppropriationChange, len(in.Lines))
	for i, l := range in.Lines {
		out[i] = AppropriationChange{ID: uuid.Must(uuid.NewV7()), EntityID: e.ID, Year: in.Year, Rovat: l.Rovat, Funkcio: l.Funkcio, Task: taskOr(l.Task),
			Kind: in.Kind, Amount: l.Amount, Decision: in.Decision, Batch: batch, Note: in.Note, On: in.On, EntryID: entries[i].ID, CreatedAt: now, CreatedBy: by}
	}
	for i := 0; i < len(out); i += 500 {
		part := out[i:min(i+500, len(out))]
		if _, err := tx.NewInsert().Model(&part).Exec(ctx); err != nil {
			return nil, fmt.Errorf("insert appropriations: %w", err)
		}
	}
	return out, appendAudit(ctx, tx, "finance.budget_"+in.Kind, "entity", e.ID.String(), map[string]any{"year": in.Year, "decision": in.Decision,
		"lines": len(out), "sum": int64(sum), "batch": batch.String(), "by": by}, now)
}

func taskOr(t string) string {
	if t == "" {
		return "kotelezo"
	}
	return t
}

// Appropriations lists an entity's budget register of a year.
func Appropriations(ctx context.Context, tx bun.IDB, entity uuid.UUID, year int) ([]AppropriationChange, error) {
	var as []AppropriationChange
	err := tx.NewSelect().Model(&as).Where("entity_id = ? AND year = ?", entity, year).OrderExpr("created_at, id").Scan(ctx)
	return as, err
}
