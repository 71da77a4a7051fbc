package app

import (
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/openasp-hu/asp/internal/platform/files"
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
	MaxFileMB   int64  // --max-file-mb, ASP_MAX_FILE_MB: largest attached file, in MiB
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
	fs.Int64Var(&c.MaxFileMB, "max-file-mb", envInt("ASP_MAX_FILE_MB", files.DefaultMaxBytes>>20), "largest file that can be attached, in MiB")
}

func envInt(key string, def int64) int64 {
	if n, err := strconv.ParseInt(os.Getenv(key), 10, 64); err == nil {
		return n
	}
	return def
}

// MaxFileBytes is the file size limit; 0 (not set) means the default.
func (c *Config) MaxFileBytes() int64 {
	if c.MaxFileMB == 0 {
		return files.DefaultMaxBytes
	}
	return c.MaxFileMB << 20
}

func (c *Config) check() error {
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format must be text or json, not %q", c.LogFormat)
	}
	if c.MaxFileMB < 0 || c.MaxFileMB > 4096 {
		return fmt.Errorf("--max-file-mb must be between 1 and 4096, not %d", c.MaxFileMB)
	}
	return nil
}
