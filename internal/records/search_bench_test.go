package records_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/records"
)

// BenchmarkSearch500k is the search load: a municipality with
// 500,000 registered documents over five years (and four others with
// 25,000 each in the same tables), searched the way clerks search: words
// of the subject (common and rare, with and without accents, beginnings
// of words), partners' names, iktatószám beginnings and whole numbers,
// date ranges, and mixes of them, some on their second page. It reports
// the latency percentiles of the searches (the Search call in its read
// transaction, as the page runs it; the audit entry the page then writes
// is not included). Loading takes minutes, so run it once:
//
//	go test -run '^$' -bench Search500k -benchtime 1x -timeout 60m ./internal/records/
//	ASP_TEST_POSTGRES_URL=… ASP_TEST_POSTGRES_APP_PASSWORD=… go test -run '^$' -bench Search500k -benchtime 1x -timeout 60m ./internal/records/
func BenchmarkSearch500k(b *testing.B) {
	if testing.Short() {
		b.Skip("loads 600,000 documents")
	}
	size := 500_000
	if s := os.Getenv("ASP_BENCH_SEARCH_DOCS"); s != "" { // a smaller book, to try the benchmark out
		size, _ = strconv.Atoi(s)
	}
	d := open(b)
	rng := rand.New(rand.NewPCG(2026, 3))
	start := time.Now()
	load(b, d, orfu, size, rng)
	for _, t := range []db.TenantID{aba, "12548", "13037", "17464"} {
		load(b, d, t, size/20, rng)
	}
	b.Logf("loaded %d documents in %s", size+size/5, time.Since(start).Round(time.Second))
	if d.Dialect == db.Postgres {
		vacuumAnalyze(b, d)
		var docs, fts string
		d.Bun().NewRaw("SELECT pg_size_pretty(pg_total_relation_size('records_documents')), pg_size_pretty(pg_total_relation_size('records_documents_fts'))").Scan(context.Background(), &docs, &fts)
		b.Logf("records_documents %s, records_documents_fts %s (with indexes)", docs, fts)
	}
	queries := searchMix(rng, 600)
	ctx := context.Background()
	run := func(c records.Criteria) (time.Duration, int) {
		t0 := time.Now()
		var n int
		err := d.InTenantRead(ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
			r, err := records.Search(ctx, tx, c)
			n = len(r.Documents)
			return err
		})
		if err != nil {
			b.Fatalf("search %+v: %v", c, err)
		}
		return time.Since(t0), n
	}
	for _, q := range queries[:50] { // warm the caches, as a running service has them
		run(q.c)
	}
	b.ResetTimer()
	var lat []time.Duration
	byKind := map[string][]time.Duration{}
	hits := 0
	for range b.N {
		for _, q := range queries {
			dur, n := run(q.c)
			lat = append(lat, dur)
			byKind[q.kind] = append(byKind[q.kind], dur)
			if n > 0 {
				hits++
			}
		}
	}
	b.StopTimer()
	ms := func(ds []time.Duration, p float64) float64 {
		s := slices.Clone(ds)
		slices.Sort(s)
		return float64(s[min(len(s)-1, int(p*float64(len(s))))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(lat, 0.50), "p50-ms")
	b.ReportMetric(ms(lat, 0.95), "p95-ms")
	b.ReportMetric(ms(lat, 0.99), "p99-ms")
	b.ReportMetric(ms(lat, 1), "max-ms")
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		b.Logf("%-14s %4d searches  p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms", k, len(byKind[k]), ms(byKind[k], 0.5), ms(byKind[k], 0.95), ms(byKind[k], 1))
	}
	b.Logf("%d of %d searches found something", hits, len(lat))
}

