package finance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// The reports as pages (?format=pdf or xlsx for the documents) and as
// data for the warehouse (the JSON API): general ledger, analytics,
// balance sheet, maradvány, the monthly budget report and the trial
// balance of an entity, and the consolidated report of the tenant.

// reportKinds are the entity reports, in the order the pages list them.
var reportKinds = []string{"budget", "trial-balance", "general-ledger", "analytics", "balance-sheet", "maradvany"}

func init() {
	// Kept here rather than in http.go's list so that the report routes
	// stay with their handlers.
	SeparationRoutes = append(SeparationRoutes, reportSeparationRoutes...)
}

// reportSeparationRoutes are the report routes that take an entity.
var reportSeparationRoutes = func() []separation.Route {
	var out []separation.Route
	for _, k := range reportKinds {
		out = append(out, separation.Route{Pattern: "GET /finance/entities/{entity}/reports/" + k},
			separation.Route{Pattern: "GET /api/v1/finance/entities/{entity}/reports/" + k})
	}
	return out
}()

// routesReport registers each report under its own path, so that the
// kinds are the router's (an unknown one is its 404).
func (h *handlers) routesReport(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(Read)}
	for _, k := range append([]string{"consolidated"}, reportKinds...) {
		page, data := "/finance/entities/{entity}/reports/"+k, "/api/v1/finance/entities/{entity}/reports/"+k
		if k == "consolidated" {
			page, data = "/finance/reports/consolidated", "/api/v1/finance/reports/consolidated"
		}
		rt.Handle("GET "+page, func(w http.ResponseWriter, r *http.Request) error { return h.reportPage(w, r, k) }, read...)
		rt.Handle("GET "+data, func(w http.ResponseWriter, r *http.Request) error { return h.apiReport(w, r, k) }, read...)
	}
}

// reportQuery is a report's parameters from the query string.
type reportQuery struct {
	Kind    string
	Entity  uuid.UUID
	Year    int
	Month   int
	Quarter int
	Page    int
	By      string
	Ledger  LedgerFilter
}

func reportQueryOf(r *http.Request, kind string, now hu.Date) (reportQuery, *Problem) {
	q := r.URL.Query()
	rq := reportQuery{Kind: kind, Year: now.Year, Month: 12, Quarter: 4, Page: 1, By: q.Get("by")}
	num := func(name string, lo, hi int, dst *int, huText, en string) *Problem {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return &Problem{Code: "bad_" + name, Field: name, HU: huText, EN: en}
		}
		*dst = n
		return nil
	}
	for _, p := range []*Problem{
		num("year", 2000, 2100, &rq.Year, "Az év 2000 és 2100 közé essen.", "The year must be 2000–2100."),
		num("month", 1, 12, &rq.Month, "A hónap 1 és 12 közötti szám.", "The month is a number 1–12."),
		num("quarter", 1, 4, &rq.Quarter, "A negyedév 1 és 4 közötti szám.", "The quarter is a number 1–4."),
		num("from", 1, 12, &rq.Ledger.From, "A kezdő hónap 1 és 12 közötti szám.", "The first month is a number 1–12."),
		num("page", 1, 1_000_000, &rq.Page, "Az oldalszám pozitív egész.", "The page is a positive whole number."),
	} {
		if p != nil {
			return rq, p
		}
	}
	if rq.By == "" {
		rq.By = "partner"
	}
	rq.Ledger = LedgerFilter{Account: strings.TrimSpace(q.Get("account")), Year: rq.Year, From: rq.Ledger.From, Through: rq.Month,
		Partner: q.Get("partner"), Commitment: q.Get("commitment"), Rovat: strings.ToUpper(strings.TrimSpace(q.Get("rovat"))), Funkcio: q.Get("funkcio")}
	if rq.Ledger.From == 0 {
		rq.Ledger.From = 1
	}
	return rq, nil
}

// reportResult is one computed report: its layout and its data.
type reportResult struct {
	Doc  reportDoc
	Data any
}

func statusCells(s Status) []any {
	return []any{s.Original, s.Modified, s.Committed, s.OpenCommitment, s.Performance, s.Free}
}

