package finance

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
)

// Maradvany is the residual statement (költségvetési maradvány
// kimutatása) from the budget ledger's performance (class 0, 0514 and
// 0524 by rovat): the költségvetési egyenleg split into its működési and
// felhalmozási parts, the finanszírozási egyenleg, and the maradvány
// with the part tied by open commitments.
//
// Not modelled: vállalkozási tevékenység (no line carries the activity
// kind), so the whole maradvány is alaptevékenység; the maradvány of
// earlier years (B813 igénybevétele) enters only as posted B8 revenue.
type Maradvany struct {
	Year    int `json:"year"`
	Through int `json:"through_month"`

	BudgetRevenue     hu.Forint `json:"budget_revenue"`     // B1–B7
	BudgetExpenditure hu.Forint `json:"budget_expenditure"` // K1–K8
	BudgetBalance     hu.Forint `json:"budget_balance"`     // költségvetési egyenleg

	OperatingRevenue     hu.Forint `json:"operating_revenue"`     // B1, B3, B4, B6
	OperatingExpenditure hu.Forint `json:"operating_expenditure"` // K1–K5
	OperatingBalance     hu.Forint `json:"operating_balance"`
	CapitalRevenue       hu.Forint `json:"capital_revenue"`     // B2, B5, B7
	CapitalExpenditure   hu.Forint `json:"capital_expenditure"` // K6–K8
	CapitalBalance       hu.Forint `json:"capital_balance"`

	FinancingRevenue     hu.Forint `json:"financing_revenue"`     // B8
	FinancingExpenditure hu.Forint `json:"financing_expenditure"` // K9
	FinancingBalance     hu.Forint `json:"financing_balance"`

	Total hu.Forint `json:"maradvany"` // költségvetési + finanszírozási egyenleg
	// Committed is the part tied by commitments not yet paid
	// (kötelezettségvállalással terhelt); Free the rest.
	Committed hu.Forint `json:"committed"`
	Free      hu.Forint `json:"free"`
	// Basic is the alaptevékenység's maradvány, Enterprise the
	// vállalkozási tevékenység's (always 0: not modelled).
	Basic               hu.Forint `json:"basic_activity"`
	Enterprise          hu.Forint `json:"enterprise_activity"`
	EnterpriseModelled  bool      `json:"enterprise_modelled"`
	budgetReportBalance hu.Forint
}

// maradvanyOf derives the statement from a budget report.
func maradvanyOf(br BudgetReport) Maradvany {
	m := Maradvany{Year: br.Scope.Year, Through: br.Scope.Through, budgetReportBalance: br.Balance}
	for _, g := range br.Groups {
		p := g.Performance
		switch g.Rovat {
		case "B1", "B3", "B4", "B6":
			m.OperatingRevenue += p
		case "B2", "B5", "B7":
			m.CapitalRevenue += p
		case "B8":
			m.FinancingRevenue += p
		case "K1", "K2", "K3", "K4", "K5":
			m.OperatingExpenditure += p
		case "K6", "K7", "K8":
			m.CapitalExpenditure += p
		case "K9":
			m.FinancingExpenditure += p
		}
		if strings.HasPrefix(g.Rovat, "K") {
			m.Committed += g.OpenCommitment
		}
	}
	m.OperatingBalance = m.OperatingRevenue - m.OperatingExpenditure
	m.CapitalBalance = m.CapitalRevenue - m.CapitalExpenditure
	m.BudgetRevenue = br.BudgetRevenue.Performance
	m.BudgetExpenditure = br.BudgetExpenditure.Performance
	m.BudgetBalance = m.BudgetRevenue - m.BudgetExpenditure
	m.FinancingBalance = m.FinancingRevenue - m.FinancingExpenditure
	m.Total = m.BudgetBalance + m.FinancingBalance
	m.Free = m.Total - m.Committed
	m.Basic = m.Total
	return m
}

// MaradvanyOf computes the statement of the scope.
func MaradvanyOf(ctx context.Context, tx bun.IDB, sc Scope) (Maradvany, error) {
	br, err := BudgetOf(ctx, tx, sc)
	if err != nil {
		return Maradvany{}, err
	}
	return maradvanyOf(br), nil
}

// Checks are the §B.2 identities the statement rests on.
func (m Maradvany) Checks() []Check {
	return []Check{
		{HU: "Költségvetési egyenleg = működési + felhalmozási egyenleg", EN: "Budget balance = operating + capital balance", Budget: m.BudgetBalance, Financial: m.OperatingBalance + m.CapitalBalance},
		{HU: "Költségvetési egyenleg = a havi jelentés egyenlege (B1–B7 − K1–K8)", EN: "Budget balance = the monthly report's balance (B1–B7 − K1–K8)", Budget: m.BudgetBalance, Financial: m.budgetReportBalance},
	}
}

// budgetIdentityChecks are the §B.2 identities of a budget report: each
// total is the sum of its rovat groups, recomputed from the lines.
func budgetIdentityChecks(br BudgetReport) []Check {
	var kb, k9, bb, b8 [2]hu.Forint // modified, performance
	for _, l := range br.Lines {
		var t *[2]hu.Forint
		switch g := l.Rovat[:2]; {
		case g == "K9":
			t = &k9
		case g == "B8":
			t = &b8
		case g[0] == 'K':
			t = &kb
		default:
			t = &bb
		}
		t[0] += l.Modified
		t[1] += l.Performance
	}
	return []Check{
		{HU: "Költségvetési kiadások (K1–K8) teljesítése = a rovatsorok összege", EN: "Budget expenditure (K1–K8) performance = sum of the rovat lines", Budget: br.BudgetExpenditure.Performance, Financial: kb[1]},
		{HU: "Finanszírozási kiadások (K9) teljesítése = a rovatsorok összege", EN: "Financing expenditure (K9) performance = sum of the rovat lines", Budget: br.FinancingExpenditure.Performance, Financial: k9[1]},
		{HU: "Költségvetési bevételek (B1–B7) teljesítése = a rovatsorok összege", EN: "Budget revenue (B1–B7) performance = sum of the rovat lines", Budget: br.BudgetRevenue.Performance, Financial: bb[1]},
		{HU: "Finanszírozási bevételek (B8) teljesítése = a rovatsorok összege", EN: "Financing revenue (B8) performance = sum of the rovat lines", Budget: br.FinancingRevenue.Performance, Financial: b8[1]},
		{HU: "Módosított előirányzat: K1–K8 + K9 = a kiadási rovatsorok összege", EN: "Modified appropriation: K1–K8 + K9 = sum of the expenditure lines", Budget: br.BudgetExpenditure.Modified + br.FinancingExpenditure.Modified, Financial: kb[0] + k9[0]},
		{HU: "Módosított előirányzat: B1–B7 + B8 = a bevételi rovatsorok összege", EN: "Modified appropriation: B1–B7 + B8 = sum of the revenue lines", Budget: br.BudgetRevenue.Modified + br.FinancingRevenue.Modified, Financial: bb[0] + b8[0]},
		{HU: "Költségvetési egyenleg = (B1–B7) − (K1–K8) teljesítése", EN: "Budget balance = (B1–B7) − (K1–K8) performance", Budget: br.Balance, Financial: bb[1] - kb[1]},
	}
}
