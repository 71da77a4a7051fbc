// Package app assembles the service: it opens the database, runs the
// migrations of the platform and of every module, builds the router and
// runs the HTTP server and the command-line tasks.
package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/migrations"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
)

// App is the assembled service.
type App struct {
	Cfg     Config
	Log     *slog.Logger
	DB      *db.DB
	Tenants tenancy.Store
	Now     func() time.Time
}

// Open opens the database and brings its schema up to date.
func Open(ctx context.Context, cfg Config, logOut io.Writer) (*App, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	log := newLogger(cfg.LogFormat, logOut)
	d, err := db.Open(ctx, db.Config{URL: cfg.DatabaseURL, MigrateURL: cfg.MigrateURL, DataDir: cfg.DataDir})
	if err != nil {
		return nil, err
	}
	a := &App{Cfg: cfg, Log: log, DB: d}
	a.init()
	if err := d.Migrate(ctx, log, a.migrations()...); err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// init wires the services on the open database.
func (a *App) init() {
	a.Tenants = tenancy.Store{DB: a.DB}
	if a.Now == nil {
		a.Now = time.Now
	}
}

// migrations lists the schema sets in the order they run: the platform,
// then each module.
func (a *App) migrations() []db.Migrations {
	return []db.Migrations{migrations.Platform}
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// EnsureTenants imports the embedded gazetteer when the database has no
// tenants yet (the first start).
func (a *App) EnsureTenants(ctx context.Context) error {
	n, err := a.Tenants.Count(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	start := time.Now()
	rep, err := tenancy.Import(ctx, a.DB, tenancy.Gazetteer2018(), a.Now().UTC())
	if err != nil {
		return fmt.Errorf("first start: %w", err)
	}
	a.Log.Info("tenants imported from the KSH gazetteer", "report", rep.String(), "took", time.Since(start))
	return nil
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