// computeReport builds a report inside the tenant's read transaction.
func computeReport(ctx context.Context, tx bun.IDB, rq reportQuery, lang string) (reportResult, error) {
	d := reportDoc{Kind: rq.Kind, lang: lang}
	sc := Scope{Entity: rq.Entity, Year: rq.Year, Through: rq.Month}
	period := fmt.Sprintf(d.tr("%d. január–%s", "%d, January–%s"), rq.Year, monthName(rq.Month, lang))
	if rq.Kind != "consolidated" {
		e, err := EntityByID(ctx, tx, rq.Entity)
		if err != nil {
			return reportResult{}, err
		}
		d.Issuer = e.Name
	}
	// Every report shows the §B.2 identities and the §B.6 reconciliation
	// of its scope (for the balance sheet: through the quarter's end).
	entityChecks := func(sc Scope) error {
		br, err := BudgetOf(ctx, tx, sc)
		if err != nil {
			return err
		}
		rc, err := Reconcile(ctx, tx, sc)
		d.Checks = append(append(d.Checks, budgetIdentityChecks(br)...), rc...)
		return err
	}
	var data any
	budgetCols := []reportCol{{Header: d.tr("Rovat", "Rovat"), Width: 3}, {Header: d.tr("Kormányzati funkció", "Government function"), Width: 2},
		{Header: d.tr("Eredeti előirányzat", "Original"), Num: true}, {Header: d.tr("Módosított előirányzat", "Modified"), Num: true},
		{Header: d.tr("Kötelezettségvállalás", "Committed"), Num: true}, {Header: d.tr("Nyitott kötelezettség", "Open commitment"), Num: true},
		{Header: d.tr("Teljesítés", "Performance"), Num: true}, {Header: d.tr("Szabad előirányzat", "Free"), Num: true}}
	switch rq.Kind {
	case "budget":
		br, err := BudgetOf(ctx, tx, sc)
		if err != nil {
			return reportResult{}, err
		}
		d.Title, d.Subtitle, d.Landscape = d.tr("Havi időközi költségvetési jelentés", "Monthly interim budget report"), period, true
		lines := reportSection{Title: d.tr("Rovat és kormányzati funkció szerint", "By rovat and government function"), Cols: budgetCols}
		for _, l := range br.Lines {
			lines.Rows = append(lines.Rows, reportRow{Cells: append([]any{l.Rovat + " " + rovatName(l.Rovat), l.Funkcio + " " + funkcioName(l.Funkcio)}, statusCells(l)...)})
		}
		groups := reportSection{Title: d.tr("Rovatcsoportok és összesítők (§B.2)", "Rovat groups and totals (§B.2)"), Cols: budgetCols}
		for _, g := range br.Groups {
			groups.Rows = append(groups.Rows, reportRow{Cells: append([]any{g.Rovat + " " + rovatName(g.Rovat), ""}, statusCells(g)...)})
		}
		for _, t := range []struct {
			name string
			s    Status
		}{{d.tr("Költségvetési kiadások (K1–K8)", "Budget expenditure (K1–K8)"), br.BudgetExpenditure}, {d.tr("Finanszírozási kiadások (K9)", "Financing expenditure (K9)"), br.FinancingExpenditure},
			{d.tr("Költségvetési bevételek (B1–B7)", "Budget revenue (B1–B7)"), br.BudgetRevenue}, {d.tr("Finanszírozási bevételek (B8)", "Financing revenue (B8)"), br.FinancingRevenue}} {
			groups.Rows = append(groups.Rows, reportRow{Cells: append([]any{t.name, ""}, statusCells(t.s)...), Strong: true})
		}
		groups.Rows = append(groups.Rows, reportRow{Cells: []any{d.tr("Költségvetési egyenleg (B1–B7 − K1–K8)", "Budget balance (B1–B7 − K1–K8)"), "", nil, nil, nil, nil, br.Balance, nil}, Strong: true})
		d.Sections = []reportSection{lines, groups}
		data = budgetReportData(br)
		if err := entityChecks(sc); err != nil {
			return reportResult{}, err
		}
	case "trial-balance":
		tb, err := TrialBalanceOf(ctx, tx, sc)
		if err != nil {
			return reportResult{}, err
		}
		d.Title, d.Subtitle = d.tr("Főkönyvi kivonat", "Trial balance"), period
		s := reportSection{Cols: []reportCol{{Header: d.tr("Számla", "Account"), Width: 5}, {Header: d.tr("Tartozik forgalom", "Debit"), Num: true},
			{Header: d.tr("Követel forgalom", "Credit"), Num: true}, {Header: d.tr("Egyenleg", "Balance"), Num: true}}}
		rows := []trialRowOut{}
		for _, t := range tb.Rows {
			s.Rows = append(s.Rows, reportRow{Cells: []any{t.Account.Code + " " + t.Account.Name, t.Debit, t.Credit, t.Balance()}})
			rows = append(rows, trialRowOut{t.Account.Code, t.Account.Name, t.Debit, t.Credit, t.Balance()})
		}
		s.Rows = append(s.Rows, reportRow{Cells: []any{d.tr("Pénzügyi számvitel (1–9.) összesen", "Financial ledger (1–9) total"), tb.FinancialDebit, tb.FinCred, tb.FinancialDebit - tb.FinCred}, Strong: true},
			reportRow{Cells: []any{d.tr("Költségvetési számvitel (0.) összesen", "Budget ledger (0) total"), tb.BudgetDebit, tb.BudCred, tb.BudgetDebit - tb.BudCred}, Strong: true})
		d.Sections = []reportSection{s}
		d.Checks = append(d.Checks, Check{HU: "Pénzügyi számvitel: tartozik = követel", EN: "Financial ledger: debit = credit", Budget: tb.FinancialDebit, Financial: tb.FinCred},
			Check{HU: "Költségvetési számvitel: tartozik = követel", EN: "Budget ledger: debit = credit", Budget: tb.BudgetDebit, Financial: tb.BudCred})
		data = map[string]any{"year": rq.Year, "through_month": rq.Month, "accounts": rows}
		if err := entityChecks(sc); err != nil {
			return reportResult{}, err
		}
	case "general-ledger":
		rq.Ledger.Entity = rq.Entity
		sh, err := AccountSheetOf(ctx, tx, rq.Ledger, rq.Page)
		if err != nil {
			return reportResult{}, err
		}
		d.Title = d.tr("Főkönyvi számlalap", "General ledger account sheet") + ": " + sh.Account.Code + " " + sh.Account.Name
		d.Subtitle, d.Landscape = fmt.Sprintf(d.tr("%d. %s–%s; %d. oldal / %d", "%d, %s–%s; page %d of %d"), rq.Year, monthName(sh.From, lang), monthName(sh.Through, lang), sh.Page, sh.Pages), true
		s := reportSection{Cols: []reportCol{{Header: d.tr("Nap", "Date"), Width: 1.3}, {Header: d.tr("Esemény", "Event"), Width: 2}, {Header: d.tr("Bizonylat", "Document"), Width: 1.5},
			{Header: d.tr("Partner", "Partner"), Width: 2}, {Header: d.tr("Rovat / funkció", "Rovat / function"), Width: 1.6}, {Header: d.tr("Ellenszámla", "Counter-account"), Width: 1},
			{Header: d.tr("Tartozik", "Debit"), Num: true}, {Header: d.tr("Követel", "Credit"), Num: true}, {Header: d.tr("Egyenleg", "Balance"), Num: true}}}
		s.Rows = append(s.Rows, reportRow{Cells: []any{"", d.tr("Nyitó egyenleg", "Opening balance"), "", "", "", "", nil, nil, sh.Opening}, Strong: true})
		if sh.Page > 1 {
			s.Rows = append(s.Rows, reportRow{Cells: []any{"", d.tr("Áthozat", "Brought forward"), "", "", "", "", nil, nil, sh.PageOpening}, Strong: true})
		}
		for _, l := range sh.Lines {
			var debit, credit any
			if l.Debit != 0 {
				debit = l.Debit
			}
			if l.Credit != 0 {
				credit = l.Credit
			}
			s.Rows = append(s.Rows, reportRow{Cells: []any{l.On.String(), EventName(l.Event, lang), l.Document, l.Partner, strings.TrimSpace(l.Rovat + " " + l.Funkcio), l.CounterAccount, debit, credit, l.Balance}})
		}
		s.Rows = append(s.Rows, reportRow{Cells: []any{"", d.tr("Időszak forgalma", "Turnover of the period"), "", "", "", "", sh.Debit, sh.Credit, nil}, Strong: true},
			reportRow{Cells: []any{"", d.tr("Záró egyenleg", "Closing balance"), "", "", "", "", nil, nil, sh.Closing}, Strong: true})
		d.Sections = []reportSection{s}
		data = sh
		if err := entityChecks(sc); err != nil {
			return reportResult{}, err
		}
	case "analytics":
		rq.Ledger.Entity = rq.Entity
		an, err := AnalyticsOf(ctx, tx, rq.Ledger, rq.By)
		if err != nil {
			return reportResult{}, err
		}
		d.Title = d.tr("Analitika", "Analytics") + ": " + an.Account.Code + " " + an.Account.Name
		d.Subtitle = period + " · " + dimensionName(rq.By, lang)
		s := reportSection{Cols: []reportCol{{Header: dimensionName(rq.By, lang), Width: 4}, {Header: d.tr("Tartozik", "Debit"), Num: true},
			{Header: d.tr("Követel", "Credit"), Num: true}, {Header: d.tr("Egyenleg", "Balance"), Num: true}}}
		for _, r := range an.Rows {
			k := r.Key
			if k == "" {
				k = d.tr("(nincs megadva)", "(none given)")
			}
			s.Rows = append(s.Rows, reportRow{Cells: []any{k, r.Debit, r.Credit, r.Balance}})
		}
		s.Rows = append(s.Rows, reportRow{Cells: []any{d.tr("Összesen", "Total"), an.Debit, an.Credit, an.Balance}, Strong: true})
		d.Sections = []reportSection{s}
		data = an
		if err := entityChecks(sc); err != nil {
			return reportResult{}, err
		}
	case "balance-sheet":
		bs, err := BalanceSheetOf(ctx, tx, sc, rq.Quarter)
		if err != nil {
			return reportResult{}, err
		}
		d.Title = d.tr("Negyedéves időközi mérlegjelentés", "Quarterly interim balance sheet report")
		d.Subtitle = fmt.Sprintf(d.tr("%d. %d. negyedév vége", "%d, end of quarter %d"), rq.Year, rq.Quarter)
		cols := func(side string) []reportCol {
			return []reportCol{{Header: side, Width: 5}, {Header: d.tr("Számlák", "Accounts"), Width: 2}, {Header: d.tr("Összeg", "Amount"), Num: true}}
		}
		name := func(r BalanceRow) string {
			n := r.Code + ") " + d.tr(r.Name, r.NameEN)
			if r.Uncertain {
				n += " ⚠"
			}
			return n
		}
		assets := reportSection{Title: d.tr("Eszközök", "Assets"), Cols: cols(d.tr("Eszközök", "Assets"))}
		for _, r := range bs.Assets {
			assets.Rows = append(assets.Rows, reportRow{Cells: []any{name(r), strings.Join(r.Accounts, ", "), r.Amount}})
		}
		assets.Rows = append(assets.Rows, reportRow{Cells: []any{d.tr("Eszközök összesen", "Total assets"), "", bs.TotalAssets}, Strong: true})
		liab := reportSection{Title: d.tr("Források", "Liabilities and equity"), Cols: cols(d.tr("Források", "Liabilities and equity"))}
		for _, r := range bs.Liabilities {
			liab.Rows = append(liab.Rows, reportRow{Cells: []any{name(r), strings.Join(r.Accounts, ", "), r.Amount}})
			if r.Code == "G" {
				liab.Rows = append(liab.Rows, reportRow{Cells: []any{d.tr("G/VI) Mérleg szerinti eredmény (5–9. számlaosztály)", "G/VI) Result of the year (classes 5–9)"), "5–9", bs.Result}})
			}
		}
		liab.Rows = append(liab.Rows, reportRow{Cells: []any{d.tr("Források összesen", "Total liabilities and equity"), "", bs.TotalLiabilities}, Strong: true})
		d.Sections = []reportSection{assets, liab}
		d.Checks = bs.Checks()
		d.Notes = []string{d.tr("⚠: a sor betűjele vagy a számlák alszámozása az Áhsz. mellékletével még egyeztetendő. A mérleg szerinti eredmény a 9. osztály bevételei és az 5. és 8. osztály költségei, ráfordításai különbsége (az 5→8 átvezetést nem modellezzük).",
			"⚠: the line's letter or the accounts' sub-numbering is still to be checked against the Áhsz. annex. The result is class 9 revenue less class 5 costs and class 8 expenses (the 5→8 transfer is not modelled).")}
		data = bs
		if err := entityChecks(Scope{Entity: rq.Entity, Year: rq.Year, Through: 3 * rq.Quarter}); err != nil {
			return reportResult{}, err
		}
	case "maradvany":
		br, err := BudgetOf(ctx, tx, sc)
		if err != nil {
			return reportResult{}, err
		}
		m := maradvanyOf(br)
		d.Title, d.Subtitle = d.tr("Költségvetési maradványkimutatás", "Statement of the budget residual (maradvány)"), period
		s := reportSection{Cols: []reportCol{{Header: d.tr("Sor", "Line"), Width: 5}, {Header: d.tr("Összeg", "Amount"), Num: true}}}
		for _, r := range []struct {
			hu, en string
			v      hu.Forint
			strong bool
		}{
			{"Működési költségvetési bevételek (B1, B3, B4, B6)", "Operating budget revenue (B1, B3, B4, B6)", m.OperatingRevenue, false},
			{"Működési költségvetési kiadások (K1–K5)", "Operating budget expenditure (K1–K5)", m.OperatingExpenditure, false},
			{"Működési egyenleg", "Operating balance", m.OperatingBalance, true},
			{"Felhalmozási költségvetési bevételek (B2, B5, B7)", "Capital budget revenue (B2, B5, B7)", m.CapitalRevenue, false},
			{"Felhalmozási költségvetési kiadások (K6–K8)", "Capital budget expenditure (K6–K8)", m.CapitalExpenditure, false},
			{"Felhalmozási egyenleg", "Capital balance", m.CapitalBalance, true},
			{"Költségvetési bevételek (B1–B7)", "Budget revenue (B1–B7)", m.BudgetRevenue, false},
			{"Költségvetési kiadások (K1–K8)", "Budget expenditure (K1–K8)", m.BudgetExpenditure, false},
			{"A) Költségvetési egyenleg", "A) Budget balance", m.BudgetBalance, true},
			{"Finanszírozási bevételek (B8)", "Financing revenue (B8)", m.FinancingRevenue, false},
			{"Finanszírozási kiadások (K9)", "Financing expenditure (K9)", m.FinancingExpenditure, false},
			{"B) Finanszírozási egyenleg", "B) Financing balance", m.FinancingBalance, true},
			{"C) Költségvetési maradvány (A + B)", "C) Budget residual (A + B)", m.Total, true},
			{"   ebből: kötelezettségvállalással terhelt", "   of which tied by open commitments", m.Committed, false},
			{"   ebből: szabad maradvány", "   of which free", m.Free, false},
			{"D) Alaptevékenység maradványa", "D) Residual of the basic activity", m.Basic, false},
			{"E) Vállalkozási tevékenység maradványa (nem modellezett)", "E) Residual of enterprise activity (not modelled)", m.Enterprise, false},
		} {
			s.Rows = append(s.Rows, reportRow{Cells: []any{d.tr(r.hu, r.en), r.v}, Strong: r.strong})
		}
		d.Sections = []reportSection{s}
		d.Checks = m.Checks()
		d.Notes = []string{d.tr("Vállalkozási tevékenységet a könyvelés nem jelöl, ezért a teljes maradvány alaptevékenységi.", "The ledger does not mark enterprise activity, so the whole residual is the basic activity's.")}
		data = m
		if err := entityChecks(sc); err != nil {
			return reportResult{}, err
		}
	case "consolidated":
		c, err := ConsolidatedOf(ctx, tx, sc)
		if err != nil {
			return reportResult{}, err
		}
		d.Title, d.Subtitle, d.Landscape = d.tr("Összevont költségvetési jelentés", "Consolidated budget report"), period, true
		for _, m := range []struct {
			hu, en string
			get    func(ConsolidatedCell) hu.Forint
		}{{"Teljesítés", "Performance", func(c ConsolidatedCell) hu.Forint { return c.Performance }},
			{"Módosított előirányzat", "Modified appropriation", func(c ConsolidatedCell) hu.Forint { return c.Modified }}} {
			s := reportSection{Title: d.tr(m.hu, m.en), Cols: []reportCol{{Header: d.tr("Rovat", "Rovat"), Width: 3}}}
			for _, e := range c.Entities {
				s.Cols = append(s.Cols, reportCol{Header: e.Name, Num: true})
			}
			s.Cols = append(s.Cols, reportCol{Header: d.tr("Együtt", "Sum"), Num: true}, reportCol{Header: d.tr("Kiszűrés", "Eliminated"), Num: true}, reportCol{Header: d.tr("Összevont", "Consolidated"), Num: true})
			for _, r := range c.Rows {
				cells := []any{consolidatedRowName(r.Rovat, lang)}
				for _, e := range r.Entities {
					cells = append(cells, m.get(e))
				}
				cells = append(cells, m.get(r.Sum), m.get(r.Eliminated), m.get(r.Consolidated))
				s.Rows = append(s.Rows, reportRow{Cells: cells, Strong: strings.Contains(r.Rovat, "-") || r.Rovat == "balance"})
			}
			d.Sections = append(d.Sections, s)
		}
		d.Checks = c.Checks()
		data = c
	default:
		return reportResult{}, web.NotFound()
	}
	return reportResult{Doc: d, Data: data}, nil
}