// Vocabularies of the generated registrations; their order is their
// frequency (Zipf), so some words are in a tenth of the book and some in
// a few dozen documents.
var (
	benchKinds = []string{
		"Kérelem", "Építési engedély iránti kérelem", "Hiánypótlási felhívás", "Határozat", "Zajpanasz", "Fakivágási kérelem",
		"Adóigazolás kérése", "Lakcímigazolás", "Közterület-használati engedély", "Tájékoztatás", "Települési támogatás iránti kérelem",
		"Rendezvény bejelentése", "Birtokvédelmi eljárás", "Gyermekvédelmi kedvezmény", "Parkolási engedély", "Talajterhelési díj bevallása",
		"Helyi iparűzési adó bevallás", "Fizetési könnyítés iránti kérelem", "Méltányossági kérelem", "Hagyatéki leltár",
		"Kereskedelmi tevékenység bejelentése", "Szálláshely nyilvántartásba vétele", "Kútfúrási engedély", "Telekalakítási eljárás",
		"Végrehajtási ügy", "Közérdekű bejelentés", "Képviselő-testületi előterjesztés", "Jegyzőkönyv", "Meghívó", "Panasz",
		"Anyakönyvi kivonat kiállítása", "Hatósági bizonyítvány", "Ebösszeírás", "Vízügyi hatósági eljárás", "Hulladékszállítási panasz",
	}
	benchStreets = []string{
		"Petőfi Sándor utca", "Kossuth Lajos utca", "Rákóczi út", "Dózsa György út", "Ady Endre utca", "Jókai Mór utca", "Széchenyi tér",
		"Arany János utca", "Béke utca", "Fő utca", "Bem József utca", "Hunyadi utca", "Szabadság tér", "Vörösmarty utca", "Deák Ferenc utca",
		"Táncsics Mihály utca", "Bartók Béla út", "Kölcsey Ferenc utca", "Mátyás király utca", "Zrínyi Miklós utca", "Határ út", "Rózsa utca",
		"Virág utca", "Akácfa utca", "Hársfa utca", "Munkácsy Mihály utca", "Erkel Ferenc utca", "Liszt Ferenc utca", "Damjanich utca",
		"Batthyány utca", "Móricz Zsigmond utca", "Wesselényi utca", "Esze Tamás utca", "Szent István tér", "Malom utca", "Temető utca",
		"Iskola utca", "Kórház utca", "Posta utca", "Vasút utca",
	}
	benchSurnames = []string{
		"Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár", "Németh", "Farkas", "Balogh", "Papp", "Takács",
		"Juhász", "Lakatos", "Mészáros", "Oláh", "Simon", "Rácz", "Fekete", "Szilágyi", "Török", "Fehér", "Balázs", "Gál", "Kis",
		"Szűcs", "Kocsis", "Orsós", "Pintér", "Fodor", "Szalai", "Sipos", "Magyar", "Lukács", "Gulyás", "Biró", "Király", "László",
		"Katona", "Jakab", "Bogdán", "Balog", "Sándor", "Boros", "Fazekas", "Kelemen", "Antal", "Orosz", "Somogyi", "Fülöp", "Veres",
		"Budai", "Vincze", "Hegedűs", "Deák", "Pap", "Bálint", "Illés", "Pál", "Vass", "Szőke", "Fábián", "Vörös", "Lengyel", "Bognár",
		"Jónás", "Szekeres", "Hajdu", "Bodnár", "Halász", "Máté", "Székely", "Gáspár", "Kozma", "Pásztor", "Bakos", "Dudás", "Major",
		"Virág", "Ördög", "Őri", "Ürmös", "Zsigmond",
	}
	benchGiven = []string{
		"László", "István", "József", "János", "Zoltán", "Sándor", "Gábor", "Ferenc", "Attila", "Péter", "Tamás", "Zsolt", "Tibor",
		"András", "Csaba", "Mária", "Erzsébet", "Katalin", "Éva", "Ilona", "Anna", "Zsuzsanna", "Margit", "Judit", "Ágnes", "Andrea",
		"Erika", "Krisztina", "Edit", "Gabriella", "Ödön", "Őrs", "Ünige", "Íbolya",
	}
	benchCompanies = []string{"Kft.", "Bt.", "Zrt.", "és Társa Kft.", "Építőipari Kft.", "Kereskedelmi Bt.", "Agrár Kft."}
	benchKeywords  = []string{"fakivágás", "zöldterület", "építésügy", "adóügy", "szociális", "közterület", "zaj", "parkolás",
		"anyakönyv", "hagyaték", "ipar", "kereskedelem", "vízügy", "birtokvédelem", "rendezvény", "hulladék", "állattartás"}
)

