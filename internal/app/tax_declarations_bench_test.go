package app

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/tax"
)

// hipaFile makes a file of n HIPA returns of year, each of its own
// taxpayer (a fresh adóazonosító jel), split 60/40 between Orfű and
// Abaliget as in §A.15.
func hipaFile(n, year int) []byte {
	var buf bytes.Buffer
	buf.WriteString("<HipaBevallasok>\n")
	for i, serial := 0, 10000000; i < n; serial++ {
		first9 := fmt.Sprintf("8%08d", serial)
		sum := 0
		for k := 0; k < 9; k++ {
			sum += int(first9[k]-'0') * (k + 1)
		}
		if sum%11 == 10 {
			continue
		}
		i++
		turnover := int64(10_000_000 + i*1000)
		base := turnover - 2_000_000
		orfu := base * 60 / 100
		fmt.Fprintf(&buf, `<Bevallas azonosito="BENCH-%06d" adoev="%d"><Adozo adoazonosito="%s%d" nev="Adózó %d"/>`+
			`<Adoalap netto_arbevetel="%d" anyagkoltseg="2000000" adoalap="%d"/>`+
			`<Megosztas ksh="11730" adoalap="%d" ado="%d"/><Megosztas ksh="12548" adoalap="%d" ado="%d"/></Bevallas>`+"\n",
			i, year, first9, sum%11, i, turnover, base, orfu, (orfu*2+50)/100, base-orfu, ((base-orfu)*2+50)/100)
	}
	buf.WriteString("</HipaBevallasok>\n")
	return buf.Bytes()
}

// BenchmarkImportHIPA10000 imports 10,000 returns into Orfű: every one a
// new taxpayer, registered in IRAT, three postings each. One iteration is
// the whole file (run with -benchtime 1x); docs/performance.md.
func BenchmarkImportHIPA10000(b *testing.B) {
	if c := os.Getenv("ASP_BENCH_HIPA_CHUNK"); c != "" {
		old := tax.HIPAChunk
		fmt.Sscan(c, &tax.HIPAChunk)
		defer func() { tax.HIPAChunk = old }()
	}
	n := benchHIPAReturns
	if c := os.Getenv("ASP_BENCH_HIPA_RETURNS"); c != "" { // a smaller file while iterating
		fmt.Sscan(c, &n)
	}
	file := filepath.Join(b.TempDir(), "hipa.xml")
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		a := benchApp(b)
		y := hu.DateOf(a.Now()).Year - 1
		if i == 0 {
			if err := os.WriteFile(file, hipaFile(n, y), 0o600); err != nil {
				b.Fatal(err)
			}
		}
		recordDemoDecree(b, a, "11730", y)
		var out bytes.Buffer
		b.StartTimer()
		if err := importHIPAFile(cliContext(b.Context()), a, "11730", file, &out); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if want := fmt.Sprintf("%d a fájlban, %d új", n, n); !bytes.Contains(out.Bytes(), []byte(want)) {
			b.Fatalf("output: %s", out.String())
		}
	}
}

// benchHIPAReturns is the size of the benchmark file.
const benchHIPAReturns = 10_000
