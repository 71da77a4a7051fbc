package app

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/bankstatement"
)

// outgoingOfB issues an outgoing invoice of tenant B and imports a
// statement with one entry left waiting, for the harness: the ids of
// real objects of the other tenant (its own entity).
func outgoingOfB(t *testing.T, a *App) (outgoing, bankEntry string) {
	t.Helper()
	s := &finance.Service{Now: a.Now}
	today := hu.DateOf(a.Now())
	err := a.DB.InTenant(cliContext(context.Background()), "17376", func(ctx context.Context, tx bun.Tx) error {
		e, err := s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Institution, Name: "Abai Könyvtár", TaxNumber: "15411107-2-02", Functions: []string{"011130"}}, "harness")
		if err != nil {
			return err
		}
		o, err := s.IssueOutgoing(ctx, tx, e.ID, finance.OutgoingInput{PartnerName: "Titkos Béla", IssueDate: today, PerformanceDate: today, DueDate: today,
			Description: "harness", Rovat: "B402", Funkcio: "011130", Net: 1000, VATRate: 27}, "harness")
		if err != nil {
			return err
		}
		if _, err := s.AddBankAccount(ctx, tx, e.ID, "11773016-11111018", "", "harness"); err != nil {
			return err
		}
		sts, err := bankstatement.ParseCSV(strings.NewReader("K;11773016-11111018;B/1;;" + today.String() + ";" + today.String() + ";0;5;HUF\nT;" + today.String() + ";;5;J;B-1;;Titkos Béla;;harness\n"))
		if err != nil {
			return err
		}
		if _, err := s.ImportBankStatements(ctx, tx, e.ID, sts, "harness"); err != nil {
			return err
		}
		bes, err := finance.BankEntries(ctx, tx, e.ID, finance.BankUnmatched, 1)
		if err != nil {
			return err
		}
		outgoing, bankEntry = o.ID.String(), bes[0].ID.String()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return outgoing, bankEntry
}
