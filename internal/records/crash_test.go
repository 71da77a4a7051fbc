package records_test

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
	"github.com/openasp-hu/asp/internal/records"
)

// TestHelperRegisterUntilKilled is not a test: TestAcknowledgedRegistrations
// SurviveKill runs the test binary again with ASP_RECORDS_CRASH_DATA set,
// and here 16 clerks register until the process is killed, printing each
// number the moment it is acknowledged.
func TestHelperRegisterUntilKilled(t *testing.T) {
	dir, url := os.Getenv("ASP_RECORDS_CRASH_DATA"), os.Getenv("ASP_RECORDS_CRASH_URL")
	if dir == "" && url == "" {
		t.Skip("only runs as the child of TestAcknowledgedRegistrationsSurviveKill")
	}
	d, err := db.Open(context.Background(), db.Config{DataDir: dir, URL: url})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	b := &records.Batcher{DB: d, Svc: &records.Service{}}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; ; j++ {
				doc, err := b.Register(context.Background(), orfu, in(fmt.Sprintf("%d/%d", i, j)))
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(3)
				}
				mu.Lock()
				fmt.Fprintln(out, doc.Number)
				out.Flush()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// Killing the process under load loses nothing that was acknowledged, and
// the numbers stay gapless (domain §2.4; the fault test), on both
// databases.
func TestAcknowledgedRegistrationsSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	mig, _ := fs.Sub(records.Module().Migrations, ".")
	sets := []db.Migrations{migrations.Platform, {Module: "records", FS: mig}}
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		cfg := db.Config{DataDir: dir}
		d, err := db.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Migrate(context.Background(), nil, sets...); err != nil {
			t.Fatal(err)
		}
		d.Close()
		killUnderLoad(t, cfg, "ASP_RECORDS_CRASH_DATA="+dir)
	})
	t.Run("postgres", func(t *testing.T) {
		url, _ := dbtest.NewPostgres(t, sets...)
		killUnderLoad(t, db.Config{URL: url}, "ASP_RECORDS_CRASH_URL="+url)
	})
}

// killUnderLoad opens a book, starts the registering child on the
// database, kills it with SIGKILL after a while and checks what stayed.
func killUnderLoad(t *testing.T, cfg db.Config, env string) {
	d, err := db.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := (&records.Service{}).OpenBook(ctx, tx, "KOZ", "Általános", "", time.Now().Year())
		return err
	})
	d.Close()
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRegisterUntilKilled$")
	cmd.Env = append(os.Environ(), env)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(1500 * time.Millisecond)
read:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				break read
			}
			acked = append(acked, l)
		case <-deadline:
			cmd.Process.Kill() // SIGKILL
			deadline = nil
		}
	}
	cmd.Wait()
	if len(acked) < 100 {
		t.Fatalf("only %d registrations acknowledged before the kill", len(acked))
	}

	d, err = db.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	stored := map[string]bool{}
	var max, n int64
	err = d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		var numbers []string
		if err := tx.NewRaw("SELECT number FROM records_documents WHERE tenant_id = ?", orfu).Scan(ctx, &numbers); err != nil {
			return err
		}
		for _, s := range numbers {
			stored[s] = true
		}
		return tx.NewRaw("SELECT count(*), coalesce(max(foszam), 0) FROM records_cases WHERE tenant_id = ?", orfu).Scan(ctx, &n, &max)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range acked {
		if !stored[strings.TrimSpace(a)] {
			t.Fatalf("acknowledged registration %s is gone after the kill", a)
		}
	}
	if n != max {
		t.Fatalf("%d cases but highest főszám %d: a gap", n, max)
	}
	t.Logf("%d acknowledged, %d stored, numbers 1..%d without gap", len(acked), len(stored), max)
}