type trialRowOut struct {
	Account string    `json:"account"`
	Name    string    `json:"name"`
	Debit   hu.Forint `json:"debit"`
	Credit  hu.Forint `json:"credit"`
	Balance hu.Forint `json:"balance"`
}

func budgetReportData(br BudgetReport) map[string]any {
	if br.Lines == nil {
		br.Lines = []Status{}
	}
	if br.Groups == nil {
		br.Groups = []Status{}
	}
	return map[string]any{"year": br.Scope.Year, "through_month": br.Scope.Through, "lines": br.Lines, "groups": br.Groups,
		"budget_expenditure": br.BudgetExpenditure, "financing_expenditure": br.FinancingExpenditure, "budget_revenue": br.BudgetRevenue,
		"financing_revenue": br.FinancingRevenue, "balance": br.Balance}
}

func rovatName(code string) string   { r, _ := mustCodes().Rovat(code); return r.Name }
func funkcioName(code string) string { f, _ := mustCodes().Funkcio(code); return f.Name }

var reportMonthsHU = []string{"január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember", "október", "november", "december"}
var reportMonthsEN = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

func monthName(m int, lang string) string {
	if m < 1 || m > 12 {
		return strconv.Itoa(m)
	}
	if lang == "en" {
		return reportMonthsEN[m-1]
	}
	return reportMonthsHU[m-1]
}

