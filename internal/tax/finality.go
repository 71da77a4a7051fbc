package tax

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// The finality (véglegesség) of assessment decisions. An instalment
// already past (or due within afterDecisionDays) when a decision is made
// is due 15 days after the decision becomes final (§A.4). Until that day
// is known the assessment posts it on the decision's day + 15 days,
// marked provisional; when the decision becomes final the provisional
// debit is reversed and debited again on its real due date.

// Kinds of decision event (tax_decision_events.kind).
const (
	FinalityCommunicated  = "communicated"   // közlés (kézbesítés): picked up or presumed delivered
	FinalityWaived        = "waived"         // fellebbezési jogról lemondás
	FinalityAppealed      = "appealed"       // fellebbezés
	FinalityAppealDecided = "appeal_decided" // the appeal decided (its decision communicated)
	FinalityFinal         = "final"          // became final, provisional due dates moved
)

// Sources of a communication day and outcomes of an appeal.
const (
	CommunicatedByClerk  = "clerk" // recorded by a clerk from the return receipt
	CommunicatedFromIRAT = "irat"  // taken from IRAT's dispatch of the decision
	AppealUpheld         = "upheld"
	AppealChanged        = "changed" // the tax changed: a correcting decision follows
)

// FinalityProvisionalNote marks the debits an assessment posted on a
// provisional due date, to be moved once the decision is final.
const FinalityProvisionalNote = "Ideiglenes esedékesség: a határozat keltétől számított 15. nap, amíg a véglegessé válás napja nem ismert"

// FinalityRules are the rules of finality; the ⚠ UNCERTAIN parts of the
// spec are settings here, not code.
type FinalityRules struct {
	// AppealDays: an appeal may be lodged within this many days of the
	// communication (Art./Ákr.: 15); a deadline ending on a rest day ends
	// on the next working day (hu.DeadlineEnd, Ákr. 52. §).
	AppealDays int
	// DueAfterFinalDays: a past instalment is due this many days after
	// the decision becomes final (§A.4: 15), on the next working day if
	// that is a rest day.
	DueAfterFinalDays int
}

// DefaultFinalityRules are the rules in force.
var DefaultFinalityRules = FinalityRules{AppealDays: 15, DueAfterFinalDays: afterDecisionDays}

// DueAfter is the due date of a past instalment of a decision final on
// finalOn.
func (r FinalityRules) DueAfter(finalOn hu.Date) hu.Date {
	return DueOn(finalOn.AddDays(r.DueAfterFinalDays))
}

// AppealDeadline is the last day of an appeal against a decision
// communicated on communicated.
func (r FinalityRules) AppealDeadline(communicated hu.Date) hu.Date {
	return hu.DeadlineEnd(communicated, r.AppealDays)
}

// DecisionEvent is one fact of a decision's finality, written once.
type DecisionEvent struct {
	bun.BaseModel `bun:"table:tax_decision_events,alias:de"`
	db.TenantScoped

	DecisionID uuid.UUID `bun:"decision_id,pk,type:uuid" json:"-"`
	Kind       string    `bun:"kind,pk" json:"kind"`
	On         hu.Date   `bun:"on_date" json:"on"`
	Detail     string    `bun:"detail" json:"detail,omitempty"`
	Note       string    `bun:"note" json:"note,omitempty"`
	RecordedAt time.Time `bun:"recorded_at" json:"recorded_at"`
	RecordedBy string    `bun:"recorded_by" json:"recorded_by"`
}

// Finality states of a decision.
const (
	FinalityNotCommunicated = "not_communicated" // the appeal deadline has not started
	FinalityAppealOpen      = "appeal_open"      // communicated, the deadline runs
	FinalityUnderAppeal     = "under_appeal"     // appealed, not yet decided
	FinalityDue             = "final_unrecorded" // final by the facts, due dates not yet moved
	FinalityDone            = "final"            // final, due dates moved
)

// Finality is what is known of a decision's finality on a day.
type Finality struct {
	IssuedOn hu.Date
	Events   map[string]DecisionEvent

	State          string
	AppealDeadline *hu.Date // once communicated
	FinalOn        *hu.Date // once known
	// ExpectedFinalOn is the day it becomes final if no appeal comes.
	ExpectedFinalOn *hu.Date
	// DueOn is the due date of the past instalments: from FinalOn, or
	// from ExpectedFinalOn (then only expected).
	DueOn *hu.Date
}

