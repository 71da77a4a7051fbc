package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/caps"
	"github.com/openasp-hu/asp/internal/tax/interest"
)

func init() { extraCommands["tax"] = cmdTax }

// payments collects repeated --payment DATE=AMOUNT flags.
type payments []interest.Payment

func (p *payments) String() string { return fmt.Sprint(len(*p)) }

func (p *payments) Set(s string) error {
	on, amount, ok := strings.Cut(s, "=")
	if !ok {
		return errors.New("give a part payment as DATE=AMOUNT, e.g. 2025-10-15=75000")
	}
	d, err := hu.ParseDate(on)
	if err != nil {
		return err
	}
	f, err := hu.ParseForint(amount)
	if err != nil {
		return err
	}
	*p = append(*p, interest.Payment{On: d, Amount: f})
	return nil
}

// cmdTax runs ADÓ's tasks: the interest calculator (no database needed:
// the same code as the postings, for a quick figure), the statutory caps,
// the interest run that charges accrued interest on the accounts, the mass
// assessment, the import of NAV's HIPA returns and the year-end write-off.
func cmdTax(ctx context.Context, args []string, out io.Writer) error {
	if len(args) > 0 && args[0] == "post-interest" {
		return cmdPostInterest(ctx, args[1:], out)
	}
	if len(args) > 0 && args[0] == "write-off" {
		return cmdTaxWriteOff(ctx, args[1:], out)
	}
	if len(args) > 0 && args[0] == "import-hipa" {
		return cmdTaxImportHIPA(ctx, args[1:], out)
	}
	if len(args) > 0 && args[0] == "assess" {
		return cmdTaxAssess(ctx, args[1:], out)
	}
	if len(args) > 0 && args[0] == "caps" {
		return cmdTaxCaps(args[1:], out)
	}
	if len(args) == 0 || args[0] != "interest" {
		return usagef("tax: say interest, caps, post-interest, assess, import-hipa or write-off")
	}
	fs := newFlags("tax interest")
	amount := fs.String("amount", "", "the debt in forints, e.g. 150000")
	due := fs.String("due", "", "its due date, e.g. 2025-09-15")
	paid := fs.String("paid", "", "the day it was paid (credited), or the day to compute for")
	var parts payments
	fs.Var(&parts, "payment", "a part payment DATE=AMOUNT before --paid (repeatable)")
	selfRevision := fs.Bool("self-revision", false, "compute the önellenőrzési pótlék instead (--paid: the day the self-revision was filed)")
	repeated := fs.Bool("repeated", false, "with --self-revision: a repeated self-revision of the same tax and period")
	if err := parseInterspersed(fs, args[1:]); err != nil {
		return err
	}
	a, err := hu.ParseForint(*amount)
	if err != nil {
		return usagef("tax interest: --amount: %v", err)
	}
	d, err := hu.ParseDate(*due)
	if err != nil {
		return usagef("tax interest: --due: %v", err)
	}
	p, err := hu.ParseDate(*paid)
	if err != nil {
		return usagef("tax interest: --paid: %v", err)
	}
	var r interest.Result
	title := "Késedelmi pótlék (Art. 209. §)"
	if *selfRevision {
		title = "Önellenőrzési pótlék (Art. 212. §)"
		r, err = interest.SelfRevision(a, d, p, *repeated)
	} else {
		// Whatever --payment does not cover is paid on --paid.
		all := append(payments(nil), parts...)
		var sum hu.Forint
		for _, x := range parts {
			sum += x.Amount
		}
		if rest := a - sum; rest > 0 {
			all = append(all, interest.Payment{On: p, Amount: rest})
		}
		r, err = interest.Late(a, d, p, all)
	}
	var prob *interest.Problem
	if errors.As(err, &prob) {
		return usagef("tax interest: %s", prob.HU)
	}
	if err != nil {
		return err
	}
	printInterest(out, title, r)
	return nil
}

