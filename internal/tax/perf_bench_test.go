package tax_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/bankstatement"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/taxbench"
)

// Performance of ADÓ on a large municipality's ledger (docs/performance.md):
//
//	go test ./internal/tax -run '^$' -bench Ledger -benchtime 3x -timeout 60m
//
// with ASP_TEST_POSTGRES_URL set for PostgreSQL. ASP_BENCH_TAXPAYERS
// (default 60000) scales the ledger down for a quick look.

const benchTenant db.TenantID = "11730"

var benchUntil = hu.Date{Year: 2026, Month: 11, Day: 20}

func benchTaxpayers() int {
	if n, err := strconv.Atoi(os.Getenv("ASP_BENCH_TAXPAYERS")); err == nil && n > 0 {
		return n
	}
	return 60_000
}

func benchLedger(b *testing.B) (*db.DB, taxbench.Summary) { return benchLedgerYears(b, 10) }

func benchLedgerYears(b *testing.B, years int) (*db.DB, taxbench.Summary) {
	b.Helper()
	d := dbtest.Open(b, migrations.Platform, db.Migrations{Module: "tax", FS: tax.Module().Migrations})
	start := time.Now()
	var sum taxbench.Summary
	err := d.InTenant(context.Background(), benchTenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		sum, err = taxbench.Generate(ctx, tx, taxbench.Options{Taxpayers: benchTaxpayers(), Years: years, Until: benchUntil, Seed: 1})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	// As autovacuum would have long since: statistics of the loaded ledger.
	if err := d.Maintain(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d taxpayers, %d postings (%d debits, %d credits) generated in %s", d.Dialect, sum.Taxpayers, sum.Postings, sum.Debits, sum.Credits, time.Since(start).Round(time.Second))
	return d, sum
}

// inRollback runs fn in a transaction of the tenant that is rolled back.
func inRollback(b *testing.B, d *db.DB, fn func(ctx context.Context, tx bun.Tx) error) {
	err := d.InTenant(context.Background(), benchTenant, func(ctx context.Context, tx bun.Tx) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		b.Fatal(err)
	}
}

func BenchmarkLedger(b *testing.B) {
	d, sum := benchLedger(b)
	s := &tax.Service{Now: func() time.Time { return benchUntil.Time().Add(10 * time.Hour) }}

	// Every account settled with its interest, as an interest run reads them.
	b.Run("accounts_with_interest", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var n int
			err := d.InTenantRead(context.Background(), benchTenant, func(ctx context.Context, tx bun.Tx) error {
				return tax.EachAccount(ctx, tx, benchUntil, true, func(_ uuid.UUID, a tax.Account) error { n++; return nil })
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(n), "accounts")
		}
	})
	// The first interest run on a ledger that never had one: every late
	// debit of ten years gets its interest posted.
	b.Run("interest_run_first", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			inRollback(b, d, func(ctx context.Context, tx bun.Tx) error {
				res, err := s.PostInterestBeside(ctx, tx, d, benchUntil, "bench")
				b.ReportMetric(float64(res.Postings), "postings")
				return err
			})
		}
	})
	// Monthly practice: the run of the previous month is in; this month's
	// posts what accrued since; run twice on a day, the second posts nothing.
	err := d.InTenant(context.Background(), benchTenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.PostInterestBeside(ctx, tx, d, benchUntil.AddDays(-30), "bench")
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("interest_run_monthly", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			inRollback(b, d, func(ctx context.Context, tx bun.Tx) error {
				res, err := s.PostInterestBeside(ctx, tx, d, benchUntil, "bench")
				b.ReportMetric(float64(res.Postings), "postings")
				return err
			})
		}
	})
	b.Run("interest_run_again", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			inRollback(b, d, func(ctx context.Context, tx bun.Tx) error {
				res, err := s.PostInterestBeside(ctx, tx, d, benchUntil.AddDays(-30), "bench")
				if res.Postings != 0 {
					return fmt.Errorf("a second run on the same day posted %d", res.Postings)
				}
				return err
			})
		}
	})
	b.Run("ageing", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			err := d.InTenantRead(context.Background(), benchTenant, func(ctx context.Context, tx bun.Tx) error {
				_, err := s.Ageing(ctx, tx, benchUntil, 100)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("revenue_year", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			err := d.InTenantRead(context.Background(), benchTenant, func(ctx context.Context, tx bun.Tx) error {
				_, err := s.Revenue(ctx, tx, hu.Date{Year: 2025, Month: 1, Day: 1}, hu.Date{Year: 2025, Month: 12, Day: 31}, tax.PeriodMonth)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("taxpayer_accounts", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			err := d.InTenantRead(context.Background(), benchTenant, func(ctx context.Context, tx bun.Tx) error {
				_, err := s.Accounts(ctx, tx, sum.Busiest, benchUntil)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})

}

// BenchmarkStatementImport imports a day's camt.053 statement of 50 000
// entries (parsing included) into a municipality of ASP_BENCH_TAXPAYERS
// taxpayers, then the same statement again:
//
//	go test ./internal/tax -run '^$' -bench StatementImport -benchtime 3x
func BenchmarkStatementImport(b *testing.B) {
	d, sum := benchLedgerYears(b, 1)
	s := &tax.Service{Now: func() time.Time { return benchUntil.Time().Add(10 * time.Hour) }}
	// A day's statement of 50 000 entries for the communal tax account:
	// most name a taxpayer, some name nobody known, some are money out.
	const entries = 50_000
	statement := camtStatement(entries, sum.TaxIDs)
	account := "11773016-00204000-00000008"
	if err := d.InTenant(context.Background(), benchTenant, func(ctx context.Context, tx bun.Tx) error {
		return s.SetCollectionAccount(ctx, tx, account, "kommunalis_ado", "bench")
	}); err != nil {
		b.Fatal(err)
	}
	b.Run("statement_import_50k", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			inRollback(b, d, func(ctx context.Context, tx bun.Tx) error {
				sts, err := bankstatement.ParseCamt053(bytes.NewReader(statement))
				if err != nil {
					return err
				}
				res, err := s.ImportStatements(ctx, tx, sts, "bench")
				if res.Entries != entries || res.Duplicates != 0 {
					return fmt.Errorf("import: %+v", res)
				}
				return err
			})
		}
	})
	err := d.InTenant(context.Background(), benchTenant, func(ctx context.Context, tx bun.Tx) error {
		sts, err := bankstatement.ParseCamt053(bytes.NewReader(statement))
		if err != nil {
			return err
		}
		_, err = s.ImportStatements(ctx, tx, sts, "bench")
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	// By the time the same statement comes again, autovacuum has analysed
	// the 50,000 entries the table did not have (without statistics
	// PostgreSQL looked the keys up by reading the whole table).
	if err := d.Maintain(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Run("statement_reimport_50k", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			inRollback(b, d, func(ctx context.Context, tx bun.Tx) error {
				sts, err := bankstatement.ParseCamt053(bytes.NewReader(statement))
				if err != nil {
					return err
				}
				res, err := s.ImportStatements(ctx, tx, sts, "bench")
				if res.Duplicates != entries {
					return fmt.Errorf("re-import: %+v", res)
				}
				return err
			})
		}
	})
}

// camtStatement writes a camt.053.001.02 statement of n entries: 90 %
// payments naming a taxpayer, 5 % naming none, 5 % money going out.
func camtStatement(n int, taxIDs []string) []byte {
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-11-21T06:30:00</CreDtTm></GrpHdr>
<Stmt><Id>BENCH-2026-11-20</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>2026-11-21T06:30:00+01:00</CreDtTm>
<Acct><Id><IBAN>HU86117730160020400000000008</IBAN></Id><Ccy>HUF</Ccy></Acct>
`)
	var entries strings.Builder
	var net int64
	for i := 0; i < n; i++ {
		amt := int64(5_000 + i%40*1_000)
		dir, text := "CRDT", taxIDs[i%len(taxIDs)]+" kommunális adó 2026 II. félév"
		switch i % 20 {
		case 7:
			text = "adó befizetés"
		case 13:
			dir, text = "DBIT", "átvezetés"
		}
		if dir == "CRDT" {
			net += amt
		} else {
			net -= amt
		}
		fmt.Fprintf(&entries, `<Ntry><Amt Ccy="HUF">%d</Amt><CdtDbtInd>%s</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt><ValDt><Dt>2026-11-20</Dt></ValDt><AcctSvcrRef>B%07d</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>E2E-%d</EndToEndId></Refs><RltdPties><Dbtr><Nm>Adózó %d</Nm></Dbtr></RltdPties><RmtInf><Ustrd>%s</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
`, amt, dir, i, i, i, text)
	}
	open := int64(100_000_000)
	fmt.Fprintf(&sb, `<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="HUF">%d</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="HUF">%d</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>
`, open, open+net)
	sb.WriteString(entries.String())
	sb.WriteString("</Stmt></BkToCstmrStmt></Document>\n")
	return []byte(sb.String())
}