// Event returns the event of kind, if recorded.
func (f Finality) Event(kind string) (DecisionEvent, bool) {
	e, ok := f.Events[kind]
	return e, ok
}

// Evaluate works out the finality of a decision issued on issued with
// events, as it stands on today.
func (r FinalityRules) Evaluate(issued hu.Date, events []DecisionEvent, today hu.Date) Finality {
	f := Finality{IssuedOn: issued, Events: map[string]DecisionEvent{}}
	for _, e := range events {
		f.Events[e.Kind] = e
	}
	if c, ok := f.Events[FinalityCommunicated]; ok {
		dl := r.AppealDeadline(c.On)
		f.AppealDeadline = &dl
	}
	final := func(on hu.Date, state string) {
		f.State, f.FinalOn = state, &on
	}
	if e, ok := f.Events[FinalityFinal]; ok {
		final(e.On, FinalityDone)
	} else if e, ok := f.Events[FinalityWaived]; ok {
		final(e.On, FinalityDue) // final on the day of the waiver
	} else if e, ok := f.Events[FinalityAppealDecided]; ok {
		final(e.On, FinalityDue)
	} else if _, ok := f.Events[FinalityAppealed]; ok {
		f.State = FinalityUnderAppeal
	} else if f.AppealDeadline != nil {
		// Final on the day after the deadline passes with no appeal.
		on := f.AppealDeadline.AddDays(1)
		if today.Before(on) {
			f.State, f.ExpectedFinalOn = FinalityAppealOpen, &on
		} else {
			final(on, FinalityDue)
		}
	} else {
		f.State = FinalityNotCommunicated
	}
	switch {
	case f.FinalOn != nil:
		due := r.DueAfter(*f.FinalOn)
		f.DueOn = &due
	case f.ExpectedFinalOn != nil:
		due := r.DueAfter(*f.ExpectedFinalOn)
		f.DueOn = &due
	}
	return f
}

// FinalityDeliveries is what ADÓ needs of IRAT for finality: the day each
// registered outgoing document (by iktatószám) counts as delivered to its
// addressee (picked up, or presumed delivered), for those that do yet.
// The app's IRAT adapter implements it beside Registrar.
type FinalityDeliveries interface {
	DeliveredOn(ctx context.Context, tx bun.Tx, numbers []string) (map[string]hu.Date, error)
}

// FinalityMove is a debit a decision posted on a provisional due date,
// and where it goes (or went) once the decision is final.
type FinalityMove struct {
	Provisional Posting
	Moved       bool     // reversed and debited again
	NewDue      *hu.Date // known or expected
}

// DecisionFinality is a decision with its finality and the debits it
// moves.
type DecisionFinality struct {
	Decision Decision
	Taxpayer Taxpayer
	Finality Finality
	Moves    []FinalityMove
	// Postings are the decision's postings on the account: as issued,
	// their reversals and the debits on the moved due dates.
	Postings []Posting
}

// loadFinality reads a decision's events and postings.
func loadFinality(ctx context.Context, tx bun.IDB, d Decision, rules FinalityRules, today hu.Date) (DecisionFinality, error) {
	out := DecisionFinality{Decision: d}
	var events []DecisionEvent
	if err := tx.NewSelect().Model(&events).Where("decision_id = ?", d.ID).Scan(ctx); err != nil {
		return out, fmt.Errorf("events of %s: %w", d.Number, err)
	}
	out.Finality = rules.Evaluate(d.IssuedOn, events, today)
	if err := tx.NewSelect().Model(&out.Postings).Where("taxpayer_id = ?", d.TaxpayerID).Where("reference = ?", d.Number).
		Where("tax_year = ?", d.TaxYear).OrderExpr("posted_at, on_date, id").Scan(ctx); err != nil {
		return out, fmt.Errorf("postings of %s: %w", d.Number, err)
	}
	reversed := map[uuid.UUID]bool{}
	for _, p := range out.Postings {
		if p.Reverses != nil {
			reversed[*p.Reverses] = true
		}
	}
	for _, p := range out.Postings {
		if provisionalDebit(d, p) {
			out.Moves = append(out.Moves, FinalityMove{Provisional: p, Moved: reversed[p.ID], NewDue: out.Finality.DueOn})
		}
	}
	return out, nil
}

