package finance_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/finance"
)

// rulesDoc is docs/finance-posting-rules.md: the posting-rule table and
// the chart of accounts as the engine has them, for a newcomer and for
// the domain expert who confirms the UNCERTAIN numbers.
const rulesDoc = "../../docs/finance-posting-rules.md"

// rulesMarkdown renders the tables of the document from the code.
func rulesMarkdown() string {
	var b strings.Builder
	b.WriteString("| event | side | ledger | debit (T) | credit (K) | when |\n|---|---|---|---|---|---|\n")
	for _, r := range finance.Rules {
		side := "any"
		switch r.Side {
		case 'K':
			side = "K (expenditure)"
		case 'B':
			side = "B (revenue)"
		}
		for i, p := range r.Pairs {
			name := ""
			if i == 0 {
				name = fmt.Sprintf("`%s` %s", r.Event, r.HU)
			}
			when := ""
			if p.When == "commitment" {
				when = "if a commitment is named"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", name, side, p.Ledger, p.Debit, p.Credit, when)
		}
	}
	b.WriteString("\n| account | name |\n|---|---|\n")
	for _, a := range finance.Chart() {
		fmt.Fprintf(&b, "| %s | %s |\n", a.Code, a.Name)
	}
	return b.String()
}

// The document's generated part is the code's tables; ASP_UPDATE_DOCS=1
// writes it anew after a change to the rules or the chart.
func TestPostingRulesDocIsCurrent(t *testing.T) {
	const begin, end = "<!-- generated: begin -->\n", "<!-- generated: end -->"
	raw, err := os.ReadFile(rulesDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no generated part", rulesDoc)
	}
	want := rulesMarkdown()
	if got := doc[i+len(begin) : j]; got != want {
		if os.Getenv("ASP_UPDATE_DOCS") == "1" {
			if err := os.WriteFile(rulesDoc, []byte(doc[:i+len(begin)]+want+doc[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("%s is not the code's posting rules and chart; run ASP_UPDATE_DOCS=1 go test ./internal/finance -run TestPostingRulesDocIsCurrent", rulesDoc)
	}
}
