package finance

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// At the opening of a year, the year's part of each multi-year commitment
// made in an earlier year becomes that year's commitment (§B.5, Ávr. 56. §
// register — UNCERTAIN paragraph): it is posted on 0513 on 1 January by
// the rule table's commitment event, naming the original commitment. A
// table records each roll, so a second run posts nothing.

// CommitmentRoll is one year's part of a commitment rolled into its year.
type CommitmentRoll struct {
	bun.BaseModel `bun:"table:finance_commitment_rolls,alias:crl"`
	db.TenantScoped

	CommitmentID uuid.UUID `bun:"commitment_id,pk,type:uuid" json:"commitment_id"`
	Year         int       `bun:"year,pk" json:"year"`
	EntityID     uuid.UUID `bun:"entity_id,type:uuid" json:"entity_id"`
	Amount       hu.Forint `bun:"amount" json:"amount"`
	EntryID      string    `bun:"entry_id" json:"entry_id"`
	CreatedAt    time.Time `bun:"created_at" json:"created_at"`
	CreatedBy    string    `bun:"created_by" json:"created_by"`
}

// CommitmentRollItem is a commitment whose part is (to be) rolled.
type CommitmentRollItem struct {
	CommitmentID uuid.UUID `json:"commitment_id"`
	Since        int       `json:"since"` // the commitment's own year
	Rovat        string    `json:"rovat"`
	Funkcio      string    `json:"funkcio"`
	Partner      string    `json:"partner"`
	Subject      string    `json:"subject"`
	Amount       hu.Forint `json:"amount"`
	EntryID      string    `json:"entry_id,omitempty"`
}

// CommitmentRollResult is what a roll did (or, dry, would do).
type CommitmentRollResult struct {
	Year    int                  `json:"year"`
	DryRun  bool                 `json:"dry_run"`
	Items   []CommitmentRollItem `json:"items"`
	Total   hu.Forint            `json:"total"`
	Already int                  `json:"already_rolled"` // rolled by an earlier run
}

// RollCommitments rolls into year the parts of the entity's earlier
// multi-year commitments that fall on it. All or nothing; a second run
// finds them rolled and posts nothing.
func (s *Service) RollCommitments(ctx context.Context, tx bun.Tx, entity uuid.UUID, year int, dryRun bool, by string) (CommitmentRollResult, error) {
	res := CommitmentRollResult{Year: year, DryRun: dryRun, Items: []CommitmentRollItem{}}
	e, err := EntityByID(ctx, tx, entity)
	if err != nil {
		return res, err
	}
	today := hu.DateOf(s.now())
	if year < 2000 || year > today.Year {
		return res, problem("bad_year", "year", "Csak megnyílt évbe lehet átvinni: adjon meg legfeljebb %d. évet.", "Commitments can only be rolled into a year that has opened: give a year up to %d.", today.Year)
	}
	if !dryRun {
		// Two runs at once (PostgreSQL) would both find the work undone: the
		// second waits for the first, then finds it done (audit.Serialize).
		if err := audit.Serialize(ctx, tx, tenantOf(ctx)); err != nil {
			return res, err
		}
	}
	var parts []CommitmentYear
	if err := tx.NewSelect().Model(&parts).Where("year = ?", year).
		Where("commitment_id IN (?)", tx.NewSelect().Model((*Commitment)(nil)).Column("id").Where("entity_id = ? AND state = ? AND year < ?", e.ID, Committed, year)).
		Scan(ctx); err != nil {
		return res, fmt.Errorf("commitment years: %w", err)
	}
	if len(parts) == 0 {
		return res, nil
	}
	ids := make([]uuid.UUID, len(parts))
	for i, p := range parts {
		ids[i] = p.CommitmentID
	}
	var done []CommitmentRoll
	if err := tx.NewSelect().Model(&done).Where("year = ? AND commitment_id IN (?)", year, bun.In(ids)).Scan(ctx); err != nil {
		return res, fmt.Errorf("commitment rolls: %w", err)
	}
	rolled := map[uuid.UUID]bool{}
	for _, d := range done {
		rolled[d.CommitmentID] = true
	}
	res.Already = len(done)
	var cs []Commitment
	if err := tx.NewSelect().Model(&cs).Where("id IN (?)", bun.In(ids)).OrderExpr("on_date, id").Scan(ctx); err != nil {
		return res, fmt.Errorf("commitments: %w", err)
	}
	amount := map[uuid.UUID]hu.Forint{}
	for _, p := range parts {
		amount[p.CommitmentID] = p.Amount
	}
	on := hu.Date{Year: year, Month: time.January, Day: 1}
	var evs []Event
	for _, c := range cs {
		if rolled[c.ID] {
			continue
		}
		it := CommitmentRollItem{CommitmentID: c.ID, Since: c.Year, Rovat: c.Rovat, Funkcio: c.Funkcio, Partner: c.Partner, Subject: c.Subject, Amount: amount[c.ID]}
		res.Items = append(res.Items, it)
		res.Total += it.Amount
		evs = append(evs, Event{Entity: e.ID, Kind: EvCommitment, On: on, Rovat: c.Rovat, Funkcio: c.Funkcio, Task: c.Task, Amount: it.Amount,
			Partner: c.Partner, Commitment: c.ID.String(), Document: c.Document,
			Text: fmt.Sprintf("Többéves kötelezettségvállalás %d. évi része (%d): %s", year, c.Year, c.Subject)})
	}
	if dryRun || len(evs) == 0 {
		return res, nil
	}
	entries, err := s.PostMany(ctx, tx, evs, by)
	if err != nil {
		return res, err
	}
	now := s.now().UTC()
	rows := make([]CommitmentRoll, len(entries))
	for i, en := range entries {
		res.Items[i].EntryID = en.ID.String()
		rows[i] = CommitmentRoll{CommitmentID: res.Items[i].CommitmentID, Year: year, EntityID: e.ID, Amount: res.Items[i].Amount, EntryID: en.ID.String(), CreatedAt: now, CreatedBy: by}
	}
	if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return res, problem("concurrent_roll", "year", "Ezt az évet most viszi át valaki más; nézze meg újra.", "Someone else is rolling this year now; look again.")
		}
		return res, fmt.Errorf("insert commitment rolls: %w", err)
	}
	return res, appendAudit(ctx, tx, "finance.commitment_roll", "entity", e.ID.String(), map[string]any{
		"year": year, "commitments": len(rows), "total": int64(res.Total), "by": by}, now)
}

// CommitmentRolls lists what was rolled into an entity's year.
func CommitmentRolls(ctx context.Context, tx bun.IDB, entity uuid.UUID, year int) ([]CommitmentRoll, error) {
	var rs []CommitmentRoll
	if err := tx.NewSelect().Model(&rs).Where("entity_id = ? AND year = ?", entity, year).OrderExpr("created_at, commitment_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("commitment rolls: %w", err)
	}
	return rs, nil
}
