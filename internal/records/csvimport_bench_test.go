package records_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/openasp-hu/asp/internal/records"
)

// importFile makes an old system's export of rows registrations: five
// years of one book (2022–2026), two documents a case, every 50th case of
// a year continuing a case of the year before (szerelés), every 100th
// document voided.
func importFile(rows int) []byte {
	var b bytes.Buffer
	b.WriteString(importHeader)
	const years = 5
	perYear := rows / years
	for y := range years {
		year := 2022 + y
		for i := range perYear {
			foszam, alszam := i/2+1, i%2+1
			// 2026 runs up to the test clock's 2 March.
			month, day := 1+(i*12/perYear)%12, 1+i%28
			if year == 2026 {
				month, day = 1+i*2/perYear, 1+i%28
			}
			pred := ""
			if y > 0 && alszam == 1 && foszam%50 == 0 {
				pred = fmt.Sprintf("%d-1/%d", foszam, year-1)
			}
			void, reason := "", ""
			if i%100 == 99 {
				void, reason = "igen", "téves iktatás"
			}
			fmt.Fprintf(&b, "%d-%d/%d;KOZ;%d.%02d.%02d. 09:%02d;%s;Ügy %d tárgya, %d. irat;Ügyfél %d;H-%d;%s;%s;%s;Iktató %d\n",
				foszam, alszam, year, year, month, day, i%60, []string{"bejövő", "kimenő", "belső"}[i%3], foszam, alszam, i%977, i, pred, void, reason, i%7)
		}
	}
	return b.Bytes()
}

// BenchmarkImport imports 100,000 rows (five volumes, four of them closed
// with their manifests) into a fresh database and reports rows per
// second.
//
//	go test -run '^$' -bench Import -benchtime 1x ./internal/records/
//	ASP_TEST_POSTGRES_URL=… go test -run '^$' -bench Import -benchtime 1x ./internal/records/
func BenchmarkImport(b *testing.B) {
	const rows = 100_000
	file := importFile(rows)
	for range b.N {
		b.StopTimer()
		d, s, _ := setup(b)
		b.StartTimer()
		start := time.Now()
		rep, err := runImport(b, d, s, orfu, bytes.NewReader(file), records.ImportOptions{By: "bench"})
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Imported || rep.Documents != rows || rep.Joined == 0 {
			b.Fatalf("not imported: %d documents, %d joined, errors %v", rep.Documents, rep.Joined, rep.Errors[:min(5, len(rep.Errors))])
		}
		if _, _, n := counts(b, d, orfu); n != rows {
			b.Fatalf("%d documents stored, want %d", n, rows)
		}
		b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
		b.ReportMetric(float64(len(file))/1e6, "MB")
		b.StartTimer()
	}
}
