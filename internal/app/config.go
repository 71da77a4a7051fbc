package app

import (
	"flag"
	"fmt"
	"os"
	"strconv"
)

// Config is the service's configuration: flags, each with an ASP_*
// environment variable as its default, and safe defaults for a laptop.
type Config struct {
	Addr        string // --addr, ASP_ADDR
	DataDir     string // --data, ASP_DATA
	DatabaseURL string // ASP_DATABASE_URL: PostgreSQL; empty for SQLite
	MigrateURL  string // ASP_MIGRATE_DATABASE_URL: the owning role, for migrations
	Demo        bool   // --demo, ASP_DEMO: seed demo users
	LogFormat   string // --log-format, ASP_LOG_FORMAT: text | json
	BaseURL     string // --base-url, ASP_BASE_URL: public address, for links and OIDC
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

func envBool(key string) bool {
	b, _ := strconv.ParseBool(os.Getenv(key))
	return b
}

// DatabaseFlags adds the flags every database-using command shares.
func (c *Config) DatabaseFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", envOr("ASP_DATA", "./data"), "data directory (SQLite database, files)")
	c.DatabaseURL = os.Getenv("ASP_DATABASE_URL")
	c.MigrateURL = os.Getenv("ASP_MIGRATE_DATABASE_URL")
	fs.StringVar(&c.LogFormat, "log-format", envOr("ASP_LOG_FORMAT", "text"), "log format: text or json")
}

// ServeFlags adds the flags of the serve command.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.DatabaseFlags(fs)
	fs.StringVar(&c.Addr, "addr", envOr("ASP_ADDR", ":8080"), "address to listen on")
	fs.BoolVar(&c.Demo, "demo", envBool("ASP_DEMO"), "seed demo users and print their logins")
	fs.StringVar(&c.BaseURL, "base-url", envOr("ASP_BASE_URL", ""), "public base URL (default http://localhost<addr>)")
}

func (c *Config) check() error {
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format must be text or json, not %q", c.LogFormat)
	}
	return nil
}
