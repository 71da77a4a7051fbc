package finance

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

// Account is one account of the chart (egységes számlatükör, Áhsz. 16.
// melléklet). The spec marks the exact sub-numbering as uncertain (§B.6,
// §B.7): the names are the stable part; the numbers below follow the
// groups of §B.7 and are kept in one table so they can be corrected in
// one place.
type Account struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Class is the account's számlaosztály (0–9).
func (a Account) Class() int { return int(a.Code[0] - '0') }

// Ledgers: the financial (accrual, classes 1–9) and the budget (class 0,
// by rovat) sides of the dual system (§B.1).
const (
	Financial = "financial"
	Budget    = "budget"
)

// chart is the accounts this slice posts to.
var chart = []Account{
	{"001", "Technikai számla"},
	{"0511", "Eredeti kiadási előirányzat"},
	{"0512", "Kiadási előirányzat módosításai"},
	{"0513", "Kiadási kötelezettségvállalások"},
	{"0514", "Kiadások teljesítése"},
	{"0521", "Eredeti bevételi előirányzat"},
	{"0522", "Bevételi előirányzat módosításai"},
	{"0523", "Bevételi követelések (előírás)"},
	{"0524", "Bevételek teljesítése"},
	{"111", "Vagyoni értékű jogok"}, {"112", "Szellemi termékek"}, {"118", "Immateriális javak terven felüli értékcsökkenése"}, {"119", "Immateriális javak terv szerinti értékcsökkenése"}, // assets (asset.go)
	{"121", "Ingatlanok és kapcsolódó vagyoni értékű jogok"},
	{"128", "Ingatlanok és kapcsolódó vagyoni értékű jogok terven felüli értékcsökkenése"}, {"129", "Ingatlanok és kapcsolódó vagyoni értékű jogok terv szerinti értékcsökkenése"}, // assets (asset.go)
	{"131", "Gépek, berendezések, felszerelések, járművek"},
	{"138", "Gépek, berendezések, felszerelések, járművek terven felüli értékcsökkenése"}, {"139", "Gépek, berendezések, felszerelések, járművek terv szerinti értékcsökkenése"}, // assets (asset.go)
	{"151", "Befejezetlen beruházások"},
	{"321", "Forintpénztár"},
	{"331", "Forintszámlák"},
	{"3511", "Költségvetési évben esedékes követelések működési célú támogatások bevételeire államháztartáson belülről (B1)"},
	{"3512", "Költségvetési évben esedékes követelések felhalmozási célú támogatások bevételeire államháztartáson belülről (B2)"},
	{"3513", "Költségvetési évben esedékes követelések közhatalmi bevételekre (B3)"},
	{"3514", "Költségvetési évben esedékes követelések működési bevételekre (B4)"},
	{"3515", "Költségvetési évben esedékes követelések felhalmozási bevételekre (B5)"},
	{"3516", "Költségvetési évben esedékes követelések működési célú átvett pénzeszközökre (B6)"},
	{"3517", "Költségvetési évben esedékes követelések felhalmozási célú átvett pénzeszközökre (B7)"},
	{"3518", "Költségvetési évben esedékes követelések finanszírozási bevételekre (B8)"},
	{"364", "ÁFA-elszámolás"},
	{"411", "Nemzeti vagyon induláskori értéke"},
	{"4211", "Költségvetési évben esedékes kötelezettségek személyi juttatásokra (K1)"},
	{"4212", "Költségvetési évben esedékes kötelezettségek munkaadókat terhelő járulékokra és szociális hozzájárulási adóra (K2)"},
	{"4213", "Költségvetési évben esedékes kötelezettségek dologi kiadásokra (K3)"},
	{"4214", "Költségvetési évben esedékes kötelezettségek ellátottak pénzbeli juttatásaira (K4)"},
	{"4215", "Költségvetési évben esedékes kötelezettségek egyéb működési célú kiadásokra (K5)"},
	{"4216", "Költségvetési évben esedékes kötelezettségek beruházásokra (K6)"},
	{"4217", "Költségvetési évben esedékes kötelezettségek felújításokra (K7)"},
	{"4218", "Költségvetési évben esedékes kötelezettségek egyéb felhalmozási célú kiadásokra (K8)"},
	{"4219", "Költségvetési évben esedékes kötelezettségek finanszírozási kiadásokra (K9)"},
	{"51", "Anyagköltség"},
	{"52", "Igénybe vett szolgáltatások költségei"},
	{"53", "Egyéb szolgáltatások költségei"},
	{"54", "Bérköltség"},
	{"55", "Személyi jellegű egyéb kifizetések"},
	{"56", "Bérjárulékok"},
	{"57", "Értékcsökkenési leírás"},
	{"81", "Anyagjellegű ráfordítások"},
	{"86", "Egyéb ráfordítások"},
	{"91", "Az alaptevékenység eredményszemléletű bevételei"},
	{"92", "Közhatalmi eredményszemléletű bevételek"},
	{"93", "Működési célú támogatások eredményszemléletű bevételei"},
	{"94", "Felhalmozási célú támogatások eredményszemléletű bevételei"},
	{"95", "Egyéb eredményszemléletű bevételek"},
}

