// Package app assembles the service: it opens the database, runs the
// migrations of the platform and of every module, builds the router and
// runs the HTTP server and the command-line tasks.
package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"time"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/files"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/migrations"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
)

// App is the assembled service.
type App struct {
	Cfg      Config
	Log      *slog.Logger
	DB       *db.DB
	Tenants  tenancy.Store
	Grants   access.Store
	Registry *access.Registry
	Audit    *audit.Log
	Identity *identity.Service
	Now      func() time.Time
	// PasswordParams are the argon2id parameters; tests use cheap ones.
	PasswordParams identity.PasswordParams
	// Modules are the specialised systems; nil means modules().
	Modules []module.Module
	// OIDC is the OpenID provider residents and businesses log in through
	// (KAÜ); nil leaves that login off.
	OIDC *identity.OIDCConfig
	// Files keeps attached files; nil means a store in <data>/files.
	Files files.Store

	patterns []string // every route, once Handler has run
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
	if err := a.init(); err != nil {
		d.Close()
		return nil, err
	}
	if fsys, ok := a.Files.(*files.FS); ok {
		// Uploads a crash cut short; an hour leaves running ones alone.
		if n, err := fsys.RemoveStale(time.Hour); err != nil || n > 0 {
			log.Info("removed unfinished uploads", "count", n, "err", err)
		}
	}
	if err := d.Migrate(ctx, log, a.migrations()...); err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// init wires the services on the open database.
func (a *App) init() error {
	if a.Now == nil {
		a.Now = time.Now
	}
	if a.Files == nil {
		dir := a.Cfg.DataDir
		if dir == "" {
			dir = "data" // where db.Open puts SQLite by default
		}
		a.Files = files.NewFS(filepath.Join(dir, "files"))
	}
	a.Tenants = tenancy.Store{DB: a.DB}
	a.Grants = access.Store{DB: a.DB}
	a.Registry = access.NewRegistry()
	if a.Modules == nil {
		a.Modules = modules()
	}
	for _, m := range a.Modules {
		if err := m.Check(); err != nil {
			return err
		}
		if err := a.Registry.Add(m.Permissions, m.Roles); err != nil {
			return fmt.Errorf("module %s: %w", m.Name, err)
		}
	}
	a.Audit = &audit.Log{DB: a.DB, Now: a.Now}
	if a.PasswordParams == (identity.PasswordParams{}) {
		a.PasswordParams = identity.DefaultPasswordParams()
	}
	// At most one argon2id hash per core at a time: each takes 64 MiB, so
	// a burst of logins waits instead of exhausting memory.
	hasher, err := identity.NewPasswordHasher(a.PasswordParams, runtime.GOMAXPROCS(0))
	if err != nil {
		return err
	}
	a.Identity = identity.NewService(a.DB, hasher, a.Audit)
	a.Identity.Now = a.Now
	return nil
}

// migrations lists the schema sets in the order they run: the platform,
// then each module.
func (a *App) migrations() []db.Migrations {
	mods := a.Modules
	if mods == nil {
		mods = modules()
	}
	sets := []db.Migrations{migrations.Platform}
	for _, m := range mods {
		if m.Migrations != nil {
			sets = append(sets, db.Migrations{Module: m.Name, FS: m.Migrations})
		}
	}
	return sets
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
	rep, err := a.importTenants(ctx, tenancy.Gazetteer2018())
	if err != nil {
		return fmt.Errorf("first start: %w", err)
	}
	a.Log.Info("tenants imported from the KSH gazetteer", "report", rep.String(), "took", time.Since(start))
	return nil
}

// importTenants runs an import and records it in the operating centre's
// audit chain.
func (a *App) importTenants(ctx context.Context, src io.Reader) (tenancy.ImportReport, error) {
	rep, err := tenancy.Import(ctx, a.DB, src, a.Now().UTC())
	if err != nil {
		return rep, err
	}
	err = a.Audit.Record(ctx, db.OperatingCentre, audit.Event{
		ActorName: "asp tenant import", Action: "tenant.import", ObjectType: "tenant", Result: audit.ResultOK,
		Detail: map[string]any{
			"tenants_added": rep.TenantsAdded, "tenants_updated": rep.TenantsUpdated,
			"offices_added": rep.OfficesAdded, "offices_updated": rep.OfficesUpdated, "missing": len(rep.Missing),
		}})
	return rep, err
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
