package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/openasp-hu/asp/internal/platform/refusal"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Service holds GAZD's rules.
type Service struct {
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Problem is a refusal a clerk can act on, in both languages: the one
// type of every module (refusal.Problem).
type Problem = refusal.Problem

func problem(code, field, huText, en string, args ...any) *Problem {
	return refusal.New(code, field, huText, en, args...)
}

var errNoEntity = problem("no_entity", "entity", "Nincs ilyen gazdálkodó szervezet.", "There is no such entity.")

func appendAudit(ctx context.Context, tx bun.Tx, action, objType, objID string, detail map[string]any, now time.Time) error {
	t, _ := db.TenantFrom(ctx)
	_, err := audit.Append(ctx, tx, t, audit.Event{Action: action, ObjectType: objType, ObjectID: objID, Result: audit.ResultOK, Detail: detail}, now)
	return err
}

// Entity kinds (§B.1: every budgetary entity keeps its own books).
const (
	Municipality = "municipality" // önkormányzat
	Institution  = "institution"  // költségvetési szerv (intézmény)
	JointOffice  = "joint_office" // (közös) önkormányzati hivatal
)

var entityKinds = map[string]string{Municipality: "Önkormányzat", Institution: "Intézmény", JointOffice: "Önkormányzati hivatal"}

// KindName names an entity kind in Hungarian.
func KindName(k string) string { return entityKinds[k] }

// Entity is a budgetary entity of the tenant.
type Entity struct {
	bun.BaseModel `bun:"table:finance_entities,alias:en"`
	db.TenantScoped

	ID   uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	Kind string    `bun:"kind" json:"kind"`
	Name string    `bun:"name" json:"name"`
	PIR  string    `bun:"pir" json:"pir"`
	// TaxNumber is the entity's adószám, needed on its outgoing invoices;
	// empty until recorded.
	TaxNumber string    `bun:"tax_number" json:"tax_number"`
	CreatedAt time.Time `bun:"created_at" json:"created_at"`
	CreatedBy string    `bun:"created_by" json:"created_by"`

	Functions []string `bun:"-" json:"functions"`
}

// EntityFunction is a kormányzati funkció an entity may use.
type EntityFunction struct {
	bun.BaseModel `bun:"table:finance_entity_functions,alias:ef"`
	db.TenantScoped

	EntityID uuid.UUID `bun:"entity_id,pk,type:uuid"`
	Funkcio  string    `bun:"funkcio,pk"`
	AddedAt  time.Time `bun:"added_at"`
	AddedBy  string    `bun:"added_by"`
}

// EntityInput is a new entity.
type EntityInput struct {
	Kind      string   `json:"kind"`
	Name      string   `json:"name"`
	PIR       string   `json:"pir"`
	TaxNumber string   `json:"tax_number"`
	Functions []string `json:"functions"`
}

// entityTaxNumber checks an adószám given for an entity; empty is allowed.
func entityTaxNumber(s string) (string, *Problem) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	n, err := hu.ParseTaxNumber(s)
	if err != nil {
		return "", problem("bad_tax_number", "tax_number", "Az adószám alakja 12345678-1-23, és az ellenőrző számjegyének is stimmelnie kell.",
			"A tax number looks like 12345678-1-23, and its check digit must match.")
	}
	return n.String(), nil
}

// SetEntityTaxNumber records (or corrects) the entity's adószám.
func (s *Service) SetEntityTaxNumber(ctx context.Context, tx bun.Tx, entity uuid.UUID, taxNumber, by string) (Entity, error) {
	e, err := EntityByID(ctx, tx, entity)
	if err != nil {
		return Entity{}, err
	}
	n, prob := entityTaxNumber(taxNumber)
	if prob != nil {
		return Entity{}, prob
	}
	if n == "" {
		return Entity{}, problem("bad_tax_number", "tax_number", "Adja meg a szervezet adószámát, például 15730158-2-02.", "Enter the entity's tax number, e.g. 15730158-2-02.")
	}
	old := e.TaxNumber
	e.TaxNumber = n
	if _, err := tx.NewUpdate().Model(&e).Column("tax_number").WherePK().Exec(ctx); err != nil {
		return Entity{}, fmt.Errorf("entity tax number: %w", err)
	}
	return e, appendAudit(ctx, tx, "finance.entity_tax_number", "entity", e.ID.String(), map[string]any{"old": old, "new": n, "by": by}, s.now().UTC())
}