// provisionalDebit tells whether p is a debit d posted on the provisional
// due date: marked so by the assessment; or, posted before the mark
// existed, on the decision's day + 15 where no instalment of the year
// falls (ambiguous ones are left alone).
func provisionalDebit(d Decision, p Posting) bool {
	if p.Side != Debit || p.Kind != "assessment" || p.Reverses != nil || p.PostedAt.After(d.CreatedAt) {
		return false
	}
	if p.Note == FinalityProvisionalNote {
		return true
	}
	if p.Note != "" {
		return false
	}
	late := DueOn(d.IssuedOn.AddDays(afterDecisionDays))
	march := DueOn(hu.Date{Year: d.TaxYear, Month: time.March, Day: 15})
	september := DueOn(hu.Date{Year: d.TaxYear, Month: time.September, Day: 15})
	return p.On == late && late != march && late != september
}

// FinalityInput is one fact of a decision's finality, from a clerk or
// the API.
type FinalityInput struct {
	// Event is one of the Finality… event kinds; "settle" only records
	// a finality the dates already give (the appeal deadline passed).
	Event string
	On    hu.Date
	// Source of a communication: CommunicatedByClerk (On given) or
	// CommunicatedFromIRAT (the day IRAT says it was delivered).
	Source string
	// Outcome of an appeal: AppealUpheld or AppealChanged.
	Outcome string
	Note    string
}

// FinalitySettle is the event that only records a finality already due.
const FinalitySettle = "settle"

var errFinalityNoDecision = problem("no_decision", "", "Nincs ilyen határozat.", "There is no such decision.")

