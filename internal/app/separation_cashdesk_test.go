package app

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
)

// cashDeskOfB makes a cash desk of tenant B with one voucher, for the
// separation harness.
func cashDeskOfB(t *testing.T, a *App) (desk, voucher string) {
	t.Helper()
	s := &finance.Service{Now: a.Now}
	today := hu.DateOf(a.Now())
	err := a.DB.InTenant(cliContext(context.Background()), "17376", func(ctx context.Context, tx bun.Tx) error {
		e, err := s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.JointOffice, Name: "Abai Közös Önkormányzati Hivatal", Functions: []string{"011130"}}, "harness")
		if err != nil {
			return err
		}
		d, err := s.CreateCashDesk(ctx, tx, e.ID, finance.CashDeskInput{Name: "Házipénztár", Limit: 100_000, Cashier: "Titkos Béla"}, "harness")
		if err != nil {
			return err
		}
		v, err := s.IssueCashVoucher(ctx, tx, d.ID, finance.CashVoucherInput{Kind: finance.CashReceipt, Event: finance.EvCashWithdrawal, On: today,
			Partner: "Titkos Béla", Purpose: "harness", Amount: 10_000}, "harness")
		desk, voucher = d.ID.String(), v.ID.String()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return desk, voucher
}