// checkFunkcio refuses a code that is not a 6-digit kormányzati funkció,
// and says what was probably meant when the leading zero was lost.
func checkFunkcio(code string) *Problem {
	c := mustCodes()
	if f, ok := c.Funkcio(code); ok && f.Leaf() {
		return nil
	}
	if len(code) == 5 {
		if f, ok := c.Funkcio("0" + code); ok && f.Leaf() {
			return problem("bad_funkcio", "functions", "%s nem kormányzati funkció: a kód hat számjegyű, a vezető nullát is írja ki (%s %s).",
				"%s is not a kormányzati funkció: the code has six digits, write the leading zero too (%s %s).", code, f.Code, f.Name)
		}
	}
	if f, ok := c.Funkcio(code); ok {
		return problem("bad_funkcio", "functions", "%s (%s) csoport, nem könyvelhető funkció; válasszon egy hatjegyű kódot alatta.",
			"%s (%s) is a group, not a function you can post to; choose a six-digit code under it.", f.Code, f.Name)
	}
	return problem("bad_funkcio", "functions", "Nincs %q kódú kormányzati funkció.", "There is no kormányzati funkció %q.", code)
}

// SplitCodes reads a list of codes typed by a clerk: separated by
// spaces, commas, semicolons or new lines; words that do not start with
// a digit (a pasted name, "066020 Város-, községgazdálkodási …") are
// skipped, but a line with no code at all gives its first word, so a
// typo is refused rather than lost.
func SplitCodes(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		words := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
		found := false
		for _, w := range words {
			if w[0] >= '0' && w[0] <= '9' {
				out, found = append(out, w), true
			}
		}
		if !found && len(words) > 0 {
			out = append(out, words[0])
		}
	}
	return out
}

// CreateEntity records an entity with its permitted funkciók.
func (s *Service) CreateEntity(ctx context.Context, tx bun.Tx, in EntityInput, by string) (Entity, error) {
	in.Name, in.PIR = strings.TrimSpace(in.Name), strings.TrimSpace(in.PIR)
	if _, ok := entityKinds[in.Kind]; !ok {
		return Entity{}, problem("bad_kind", "kind", "Válassza ki a szervezet fajtáját.", "Choose the kind of entity.")
	}
	if in.Name == "" || len(in.Name) > 300 {
		return Entity{}, problem("bad_name", "name", "Adja meg a szervezet nevét (legfeljebb 300 karakter).", "Enter the entity's name (at most 300 characters).")
	}
	if in.PIR != "" && (len(in.PIR) != 6 || strings.Trim(in.PIR, "0123456789") != "") {
		return Entity{}, problem("bad_pir", "pir", "A törzskönyvi azonosító (PIR) hat számjegy.", "The PIR number has six digits.")
	}
	taxNumber, prob := entityTaxNumber(in.TaxNumber)
	if prob != nil {
		return Entity{}, prob
	}
	now := s.now().UTC()
	e := Entity{ID: uuid.Must(uuid.NewV7()), Kind: in.Kind, Name: in.Name, PIR: in.PIR, TaxNumber: taxNumber, CreatedAt: now, CreatedBy: by}
	fs, prob := normaliseFunctions(in.Functions)
	if prob != nil {
		return Entity{}, prob
	}
	// Checked first: on PostgreSQL a failed insert would spoil the
	// caller's transaction.
	if n, err := db.Count(ctx, tx.NewSelect().Model((*Entity)(nil)).Where("name = ?", e.Name)); err != nil {
		return Entity{}, err
	} else if n > 0 {
		return Entity{}, problem("entity_exists", "name", "Már van ilyen nevű szervezet: %s.", "There is already an entity named %s.", e.Name)
	}
	if _, err := tx.NewInsert().Model(&e).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return Entity{}, problem("entity_exists", "name", "Már van ilyen nevű szervezet: %s.", "There is already an entity named %s.", e.Name)
		}
		return Entity{}, fmt.Errorf("insert entity: %w", err)
	}
	if err := s.insertFunctions(ctx, tx, e.ID, fs, by, now); err != nil {
		return Entity{}, err
	}
	e.Functions = fs
	return e, appendAudit(ctx, tx, "finance.entity_create", "entity", e.ID.String(), map[string]any{"kind": e.Kind, "name": e.Name, "pir": e.PIR, "tax_number": e.TaxNumber, "functions": fs, "by": by}, now)
}

