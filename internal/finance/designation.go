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

// The roles of the expenditure control chain (§B.5). Acting in one needs
// a written designation (kijelölés) valid on the day; the register below
// keeps them with the decision behind each. The paragraph numbers of
// Ávr. per role are UNCERTAIN (the spec names Ávr. 52.–60. § as a whole).
const (
	RoleCommit      = "commitment"    // kötelezettségvállaló (Áht. 37. §, Ávr. 52. §)
	RoleCountersign = "countersign"   // pénzügyi ellenjegyző (Áht. 37. § (1), Ávr. 54.–55. §)
	RoleCertify     = "certify"       // teljesítésigazoló (Ávr. 57. §)
	RoleValidate    = "validate"      // érvényesítő (Ávr. 58. §)
	RoleOrder       = "payment_order" // utalványozó (Áht. 38. §, Ávr. 59. §)
)

// Roles lists the chain's roles in its order.
var Roles = []string{RoleCommit, RoleCountersign, RoleCertify, RoleValidate, RoleOrder}

var roleNames = map[string][2]string{
	RoleCommit:      {"kötelezettségvállaló", "commitment maker"},
	RoleCountersign: {"pénzügyi ellenjegyző", "financial countersignatory"},
	RoleCertify:     {"teljesítésigazoló", "certifier of performance"},
	RoleValidate:    {"érvényesítő", "validator"},
	RoleOrder:       {"utalványozó", "payment orderer"},
}

// RoleName names a role in lang.
func RoleName(role, lang string) string {
	n, ok := roleNames[role]
	if !ok {
		return role
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// Designation is one line of the register: username may act in role
// for the entity from ValidFrom to ValidTo (open when zero).
type Designation struct {
	bun.BaseModel `bun:"table:finance_designations,alias:dg"`
	db.TenantScoped

	ID        uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	EntityID  uuid.UUID `bun:"entity_id,type:uuid" json:"entity_id"`
	Username  string    `bun:"username" json:"username"`
	Role      string    `bun:"role" json:"role"`
	ValidFrom hu.Date   `bun:"valid_from" json:"valid_from"`
	ValidTo   *hu.Date  `bun:"valid_to" json:"valid_to,omitempty"`
	Decision  string    `bun:"decision" json:"decision"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
	CreatedBy string    `bun:"created_by" json:"created_by"`

	Revocation *DesignationRevocation `bun:"-" json:"revocation,omitempty"`
}

// ValidOn tells whether the designation holds on day d.
func (g Designation) ValidOn(d hu.Date) bool {
	return !d.Before(g.ValidFrom) && (g.ValidTo == nil || !g.ValidTo.Before(d)) && (g.Revocation == nil || d.Before(g.Revocation.RevokedFrom))
}

// DesignationInput is a new designation.
type DesignationInput struct {
	Username  string  `json:"username"`
	Role      string  `json:"role"`
	ValidFrom hu.Date `json:"valid_from"`
	ValidTo   hu.Date `json:"valid_to"` // zero: until revoked by a new decision
	Decision  string  `json:"decision"`
}

// Designate records a designation. A designation is not edited or
// deleted: its end is given when it is made (a later decision ending it
// early is recorded as a revocation beside it, see RevokeDesignation).
func (s *Service) Designate(ctx context.Context, tx bun.Tx, entity uuid.UUID, in DesignationInput, by string) (Designation, error) {
	e, err := EntityByID(ctx, tx, entity)
	if err != nil {
		return Designation{}, err
	}
	in.Username, in.Decision = strings.TrimSpace(in.Username), strings.TrimSpace(in.Decision)
	if _, ok := roleNames[in.Role]; !ok {
		return Designation{}, problem("bad_role", "role", "Válassza ki a szerepet (kötelezettségvállaló, pénzügyi ellenjegyző, teljesítésigazoló, érvényesítő, utalványozó).",
			"Choose the role (commitment maker, financial countersignatory, certifier, validator, payment orderer).")
	}
	if in.Username == "" || len(in.Username) > 100 {
		return Designation{}, problem("bad_username", "username", "Adja meg a kijelölt felhasználó azonosítóját.", "Give the designated user's username.")
	}
	if in.Decision == "" || len(in.Decision) > 300 {
		return Designation{}, problem("no_decision", "decision", "Adja meg a kijelölő döntést (például a jegyző 3/2026. számú kijelölő irata), legfeljebb 300 karakter.",
			"Give the decision that designates (e.g. the jegyző's designation no. 3/2026), at most 300 characters.")
	}
	if !in.ValidFrom.IsValid() {
		return Designation{}, problem("bad_date", "valid_from", "Adja meg, mely naptól érvényes a kijelölés (ÉÉÉÉ-HH-NN).", "Give the day the designation starts (YYYY-MM-DD).")
	}
	g := Designation{ID: uuid.Must(uuid.NewV7()), EntityID: e.ID, Username: in.Username, Role: in.Role, ValidFrom: in.ValidFrom, Decision: in.Decision, CreatedAt: s.now().UTC(), CreatedBy: by}
	if in.ValidTo.IsValid() {
		if in.ValidTo.Before(in.ValidFrom) {
			return Designation{}, problem("bad_date", "valid_to", "A kijelölés vége nem lehet korábban, mint a kezdete.", "The designation cannot end before it starts.")
		}
		to := in.ValidTo
		g.ValidTo = &to
	}
	if _, err := tx.NewInsert().Model(&g).Exec(ctx); err != nil {
		return Designation{}, fmt.Errorf("insert designation: %w", err)
	}
	detail := map[string]any{"username": g.Username, "role": g.Role, "valid_from": g.ValidFrom.String(), "decision": g.Decision, "by": by}
	if g.ValidTo != nil {
		detail["valid_to"] = g.ValidTo.String()
	}
	return g, appendAudit(ctx, tx, "finance.designate", "entity", e.ID.String(), detail, g.CreatedAt)
}

// Designations lists an entity's register, by role and user.
func Designations(ctx context.Context, tx bun.IDB, entity uuid.UUID) ([]Designation, error) {
	var gs []Designation
	if err := tx.NewSelect().Model(&gs).Where("entity_id = ?", entity).OrderExpr("role, username, valid_from, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("designations: %w", err)
	}
	return gs, designationRevocations(ctx, tx, gs)
}

// designated tells whether username may act in role for entity on day.
func designated(ctx context.Context, tx bun.IDB, entity uuid.UUID, username, role string, day hu.Date) (bool, error) {
	var gs []Designation
	if err := tx.NewSelect().Model(&gs).Where("entity_id = ? AND username = ? AND role = ?", entity, username, role).Scan(ctx); err != nil {
		return false, fmt.Errorf("designations of %s: %w", username, err)
	}
	if err := designationRevocations(ctx, tx, gs); err != nil {
		return false, err
	}
	for _, g := range gs {
		if g.ValidOn(day) {
			return true, nil
		}
	}
	return false, nil
}
