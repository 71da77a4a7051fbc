package app

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"time"

	"github.com/openasp-hu/asp/internal/platform/identity"
)

func cmdServe(ctx context.Context, args []string, out, logOut io.Writer) error {
	start := time.Now()
	var cfg Config
	fs := newFlags("serve")
	cfg.ServeFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve: unexpected argument %q", fs.Arg(0))
	}
	a, err := Open(ctx, cfg, logOut)
	if err != nil {
		return err
	}
	defer a.Close()
	if oc, ok := identity.OIDCConfigFromEnv(a.baseURL(cfg.Addr)); ok {
		a.OIDC = &oc
	}
	if err := a.EnsureTenants(ctx); err != nil {
		return err
	}
	if cfg.Demo {
		logins, err := a.SeedDemo(ctx)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		printDemoLogins(out, logins)
	}
	// The import and the demo's password hashes (64 MiB each) leave garbage
	// behind; hand it back now rather than idle on it.
	debug.FreeOSMemory()
	return a.Serve(ctx, func(addr string) {
		a.Log.Info("ready", "addr", addr, "database", a.DB.Describe(), "startup", time.Since(start).Round(time.Millisecond))
		fmt.Fprintf(out, "Az ASP szolgáltatás fut / the ASP service is running: %s\n", a.baseURL(addr))
	})
}

// baseURL is the public address: --base-url, or localhost on the port.
func (a *App) baseURL(addr string) string {
	if a.Cfg.BaseURL != "" {
		return a.Cfg.BaseURL
	}
	port := addr
	if i := lastColon(addr); i >= 0 {
		port = addr[i:]
	}
	return "http://localhost" + port
}

func lastColon(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ':' {
			return i
		}
	}
	return -1
}