// RecordFinality records one fact of a decision's finality and, when the
// decision is final by then, moves its provisional due dates, all in tx.
// The same fact recorded again changes nothing (changed is false); a
// different one of the same kind is refused.
func (s *Service) RecordFinality(ctx context.Context, tx bun.Tx, deliveries FinalityDeliveries, decisionID uuid.UUID, in FinalityInput, by string) (DecisionFinality, bool, error) {
	rules := DefaultFinalityRules
	today := hu.DateOf(s.now())
	var d Decision
	err := tx.NewSelect().Model(&d).Where("id = ?", decisionID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return DecisionFinality{}, false, errFinalityNoDecision
	}
	if err != nil {
		return DecisionFinality{}, false, fmt.Errorf("decision %s: %w", decisionID, err)
	}
	cur, err := loadFinality(ctx, tx, d, rules, today)
	if err != nil {
		return cur, false, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if len(in.Note) > 1000 {
		return cur, false, problem("too_long", "note", "A megjegyzés legfeljebb 1000 karakter.", "The note is at most 1000 characters.")
	}
	if in.Event == FinalityCommunicated && in.Source == CommunicatedFromIRAT {
		on, prob, err := deliveredFromIRAT(ctx, tx, deliveries, d)
		if err != nil || prob != nil {
			return cur, false, cmpErr(prob, err)
		}
		in.On = on
	}
	// The same fact again changes nothing; a different one is refused
	// before the rules are checked against it.
	var ev *DecisionEvent
	if old, ok := cur.Finality.Event(in.Event); ok && in.Event != FinalityFinal {
		if old.On != in.On || in.Event == FinalityAppealDecided && old.Detail != in.Outcome {
			return cur, false, twiceProblem(in.Event, old)
		}
	} else {
		var prob *Problem
		if ev, prob = checkFinalityEvent(cur.Finality, rules, in, today); prob != nil {
			return cur, false, prob
		}
	}
	now := s.now().UTC()
	changed := false
	if ev != nil {
		ev.DecisionID, ev.RecordedAt, ev.RecordedBy = d.ID, now, by
		if _, err := tx.NewInsert().Model(ev).Exec(ctx); err != nil {
			return cur, false, meanwhile(err, ev.Kind, d.Number)
		}
		if err := appendAudit(ctx, tx, "tax.decision_"+ev.Kind, "tax_decision", d.ID.String(), map[string]any{"number": d.Number,
			"on": ev.On.String(), "detail": ev.Detail, "note": ev.Note, "by": by}, now); err != nil {
			return cur, false, err
		}
		changed = true
	}
	if cur, err = loadFinality(ctx, tx, d, rules, today); err != nil {
		return cur, changed, err
	}
	if cur.Finality.State == FinalityDue {
		moved, err := s.settleFinality(ctx, tx, cur, rules, by)
		if err != nil {
			return cur, changed, err
		}
		changed = changed || moved
		if cur, err = loadFinality(ctx, tx, d, rules, today); err != nil {
			return cur, changed, err
		}
	}
	return cur, changed, nil
}

// meanwhile turns the key's refusal of a second fact of a kind, written
// by another clerk between our reading and writing, into a refusal the
// clerk can act on; the transaction is rolled back.
func meanwhile(err error, kind, number string) error {
	if db.IsUniqueViolation(err) {
		return problem("recorded_meanwhile", "", "A(z) %s határozatnál ezt közben más rögzítette; töltse be újra az oldalt.",
			"Someone else recorded this for decision %s meanwhile; reload the page.", number)
	}
	return fmt.Errorf("insert %s of %s: %w", kind, number, err)
}

func cmpErr(p *Problem, err error) error {
	if p != nil {
		return p
	}
	return err
}

// deliveredFromIRAT asks IRAT when the decision's document was delivered.
func deliveredFromIRAT(ctx context.Context, tx bun.Tx, deliveries FinalityDeliveries, d Decision) (hu.Date, *Problem, error) {
	if deliveries == nil {
		return hu.Date{}, problem("no_records", "source", "A kézbesítés napja az iratkezelésből (IRAT) nem vehető át, mert nincs bekötve; adja meg a napot.",
			"The day of delivery cannot be taken from the records module (IRAT), which is not connected; give the day."), nil
	}
	got, err := deliveries.DeliveredOn(ctx, tx, []string{d.Number})
	if err != nil {
		return hu.Date{}, nil, err
	}
	on, ok := got[d.Number]
	if !ok {
		return hu.Date{}, problem("not_delivered", "source", "Az iratkezelés szerint a(z) %s határozat még nincs kézbesítve (sem átvétel, sem kézbesítési vélelem); adja meg a napot a tértivevény alapján, vagy várja meg a kézbesítést.",
			"According to the records module decision %s is not yet delivered (neither picked up nor presumed delivered); give the day from the return receipt, or wait for the delivery.", d.Number), nil
	}
	return on, nil, nil
}

// checkFinalityEvent checks a fact against what is known; nil event with
// no problem: nothing to record (a "settle").
func checkFinalityEvent(f Finality, rules FinalityRules, in FinalityInput, today hu.Date) (*DecisionEvent, *Problem) {
	if in.Event == FinalitySettle {
		if f.State == FinalityDone || f.State == FinalityDue {
			return nil, nil
		}
		return nil, problem("not_final", "", "A határozat még nem végleges: %s.", "The decision is not final yet: %s.", notFinalWhy(f))
	}
	if !in.On.IsValid() {
		return nil, problem("bad_date", "on", "Adja meg a napot ÉÉÉÉ-HH-NN alakban.", "Give the day as YYYY-MM-DD.")
	}
	if in.On.After(today) {
		return nil, problem("future", "on", "A nap nem lehet a jövőben.", "The day cannot be in the future.")
	}
	if in.On.Before(f.IssuedOn) {
		return nil, problem("before_issue", "on", "A nap nem lehet korábbi a határozat keltezésénél (%s).", "The day cannot be before the decision was issued (%s).", f.IssuedOn)
	}
	ev := &DecisionEvent{Kind: in.Event, On: in.On, Note: in.Note}
	comm, communicated := f.Event(FinalityCommunicated)
	appeal, appealed := f.Event(FinalityAppealed)
	_, waived := f.Event(FinalityWaived)
	switch in.Event {
	case FinalityCommunicated:
		ev.Detail = cmpOr(in.Source, CommunicatedByClerk)
		if ev.Detail != CommunicatedByClerk && ev.Detail != CommunicatedFromIRAT {
			return nil, problem("bad_source", "source", "Ismeretlen forrás: a napot adja meg, vagy vegye át az iratkezelésből.", "Unknown source: give the day, or take it from the records module.")
		}
		if appealed && !communicated && appeal.On.After(rules.AppealDeadline(in.On)) {
			return nil, problem("appeal_would_be_late", "on", "A rögzített fellebbezés (%s) e közlési nap szerint elkésett volna; ellenőrizze a napot.",
				"The appeal recorded (%s) would be late with this day of communication; check the day.", appeal.On)
		}
	case FinalityWaived:
		switch {
		case !communicated:
			return nil, problem("not_communicated", "on", "Előbb rögzítse a határozat közlésének napját: a fellebbezési jogról a közlés után lehet lemondani.",
				"Record the day the decision was communicated first: the right of appeal is waived after communication.")
		case appealed:
			return nil, problem("appealed", "on", "A határozat ellen fellebbezést nyújtottak be (%s); lemondás már nem rögzíthető.", "An appeal was lodged (%s); a waiver can no longer be recorded.", appeal.On)
		case in.On.Before(comm.On):
			return nil, problem("before_communication", "on", "A lemondás nem lehet korábbi a közlésnél (%s).", "The waiver cannot be before the communication (%s).", comm.On)
		case in.On.After(*f.AppealDeadline):
			return nil, problem("after_deadline", "on", "A fellebbezési határidő %s napján lejárt; a lemondás után már nincs mit rögzíteni.",
				"The appeal deadline ended on %s; there is no waiver to record after it.", *f.AppealDeadline)
		}
	case FinalityAppealed:
		switch {
		case waived:
			return nil, problem("waived", "on", "Az adózó lemondott a fellebbezési jogáról; fellebbezés nem rögzíthető.", "The taxpayer waived the right of appeal; no appeal can be recorded.")
		case communicated && in.On.After(*f.AppealDeadline):
			return nil, problem("appeal_late", "on", "A fellebbezés elkésett: a határidő %s napján lejárt (közlés: %s, + %d nap). Elkésett fellebbezést az adóhatóság visszautasít.",
				"The appeal is late: the deadline ended on %s (communicated %s, + %d days). A late appeal is rejected.", *f.AppealDeadline, comm.On, rules.AppealDays)
		}
	case FinalityAppealDecided:
		ev.Detail = in.Outcome
		switch {
		case !appealed:
			return nil, problem("no_appeal", "on", "Nincs rögzített fellebbezés, amelyet elbíráltak volna.", "No appeal is recorded to be decided.")
		case in.Outcome != AppealUpheld && in.Outcome != AppealChanged:
			return nil, problem("bad_outcome", "outcome", "Válassza ki, mi lett a fellebbezés eredménye.", "Choose the outcome of the appeal.")
		case in.On.Before(appeal.On):
			return nil, problem("before_appeal", "on", "Az elbírálás nem lehet korábbi a fellebbezésnél (%s).", "The appeal cannot be decided before it was lodged (%s).", appeal.On)
		}
	default:
		return nil, problem("bad_event", "event", "Ismeretlen esemény.", "Unknown event.")
	}
	return ev, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// notFinalWhy says in Hungarian why a decision is not final yet.
func notFinalWhy(f Finality) string {
	switch f.State {
	case FinalityAppealOpen:
		return fmt.Sprintf("a fellebbezési határidő %s napján jár le", *f.AppealDeadline)
	case FinalityUnderAppeal:
		return "fellebbezés van folyamatban"
	}
	return "a közlés napja nincs rögzítve"
}

func twiceProblem(kind string, old DecisionEvent) *Problem {
	what := map[string][2]string{
		FinalityCommunicated:  {"A közlés napja már rögzítve van", "The day of communication is already recorded"},
		FinalityWaived:        {"A lemondás már rögzítve van", "The waiver is already recorded"},
		FinalityAppealed:      {"A fellebbezés már rögzítve van", "The appeal is already recorded"},
		FinalityAppealDecided: {"A fellebbezés elbírálása már rögzítve van", "The decision on the appeal is already recorded"},
	}[kind]
	return &Problem{Code: "already_recorded", Field: "on",
		HU: fmt.Sprintf("%s (%s, %s); ugyanazt újra rögzíteni nem kell, mást nem lehet.", what[0], old.On, old.RecordedBy),
		EN: fmt.Sprintf("%s (%s, %s); the same need not be recorded again, a different one cannot be.", what[1], old.On, old.RecordedBy)}
}

// settleFinality records that the decision is final and moves its
// provisional debits to their real due date: each is reversed (nothing
// is edited or deleted) and debited again on the new day, the balance
// unchanged. Run once: the 'final' event is the guard.
func (s *Service) settleFinality(ctx context.Context, tx bun.Tx, cur DecisionFinality, rules FinalityRules, by string) (bool, error) {
	d, f := cur.Decision, cur.Finality
	if f.State != FinalityDue || f.FinalOn == nil {
		return false, nil
	}
	now := s.now().UTC()
	due := rules.DueAfter(*f.FinalOn)
	ev := DecisionEvent{DecisionID: d.ID, Kind: FinalityFinal, On: *f.FinalOn, Detail: due.String(), RecordedAt: now, RecordedBy: by}
	if _, err := tx.NewInsert().Model(&ev).Exec(ctx); err != nil {
		return false, meanwhile(err, FinalityFinal, d.Number)
	}
	reason := fmt.Sprintf("Esedékesség áthelyezése: a(z) %s határozat %s napján végleges", d.Number, f.FinalOn)
	var moved []map[string]any
	for _, m := range cur.Moves {
		p := m.Provisional
		if m.Moved || p.On == due {
			continue
		}
		if _, err := s.Reverse(ctx, tx, p.ID, reason, by); err != nil {
			return false, fmt.Errorf("reverse %s: %w", p.ID, err)
		}
		np, err := s.Post(ctx, tx, PostingInput{TaxpayerID: p.TaxpayerID, TaxType: p.TaxType, Side: Debit, Amount: p.Amount, On: due, TaxYear: p.TaxYear,
			Kind: "assessment", Reference: d.Number, Note: fmt.Sprintf("Esedékesség: a határozat véglegessé válását (%s) követő %d. nap", f.FinalOn, rules.DueAfterFinalDays)}, by)
		if err != nil {
			return false, fmt.Errorf("debit %s on %s: %w", p.ID, due, err)
		}
		moved = append(moved, map[string]any{"posting": p.ID.String(), "amount": int64(p.Amount), "from": p.On.String(), "to": due.String(), "new": np.ID.String()})
	}
	return true, appendAudit(ctx, tx, "tax.decision_final", "tax_decision", d.ID.String(), map[string]any{"number": d.Number,
		"final_on": f.FinalOn.String(), "due_on": due.String(), "moved": moved, "by": by}, now)
}

// FinalitySweep is what SettleFinalities did.
type FinalitySweep struct {
	Communicated int `json:"communicated"` // communication days taken from IRAT
	Settled      int `json:"settled"`      // decisions recorded final
	Moved        int `json:"moved"`        // debits moved to their real due date
}

// deliveryChunk bounds the numbers of one IRAT lookup.
const deliveryChunk = 500

// SettleFinalities goes through the decisions not yet recorded final:
// takes the communication day from IRAT where a clerk has not recorded
// one and IRAT knows it, and records every decision final whose appeal
// deadline has passed with no appeal, moving its provisional due dates.
// Run again, it finds nothing more to do.
func (s *Service) SettleFinalities(ctx context.Context, tx bun.Tx, deliveries FinalityDeliveries, by string) (FinalitySweep, error) {
	rules := DefaultFinalityRules
	today := hu.DateOf(s.now())
	now := s.now().UTC()
	var res FinalitySweep
	var ds []Decision
	if err := tx.NewSelect().Model(&ds).
		Where("NOT EXISTS (SELECT 1 FROM tax_decision_events AS e WHERE e.tenant_id = dc.tenant_id AND e.decision_id = dc.id AND e.kind = ?)", FinalityFinal).
		OrderExpr("number").Scan(ctx); err != nil {
		return res, fmt.Errorf("decisions not final: %w", err)
	}
	if len(ds) == 0 {
		return res, nil
	}
	ids := make([]uuid.UUID, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	var events []DecisionEvent
	for i := 0; i < len(ids); i += deliveryChunk {
		var chunk []DecisionEvent
		if err := tx.NewSelect().Model(&chunk).Where("decision_id IN (?)", bun.In(ids[i:min(i+deliveryChunk, len(ids))])).Scan(ctx); err != nil {
			return res, err
		}
		events = append(events, chunk...)
	}
	byDecision := map[uuid.UUID][]DecisionEvent{}
	for _, e := range events {
		byDecision[e.DecisionID] = append(byDecision[e.DecisionID], e)
	}
	if deliveries != nil {
		var ask []string
		byNumber := map[string]*Decision{}
		for i := range ds {
			if !hasEvent(byDecision[ds[i].ID], FinalityCommunicated) {
				ask = append(ask, ds[i].Number)
				byNumber[ds[i].Number] = &ds[i]
			}
		}
		sort.Strings(ask)
		for i := 0; i < len(ask); i += deliveryChunk {
			got, err := deliveries.DeliveredOn(ctx, tx, ask[i:min(i+deliveryChunk, len(ask))])
			if err != nil {
				return res, err
			}
			numbers := make([]string, 0, len(got))
			for n := range got {
				numbers = append(numbers, n)
			}
			sort.Strings(numbers)
			for _, n := range numbers {
				d := byNumber[n]
				on := got[n]
				f := rules.Evaluate(d.IssuedOn, byDecision[d.ID], today)
				if ev, prob := checkFinalityEvent(f, rules, FinalityInput{Event: FinalityCommunicated, On: on, Source: CommunicatedFromIRAT}, today); prob != nil || ev == nil {
					continue // e.g. an appeal recorded that this day would make late: left for a clerk
				} else {
					ev.DecisionID, ev.RecordedAt, ev.RecordedBy = d.ID, now, by
					if _, err := tx.NewInsert().Model(ev).Exec(ctx); err != nil {
						return res, meanwhile(err, ev.Kind, d.Number)
					}
					byDecision[d.ID] = append(byDecision[d.ID], *ev)
					res.Communicated++
				}
			}
		}
	}
	for _, d := range ds {
		if rules.Evaluate(d.IssuedOn, byDecision[d.ID], today).State != FinalityDue {
			continue
		}
		cur, err := loadFinality(ctx, tx, d, rules, today)
		if err != nil {
			return res, err
		}
		moves := 0
		for _, m := range cur.Moves {
			if !m.Moved && cur.Finality.DueOn != nil && m.Provisional.On != *cur.Finality.DueOn {
				moves++
			}
		}
		if _, err := s.settleFinality(ctx, tx, cur, rules, by); err != nil {
			return res, err
		}
		res.Settled++
		res.Moved += moves
	}
	if res.Communicated == 0 && res.Settled == 0 {
		return res, nil
	}
	return res, appendAudit(ctx, tx, "tax.decision_finality_sweep", "tax_decision", "", map[string]any{"communicated": res.Communicated,
		"settled": res.Settled, "moved": res.Moved, "by": by}, now)
}

func hasEvent(es []DecisionEvent, kind string) bool {
	for _, e := range es {
		if e.Kind == kind {
			return true
		}
	}
	return false
}

// finalityProvisionalOf returns the taxpayer's debits whose due date is
// still provisional (their decision not yet final), for the account page.
func finalityProvisionalOf(ctx context.Context, tx bun.IDB, taxpayerID uuid.UUID) (map[uuid.UUID]bool, error) {
	var ds []Decision
	if err := tx.NewSelect().Model(&ds).Where("taxpayer_id = ?", taxpayerID).
		Where("NOT EXISTS (SELECT 1 FROM tax_decision_events AS e WHERE e.tenant_id = dc.tenant_id AND e.decision_id = dc.id AND e.kind = ?)", FinalityFinal).
		Scan(ctx); err != nil {
		return nil, err
	}
	out := map[uuid.UUID]bool{}
	for _, d := range ds {
		var ps []Posting
		if err := tx.NewSelect().Model(&ps).Where("taxpayer_id = ?", taxpayerID).Where("reference = ?", d.Number).Where("side = ?", Debit).
			Where("kind = 'assessment'").Where("tax_year = ?", d.TaxYear).Scan(ctx); err != nil {
			return nil, err
		}
		for _, p := range ps {
			if provisionalDebit(d, p) {
				out[p.ID] = true
			}
		}
	}
	return out, nil
}