func normaliseFunctions(in []string) ([]string, *Problem) {
	seen := map[string]bool{}
	var out []string
	for _, f := range in {
		f = strings.TrimSpace(f)
		if f == "" || seen[f] {
			continue
		}
		if p := checkFunkcio(f); p != nil {
			return nil, p
		}
		seen[f] = true
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}

func (s *Service) insertFunctions(ctx context.Context, tx bun.Tx, entity uuid.UUID, fs []string, by string, now time.Time) error {
	if len(fs) == 0 {
		return nil
	}
	rows := make([]EntityFunction, len(fs))
	for i, f := range fs {
		rows[i] = EntityFunction{EntityID: entity, Funkcio: f, AddedAt: now, AddedBy: by}
	}
	_, err := tx.NewInsert().Model(&rows).On("CONFLICT DO NOTHING").Exec(ctx)
	return err
}

// AddFunctions permits more funkciók to an entity (the alapító okirat
// was amended). A permission is never taken back here: postings already
// made on it must stay valid.
func (s *Service) AddFunctions(ctx context.Context, tx bun.Tx, entity uuid.UUID, codes []string, by string) (Entity, error) {
	e, err := EntityByID(ctx, tx, entity)
	if err != nil {
		return Entity{}, err
	}
	fs, prob := normaliseFunctions(codes)
	if prob != nil {
		return Entity{}, prob
	}
	if len(fs) == 0 {
		return Entity{}, problem("no_functions", "functions", "Adjon meg legalább egy hatjegyű kormányzati funkciót.", "Give at least one six-digit kormányzati funkció.")
	}
	now := s.now().UTC()
	if err := s.insertFunctions(ctx, tx, e.ID, fs, by, now); err != nil {
		return Entity{}, err
	}
	if err := appendAudit(ctx, tx, "finance.entity_functions_add", "entity", e.ID.String(), map[string]any{"functions": fs, "by": by}, now); err != nil {
		return Entity{}, err
	}
	return EntityByID(ctx, tx, entity)
}

// EntityByID loads an entity with its funkciók; errNoEntity if it is not
// the tenant's.
func EntityByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (Entity, error) {
	var e Entity
	err := tx.NewSelect().Model(&e).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Entity{}, errNoEntity
	}
	if err != nil {
		return Entity{}, fmt.Errorf("entity %s: %w", id, err)
	}
	var fs []EntityFunction
	if err := tx.NewSelect().Model(&fs).Where("entity_id = ?", id).OrderExpr("funkcio").Scan(ctx); err != nil {
		return Entity{}, fmt.Errorf("functions of %s: %w", id, err)
	}
	e.Functions = []string{}
	for _, f := range fs {
		e.Functions = append(e.Functions, f.Funkcio)
	}
	return e, nil
}

// Entities lists the tenant's entities by name.
func Entities(ctx context.Context, tx bun.IDB) ([]Entity, error) {
	var es []Entity
	if err := tx.NewSelect().Model(&es).OrderExpr("name, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("entities: %w", err)
	}
	return es, nil
}

// permits refuses a funkció that does not exist or that the entity may
// not use, and a rovat that is not in the rovatrend.
func (e Entity) permits(rovat, funkcio string) *Problem {
	if _, ok := mustCodes().Rovat(rovat); !ok {
		return problem("bad_rovat", "rovat", "Nincs %q rovat a rovatrendben (B1…B8, K1…K9 és alrovataik, például K1101 vagy B351).",
			"There is no rovat %q in the rovatrend (B1…B8, K1…K9 and their subdivisions, e.g. K1101 or B351).", rovat)
	}
	return e.permitsFunkcio(funkcio)
}

// permitsFunkcio refuses a funkció that does not exist or that the
// entity's founding document does not list.
func (e Entity) permitsFunkcio(funkcio string) *Problem {
	if p := checkFunkcio(funkcio); p != nil {
		p.Field = "funkcio"
		return p
	}
	for _, f := range e.Functions {
		if f == funkcio {
			return nil
		}
	}
	f, _ := mustCodes().Funkcio(funkcio)
	return problem("funkcio_not_permitted", "funkcio", "%s nem használhatja a(z) %s %s kormányzati funkciót: nincs az alapító okiratában felsorolt funkciói között.",
		"%s may not use kormányzati funkció %s %s: it is not among the functions of its founding document.", e.Name, f.Code, f.Name)
}

// tenantOf is the tenant of the transaction's context (db.InTenant).
func tenantOf(ctx context.Context) db.TenantID {
	t, _ := db.TenantFrom(ctx)
	return t
}
