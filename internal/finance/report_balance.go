package finance

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
)

// balanceLine is one line of the balance sheet (mérleg, Áhsz. 5.
// melléklet in spirit; §B.7) and the account prefixes it sums. The
// longest matching prefix wins. Lines marked Uncertain follow the spec's
// ⚠: the letter or the sub-numbering is to be checked against the annex.
type balanceLine struct {
	Code      string // "A/II", "D/I" …
	HU, EN    string
	Side      byte // 'A' eszközök, 'L' források
	Prefixes  []string
	Uncertain bool
}

// balanceLines is THE account → balance sheet line table: correct it
// here only.
var balanceLines = []balanceLine{
	{"A/I", "Immateriális javak", "Intangible assets", 'A', []string{"11"}, false},
	{"A/II", "Tárgyi eszközök", "Tangible assets", 'A', []string{"12", "13", "14", "15"}, false},
	{"A/III", "Befektetett pénzügyi eszközök", "Long-term financial assets", 'A', []string{"16"}, true},
	{"A/IV", "Koncesszióba, vagyonkezelésbe adott eszközök", "Assets in concession or trust", 'A', []string{"17"}, true},
	{"B", "Nemzeti vagyonba tartozó forgóeszközök", "Current assets of national wealth", 'A', []string{"2"}, true},
	{"C", "Pénzeszközök", "Cash", 'A', []string{"31", "32", "33", "34"}, true},
	{"D/I", "Költségvetési évben esedékes követelések", "Receivables due in the budget year", 'A', []string{"351"}, false},
	{"D/II", "Költségvetési évet követően esedékes követelések", "Receivables due after the budget year", 'A', []string{"352"}, true},
	{"D/III", "Követelés jellegű sajátos elszámolások", "Special settlements of a receivable nature", 'A', []string{"36"}, true},
	{"E", "Egyéb sajátos eszközoldali elszámolások", "Other special asset-side settlements", 'A', []string{"38"}, true},
	{"F", "Aktív időbeli elhatárolások", "Prepaid expenses and accrued income", 'A', []string{"37", "39"}, true},
	{"G", "Saját tőke", "Equity", 'L', []string{"41"}, false},
	{"H/I", "Költségvetési évben esedékes kötelezettségek", "Liabilities due in the budget year", 'L', []string{"421"}, false},
	{"H/II", "Költségvetési évet követően esedékes kötelezettségek", "Liabilities due after the budget year", 'L', []string{"422"}, true},
	{"H/III", "Kötelezettség jellegű sajátos elszámolások", "Special settlements of a liability nature", 'L', []string{"43"}, true},
	{"I", "Egyéb sajátos forrásoldali elszámolások", "Other special liability-side settlements", 'L', []string{"44"}, true},
	{"J", "Kincstári számlavezetéssel kapcsolatos elszámolások", "Treasury account settlements", 'L', []string{"45"}, true},
	{"K", "Passzív időbeli elhatárolások", "Accrued expenses and deferred income", 'L', []string{"48"}, true},
}

// balanceLineOf finds an account's line by the longest prefix.
func balanceLineOf(code string) (balanceLine, bool) {
	var best balanceLine
	n := 0
	for _, l := range balanceLines {
		for _, p := range l.Prefixes {
			if strings.HasPrefix(code, p) && len(p) > n {
				best, n = l, len(p)
			}
		}
	}
	return best, n > 0
}

// BalanceRow is one line of the balance sheet with its accounts.
type BalanceRow struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	NameEN    string    `json:"name_en"`
	Side      string    `json:"side"` // "assets" or "liabilities"
	Amount    hu.Forint `json:"amount"`
	Accounts  []string  `json:"accounts"`
	Uncertain bool      `json:"uncertain"`
}