func printInterest(out io.Writer, title string, r interest.Result) {
	fmt.Fprintf(out, "%s: %s Ft\n", title, r.Total.Grouped())
	fmt.Fprintf(out, "Tartozás: %s Ft, esedékes: %s", r.Amount.Grouped(), r.Due)
	if r.Moved {
		fmt.Fprintf(out, " (munkaszüneti nap, a pótlék %s-tól fut)", r.Start)
	}
	fmt.Fprintf(out, ", számítás napja: %s\n", r.Through)
	if r.Den != 1 {
		fmt.Fprintf(out, "A késedelmi pótlék %d/%d része.\n", r.Num, r.Den)
	}
	if len(r.Segments) == 0 {
		fmt.Fprintln(out, "Nincs késedelem.")
		return
	}
	tw := tabwriter.NewWriter(out, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "időszak\tnap\ttartozás (Ft)\talapkamat\tnapi kulcs\tpótlék (Ft)\t")
	for _, s := range r.Segments {
		exact, _ := s.Exact.Float64()
		fmt.Fprintf(tw, "%s – %s\t%d\t%s\t%s %%\t0,%03d %%\t%s\t\n", s.From, s.To, s.Days, s.Outstanding.Grouped(),
			strings.Replace(fmt.Sprintf("%.2f", float64(s.BaseRateBP)/100), ".", ",", 1), s.DailyMilli,
			strings.Replace(fmt.Sprintf("%.2f", exact), ".", ",", 1))
	}
	tw.Flush()
}

// cmdTaxCaps prints the statutory caps of the local taxes for a tax year,
// the per-unit ones valorised by the CPI chain (package caps).
func cmdTaxCaps(args []string, out io.Writer) error {
	fs := newFlags("tax caps")
	yearFlag := fs.String("year", strconv.Itoa(hu.Today().Year), "the tax year, e.g. 2027")
	if err := parseInterspersed(fs, args); err != nil {
		return err
	}
	year, err := strconv.Atoi(strings.TrimSpace(*yearFlag))
	if err != nil {
		return usagef("tax caps: --year: give a year, e.g. 2027")
	}
	t, err := caps.Default()
	if err != nil {
		return err
	}
	rows, err := t.Caps(year)
	var prob *caps.Problem
	if errors.As(err, &prob) {
		return usagef("tax caps: %s", prob.HU)
	}
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return usagef("tax caps: a %d. adóévre nincs adat", year)
	}
	fmt.Fprintf(out, "Helyi adók törvényi felső határa, %d. adóév\n", year)
	tw := tabwriter.NewWriter(out, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "adónem\talap\tfelső határ\tforrás\tjogszabály\t")
	for _, c := range rows {
		ty, _ := t.Type(c.Type)
		limit, source := "nincs", "nincs törvényi felső határ"
		switch c.Source {
		case "statute":
			limit, source = groupRate(c.Value)+" "+c.Unit(), "törvényi"
		case "computed":
			limit, source = groupRate(c.Value)+" "+c.Unit(), "valorizált (névleges "+groupRate(c.Nominal)+")"
		case "published":
			limit, source = groupRate(c.Value)+" "+c.Unit(), "közzétett (számított "+groupRate(c.Computed)+")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", ty.NameHU, c.Basis, limit, source, c.LegalBasis)
	}
	return tw.Flush()
}

// groupRate shows a rate with grouped thousands: "45 592,7".
func groupRate(r caps.Rate) string {
	s := r.String()
	whole, frac, ok := strings.Cut(s, ",")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return s
	}
	if ok {
		return hu.GroupDigits(n) + "," + frac
	}
	return hu.GroupDigits(n)
}

// cmdPostInterest charges the late-payment interest accrued up to a day
// on every taxpayer account of a municipality (a nightly job's work).
func cmdPostInterest(ctx context.Context, args []string, out io.Writer) error {
	ctx = cliContext(ctx)
	fs := newFlags("tax post-interest")
	tenant := fs.String("tenant", "", "KSH code of the municipality")
	on := fs.String("on", "", "the day to charge up to (default: today)")
	a, err := openFor(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close()
	t := db.TenantID(*tenant)
	if !t.Valid() {
		return usagef("tax post-interest: give --tenant KSH-CODE")
	}
	day := hu.DateOf(a.Now())
	if *on != "" {
		if day, err = hu.ParseDate(*on); err != nil {
			return usagef("tax post-interest: --on: %v", err)
		}
	}
	r, err := (&tax.Service{Now: a.Now}).RunInterest(ctx, a.DB, t, day, cliActor)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Késedelmi pótlék %s napjáig: %d adózó, %d tétel, előírva %s Ft, visszavéve %s Ft\n",
		day, r.Taxpayers, r.Postings, r.Charged.Grouped(), r.Reduced.Grouped())
	return nil
}