func dimensionName(dim, lang string) string {
	names := map[string][2]string{"partner": {"Partner", "Partner"}, "commitment": {"Kötelezettségvállalás", "Commitment"}, "rovat": {"Rovat", "Rovat"}, "funkcio": {"Kormányzati funkció", "Government function"}}
	n, ok := names[dim]
	if !ok {
		return dim
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

func consolidatedRowName(g, lang string) string {
	switch g {
	case "K1-K8":
		return map[bool]string{true: "Budget expenditure (K1–K8)", false: "Költségvetési kiadások (K1–K8)"}[lang == "en"]
	case "B1-B7":
		return map[bool]string{true: "Budget revenue (B1–B7)", false: "Költségvetési bevételek (B1–B7)"}[lang == "en"]
	case "balance":
		return map[bool]string{true: "Budget balance (B1–B7 − K1–K8)", false: "Költségvetési egyenleg (B1–B7 − K1–K8)"}[lang == "en"]
	}
	return g + " " + rovatName(g)
}

// loadReport parses the request and computes the report; a bad
// parameter is a *Problem, another tenant's entity a 404.
func (h *handlers) loadReport(r *http.Request, kind string) (reportQuery, reportResult, error) {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	rq, prob := reportQueryOf(r, kind, hu.DateOf(h.svc.now()))
	if rq.Kind != "consolidated" {
		id, err := h.entityID(r)
		if err != nil {
			return rq, reportResult{}, err
		}
		rq.Entity = id
		if prob != nil {
			// Another tenant's entity is a 404 whatever the parameters.
			err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
				_, err := EntityByID(ctx, tx, id)
				return err
			})
			if err != nil {
				return rq, reportResult{}, err
			}
		}
	}
	if prob != nil {
		return rq, reportResult{}, prob
	}
	var res reportResult
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = computeReport(ctx, tx, rq, web.RequestLang(r))
		return err
	})
	return rq, res, err
}

