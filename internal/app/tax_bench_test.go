package app

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax/taxbench"
)

// BenchmarkTaxpayerPage is a taxpayer's account page (GET
// /tax/taxpayers/{id}) with ten years of history, in a municipality of
// ASP_BENCH_TAXPAYERS (default 60 000) taxpayers; it reports the p50 and
// p99 of the requests (target p99 < 50 ms, docs/performance.md):
//
//	go test ./internal/app -run '^$' -bench TaxpayerPage -benchtime 2000x
func BenchmarkTaxpayerPage(b *testing.B) {
	a := benchApp(b)
	n := 60_000
	if v, err := strconv.Atoi(os.Getenv("ASP_BENCH_TAXPAYERS")); err == nil && v > 0 {
		n = v
	}
	var sum taxbench.Summary
	err := a.DB.InTenant(cliContext(context.Background()), db.TenantID("12548"), func(ctx context.Context, tx bun.Tx) error {
		var err error
		sum, err = taxbench.Generate(ctx, tx, taxbench.Options{Taxpayers: n, Years: 10, Until: hu.DateOf(time.Now()), Seed: 2})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	h, err := a.Handler()
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, step := range []struct{ path, key, value string }{{"/login", "username", "ugyintezo"}, {"/tenants/switch", "tenant", "12548"}} {
		form := url.Values{step.key: {step.value}}
		if step.path == "/login" {
			form.Set("password", "Tavaszi-Szel-2026")
		}
		res, err := c.PostForm(srv.URL+step.path, form)
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
	}
	var cookie string
	u, _ := url.Parse(srv.URL)
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "asp_session" {
			cookie = ck.Value
		}
	}
	path := "/tax/taxpayers/" + sum.Busiest.String()
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Cookie", "asp_session="+cookie)
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, req)
		times = append(times, time.Since(start))
		if w.Code != 200 {
			b.Fatalf("%s: %d", path, w.Code)
		}
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
}
