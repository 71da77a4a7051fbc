package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
)

const usage = `asp — the municipal ASP service

Usage:
  asp serve [--addr :8080] [--data ./data] [--demo]   run the web service
  asp migrate                                         bring the database schema up to date
  asp tenant import [--file helysegek.csv]            load the KSH gazetteer (default: the embedded 2018 one)
  asp tenant list [--county NAME] [--query TEXT]      list tenants
  asp tenant show KSH-CODE                            show one tenant
  asp user create|grant|revoke|reset-password ...     manage users (asp user -h)
  asp token create|revoke ...                         manage API tokens (asp token -h)
  asp audit verify [--tenant KSH-CODE]                check the audit log's hash chains
  asp records close-book|verify-book --tenant KSH-CODE --book KOZ --year 2026
                                                      close a year's registration book / re-check a closed one
  asp records transfer-package --tenant KSH-CODE --year 2011 --out DIR
                                                      hand a year's permanent cases to the public archive as a BagIt package
  asp records import --tenant KSH-CODE --file old.csv [--dry-run] [--report report.csv]
                                                      take over a previous records system's registrations
  asp tax interest --amount 150000 --due 2025-09-15 --paid 2025-11-14 [--payment 2025-10-15=75000] [--self-revision]
                                                      late-payment interest (késedelmi pótlék) with its day-by-day segments
  asp tax post-interest --tenant KSH-CODE [--on 2026-11-24]
                                                      charge the late-payment interest accrued on every taxpayer account
  asp tax caps --year 2027                            the statutory caps of the local taxes for a tax year, CPI-valorised
  asp finance export-journal --tenant KSH-CODE --year 2026 [--out FILE]   a year's ledger (GAZD) in hledger/ledger journal format
  asp finance tax-revenue --tenant KSH-CODE --entity ID --month 2026-03 [--dry-run]
                                                      post a month's local-tax revenue from ADÓ on the B3 rovats
  asp finance depreciate --tenant KSH-CODE --entity ID --year 2026 --quarter 1 [--dry-run]
                                                      the quarter's planned depreciation of the entity's fixed assets

The database is SQLite in --data unless ASP_DATABASE_URL names a PostgreSQL
database (ASP_MIGRATE_DATABASE_URL: the owning role for migrations).
`

// command is one subcommand: it parses its own flags from args.
type command func(ctx context.Context, args []string, out io.Writer) error

// Main runs the command line and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	commands := map[string]command{
		"serve":   func(ctx context.Context, a []string, out io.Writer) error { return cmdServe(ctx, a, out, stderr) },
		"migrate": cmdMigrate,
		"tenant":  cmdTenant,
	}
	for name, c := range extraCommands {
		commands[name] = c
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "asp: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err := c(ctx, args[1:], stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "asp:", err)
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

// extraCommands are added by the files that implement them (user, token,
// audit), so this file stays a table of contents.
var extraCommands = map[string]command{}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	return fs
}

// openFor parses the database flags and opens the app for a CLI task.
func openFor(ctx context.Context, fs *flag.FlagSet, args []string) (*App, error) {
	var cfg Config
	cfg.DatabaseFlags(fs)
	if err := parseInterspersed(fs, args); err != nil {
		return nil, err
	}
	return Open(ctx, cfg, os.Stderr)
}

// parseInterspersed parses flags that may stand before or after the
// positional arguments ("tenant show 12548 --data x"), which the flag
// package alone does not allow. The positional ones stay in fs.Args().
func parseInterspersed(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return fs.Parse(append([]string{"--"}, positional...))
}

func cmdMigrate(ctx context.Context, args []string, out io.Writer) error {
	a, err := openFor(ctx, newFlags("migrate"), args)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(out, "schema up to date:", a.DB.Describe())
	return nil
}

func cmdTenant(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usagef("tenant: say import, list or show")
	}
	switch args[0] {
	case "import":
		fs := newFlags("tenant import")
		file := fs.String("file", "", "gazetteer CSV (default: the embedded KSH Helységnévtár 2018)")
		a, err := openFor(ctx, fs, args[1:])
		if err != nil {
			return err
		}
		defer a.Close()
		src := tenancy.Gazetteer2018()
		if *file != "" {
			f, err := os.Open(*file)
			if err != nil {
				return err
			}
			defer f.Close()
			src = f
		}
		rep, err := a.importTenants(ctx, src)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, rep.String())
		for _, c := range rep.Changes {
			fmt.Fprintln(out, "  changed:", c)
		}
		for _, m := range rep.Missing {
			fmt.Fprintln(out, "  not in the source (kept):", m)
		}
		return nil
	case "list":
		fs := newFlags("tenant list")
		county := fs.String("county", "", "only this county (megye)")
		query := fs.String("query", "", "name contains, or KSH code")
		limit := fs.Int("limit", 500, "at most this many")
		a, err := openFor(ctx, fs, args[1:])
		if err != nil {
			return err
		}
		defer a.Close()
		ts, err := a.Tenants.List(ctx, tenancy.Filter{County: *county, Query: *query, Limit: *limit})
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "KSH\tNAME\tSTATUS\tCOUNTY\tPOPULATION\tOFFICE\tMODE\tPHASE")
		for _, t := range ts {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", t.ID, t.Name, t.LegalStatus, t.County, t.Population, t.OfficeID, t.ConnectionMode, t.Phase)
		}
		return w.Flush()
	case "show":
		fs := newFlags("tenant show")
		a, err := openFor(ctx, fs, args[1:])
		if err != nil {
			return err
		}
		defer a.Close()
		if fs.NArg() != 1 {
			return usagef("tenant show: give one KSH code")
		}
		id := db.TenantID(strings.TrimSpace(fs.Arg(0)))
		t, err := a.Tenants.Get(ctx, id)
		if errors.Is(err, tenancy.ErrNotFound) {
			return fmt.Errorf("no tenant with KSH code %q", id)
		}
		if err != nil {
			return err
		}
		office, err := a.Tenants.Office(ctx, t.OfficeID)
		if err != nil {
			return err
		}
		members, err := a.Tenants.OfficeTenants(ctx, t.OfficeID)
		if err != nil {
			return err
		}
		mods, err := a.Tenants.Modules(ctx, id)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
		fmt.Fprintf(w, "KSH code\t%s\nName\t%s\nLegal status\t%s\nCounty\t%s\nDistrict\t%s (%s)\nPopulation\t%d\nArea\t%d ha\nDwellings\t%d\n",
			t.ID, t.Name, t.LegalStatus, t.County, t.DistrictName, t.DistrictCode, t.Population, t.AreaHa, t.Dwellings)
		fmt.Fprintf(w, "Office\t%s (%s)\n", office.Name, office.ID)
		if office.Kind == tenancy.JointOffice {
			names := make([]string, len(members))
			for i, m := range members {
				names[i] = m.Name + " (" + string(m.ID) + ")"
			}
			fmt.Fprintf(w, "Office serves\t%s\n", strings.Join(names, ", "))
		}
		fmt.Fprintf(w, "Connection\t%s\nPhase\t%s\nModules\t%s\n", t.ConnectionMode, t.Phase, strings.Join(mods, ", "))
		return w.Flush()
	default:
		return usagef("tenant: unknown subcommand %q (import, list, show)", args[0])
	}
}
