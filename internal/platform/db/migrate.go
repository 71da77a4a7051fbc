package db

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"strings"

	"github.com/pressly/goose/v3"
)

// Migrations are one module's schema changes: a file system holding the
// folders sqlite/ and postgres/ with goose SQL files. Each module keeps its
// own version table (goose_<module>), so modules number independently.
type Migrations struct {
	Module string
	FS     fs.FS
}

var moduleNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Migrate brings the schema up to date: the modules' migrations run in the
// order given (the platform first). On PostgreSQL it uses Config.MigrateURL
// when set, because the service's own role does not own the tables.
func (d *DB) Migrate(ctx context.Context, log *slog.Logger, sets ...Migrations) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	conn := d.write.DB
	gooseDialect := goose.DialectSQLite3
	dir := "sqlite"
	if d.Dialect == Postgres {
		gooseDialect, dir = goose.DialectPostgres, "postgres"
		if d.cfg.MigrateURL != "" {
			owner, err := sql.Open("pgx", d.cfg.MigrateURL)
			if err != nil {
				return fmt.Errorf("open migration connection: %w", err)
			}
			defer owner.Close()
			conn = owner
		}
	}
	for _, m := range sets {
		if !moduleNamePattern.MatchString(m.Module) {
			return fmt.Errorf("migrations: bad module name %q", m.Module)
		}
		sub, err := fs.Sub(m.FS, dir)
		if err != nil {
			return fmt.Errorf("migrations of %s: %w", m.Module, err)
		}
		p, err := goose.NewProvider(gooseDialect, conn, sub,
			goose.WithTableName("goose_"+m.Module),
			goose.WithDisableGlobalRegistry(true))
		if err != nil {
			return fmt.Errorf("migrations of %s: %w", m.Module, err)
		}
		res, err := p.Up(ctx)
		if err != nil {
			return fmt.Errorf("migrate %s: %w", m.Module, err)
		}
		for _, r := range res {
			log.Info("migration applied", "module", m.Module, "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
		}
	}
	return nil
}

// Maintain does what autovacuum does over time, at once: after a bulk
// load (a municipality's ledger brought over, a benchmark's generated
// one) PostgreSQL plans with the statistics of the empty tables, and the
// first reader of each new row pays for marking it visible, until
// autovacuum comes round. VACUUM ANALYZE as the owner on PostgreSQL;
// ANALYZE on SQLite (its VACUUM rewrites the whole file, and it keeps no
// visibility to mark).
func (d *DB) Maintain(ctx context.Context) error {
	conn, stmt := d.write.DB, "ANALYZE"
	if d.Dialect == Postgres {
		stmt = "VACUUM ANALYZE"
		if d.cfg.MigrateURL != "" {
			owner, err := sql.Open("pgx", d.cfg.MigrateURL)
			if err != nil {
				return fmt.Errorf("open owner connection: %w", err)
			}
			defer owner.Close()
			conn = owner
		}
	}
	if _, err := conn.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", strings.ToLower(stmt), err)
	}
	return nil
}