// reportPageData is the report page: the filters and the laid-out report.
type reportPageData struct {
	Q       reportQuery
	Doc     reportDoc
	Kinds   []string
	Months  []int
	Pages   []int
	Entity  string
	Problem string
	Sheet   *AccountSheet
}

// Query is the page's query string without the format, for the links.
func (d reportPageData) Query() string {
	v := url.Values{}
	v.Set("year", strconv.Itoa(d.Q.Year))
	v.Set("month", strconv.Itoa(d.Q.Month))
	v.Set("quarter", strconv.Itoa(d.Q.Quarter))
	for k, s := range map[string]string{"account": d.Q.Ledger.Account, "partner": d.Q.Ledger.Partner, "commitment": d.Q.Ledger.Commitment, "rovat": d.Q.Ledger.Rovat, "funkcio": d.Q.Ledger.Funkcio, "by": d.Q.By} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if d.Q.Ledger.From > 1 {
		v.Set("from", strconv.Itoa(d.Q.Ledger.From))
	}
	return v.Encode()
}

func (h *handlers) reportPage(w http.ResponseWriter, r *http.Request, kind string) error {
	rq, res, err := h.loadReport(r, kind)
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoEntity.Code {
			return web.NotFound()
		}
		d := reportPageData{Q: rq, Kinds: reportKinds, Months: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, Entity: rq.Entity.String(), Problem: prob.Message(web.RequestLang(r))}
		d.Doc = reportDoc{Kind: rq.Kind, lang: web.RequestLang(r)}
		page := h.deps.Render.NewPage(r, "finance.report."+rq.Kind, d)
		if prob.Code == "bad_account" && rq.Ledger.Account == "" {
			// Arriving without an account: the form asks for one.
			return h.deps.Render.Render(w, r, http.StatusOK, "finance/report_view", page)
		}
		page.Form = &web.Form{Values: map[string]string{}, Errors: []web.FieldError{{Field: prob.Field, Message: d.Problem}}}
		return h.deps.Render.Render(w, r, http.StatusUnprocessableEntity, "finance/report_view", page)
	}
	if err != nil {
		return err
	}
	p := access.PrincipalFrom(r.Context())
	name := "gazd-" + rq.Kind + "-" + strconv.Itoa(rq.Year)
	switch r.URL.Query().Get("format") {
	case "pdf":
		var buf bytes.Buffer
		if err := res.Doc.writePDF(&buf, h.svc.now(), p.Username); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
		_, err := buf.WriteTo(w)
		return err
	case "xlsx":
		var buf bytes.Buffer
		if err := res.Doc.writeXLSX(&buf, h.svc.now()); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		_, err := buf.WriteTo(w)
		return err
	}
	d := reportPageData{Q: rq, Doc: res.Doc, Kinds: reportKinds, Months: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, Entity: rq.Entity.String()}
	if sh, ok := res.Data.(AccountSheet); ok {
		d.Sheet = &sh
		// The first, the last and the pages near the current one.
		for i := 1; i <= sh.Pages; i++ {
			if i == 1 || i == sh.Pages || (i >= sh.Page-5 && i <= sh.Page+5) {
				d.Pages = append(d.Pages, i)
			}
		}
	}
	return h.deps.Render.Render(w, r, http.StatusOK, "finance/report_view", h.deps.Render.NewPage(r, "finance.report."+rq.Kind, d))
}

// apiReport is the report as data for the warehouse: the report's own
// figures under stable names, with the checks.
func (h *handlers) apiReport(w http.ResponseWriter, r *http.Request, kind string) error {
	rq, res, err := h.loadReport(r, kind)
	if err != nil {
		return apiRefusal(r, err)
	}
	type checkOut struct {
		Name      string    `json:"name"`
		Budget    hu.Forint `json:"budget"`
		Financial hu.Forint `json:"financial"`
		OK        bool      `json:"ok"`
	}
	cs := []checkOut{}
	for _, c := range res.Doc.Checks {
		cs = append(cs, checkOut{Name: c.EN, Budget: c.Budget, Financial: c.Financial, OK: c.OK()})
	}
	out := map[string]any{"kind": rq.Kind, "year": rq.Year, "report": res.Data, "checks": cs}
	if rq.Kind == "balance-sheet" {
		out["quarter"] = rq.Quarter
	} else {
		out["through_month"] = rq.Month
	}
	api.Write(w, http.StatusOK, out)
	return nil
}