// BalanceSheet is the quarterly interim balance sheet (negyedéves
// időközi mérlegjelentés) from the financial ledger's balances at the
// quarter's end. Assets are debit balances, liabilities credit balances;
// the year's result (classes 5–9: revenues in 9 less costs in 5 and
// expenses in 8, as the transfer of class 5 to 8 is not modelled) sits
// in G) saját tőke as the mérleg szerinti eredmény.
type BalanceSheet struct {
	Year        int          `json:"year"`
	Quarter     int          `json:"quarter"`
	Assets      []BalanceRow `json:"assets"`
	Liabilities []BalanceRow `json:"liabilities"`
	Result      hu.Forint    `json:"result"`
	TotalAssets hu.Forint    `json:"total_assets"`
	// TotalLiabilities includes the result.
	TotalLiabilities hu.Forint `json:"total_liabilities"`
	// Unmapped are financial accounts of classes 1–4 with a balance but no
	// line: their balance is in neither total, so a difference shows.
	Unmapped []TrialRow `json:"unmapped"`
}

// Balanced reports whether assets = liabilities.
func (b BalanceSheet) Balanced() bool {
	return b.TotalAssets == b.TotalLiabilities && len(b.Unmapped) == 0
}

// BalanceSheetOf computes the balance sheet at the end of a quarter.
func BalanceSheetOf(ctx context.Context, tx bun.IDB, sc Scope, quarter int) (BalanceSheet, error) {
	if quarter < 1 || quarter > 4 {
		return BalanceSheet{}, problem("bad_quarter", "quarter", "A negyedév 1 és 4 közötti szám.", "The quarter is a number 1–4.")
	}
	sc.Through = 3 * quarter
	tb, err := TrialBalanceOf(ctx, tx, sc)
	if err != nil {
		return BalanceSheet{}, err
	}
	bs := BalanceSheet{Year: sc.Year, Quarter: quarter, Assets: []BalanceRow{}, Liabilities: []BalanceRow{}, Unmapped: []TrialRow{}}
	rows := map[string]*BalanceRow{}
	for _, l := range balanceLines {
		side := "assets"
		if l.Side == 'L' {
			side = "liabilities"
		}
		rows[l.Code] = &BalanceRow{Code: l.Code, Name: l.HU, NameEN: l.EN, Side: side, Accounts: []string{}, Uncertain: l.Uncertain}
	}
	for _, t := range tb.Rows {
		c := t.Account.Class()
		switch {
		case c == 0:
			continue
		case c >= 5:
			bs.Result -= t.Balance() // revenues are credit balances
			continue
		}
		l, ok := balanceLineOf(t.Account.Code)
		if !ok || (l.Side == 'A') != (c <= 3) {
			if t.Balance() != 0 {
				bs.Unmapped = append(bs.Unmapped, t)
			}
			continue
		}
		r := rows[l.Code]
		r.Accounts = append(r.Accounts, t.Account.Code)
		if l.Side == 'A' {
			r.Amount += t.Balance()
		} else {
			r.Amount -= t.Balance()
		}
	}
	for _, l := range balanceLines {
		r := *rows[l.Code]
		sort.Strings(r.Accounts)
		if l.Side == 'A' {
			bs.Assets = append(bs.Assets, r)
			bs.TotalAssets += r.Amount
		} else {
			bs.Liabilities = append(bs.Liabilities, r)
			bs.TotalLiabilities += r.Amount
		}
	}
	bs.TotalLiabilities += bs.Result
	return bs, nil
}

// Checks show assets = liabilities and any unmapped account.
func (bs BalanceSheet) Checks() []Check {
	out := []Check{{HU: "Eszközök összesen = források összesen", EN: "Total assets = total liabilities and equity", Budget: bs.TotalAssets, Financial: bs.TotalLiabilities}}
	for _, u := range bs.Unmapped {
		out = append(out, Check{HU: fmt.Sprintf("%s %s: a mérleg egyik sorához sincs rendelve", u.Account.Code, u.Account.Name),
			EN: fmt.Sprintf("%s %s: not mapped to a balance sheet line", u.Account.Code, u.Account.Name), Financial: u.Balance()})
	}
	return out
}
