package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// The expenditure control chain (§B.5, §B.6): a commitment is drafted,
// countersigned (pénzügyi ellenjegyzés, which checks the free
// appropriation), and committed (posted to class 0 by the rule table);
// then each performance against it is certified (teljesítésigazolás,
// which books the invoice), validated (érvényesítés), ordered for
// payment (utalványozás) and paid (posted by the rule table). Every step
// needs the actor's designation valid on the day, and the four-eyes
// rules of Ávr. 60. § are checked by one function (CheckStep) both when the
// step is taken and when a page decides which buttons to offer.

// Commitment states.
const (
	Drafted       = "drafted"
	Countersigned = "countersigned"
	Committed     = "committed"
)

// Performance states.
const (
	Certified = "certified"
	Validated = "validated"
	Ordered   = "ordered"
	Paid      = "paid"
)

// Steps of the chain.
const (
	StepDraft       = "draft"
	StepCountersign = "countersign"
	StepCommit      = "commit"
	StepCertify     = "certify"
	StepValidate    = "validate"
	StepOrder       = "order"
	StepPay         = "pay"
)

// stepRole is the designation each step needs; drafting and paying need
// none (a clerk prepares the draft; the treasury posts the transfer the
// utalványozó ordered).
var stepRole = map[string]string{StepCountersign: RoleCountersign, StepCommit: RoleCommit, StepCertify: RoleCertify, StepValidate: RoleValidate, StepOrder: RoleOrder}

var stepNames = map[string][2]string{
	StepDraft:       {"Tervezet rögzítése", "Draft recorded"},
	StepCountersign: {"Pénzügyi ellenjegyzés", "Financial countersignature"},
	StepCommit:      {"Kötelezettségvállalás", "Commitment"},
	StepCertify:     {"Teljesítésigazolás", "Certification of performance"},
	StepValidate:    {"Érvényesítés", "Validation"},
	StepOrder:       {"Utalványozás", "Payment order"},
	StepPay:         {"Kifizetés könyvelése", "Payment posted"},
}