var accountsByCode = func() map[string]Account {
	m := map[string]Account{}
	for _, a := range chart {
		m[a.Code] = a
	}
	return m
}()

// Chart returns the chart of accounts in code order.
func Chart() []Account {
	out := append([]Account(nil), chart...)
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// AccountByCode looks an account up.
func AccountByCode(code string) (Account, bool) { a, ok := accountsByCode[code]; return a, ok }

// Pair is one T/K pair of a posting rule. The accounts may name a
// placeholder the engine fills: {g} the rovat's group digit (4213 for
// K3…), {cost} the event's cost or asset account, {income} its revenue
// account, {cash} its cash account. When "commitment", the pair applies
// only if the event names a commitment.
type Pair struct {
	Ledger        string
	Debit, Credit string
	When          string
}

// Rule is how one kind of event is posted (NGM-38 1. melléklet in
// spirit; §B.6): which side of the rovatrend it takes and its pairs.
type Rule struct {
	Event  string
	Side   byte // 'K' expenditure, 'B' revenue, 0 either
	Pairs  []Pair
	HU, EN string
}

// Events of the posting-rule table.
const (
	EvAppropriation       = "appropriation_original"
	EvAppropriationChange = "appropriation_change"
	EvCommitment          = "commitment"
	EvInvoice             = "invoice_received"
	EvPayment             = "payment"
	EvRevenueAssessed     = "revenue_assessed"
	EvRevenueCollected    = "revenue_collected"
)

// Rules is the posting-rule table: one engine (Post) applies it for every
// screen, import and API call.
var Rules = []Rule{
	{Event: EvAppropriation, Side: 'K', Pairs: []Pair{{Budget, "0511", "001", ""}}, HU: "Eredeti kiadási előirányzat", EN: "Original expenditure appropriation"},
	{Event: EvAppropriation, Side: 'B', Pairs: []Pair{{Budget, "001", "0521", ""}}, HU: "Eredeti bevételi előirányzat", EN: "Original revenue appropriation"},
	{Event: EvAppropriationChange, Side: 'K', Pairs: []Pair{{Budget, "0512", "001", ""}}, HU: "Kiadási előirányzat módosítása", EN: "Expenditure appropriation amended"},
	{Event: EvAppropriationChange, Side: 'B', Pairs: []Pair{{Budget, "001", "0522", ""}}, HU: "Bevételi előirányzat módosítása", EN: "Revenue appropriation amended"},
	{Event: EvCommitment, Side: 'K', Pairs: []Pair{{Budget, "0513", "001", ""}}, HU: "Kötelezettségvállalás", EN: "Commitment"},
	{Event: EvInvoice, Side: 'K', Pairs: []Pair{{Financial, "{cost}", "421{g}", ""}}, HU: "Beérkezett számla (teljesítés)", EN: "Invoice received (performance)"},
	{Event: EvPayment, Side: 'K', Pairs: []Pair{{Financial, "421{g}", "{cash}", ""}, {Budget, "0514", "001", ""}, {Budget, "001", "0513", "commitment"}}, HU: "Kifizetés", EN: "Payment"},
	{Event: EvRevenueAssessed, Side: 'B', Pairs: []Pair{{Financial, "351{g}", "{income}", ""}, {Budget, "0523", "001", ""}}, HU: "Bevétel előírása (követelés)", EN: "Revenue assessed (receivable)"},
	{Event: EvOutputVAT, Side: 'B', Pairs: []Pair{{Financial, "351{g}", "364", ""}, {Budget, "0523", "001", ""}}, HU: "Kiszámlázott ÁFA előírása", EN: "Output ÁFA invoiced (receivable)"},
	{Event: EvRevenueCollected, Side: 'B', Pairs: []Pair{{Financial, "{cash}", "351{g}", ""}, {Budget, "001", "0524", ""}, {Budget, "001", "0523", ""}}, HU: "Bevétel beszedése", EN: "Revenue collected"},
	{Event: EvCashReceipt, Side: 'B', Pairs: []Pair{{Financial, "351{g}", "{income}", ""}, {Financial, "{cash}", "351{g}", ""}, {Budget, "0523", "001", ""}, {Budget, "001", "0524", ""}, {Budget, "001", "0523", ""}}, HU: "Pénztári bevétel (előírás és beszedés)", EN: "Cash receipt (assessed and collected)"},
	{Event: EvCashPayment, Side: 'K', Pairs: []Pair{{Financial, "{cost}", "421{g}", ""}, {Financial, "421{g}", "{cash}", ""}, {Budget, "0514", "001", ""}, {Budget, "001", "0513", "commitment"}}, HU: "Pénztári kifizetés (teljesítés és kiegyenlítés)", EN: "Cash payment (performance and settlement)"},
	{Event: EvCashWithdrawal, Pairs: []Pair{{Financial, "321", "331", ""}}, HU: "Készpénzfelvétel a fizetési számláról", EN: "Cash withdrawn from the bank account"},
	{Event: EvCashDeposit, Pairs: []Pair{{Financial, "331", "321", ""}}, HU: "Készpénz befizetése a fizetési számlára", EN: "Cash deposited to the bank account"},
}

// RuleFor finds the rule of an event for a rovat's side.
func RuleFor(event string, side byte) (Rule, bool) {
	for _, r := range Rules {
		if r.Event == event && (r.Side == 0 || r.Side == side) {
			return r, true
		}
	}
	return Rule{}, false
}

// EventName names an event for a page.
func EventName(event, lang string) string {
	for _, r := range Rules {
		if r.Event == event {
			if lang == "en" {
				return r.EN
			}
			return r.HU
		}
	}
	if event == "reversal" {
		if lang == "en" {
			return "Reversal"
		}
		return "Stornó"
	}
	return event
}

// Event is what happened, for the engine: one rovat line of it.
type Event struct {
	Entity     uuid.UUID
	Kind       string
	On         hu.Date
	Rovat      string
	Funkcio    string
	Task       string
	Amount     hu.Forint // may be negative for an appropriation change
	Partner    string
	Commitment string
	Document   string
	Text       string
	// Accounts filling the rule's placeholders.
	Cost, Income, Cash string
	Accounts           map[string]string // further placeholders ({asset}, {accdep}, … of asset.go)
}

// Entry is a journal entry: the pairs of one event.
type Entry struct {
	bun.BaseModel `bun:"table:finance_entries,alias:je"`
	db.TenantScoped

	ID          uuid.UUID  `bun:"id,pk,type:uuid" json:"id"`
	EntityID    uuid.UUID  `bun:"entity_id,type:uuid" json:"entity_id"`
	Year        int        `bun:"year" json:"year"`
	Month       int        `bun:"month" json:"month"`
	On          hu.Date    `bun:"on_date" json:"on"`
	Event       string     `bun:"event" json:"event"`
	Document    string     `bun:"document" json:"document"`
	Description string     `bun:"description" json:"description"`
	Reverses    *uuid.UUID `bun:"reverses,type:uuid" json:"reverses,omitempty"`
	CreatedAt   time.Time  `bun:"created_at" json:"created_at"`
	CreatedBy   string     `bun:"created_by" json:"created_by"`

	Lines []Line `bun:"-" json:"lines"`
}

// Line is one T/K pair with every dimension §B.1 names.
type Line struct {
	bun.BaseModel `bun:"table:finance_lines,alias:jl"`
	db.TenantScoped

	EntryID    uuid.UUID `bun:"entry_id,pk,type:uuid" json:"-"`
	LineNo     int       `bun:"line_no,pk" json:"line_no"`
	EntityID   uuid.UUID `bun:"entity_id,type:uuid" json:"entity_id"`
	Year       int       `bun:"year" json:"year"`
	Month      int       `bun:"month" json:"month"`
	Event      string    `bun:"event" json:"event"`
	Ledger     string    `bun:"ledger" json:"ledger"`
	Debit      string    `bun:"debit_account" json:"debit_account"`
	Credit     string    `bun:"credit_account" json:"credit_account"`
	Amount     hu.Forint `bun:"amount" json:"amount"`
	Rovat      string    `bun:"rovat" json:"rovat"`
	Funkcio    string    `bun:"funkcio" json:"funkcio"`
	Task       string    `bun:"task" json:"task"`
	Partner    string    `bun:"partner" json:"partner"`
	Commitment string    `bun:"commitment" json:"commitment"`
	Document   string    `bun:"document" json:"document"`
}

// Period is a closed month of an entity's books.
type Period struct {
	bun.BaseModel `bun:"table:finance_periods,alias:pe"`
	db.TenantScoped

	EntityID uuid.UUID `bun:"entity_id,pk,type:uuid"`
	Year     int       `bun:"year,pk"`
	Month    int       `bun:"month,pk"`
	ClosedAt time.Time `bun:"closed_at"`
	ClosedBy string    `bun:"closed_by"`
}

var tasks = map[string]string{"kotelezo": "kötelező feladat", "onkent": "önként vállalt feladat", "allamigazgatasi": "államigazgatási feladat"}

// TaskName names a task type.
func TaskName(t string) string { return tasks[t] }

// build turns an event into its entry by the rule table; nothing is
// written. The entity must be loaded with its funkciók.
func (s *Service) build(e Entity, ev Event, by string, now time.Time) (Entry, *Problem) {
	if !ev.On.IsValid() {
		return Entry{}, problem("bad_date", "on", "Adja meg a gazdasági esemény napját (ÉÉÉÉ-HH-NN).", "Give the day of the event (YYYY-MM-DD).")
	}
	if rule, ok := RuleFor(ev.Kind, 0); ok {
		return cashNonBudgetEntry(e, rule, ev, by, now) // no rovat: a move between cash accounts (cashdesk.go)
	}
	if p := e.permits(ev.Rovat, ev.Funkcio); p != nil {
		return Entry{}, p
	}
	if ev.Task == "" {
		ev.Task = "kotelezo"
	}
	if _, ok := tasks[ev.Task]; !ok {
		return Entry{}, problem("bad_task", "task", "Válassza ki a feladat jellegét (kötelező, önként vállalt, államigazgatási).", "Choose the kind of task (mandatory, voluntary, state administration).")
	}
	rule, ok := RuleFor(ev.Kind, ev.Rovat[0])
	if !ok {
		if _, any := RuleFor(ev.Kind, 0); any || ev.Kind == EvCommitment || ev.Kind == EvInvoice || ev.Kind == EvPayment || ev.Kind == EvRevenueAssessed || ev.Kind == EvRevenueCollected {
			return Entry{}, problem("wrong_side", "rovat", "Ez az esemény nem könyvelhető %s rovatra (kiadásnál K, bevételnél B rovat kell).",
				"This event cannot be posted to rovat %s (an expenditure needs a K, a revenue a B rovat).", ev.Rovat)
		}
		return Entry{}, problem("bad_event", "event", "Ismeretlen gazdasági esemény: %q.", "Unknown event: %q.", ev.Kind)
	}
	amount := ev.Amount
	swap := false
	if amount < 0 && ev.Kind == EvAppropriationChange {
		amount, swap = -amount, true // a reduction posts the pair the other way
	}
	if amount <= 0 {
		return Entry{}, problem("bad_amount", "amount", "Az összeg pozitív, egész forint legyen.", "The amount must be a positive whole number of forints.")
	}
	fill := func(acct string) (string, *Problem) {
		switch acct {
		case "{cost}":
			acct = ev.Cost
			if acct == "" {
				acct = defaultCost(ev.Rovat)
			}
		case "{income}":
			acct = ev.Income
			if acct == "" {
				acct = "91"
				if strings.HasPrefix(ev.Rovat, "B3") {
					acct = "92"
				}
			}
		case "{cash}":
			acct = ev.Cash
			if acct == "" {
				acct = "331"
			}
		default:
			if a, ok := ev.Accounts[acct]; ok {
				acct = a
			}
			acct = strings.ReplaceAll(acct, "{g}", ev.Rovat[1:2])
		}
		if _, ok := AccountByCode(acct); !ok {
			return "", problem("bad_account", "account", "Nincs %q főkönyvi számla a számlatükörben.", "There is no account %q in the chart of accounts.", acct)
		}
		return acct, nil
	}
	en := Entry{ID: uuid.Must(uuid.NewV7()), EntityID: e.ID, Year: ev.On.Year, Month: int(ev.On.Month), On: ev.On, Event: ev.Kind,
		Document: strings.TrimSpace(ev.Document), Description: strings.TrimSpace(ev.Text), CreatedAt: now, CreatedBy: by}
	if len(en.Document) > 200 || len(en.Description) > 1000 || len(ev.Partner) > 300 || len(ev.Commitment) > 100 {
		return Entry{}, problem("too_long", "document", "A bizonylatszám legfeljebb 200, a szöveg legfeljebb 1000 karakter.", "The document number is at most 200, the text at most 1000 characters.")
	}
	for _, p := range rule.Pairs {
		if p.When == "commitment" && ev.Commitment == "" {
			continue
		}
		d, prob := fill(p.Debit)
		if prob != nil {
			return Entry{}, prob
		}
		c, prob := fill(p.Credit)
		if prob != nil {
			return Entry{}, prob
		}
		if swap {
			d, c = c, d
		}
		en.Lines = append(en.Lines, Line{EntryID: en.ID, LineNo: len(en.Lines) + 1, EntityID: e.ID, Year: en.Year, Month: en.Month, Event: ev.Kind,
			Ledger: p.Ledger, Debit: d, Credit: c, Amount: amount, Rovat: ev.Rovat, Funkcio: ev.Funkcio, Task: ev.Task,
			Partner: strings.TrimSpace(ev.Partner), Commitment: strings.TrimSpace(ev.Commitment), Document: en.Document})
	}
	if prob := checkBalanced(en.Lines); prob != nil {
		return Entry{}, prob
	}
	return en, nil
}

// defaultCost is the financial account an invoice is booked to when the
// clerk names none: by the rovat's group (K1 wages, K3 services, K6
// investments…).
func defaultCost(rovat string) string {
	switch rovat[:2] {
	case "K1":
		return "54"
	case "K2":
		return "56"
	case "K3":
		if strings.HasPrefix(rovat, "K31") {
			return "51"
		}
		if strings.HasPrefix(rovat, "K351") {
			return "364"
		}
		return "52"
	case "K6", "K7":
		return "151"
	default:
		return "86"
	}
}

// checkBalanced refuses an entry whose sides do not balance: each pair
// must be positive, have two different accounts of its own ledger's
// classes (class 0 for the budget side, 1–9 for the financial side).
// With both sides kept in one line, debit = credit per ledger follows.
func checkBalanced(ls []Line) *Problem {
	if len(ls) == 0 {
		return problem("empty_entry", "", "A tételnek nincs sora.", "The entry has no lines.")
	}
	for _, l := range ls {
		d, okD := AccountByCode(l.Debit)
		c, okC := AccountByCode(l.Credit)
		budget := l.Ledger == Budget
		if !okD || !okC || l.Amount <= 0 || l.Debit == l.Credit || (d.Class() == 0) != budget || (c.Class() == 0) != budget {
			return problem("unbalanced", "", "A tétel nem egyezik: a %s/%s pár nem a saját oldalán (költségvetési: 0. számlaosztály, pénzügyi: 1–9.) könyvel, vagy az összeg nem pozitív.",
				"The entry does not balance: the pair %s/%s does not stay on its own side (budget: class 0, financial: classes 1–9), or the amount is not positive.", l.Debit, l.Credit)
		}
	}
	return nil
}

// Post books one event through the rule table.
func (s *Service) Post(ctx context.Context, tx bun.Tx, ev Event, by string) (Entry, error) {
	es, err := s.PostMany(ctx, tx, []Event{ev}, by)
	if err != nil {
		return Entry{}, err
	}
	return es[0], nil
}

// PostMany books events in one go (an import, a month's payroll): all or
// none, one audit entry per call, lines inserted in bulk.
func (s *Service) PostMany(ctx context.Context, tx bun.Tx, evs []Event, by string) ([]Entry, error) {
	now := s.now().UTC()
	entities := map[uuid.UUID]Entity{}
	open := map[[2]int]map[uuid.UUID]bool{} // (year, month) → entity → open
	entries := make([]Entry, 0, len(evs))
	var lines []Line
	for i, ev := range evs {
		e, ok := entities[ev.Entity]
		if !ok {
			var err error
			if e, err = EntityByID(ctx, tx, ev.Entity); err != nil {
				return nil, err
			}
			entities[ev.Entity] = e
		}
		en, prob := s.build(e, ev, by, now)
		if prob != nil {
			if len(evs) > 1 {
				prob.HU, prob.EN = fmt.Sprintf("%d. tétel: %s", i+1, prob.HU), fmt.Sprintf("item %d: %s", i+1, prob.EN)
			}
			return nil, prob
		}
		k := [2]int{en.Year, en.Month}
		if open[k] == nil {
			open[k] = map[uuid.UUID]bool{}
		}
		if _, seen := open[k][e.ID]; !seen {
			closed, err := periodClosed(ctx, tx, e.ID, en.Year, en.Month)
			if err != nil {
				return nil, err
			}
			open[k][e.ID] = !closed
		}
		if !open[k][e.ID] {
			return nil, problem("period_closed", "on", "%d. %02d. hónap könyvei (%s) már le vannak zárva; a tételt nyitott időszakra könyvelje.",
				"The books of %d-%02d (%s) are closed; post the entry in an open period.", en.Year, en.Month, e.Name)
		}
		entries = append(entries, en)
		lines = append(lines, en.Lines...)
	}
	if err := insertEntries(ctx, tx, entries, lines); err != nil {
		return nil, err
	}
	detail := map[string]any{"entries": len(entries), "lines": len(lines), "by": by}
	id := ""
	if len(entries) == 1 {
		en := entries[0]
		id = en.ID.String()
		detail["event"], detail["on"], detail["rovat"], detail["funkcio"], detail["amount"], detail["document"] = en.Event, en.On.String(), en.Lines[0].Rovat, en.Lines[0].Funkcio, int64(en.Lines[0].Amount), en.Document
	}
	return entries, appendAudit(ctx, tx, "finance.post", "entry", id, detail, now)
}

// insertEntries writes in chunks, below both databases' bound-parameter
// limits.
func insertEntries(ctx context.Context, tx bun.Tx, entries []Entry, lines []Line) error {
	const chunk = 500
	for i := 0; i < len(entries); i += chunk {
		part := entries[i:min(i+chunk, len(entries))]
		if _, err := tx.NewInsert().Model(&part).Exec(ctx); err != nil {
			return fmt.Errorf("insert entries: %w", err)
		}
	}
	for i := 0; i < len(lines); i += chunk {
		part := lines[i:min(i+chunk, len(lines))]
		if _, err := tx.NewInsert().Model(&part).Exec(ctx); err != nil {
			return fmt.Errorf("insert lines: %w", err)
		}
	}
	return nil
}

func periodClosed(ctx context.Context, tx bun.IDB, entity uuid.UUID, year, month int) (bool, error) {
	n, err := db.Count(ctx, tx.NewSelect().Model((*Period)(nil)).Where("entity_id = ? AND year = ? AND month = ?", entity, year, month))
	return n > 0, err
}

// ClosePeriod closes an entity's month: it takes no postings afterwards.
func (s *Service) ClosePeriod(ctx context.Context, tx bun.Tx, entity uuid.UUID, year, month int, by string) error {
	e, err := EntityByID(ctx, tx, entity)
	if err != nil {
		return err
	}
	if month < 1 || month > 12 || year < 2000 || year > 2100 {
		return problem("bad_period", "month", "Az időszak egy hónap: év és 1–12 közötti hónap.", "A period is a month: a year and a month 1–12.")
	}
	if closed, err := periodClosed(ctx, tx, e.ID, year, month); err != nil {
		return err
	} else if closed {
		return problem("period_closed", "month", "%d. %02d. már le van zárva.", "%d-%02d is already closed.", year, month)
	}
	now := s.now().UTC()
	if _, err := tx.NewInsert().Model(&Period{EntityID: e.ID, Year: year, Month: month, ClosedAt: now, ClosedBy: by}).Exec(ctx); err != nil {
		return fmt.Errorf("close period: %w", err)
	}
	return appendAudit(ctx, tx, "finance.period_close", "entity", e.ID.String(), map[string]any{"year": year, "month": month, "by": by}, now)
}

// ClosedPeriods lists an entity's closed months of a year.
func ClosedPeriods(ctx context.Context, tx bun.IDB, entity uuid.UUID, year int) (map[int]bool, error) {
	var ps []Period
	if err := tx.NewSelect().Model(&ps).Where("entity_id = ? AND year = ?", entity, year).Scan(ctx); err != nil {
		return nil, err
	}
	out := map[int]bool{}
	for _, p := range ps {
		out[p.Month] = true
	}
	return out, nil
}

// EntryByID loads an entry with its lines.
func EntryByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (Entry, error) {
	var en Entry
	err := tx.NewSelect().Model(&en).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, errNoEntry
	}
	if err != nil {
		return Entry{}, fmt.Errorf("entry %s: %w", id, err)
	}
	if err := tx.NewSelect().Model(&en.Lines).Where("entry_id = ?", id).OrderExpr("line_no").Scan(ctx); err != nil {
		return Entry{}, fmt.Errorf("lines of %s: %w", id, err)
	}
	return en, nil
}

