package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// A designation is revoked by a later decision from a given day (§B.5):
// the designation stays in the register as it was made, and the
// revocation is kept beside it, so the register shows both decisions.

// DesignationRevocation ends a designation early.
type DesignationRevocation struct {
	bun.BaseModel `bun:"table:finance_designation_revocations,alias:dgr"`
	db.TenantScoped

	DesignationID uuid.UUID `bun:"designation_id,pk,type:uuid" json:"-"`
	RevokedFrom   hu.Date   `bun:"revoked_from" json:"revoked_from"`
	Decision      string    `bun:"decision" json:"decision"`
	CreatedAt     time.Time `bun:"created_at" json:"created_at"`
	CreatedBy     string    `bun:"created_by" json:"created_by"`
}

var errNoDesignation = problem("no_designation", "", "Nincs ilyen kijelölés.", "There is no such designation.")

// DesignationByID loads a designation with its revocation.
func DesignationByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (Designation, error) {
	var g Designation
	err := tx.NewSelect().Model(&g).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Designation{}, errNoDesignation
	}
	if err != nil {
		return Designation{}, fmt.Errorf("designation %s: %w", id, err)
	}
	gs := []Designation{g}
	if err := designationRevocations(ctx, tx, gs); err != nil {
		return Designation{}, err
	}
	return gs[0], nil
}

// designationRevocations attaches their revocations to designations.
func designationRevocations(ctx context.Context, tx bun.IDB, gs []Designation) error {
	if len(gs) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(gs))
	idx := map[uuid.UUID]int{}
	for i, g := range gs {
		ids[i], idx[g.ID] = g.ID, i
	}
	var rs []DesignationRevocation
	if err := tx.NewSelect().Model(&rs).Where("designation_id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
		return fmt.Errorf("designation revocations: %w", err)
	}
	for _, r := range rs {
		r := r
		gs[idx[r.DesignationID]].Revocation = &r
	}
	return nil
}

// RevokeDesignation ends a designation from day from (it no longer holds
// on that day), on the revoking decision. A revocation is not backdated:
// steps taken under the designation before the decision stay valid.
func (s *Service) RevokeDesignation(ctx context.Context, tx bun.Tx, id uuid.UUID, from hu.Date, decision, by string) (Designation, error) {
	g, err := DesignationByID(ctx, tx, id)
	if err != nil {
		return Designation{}, err
	}
	decision = strings.TrimSpace(decision)
	if g.Revocation != nil {
		return Designation{}, problem("already_revoked", "", "Ezt a kijelölést már visszavonták %s naptól (%s).", "This designation was already revoked from %s (%s).", g.Revocation.RevokedFrom, g.Revocation.Decision)
	}
	if decision == "" || len(decision) > 300 {
		return Designation{}, problem("no_decision", "decision", "Adja meg a visszavonó döntést (például a jegyző 7/2026. számú irata), legfeljebb 300 karakter.",
			"Give the revoking decision (e.g. the jegyző's document no. 7/2026), at most 300 characters.")
	}
	if !from.IsValid() {
		return Designation{}, problem("bad_date", "revoked_from", "Adja meg, mely naptól nem érvényes a kijelölés (ÉÉÉÉ-HH-NN).", "Give the day from which the designation no longer holds (YYYY-MM-DD).")
	}
	today := hu.DateOf(s.now())
	if from.Before(today) {
		return Designation{}, problem("backdated", "revoked_from", "A visszavonás nem lehet visszamenőleges: legkorábban ma (%s) lép hatályba.", "A revocation cannot be backdated: it takes effect today (%s) at the earliest.", today)
	}
	if g.ValidTo != nil && g.ValidTo.Before(from) {
		return Designation{}, problem("already_ended", "revoked_from", "A kijelölés %s napon amúgy is lejár; nincs mit visszavonni.", "The designation ends on %s anyway; there is nothing to revoke.", *g.ValidTo)
	}
	now := s.now().UTC()
	rv := DesignationRevocation{DesignationID: g.ID, RevokedFrom: from, Decision: decision, CreatedAt: now, CreatedBy: by}
	if _, err := tx.NewInsert().Model(&rv).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return Designation{}, problem("already_revoked", "", "Ezt a kijelölést már visszavonták.", "This designation was already revoked.")
		}
		return Designation{}, fmt.Errorf("insert revocation: %w", err)
	}
	g.Revocation = &rv
	return g, appendAudit(ctx, tx, "finance.designation_revoke", "entity", g.EntityID.String(), map[string]any{
		"designation": g.ID.String(), "username": g.Username, "role": g.Role, "revoked_from": from.String(), "decision": decision, "by": by}, now)
}