// StepName names a step in lang.
func StepName(step, lang string) string {
	n, ok := stepNames[step]
	if !ok {
		return step
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// Commitment is a kötelezettségvállalás on one appropriation line.
type Commitment struct {
	bun.BaseModel `bun:"table:finance_commitments,alias:cm"`
	db.TenantScoped

	ID              uuid.UUID  `bun:"id,pk,type:uuid" json:"id"`
	EntityID        uuid.UUID  `bun:"entity_id,type:uuid" json:"entity_id"`
	Year            int        `bun:"year" json:"year"`
	On              hu.Date    `bun:"on_date" json:"on"`
	Rovat           string     `bun:"rovat" json:"rovat"`
	Funkcio         string     `bun:"funkcio" json:"funkcio"`
	Task            string     `bun:"task" json:"task"`
	Partner         string     `bun:"partner" json:"partner"`
	Subject         string     `bun:"subject" json:"subject"`
	Document        string     `bun:"document" json:"document"`
	State           string     `bun:"state" json:"state"`
	DraftedBy       string     `bun:"drafted_by" json:"drafted_by"`
	DraftedAt       time.Time  `bun:"drafted_at" json:"drafted_at"`
	CountersignedBy string     `bun:"countersigned_by" json:"countersigned_by,omitempty"`
	CountersignedAt *time.Time `bun:"countersigned_at" json:"countersigned_at,omitempty"`
	CommittedBy     string     `bun:"committed_by" json:"committed_by,omitempty"`
	CommittedAt     *time.Time `bun:"committed_at" json:"committed_at,omitempty"`
	EntryID         string     `bun:"entry_id" json:"entry_id,omitempty"`

	Years []CommitmentYear `bun:"-" json:"years"`
	// Rolled are the later years whose part has been rolled into them
	// (commitment_roll.go): performance can be certified in those too.
	Rolled       []int         `bun:"-" json:"rolled,omitempty"`
	Performances []Performance `bun:"-" json:"performances"`
	Steps        []Step        `bun:"-" json:"steps"`
	Invoices     []Invoice     `bun:"-" json:"invoices"`
}

// CommitmentYear is one year's part of a commitment.
type CommitmentYear struct {
	bun.BaseModel `bun:"table:finance_commitment_years,alias:cy"`
	db.TenantScoped

	CommitmentID uuid.UUID `bun:"commitment_id,pk,type:uuid" json:"-"`
	Year         int       `bun:"year,pk" json:"year"`
	Amount       hu.Forint `bun:"amount" json:"amount"`
}

// Amount is the part of the commitment's own year: the only part that
// uses this year's appropriation (later years are future commitments,
// Ávr. 56. § register — UNCERTAIN paragraph).
func (c Commitment) Amount() hu.Forint {
	for _, y := range c.Years {
		if y.Year == c.Year {
			return y.Amount
		}
	}
	return 0
}

// Future is the later years' parts.
func (c Commitment) Future() []CommitmentYear {
	var out []CommitmentYear
	for _, y := range c.Years {
		if y.Year > c.Year {
			out = append(out, y)
		}
	}
	return out
}

// Performed is the sum of the performances certified against it.
func (c Commitment) Performed() hu.Forint {
	var s hu.Forint
	for _, p := range c.Performances {
		s += p.Amount
	}
	return s
}

// Open is the part of the commitment's own year not yet certified.
func (c Commitment) Open() hu.Forint { return c.OpenIn(c.Year) }

// PartOf is the part of the commitment that falls on year y.
func (c Commitment) PartOf(y int) hu.Forint {
	for _, cy := range c.Years {
		if cy.Year == y {
			return cy.Amount
		}
	}
	return 0
}

// PerformedIn is what was certified against it on days of year y.
func (c Commitment) PerformedIn(y int) hu.Forint {
	var s hu.Forint
	for _, p := range c.Performances {
		if p.On.Year == y {
			s += p.Amount
		}
	}
	return s
}

// OpenIn is the part of year y not yet certified.
func (c Commitment) OpenIn(y int) hu.Forint { return c.PartOf(y) - c.PerformedIn(y) }

// WorkingYear is the year whose part an action on day bears on: the
// day's year if that is the commitment's own year or a year its part was
// rolled into, else the commitment's own year (and the day is refused
// where it must fall in that year).
func (c Commitment) WorkingYear(day hu.Date) int {
	if day.Year == c.Year || slices.Contains(c.Rolled, day.Year) {
		return day.Year
	}
	return c.Year
}

// yearsOpen names the years performance may be certified in, for a
// refusal: the own year and the years rolled into.
func (c Commitment) yearsOpen() string {
	ys := []string{strconv.Itoa(c.Year)}
	for _, y := range c.Rolled {
		ys = append(ys, strconv.Itoa(y))
	}
	return strings.Join(ys, ", ")
}

// Performance is one invoice or performance certified against a
// commitment, and its way to payment.
type Performance struct {
	bun.BaseModel `bun:"table:finance_performances,alias:pf"`
	db.TenantScoped

	ID             uuid.UUID  `bun:"id,pk,type:uuid" json:"id"`
	CommitmentID   uuid.UUID  `bun:"commitment_id,type:uuid" json:"commitment_id"`
	Amount         hu.Forint  `bun:"amount" json:"amount"`
	On             hu.Date    `bun:"on_date" json:"on"`
	Document       string     `bun:"document" json:"document"`
	State          string     `bun:"state" json:"state"`
	CertifiedBy    string     `bun:"certified_by" json:"certified_by"`
	CertifiedAt    time.Time  `bun:"certified_at" json:"certified_at"`
	ValidatedBy    string     `bun:"validated_by" json:"validated_by,omitempty"`
	ValidatedAt    *time.Time `bun:"validated_at" json:"validated_at,omitempty"`
	OrderedBy      string     `bun:"ordered_by" json:"ordered_by,omitempty"`
	OrderedAt      *time.Time `bun:"ordered_at" json:"ordered_at,omitempty"`
	PaidBy         string     `bun:"paid_by" json:"paid_by,omitempty"`
	PaidAt         *time.Time `bun:"paid_at" json:"paid_at,omitempty"`
	InvoiceEntryID string     `bun:"invoice_entry_id" json:"invoice_entry_id"`
	PaymentEntryID string     `bun:"payment_entry_id" json:"payment_entry_id,omitempty"`
}

// Step is one step of the chain, with the person who took it.
type Step struct {
	bun.BaseModel `bun:"table:finance_commitment_steps,alias:cs"`
	db.TenantScoped

	ID            uuid.UUID `bun:"id,pk,type:uuid" json:"id"`
	CommitmentID  uuid.UUID `bun:"commitment_id,type:uuid" json:"-"`
	PerformanceID string    `bun:"performance_id" json:"performance_id,omitempty"`
	Step          string    `bun:"step" json:"step"`
	Role          string    `bun:"role" json:"role,omitempty"`
	By            string    `bun:"by_user" json:"by"`
	At            time.Time `bun:"at" json:"at"`
	Amount        hu.Forint `bun:"amount" json:"amount"`
}

// Actor is who takes a step: the username the designations name, and
// the display name, both compared with the partner (Ávr. 60. § (2)).
type Actor struct {
	Username, Name string
}

// CommitmentInput is a new draft commitment. Years holds the amount of
// each year; the first is the year of On.
type CommitmentInput struct {
	On       hu.Date          `json:"on"`
	Rovat    string           `json:"rovat"`
	Funkcio  string           `json:"funkcio"`
	Task     string           `json:"task"`
	Partner  string           `json:"partner"`
	Subject  string           `json:"subject"`
	Document string           `json:"document"`
	Years    []CommitmentYear `json:"years"`
}

var errNoCommitment = problem("no_commitment", "", "Nincs ilyen kötelezettségvállalás.", "There is no such commitment.")
var errNoPerformance = problem("no_performance", "", "Nincs ilyen teljesítés ennél a kötelezettségvállalásnál.", "There is no such performance on this commitment.")

// DraftCommitment records a draft: nothing is posted yet.
func (s *Service) DraftCommitment(ctx context.Context, tx bun.Tx, entity uuid.UUID, in CommitmentInput, by Actor) (Commitment, error) {
	e, err := EntityByID(ctx, tx, entity)
	if err != nil {
		return Commitment{}, err
	}
	in.Rovat, in.Funkcio = strings.ToUpper(strings.TrimSpace(in.Rovat)), strings.TrimSpace(in.Funkcio)
	in.Partner, in.Subject, in.Document = strings.TrimSpace(in.Partner), strings.TrimSpace(in.Subject), strings.TrimSpace(in.Document)
	if !in.On.IsValid() {
		return Commitment{}, problem("bad_date", "on", "Adja meg a kötelezettségvállalás napját (ÉÉÉÉ-HH-NN).", "Give the day of the commitment (YYYY-MM-DD).")
	}
	if p := e.permits(in.Rovat, in.Funkcio); p != nil {
		return Commitment{}, p
	}
	if in.Rovat[0] != 'K' {
		return Commitment{}, problem("wrong_side", "rovat", "Kötelezettséget kiadási (K) rovatra lehet vállalni, %s nem az.", "A commitment is made on an expenditure (K) rovat; %s is not one.", in.Rovat)
	}
	if _, ok := tasks[taskOr(in.Task)]; !ok {
		return Commitment{}, problem("bad_task", "task", "Válassza ki a feladat jellegét (kötelező, önként vállalt, államigazgatási).", "Choose the kind of task (mandatory, voluntary, state administration).")
	}
	if in.Partner == "" || len(in.Partner) > 300 {
		return Commitment{}, problem("no_partner", "partner", "Adja meg a partnert (szállító, kedvezményezett), legfeljebb 300 karakter.", "Give the partner (supplier, beneficiary), at most 300 characters.")
	}
	if in.Subject == "" || len(in.Subject) > 1000 || len(in.Document) > 200 {
		return Commitment{}, problem("no_subject", "subject", "Írja le a kötelezettségvállalás tárgyát (legfeljebb 1000 karakter); a szerződés száma legfeljebb 200 karakter.",
			"Describe what is committed (at most 1000 characters); the contract number is at most 200 characters.")
	}
	if len(in.Years) == 0 || in.Years[0].Year != in.On.Year {
		return Commitment{}, problem("bad_years", "amount", "Az első év összege a kötelezettségvállalás évére (%d) szól.", "The first year's amount is for the commitment's own year (%d).", in.On.Year)
	}
	for i, y := range in.Years {
		if y.Amount <= 0 {
			return Commitment{}, problem("bad_amount", "amount", "%d: az összeg pozitív, egész forint legyen.", "%d: the amount must be a positive whole number of forints.", y.Year)
		}
		if i > 0 && y.Year <= in.Years[i-1].Year {
			return Commitment{}, problem("bad_years", "years", "A későbbi évek növekvő sorrendben, mindegyik egyszer szerepeljen.", "List the later years in increasing order, each once.")
		}
	}
	if err := checkWrittenCommitment(ctx, tx, in); err != nil {
		return Commitment{}, err
	}
	now := s.now().UTC()
	c := Commitment{ID: uuid.Must(uuid.NewV7()), EntityID: e.ID, Year: in.On.Year, On: in.On, Rovat: in.Rovat, Funkcio: in.Funkcio, Task: taskOr(in.Task),
		Partner: in.Partner, Subject: in.Subject, Document: in.Document, State: Drafted, DraftedBy: by.Username, DraftedAt: now}
	if _, err := tx.NewInsert().Model(&c).Exec(ctx); err != nil {
		return Commitment{}, fmt.Errorf("insert commitment: %w", err)
	}
	for i := range in.Years {
		in.Years[i].CommitmentID = c.ID
	}
	if _, err := tx.NewInsert().Model(&in.Years).Exec(ctx); err != nil {
		return Commitment{}, fmt.Errorf("insert commitment years: %w", err)
	}
	c.Years = in.Years
	if err := s.step(ctx, tx, c, "", StepDraft, by.Username, c.Amount(), now); err != nil {
		return Commitment{}, err
	}
	return c, nil
}

// step records a step in the commitment's history and the audit log.
func (s *Service) step(ctx context.Context, tx bun.Tx, c Commitment, perf, step, by string, amount hu.Forint, now time.Time) error {
	st := Step{ID: uuid.Must(uuid.NewV7()), CommitmentID: c.ID, PerformanceID: perf, Step: step, Role: stepRole[step], By: by, At: now, Amount: amount}
	if _, err := tx.NewInsert().Model(&st).Exec(ctx); err != nil {
		return fmt.Errorf("insert step: %w", err)
	}
	detail := map[string]any{"step": step, "by": by, "amount": int64(amount), "rovat": c.Rovat, "funkcio": c.Funkcio, "partner": c.Partner}
	if perf != "" {
		detail["performance"] = perf
	}
	return appendAudit(ctx, tx, "finance.commitment_"+step, "commitment", c.ID.String(), detail, now)
}

// CommitmentByID loads a commitment with its years, performances and
// steps.
func CommitmentByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (Commitment, error) {
	var c Commitment
	err := tx.NewSelect().Model(&c).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Commitment{}, errNoCommitment
	}
	if err != nil {
		return Commitment{}, fmt.Errorf("commitment %s: %w", id, err)
	}
	if err := tx.NewSelect().Model(&c.Years).Where("commitment_id = ?", id).OrderExpr("year").Scan(ctx); err != nil {
		return Commitment{}, err
	}
	if err := tx.NewSelect().Model(&c.Performances).Where("commitment_id = ?", id).OrderExpr("certified_at, id").Scan(ctx); err != nil {
		return Commitment{}, err
	}
	var rolls []CommitmentRoll
	if err := tx.NewSelect().Model(&rolls).Where("commitment_id = ?", id).OrderExpr("year").Scan(ctx); err != nil {
		return Commitment{}, err
	}
	for _, r := range rolls {
		c.Rolled = append(c.Rolled, r.Year)
	}
	if err := tx.NewSelect().Model(&c.Steps).Where("commitment_id = ?", id).OrderExpr("at, id").Scan(ctx); err != nil {
		return Commitment{}, err
	}
	if c.Invoices, err = invoicesOf(ctx, tx, id); err != nil {
		return Commitment{}, err
	}
	return c, nil
}

// Commitments lists an entity's commitments of a year, newest first,
// with their years and performances (not their steps): those made in the
// year and the earlier ones whose part was rolled into it.
func Commitments(ctx context.Context, tx bun.IDB, entity uuid.UUID, year int) ([]Commitment, error) {
	var cs []Commitment
	rolledIn := tx.NewSelect().Model((*CommitmentRoll)(nil)).Column("commitment_id").Where("entity_id = ? AND year = ?", entity, year)
	if err := tx.NewSelect().Model(&cs).Where("entity_id = ? AND (year = ? OR id IN (?))", entity, year, rolledIn).OrderExpr("drafted_at DESC, id DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("commitments: %w", err)
	}
	if len(cs) == 0 {
		return cs, nil
	}
	ids := make([]uuid.UUID, len(cs))
	idx := map[uuid.UUID]int{}
	for i, c := range cs {
		ids[i], idx[c.ID] = c.ID, i
	}
	var ys []CommitmentYear
	if err := tx.NewSelect().Model(&ys).Where("commitment_id IN (?)", bun.In(ids)).OrderExpr("year").Scan(ctx); err != nil {
		return nil, err
	}
	for _, y := range ys {
		cs[idx[y.CommitmentID]].Years = append(cs[idx[y.CommitmentID]].Years, y)
	}
	var ps []Performance
	if err := tx.NewSelect().Model(&ps).Where("commitment_id IN (?)", bun.In(ids)).OrderExpr("certified_at, id").Scan(ctx); err != nil {
		return nil, err
	}
	for _, p := range ps {
		cs[idx[p.CommitmentID]].Performances = append(cs[idx[p.CommitmentID]].Performances, p)
	}
	var rolls []CommitmentRoll
	if err := tx.NewSelect().Model(&rolls).Where("commitment_id IN (?)", bun.In(ids)).OrderExpr("year").Scan(ctx); err != nil {
		return nil, err
	}
	for _, r := range rolls {
		cs[idx[r.CommitmentID]].Rolled = append(cs[idx[r.CommitmentID]].Rolled, r.Year)
	}
	return cs, nil
}

func (c Commitment) performance(id uuid.UUID) (Performance, bool) {
	for _, p := range c.Performances {
		if p.ID == id {
			return p, true
		}
	}
	return Performance{}, false
}

// samePerson is the "maga javára" test of Ávr. 60. § (2): the partner is
// the actor herself. The close relatives (közeli hozzátartozó) the rule
// also names cannot be known to the system: UNCERTAIN, left to the
// declaration the designated persons make.
func samePerson(partner string, a Actor) bool {
	p := strings.ToLower(strings.Join(strings.Fields(partner), " "))
	return p != "" && (p == strings.ToLower(a.Username) || (a.Name != "" && p == strings.ToLower(strings.Join(strings.Fields(a.Name), " "))))
}

// CheckStep says why actor may not take step on the commitment (and, for the
// steps after certification, the performance) on day: nil when she may.
// The free appropriation is not checked here (see Countersign).
func CheckStep(ctx context.Context, tx bun.IDB, c Commitment, perf *Performance, step string, a Actor, day hu.Date) (*Problem, error) {
	// The order of the chain.
	switch step {
	case StepCountersign:
		if c.State != Drafted {
			return &Problem{Code: "wrong_state", HU: "Csak tervezetet lehet ellenjegyezni; ez már " + stateName(c.State, "hu") + ".", EN: "Only a draft can be countersigned; this one is already " + stateName(c.State, "en") + "."}, nil
		}
	case StepCommit:
		// Áht. 37. § (1): the commitment only after the countersignature.
		if c.State != Countersigned {
			return problem("wrong_state", "", "Kötelezettséget vállalni csak pénzügyi ellenjegyzés után lehet (Áht. 37. § (1)).", "A commitment can only be made after the financial countersignature (Áht. 37. § (1))."), nil
		}
	case StepCertify:
		if c.State != Committed {
			return problem("wrong_state", "", "Teljesítést csak vállalt kötelezettségre lehet igazolni.", "Performance can only be certified on a commitment that has been made."), nil
		}
		if y := c.WorkingYear(day); c.OpenIn(y) <= 0 {
			return problem("nothing_open", "amount", "A kötelezettségvállalás %d. évi része (%s Ft) már teljesen igazolt.", "The commitment's part for %d (%s Ft) is fully certified.", y, c.PartOf(y).Grouped()), nil
		}
	case StepValidate:
		// Érvényesítés checks that performance was certified (§B.5).
		if perf == nil || perf.State != Certified {
			return problem("wrong_state", "", "Csak igazolt, még nem érvényesített teljesítést lehet érvényesíteni.", "Only a certified, not yet validated performance can be validated."), nil
		}
	case StepOrder:
		// Utalványozás requires prior érvényesítés (§B.5).
		if perf == nil || perf.State != Validated {
			return problem("wrong_state", "", "Utalványozni csak érvényesítés után lehet.", "A payment can only be ordered after validation."), nil
		}
	case StepPay:
		if perf == nil || perf.State != Ordered {
			return problem("wrong_state", "", "Kifizetést csak utalványozott teljesítésre lehet könyvelni.", "A payment can only be posted for an ordered performance."), nil
		}
		return nil, nil
	default:
		return problem("bad_step", "", "Ismeretlen lépés: %q.", "Unknown step: %q.", step), nil
	}
	// A designation valid on the day (Ávr. 52.–59. §: the roles are
	// exercised by persons designated in writing).
	role := stepRole[step]
	ok, err := designated(ctx, tx, c.EntityID, a.Username, role, day)
	if err != nil {
		return nil, err
	}
	if !ok {
		return &Problem{Code: "not_designated",
			HU: fmt.Sprintf("%s nincs kijelölve %s szerepre ennél a szervezetnél %s napon.", a.Username, RoleName(role, "hu"), day),
			EN: fmt.Sprintf("%s is not designated as %s for this entity on %s.", a.Username, RoleName(role, "en"), day)}, nil
	}
	// Ávr. 60. § (1): the kötelezettségvállaló and the pénzügyi
	// ellenjegyző are not the same person for the same event.
	if step == StepCommit && strings.EqualFold(c.CountersignedBy, a.Username) {
		return problem("incompatible", "", "Aki pénzügyileg ellenjegyezte, nem vállalhatja a kötelezettséget (Ávr. 60. § (1)); %s ellenjegyezte.",
			"The person who countersigned cannot make the commitment (Ávr. 60. § (1)); %s countersigned.", c.CountersignedBy), nil
	}
	// Ávr. 60. § (1): the érvényesítő and the utalványozó are not the
	// same person for the same event.
	if step == StepOrder && strings.EqualFold(perf.ValidatedBy, a.Username) {
		return problem("incompatible", "", "Aki érvényesítette, nem utalványozhat ugyanarra a teljesítésre (Ávr. 60. § (1)); %s érvényesítette.",
			"The person who validated cannot order the payment of the same performance (Ávr. 60. § (1)); %s validated.", perf.ValidatedBy), nil
	}
	// Ávr. 60. § (2): nobody acts in any role in a matter to her own
	// benefit.
	if samePerson(c.Partner, a) {
		return &Problem{Code: "incompatible",
			HU: fmt.Sprintf("Saját javára senki sem lehet %s (Ávr. 60. § (2)): a partner Ön (%s).", RoleName(role, "hu"), c.Partner),
			EN: fmt.Sprintf("Nobody may act as %s to their own benefit (Ávr. 60. § (2)): you are the partner (%s).", RoleName(role, "en"), c.Partner)}, nil
	}
	// Not enforced, as Ávr. 60. § does not forbid them (UNCERTAIN: a
	// local regulation may): the commitment maker being the utalványozó
	// (expressly allowed, §B.5), the certifier being the validator, or
	// the commitment maker certifying the performance of her commitment.
	return nil, nil
}

var stateNames = map[string][2]string{
	Drafted: {"tervezet", "draft"}, Countersigned: {"ellenjegyzett", "countersigned"}, Committed: {"vállalt", "committed"},
	Certified: {"igazolt", "certified"}, Validated: {"érvényesített", "validated"}, Ordered: {"utalványozott", "ordered"}, Paid: {"kifizetett", "paid"},
}

func stateName(st, lang string) string {
	n, ok := stateNames[st]
	if !ok {
		return st
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// StateName names a state in lang.
func StateName(st, lang string) string { return stateName(st, lang) }

func (s *Service) load(ctx context.Context, tx bun.Tx, id uuid.UUID, perf uuid.UUID) (Commitment, *Performance, error) {
	c, err := CommitmentByID(ctx, tx, id)
	if err != nil {
		return Commitment{}, nil, err
	}
	if perf == uuid.Nil {
		return c, nil, nil
	}
	p, ok := c.performance(perf)
	if !ok {
		return Commitment{}, nil, errNoPerformance
	}
	return c, &p, nil
}

func (s *Service) allowed(ctx context.Context, tx bun.Tx, c Commitment, perf *Performance, step string, a Actor) error {
	prob, err := CheckStep(ctx, tx, c, perf, step, a, hu.DateOf(s.now()))
	if err != nil {
		return err
	}
	if prob != nil {
		return prob
	}
	return nil
}

// coverage refuses when this year's part exceeds the line's free
// appropriation, with the figures (Áht. 37. § (1): the countersignature
// confirms that the appropriation is there).
func coverage(ctx context.Context, tx bun.IDB, c Commitment) error {
	st, err := LineStatus(ctx, tx, c.EntityID, c.Year, LineKey{Rovat: c.Rovat, Funkcio: c.Funkcio, Task: c.Task})
	if err != nil {
		return err
	}
	if c.Amount() > st.Free {
		return problem("not_enough_free", "amount", "%s / %s szabad előirányzata %s Ft (módosított %s Ft, nyitott kötelezettségvállalás %s Ft, teljesítés %s Ft); a %s Ft kötelezettségvállalás ezt %s Ft-tal meghaladja.",
			"%s / %s has %s Ft free (modified %s Ft, open commitments %s Ft, paid %s Ft); the commitment of %s Ft exceeds it by %s Ft.",
			c.Rovat, c.Funkcio, st.Free.Grouped(), st.Modified.Grouped(), st.OpenCommitment.Grouped(), st.Performance.Grouped(), c.Amount().Grouped(), (c.Amount() - st.Free).Grouped())
	}
	return nil
}

// Countersign is the pénzügyi ellenjegyzés: it refuses a commitment
// beyond the free appropriation of this year.
func (s *Service) Countersign(ctx context.Context, tx bun.Tx, id uuid.UUID, a Actor) (Commitment, error) {
	c, _, err := s.load(ctx, tx, id, uuid.Nil)
	if err != nil {
		return Commitment{}, err
	}
	if err := s.allowed(ctx, tx, c, nil, StepCountersign, a); err != nil {
		return Commitment{}, err
	}
	if err := coverage(ctx, tx, c); err != nil {
		return Commitment{}, err
	}
	now := s.now().UTC()
	c.State, c.CountersignedBy, c.CountersignedAt = Countersigned, a.Username, &now
	if _, err := tx.NewUpdate().Model(&c).Column("state", "countersigned_by", "countersigned_at").WherePK().Exec(ctx); err != nil {
		return Commitment{}, fmt.Errorf("countersign: %w", err)
	}
	return c, s.step(ctx, tx, c, "", StepCountersign, a.Username, c.Amount(), now)
}

// Commit makes the commitment: this year's part is posted by the rule
// table (class 0 0513/001), checked once more against the free
// appropriation, which other commitments may have used since the
// countersignature.
func (s *Service) Commit(ctx context.Context, tx bun.Tx, id uuid.UUID, a Actor) (Commitment, error) {
	c, _, err := s.load(ctx, tx, id, uuid.Nil)
	if err != nil {
		return Commitment{}, err
	}
	if err := s.allowed(ctx, tx, c, nil, StepCommit, a); err != nil {
		return Commitment{}, err
	}
	if err := coverage(ctx, tx, c); err != nil {
		return Commitment{}, err
	}
	en, err := s.Post(ctx, tx, Event{Entity: c.EntityID, Kind: EvCommitment, On: c.On, Rovat: c.Rovat, Funkcio: c.Funkcio, Task: c.Task, Amount: c.Amount(),
		Partner: c.Partner, Commitment: c.ID.String(), Document: c.Document, Text: c.Subject}, a.Username)
	if err != nil {
		return Commitment{}, err
	}
	now := s.now().UTC()
	c.State, c.CommittedBy, c.CommittedAt, c.EntryID = Committed, a.Username, &now, en.ID.String()
	if _, err := tx.NewUpdate().Model(&c).Column("state", "committed_by", "committed_at", "entry_id").WherePK().Exec(ctx); err != nil {
		return Commitment{}, fmt.Errorf("commit: %w", err)
	}
	return c, s.step(ctx, tx, c, "", StepCommit, a.Username, c.Amount(), now)
}

// PerformanceInput is a certified performance: the invoice (or other
// document) and its amount.
type PerformanceInput struct {
	On       hu.Date   `json:"on"`
	Amount   hu.Forint `json:"amount"`
	Document string    `json:"document"`
	Cost     string    `json:"cost"` // the financial account; by the rovat when empty
	// Invoice, when set, is the registered invoice certified: its number
	// and amount are the performance's.
	Invoice uuid.UUID `json:"invoice"`
}

// Certify is the teljesítésigazolás of one invoice or performance: it
// may not exceed the commitment's open part; the invoice is booked
// (financial side: cost / rovat-coded liability) by the rule table.
func (s *Service) Certify(ctx context.Context, tx bun.Tx, id uuid.UUID, in PerformanceInput, a Actor) (Performance, error) {
	c, _, err := s.load(ctx, tx, id, uuid.Nil)
	if err != nil {
		return Performance{}, err
	}
	if err := s.allowed(ctx, tx, c, nil, StepCertify, a); err != nil {
		return Performance{}, err
	}
	// The year's part bears the performance: the commitment's own year,
	// or a later one its part was rolled into.
	year := c.WorkingYear(in.On)
	// What other invoices await is not open to a certification without
	// an invoice; a certified invoice's own amount is.
	open := c.OpenIn(year) - c.PendingIn(year)
	var iv *Invoice
	if in.Invoice != uuid.Nil {
		for i := range c.Invoices {
			if c.Invoices[i].ID == in.Invoice && c.Invoices[i].PerformanceID == "" {
				iv = &c.Invoices[i]
			}
		}
		if iv == nil {
			return Performance{}, problem("no_invoice", "invoice", "Ehhez a kötelezettségvállaláshoz nincs ilyen, igazolásra váró számla.", "This commitment has no such invoice awaiting certification.")
		}
		in.Document, in.Amount = iv.Number, iv.Amount
		if c.WorkingYear(iv.ReceivedOn) == year {
			open += iv.Amount
		}
	}
	in.Document = strings.TrimSpace(in.Document)
	if in.Document == "" || len(in.Document) > 200 {
		return Performance{}, problem("no_document", "document", "Adja meg a számla (vagy teljesítést igazoló irat) számát, legfeljebb 200 karakter.", "Give the invoice (or other document) number, at most 200 characters.")
	}
	if !in.On.IsValid() || in.On.Year != year {
		return Performance{}, problem("bad_date", "on", "A teljesítés napja a kötelezettségvállalás évébe vagy olyan évébe essen, amelybe a részét már átvitték (%s).",
			"The day of performance must be in the commitment's year or a year its part was rolled into (%s).", c.yearsOpen())
	}
	if in.Amount <= 0 {
		return Performance{}, problem("bad_amount", "amount", "Az összeg pozitív, egész forint legyen.", "The amount must be a positive whole number of forints.")
	}
	if in.Amount > open {
		return Performance{}, problem("beyond_commitment", "amount", "A teljesítés (%s Ft) több, mint a kötelezettségvállalás nyitott része: %s Ft (vállalt %s Ft, már igazolt %s Ft, igazolásra váró számlák %s Ft).",
			"The performance (%s Ft) is more than the commitment's open part: %s Ft (committed %s Ft, already certified %s Ft, invoices awaiting certification %s Ft).",
			in.Amount.Grouped(), open.Grouped(), c.PartOf(year).Grouped(), c.PerformedIn(year).Grouped(), c.PendingIn(year).Grouped())
	}
	en, err := s.Post(ctx, tx, Event{Entity: c.EntityID, Kind: EvInvoice, On: in.On, Rovat: c.Rovat, Funkcio: c.Funkcio, Task: c.Task, Amount: in.Amount,
		Partner: c.Partner, Commitment: c.ID.String(), Document: in.Document, Text: c.Subject, Cost: strings.TrimSpace(in.Cost)}, a.Username)
	if err != nil {
		return Performance{}, err
	}
	now := s.now().UTC()
	p := Performance{ID: uuid.Must(uuid.NewV7()), CommitmentID: c.ID, Amount: in.Amount, On: in.On, Document: in.Document, State: Certified,
		CertifiedBy: a.Username, CertifiedAt: now, InvoiceEntryID: en.ID.String()}
	if _, err := tx.NewInsert().Model(&p).Exec(ctx); err != nil {
		return Performance{}, fmt.Errorf("insert performance: %w", err)
	}
	if iv != nil {
		iv.PerformanceID = p.ID.String()
		if _, err := tx.NewUpdate().Model(iv).Column("performance_id").WherePK().Exec(ctx); err != nil {
			return Performance{}, fmt.Errorf("invoice certified: %w", err)
		}
	}
	return p, s.step(ctx, tx, c, p.ID.String(), StepCertify, a.Username, p.Amount, now)
}

// Validate is the érvényesítés of a certified performance.
func (s *Service) Validate(ctx context.Context, tx bun.Tx, id, perf uuid.UUID, a Actor) (Performance, error) {
	return s.advance(ctx, tx, id, perf, StepValidate, a)
}

// Order is the utalványozás of a validated performance.
func (s *Service) Order(ctx context.Context, tx bun.Tx, id, perf uuid.UUID, a Actor) (Performance, error) {
	return s.advance(ctx, tx, id, perf, StepOrder, a)
}

// Pay posts the payment of an ordered performance (bank transfer on
// day on) by the rule table: liability against cash, and on the budget
// side the performance and the release of the commitment.
func (s *Service) Pay(ctx context.Context, tx bun.Tx, id, perf uuid.UUID, on hu.Date, a Actor) (Performance, error) {
	c, p, err := s.load(ctx, tx, id, perf)
	if err != nil {
		return Performance{}, err
	}
	if err := s.allowed(ctx, tx, c, p, StepPay, a); err != nil {
		return Performance{}, err
	}
	// Paid in the year whose part the performance bore.
	if !on.IsValid() || on.Year != p.On.Year {
		return Performance{}, problem("bad_date", "on", "A kifizetés napja a teljesítés évébe essen (%d).", "The day of payment must be in the year of the performance (%d).", p.On.Year)
	}
	en, err := s.Post(ctx, tx, Event{Entity: c.EntityID, Kind: EvPayment, On: on, Rovat: c.Rovat, Funkcio: c.Funkcio, Task: c.Task, Amount: p.Amount,
		Partner: c.Partner, Commitment: c.ID.String(), Document: p.Document, Text: c.Subject}, a.Username)
	if err != nil {
		return Performance{}, err
	}
	now := s.now().UTC()
	p.State, p.PaidBy, p.PaidAt, p.PaymentEntryID = Paid, a.Username, &now, en.ID.String()
	if _, err := tx.NewUpdate().Model(p).Column("state", "paid_by", "paid_at", "payment_entry_id").WherePK().Exec(ctx); err != nil {
		return Performance{}, fmt.Errorf("pay: %w", err)
	}
	return *p, s.step(ctx, tx, c, p.ID.String(), StepPay, a.Username, p.Amount, now)
}

func (s *Service) advance(ctx context.Context, tx bun.Tx, id, perf uuid.UUID, step string, a Actor) (Performance, error) {
	c, p, err := s.load(ctx, tx, id, perf)
	if err != nil {
		return Performance{}, err
	}
	if err := s.allowed(ctx, tx, c, p, step, a); err != nil {
		return Performance{}, err
	}
	now := s.now().UTC()
	var cols []string
	switch step {
	case StepValidate:
		p.State, p.ValidatedBy, p.ValidatedAt, cols = Validated, a.Username, &now, []string{"state", "validated_by", "validated_at"}
	case StepOrder:
		p.State, p.OrderedBy, p.OrderedAt, cols = Ordered, a.Username, &now, []string{"state", "ordered_by", "ordered_at"}
	}
	if _, err := tx.NewUpdate().Model(p).Column(cols...).WherePK().Exec(ctx); err != nil {
		return Performance{}, fmt.Errorf("%s: %w", step, err)
	}
	return *p, s.step(ctx, tx, c, p.ID.String(), step, a.Username, p.Amount, now)
}