// zipf picks an index of n, the first ones most often (P(i) ∝ 1/(i+2)).
func zipf(rng *rand.Rand, n int) int {
	return int(rand.NewZipf(rng, 1.01, 2, uint64(n-1)).Uint64())
}

func partnerName(rng *rand.Rand) string {
	s := benchSurnames[zipf(rng, len(benchSurnames))]
	if rng.IntN(5) == 0 {
		return s + " " + benchCompanies[rng.IntN(len(benchCompanies))]
	}
	return s + " " + benchGiven[zipf(rng, len(benchGiven))]
}

// load registers n documents for tenant over 2022–2026, two per case,
// with direct inserts (the registration path is measured elsewhere); the
// triggers index them for search as they would be.
func load(b *testing.B, d *db.DB, tenant db.TenantID, n int, rng *rand.Rand) {
	b.Helper()
	ctx := context.Background()
	const years = 5
	perYear := n / years
	span := 365 * 24 * time.Hour / time.Duration(perYear)
	for y := range years {
		year := 2022 + y
		book := records.Book{ID: uuid.Must(uuid.NewV7()), Code: "KOZ", Year: year, Title: "Általános iktatókönyv", Status: "open",
			NextFoszam: int64(perYear/2 + 1), CreatedAt: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)}
		if year < 2026 {
			book.Status = "closed"
		}
		err := d.InTenant(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewInsert().Model(&book).Exec(ctx)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		at := book.CreatedAt.Add(7 * time.Hour)
		const chunk = 1000 // documents per statement
		for first := 0; first < perYear; first += 10 * chunk {
			err := d.InTenant(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
				for c0 := first; c0 < min(first+10*chunk, perYear); c0 += chunk {
					var cases []records.Case
					var docs []records.Document
					for i := c0; i < min(c0+chunk, perYear); i += 2 {
						foszam := int64(i/2 + 1)
						subject := benchKinds[zipf(rng, len(benchKinds))]
						if rng.IntN(10) < 6 {
							subject += " – " + benchStreets[zipf(rng, len(benchStreets))] + fmt.Sprintf(" %d.", 1+rng.IntN(120))
						}
						cs := records.Case{ID: uuid.Must(uuid.NewV7()), BookID: book.ID, Foszam: foszam, Subject: subject, NextAlszam: 3, CreatedAt: at}
						cases = append(cases, cs)
						for alszam := int64(1); alszam <= 2 && i+int(alszam)-1 < perYear; alszam++ {
							doc := records.Document{
								ID: uuid.Must(uuid.NewV7()), CaseID: cs.ID, Alszam: alszam,
								Number:    records.Number{Foszam: foszam, Alszam: alszam, Year: year}.String(),
								Direction: []records.Direction{records.Incoming, records.Outgoing, records.Internal}[rng.IntN(3)],
								Subject:   subject, Partner: partnerName(rng), RegisteredAt: at, RegisteredBy: "betoltes",
							}
							if alszam == 2 {
								doc.Subject = benchKinds[zipf(rng, len(benchKinds))]
							}
							if rng.IntN(10) < 3 {
								doc.Keywords = benchKeywords[rng.IntN(len(benchKeywords))]
							}
							if rng.IntN(5) == 0 {
								doc.ExternalRef = fmt.Sprintf("HK-%d/%d", year, rng.IntN(100000))
							}
							docs = append(docs, doc)
							at = at.Add(span/2 + time.Duration(rng.Int64N(int64(span))))
						}
					}
					if _, err := tx.NewInsert().Model(&cases).Exec(ctx); err != nil {
						return err
					}
					if _, err := tx.NewInsert().Model(&docs).Exec(ctx); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// vacuumAnalyze does, as the owner, what autovacuum does soon after a
// bulk load: statistics for the planner, and the visibility map that lets
// the term index answer without visiting the table.
func vacuumAnalyze(b *testing.B, d *db.DB) {
	b.Helper()
	for _, t := range []string{"records_documents", "records_documents_fts", "records_cases"} {
		ownerExec(b, d, "VACUUM (ANALYZE) "+t)
	}
}

type benchQuery struct {
	kind string
	c    records.Criteria
}

// unaccent types a word the way a keyboard without Hungarian letters does.
var unaccent = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ö", "o", "ő", "o", "ú", "u", "ü", "u", "ű", "u",
	"Á", "A", "É", "E", "Í", "I", "Ó", "O", "Ö", "O", "Ő", "O", "Ú", "U", "Ü", "U", "Ű", "U")

// searchMix makes n searches in the proportions clerks might: words
// most, then names, numbers and dates, some combined, a tenth of them
// asking for the second page.
func searchMix(rng *rand.Rand, n int) []benchQuery {
	word := func() string {
		var ws []string
		if rng.IntN(3) == 0 {
			ws = strings.Fields(benchStreets[rng.IntN(len(benchStreets))])
		} else {
			ws = strings.Fields(strings.NewReplacer("–", " ", "-", " ").Replace(benchKinds[rng.IntN(len(benchKinds))]))
		}
		w := ws[rng.IntN(len(ws))]
		switch rng.IntN(4) {
		case 0:
			w = unaccent.Replace(w)
		case 1:
			if r := []rune(w); len(r) > 5 {
				w = string(r[:4+rng.IntN(len(r)-4)]) // the beginning of a word
			}
		}
		return w
	}
	day := func() hu.Date {
		return hu.DateOf(time.Date(2022, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(5*365)))
	}
	add := func(d hu.Date, days int) hu.Date { return hu.DateOf(d.Time().AddDate(0, 0, days).Add(12 * time.Hour)) }
	qs := make([]benchQuery, 0, n)
	for len(qs) < n {
		var q benchQuery
		switch k := rng.IntN(20); {
		case k < 5:
			q = benchQuery{"word", records.Criteria{Text: word()}}
		case k < 7:
			// Mostly two words of one subject; now and then two that may
			// never meet.
			w := word() + " " + word()
			if rng.IntN(4) > 0 {
				ws := strings.Fields(strings.NewReplacer("–", " ", "-", " ").Replace(benchKinds[zipf(rng, len(benchKinds))] + " " + benchStreets[rng.IntN(len(benchStreets))]))
				i := rng.IntN(len(ws))
				w = ws[i] + " " + ws[(i+1+rng.IntN(len(ws)-1))%len(ws)]
			}
			q = benchQuery{"two words", records.Criteria{Text: w}}
		case k < 10:
			s := benchSurnames[rng.IntN(len(benchSurnames))]
			if rng.IntN(2) == 0 {
				s += " " + benchGiven[rng.IntN(len(benchGiven))]
			}
			q = benchQuery{"partner", records.Criteria{Partner: s}}
		case k < 12:
			f := 1 + rng.IntN(50_000)
			num := fmt.Sprint(f)
			if rng.IntN(2) == 0 {
				num = fmt.Sprintf("%d-%d/%d", f, 1+rng.IntN(2), 2022+rng.IntN(5))
			}
			q = benchQuery{"number", records.Criteria{Number: num}}
		case k < 15:
			from := day()
			q = benchQuery{"dates", records.Criteria{From: from, To: add(from, []int{0, 6, 30}[rng.IntN(3)])}}
			if rng.IntN(2) == 0 {
				q.c.Direction = records.Outgoing
			}
		case k < 17:
			from := day()
			q = benchQuery{"word+dates", records.Criteria{Text: word(), From: from, To: add(from, 30)}}
		case k < 19:
			q = benchQuery{"word+partner", records.Criteria{Text: word(), Partner: benchSurnames[zipf(rng, len(benchSurnames))]}}
		default:
			q = benchQuery{"keyword", records.Criteria{Text: benchKeywords[rng.IntN(len(benchKeywords))]}}
		}
		q.c.Page = 1
		if rng.IntN(10) == 0 {
			q.c.Page = 2
		}
		qs = append(qs, q)
	}
	return qs
}