var errNoEntry = problem("no_entry", "", "Nincs ilyen könyvelési tétel.", "There is no such journal entry.")

// Reverse cancels an entry with one of swapped pairs on day on (in an
// open period), naming it and the reason: the ledger is never edited.
func (s *Service) Reverse(ctx context.Context, tx bun.Tx, id uuid.UUID, on hu.Date, reason, by string) (Entry, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 1000 {
		return Entry{}, problem("no_reason", "reason", "Írja le, miért stornózza a tételt.", "Say why the entry is reversed.")
	}
	orig, err := EntryByID(ctx, tx, id)
	if err != nil {
		return Entry{}, err
	}
	if err := cashGuardReverse(ctx, tx, id); err != nil {
		return Entry{}, err // a cash voucher's entry is reversed only with a stornó voucher (cashdesk.go)
	}
	if orig.Reverses != nil {
		return Entry{}, problem("is_reversal", "", "Stornó tételt nem lehet stornózni; könyvelje újra a helyes tételt.", "A reversal cannot be reversed; post the right entry again.")
	}
	if n, err := db.Count(ctx, tx.NewSelect().Model((*Entry)(nil)).Where("reverses = ?", id)); err != nil {
		return Entry{}, err
	} else if n > 0 {
		return Entry{}, problem("already_reversed", "", "Ezt a tételt már stornózták.", "This entry has already been reversed.")
	}
	if !on.IsValid() || on.Year != orig.Year {
		return Entry{}, problem("bad_date", "on", "A stornó napja az eredeti tétel évébe essen (%d).", "The reversal's day must be in the original entry's year (%d).", orig.Year)
	}
	if closed, err := periodClosed(ctx, tx, orig.EntityID, on.Year, int(on.Month)); err != nil {
		return Entry{}, err
	} else if closed {
		return Entry{}, problem("period_closed", "on", "%d. %02d. le van zárva; a stornót nyitott hónapra könyvelje.", "%d-%02d is closed; post the reversal in an open month.", on.Year, int(on.Month))
	}
	now := s.now().UTC()
	rev := Entry{ID: uuid.Must(uuid.NewV7()), EntityID: orig.EntityID, Year: on.Year, Month: int(on.Month), On: on, Event: orig.Event,
		Document: orig.Document, Description: reason, Reverses: &orig.ID, CreatedAt: now, CreatedBy: by}
	for _, l := range orig.Lines {
		l.EntryID, l.Debit, l.Credit, l.Month = rev.ID, l.Credit, l.Debit, rev.Month
		rev.Lines = append(rev.Lines, l)
	}
	if err := insertEntries(ctx, tx, []Entry{rev}, rev.Lines); err != nil {
		return Entry{}, err
	}
	return rev, appendAudit(ctx, tx, "finance.reverse", "entry", orig.ID.String(), map[string]any{"reversal": rev.ID.String(), "reason": reason, "by": by}, now)
}

// Journal lists an entity's entries of a year, newest first, with lines.
func Journal(ctx context.Context, tx bun.IDB, entity uuid.UUID, year, limit int) ([]Entry, error) {
	var es []Entry
	if err := tx.NewSelect().Model(&es).Where("entity_id = ? AND year = ?", entity, year).OrderExpr("on_date DESC, id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return es, nil
	}
	ids := make([]uuid.UUID, len(es))
	idx := map[uuid.UUID]int{}
	for i, e := range es {
		ids[i], idx[e.ID] = e.ID, i
	}
	var ls []Line
	if err := tx.NewSelect().Model(&ls).Where("entry_id IN (?)", bun.In(ids)).OrderExpr("entry_id, line_no").Scan(ctx); err != nil {
		return nil, err
	}
	for _, l := range ls {
		es[idx[l.EntryID]].Lines = append(es[idx[l.EntryID]].Lines, l)
	}
	return es, nil
}
