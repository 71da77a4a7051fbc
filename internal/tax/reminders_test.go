package tax_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
	"github.com/openasp-hu/asp/internal/tax"
)

func TestReminderRun(t *testing.T) {
	f := newCollectionFixture(t)
	march := hu.Date{Year: 2026, Month: 3, Day: 16}
	f.post("epitmenyado", tax.Debit, 100_000, march)
	var small, paid tax.Taxpayer
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if small, err = f.s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "12345676-2-02", Name: "Kis Kft."}, "t"); err != nil {
			return err
		}
		paid, err = f.s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "8000000008", Name: "Fizető Péter"}, "t")
		return err
	})
	for _, p := range []tax.PostingInput{
		{TaxpayerID: small.ID, TaxType: "kommunalis_ado", Side: tax.Debit, Amount: 3_000, On: march, TaxYear: 2026},
		{TaxpayerID: paid.ID, TaxType: "kommunalis_ado", Side: tax.Debit, Amount: 12_000, On: march, TaxYear: 2026},
		{TaxpayerID: paid.ID, TaxType: "kommunalis_ado", Side: tax.Credit, Amount: 12_000, On: march, TaxYear: 2026},
	} {
		f.in(orfu, func(ctx context.Context, tx bun.Tx) error { _, err := f.s.Post(ctx, tx, p, "t"); return err })
	}
	reg := &fakeRegistrar{}
	run := func(on hu.Date) (tax.ReminderRunResult, string) {
		var res tax.ReminderRunResult
		c := f.try(func(ctx context.Context, tx bun.Tx) error {
			var err error
			res, err = f.s.RunReminders(ctx, tx, reg, on, "t")
			return err
		})
		return res, c
	}
	june := hu.Date{Year: 2026, Month: 6, Day: 1}
	f.s.Now = func() time.Time { return time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC) }
	if _, c := run(hu.Date{Year: 2026, Month: 8, Day: 2}); c != "bad_date" {
		t.Errorf("a day in the future: %q", c)
	}
	reg.refuse = true
	if err := f.d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := f.s.RunReminders(ctx, tx, reg, june, "t")
		return err
	}); err == nil {
		t.Fatal("a refused registration did not fail the run")
	}
	reg.refuse = false
	res, c := run(june)
	if c != "" || len(res.Reminders) != 1 || res.Below != 1 || res.Reminders[0].TaxpayerID != f.tp.ID || res.Reminders[0].Arrears != 100_000 || res.Reminders[0].Interest <= 0 {
		t.Fatalf("first run: %+v %q", res, c)
	}
	r := res.Reminders[0]
	if r.Number != "KOZ/1/2026" || len(reg.items) != 1 || !strings.Contains(reg.items[0].Partner, "8123456786") || r.Deadline != june.AddDays(15) {
		t.Errorf("registration: %+v %+v", r, reg.items)
	}
	// The same debts are not reminded again within the interval; a new
	// debt is; after the interval the old ones are again.
	if res, _ := run(june.AddDays(59)); len(res.Reminders) != 0 || res.Recent != 1 {
		t.Errorf("again within the interval: %+v", res)
	}
	if res, _ := run(june.AddDays(60)); len(res.Reminders) != 1 {
		t.Errorf("after the interval: %+v", res)
	}
	f.post("birsag", tax.Debit, 10_000, hu.Date{Year: 2026, Month: 7, Day: 31})
	if res, _ := run(hu.Date{Year: 2026, Month: 8, Day: 1}); len(res.Reminders) != 1 || res.Reminders[0].Arrears != 110_000 || len(res.Reminders[0].Debts()) != 2 {
		t.Errorf("a new debt: %+v", res)
	}
	var events []tax.LimitationEvent
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&events).Where("taxpayer_id = ?", f.tp.ID).Scan(ctx)
	})
	if len(events) != 3 || events[0].Kind != "reminder" {
		t.Errorf("limitation events: %+v", events)
	}
	// After the first reminder's deadline its debt is still open: the
	// person goes on the garnishment list; nothing before the deadline.
	var cands []tax.EnforcementCandidate
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if cands, err = f.s.EnforcementList(ctx, tx, june.AddDays(15)); err != nil || len(cands) != 0 {
			t.Errorf("on the deadline: %+v %v", cands, err)
		}
		cands, err = f.s.EnforcementList(ctx, tx, hu.Date{Year: 2026, Month: 8, Day: 1})
		return err
	})
	if len(cands) != 1 || cands[0].Measure != tax.MeasureGarnishment || cands[0].Open != 100_000 || cands[0].Reminder.Number != "KOZ/1/2026" {
		t.Errorf("enforcement list: %+v", cands)
	}
	var csv bytes.Buffer
	if err := tax.EnforcementTable(cands, tax.MeasureGarnishment).CSV(&csv); err != nil || !strings.Contains(csv.String(), "8123456786") || !strings.Contains(csv.String(), ";100000;") {
		t.Errorf("garnishment list: %v %q", err, csv.String())
	}
	if csv.Reset(); tax.EnforcementTable(cands, tax.MeasureCollectionOrder).CSV(&csv) != nil || strings.Contains(csv.String(), "8123456786") {
		t.Errorf("a person without a known account on the collection order list")
	}
	var buf bytes.Buffer
	if err := (tax.ReminderLetter{Issuer: "Orfű Község Önkormányzata", Reminder: r, Taxpayer: f.tp, Collection: map[string][]string{"epitmenyado": {"1177301611111018"}}, At: time.Now()}).PDF(&buf); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, buf.Bytes(), false)), " ")
	for _, want := range []string{"Fizetési felszólítás", "KOZ/1/2026", "100 000", "építményadó", "11773016-11111018", "2026. 06. 16."} {
		if !strings.Contains(text, want) {
			t.Errorf("the reminder does not say %q: %s", want, text)
		}
	}
	var list []tax.Reminder
	f.in(aba, func(ctx context.Context, tx bun.Tx) error {
		var err error
		list, err = tax.Reminders(ctx, tx, hu.Date{}, 0)
		return err
	})
	if len(list) != 0 {
		t.Errorf("another tenant sees the reminders: %d", len(list))
	}
}
