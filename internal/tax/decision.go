package tax

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/files"
	"github.com/openasp-hu/asp/internal/platform/pdf"
)

// DecisionView is a decision with what its PDF shows.
type DecisionView struct {
	Decision
	Issuer   string
	Taxpayer Taxpayer
	Lines    []DecisionLine
	Postings []Posting
}

// DecisionLine is one object of a decision.
type DecisionLine struct {
	Assessment
	HRSZ, Address string
}

// loadDecisionViews loads decisions with their lines, objects and
// postings in a few queries (the mass PDF rendering reads thousands).
func loadDecisionViews(ctx context.Context, tx bun.IDB, ds []Decision) ([]DecisionView, error) {
	if len(ds) == 0 {
		return nil, nil
	}
	ids := make([]uuid.UUID, len(ds))
	tpIDs := make([]uuid.UUID, 0, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
		tpIDs = append(tpIDs, d.TaxpayerID)
	}
	var lines []Assessment
	if err := tx.NewSelect().Model(&lines).Where("decision_id IN (?)", bun.In(ids)).OrderExpr("tax_type, object_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("decision lines: %w", err)
	}
	var tps []Taxpayer
	if err := tx.NewSelect().Model(&tps).Where("id IN (?)", bun.In(tpIDs)).Scan(ctx); err != nil {
		return nil, err
	}
	var ps []Posting
	// By taxpayer (indexed), then matched to the decision by number.
	if err := tx.NewSelect().Model(&ps).Where("taxpayer_id IN (?)", bun.In(tpIDs)).Where("kind = 'assessment'").Where("tax_year IN (?)", bun.In(years(ds))).
		OrderExpr("on_date, side").Scan(ctx); err != nil {
		return nil, err
	}
	objIDs := make([]uuid.UUID, 0, len(lines))
	for _, l := range lines {
		objIDs = append(objIDs, l.ObjectID)
	}
	var vs []ObjectVersion
	if len(objIDs) > 0 {
		if err := tx.NewSelect().Model(&vs).Where("object_id IN (?)", bun.In(objIDs)).Scan(ctx); err != nil {
			return nil, err
		}
	}
	type vkey struct {
		id uuid.UUID
		v  int
	}
	byVersion := map[vkey]ObjectVersion{}
	latest := map[uuid.UUID]ObjectVersion{}
	for _, v := range vs {
		byVersion[vkey{v.ObjectID, v.Version}] = v
		if v.Version > latest[v.ObjectID].Version {
			latest[v.ObjectID] = v
		}
	}
	tpByID := map[uuid.UUID]Taxpayer{}
	for _, tp := range tps {
		tpByID[tp.ID] = tp
	}
	out := make([]DecisionView, len(ds))
	index := map[uuid.UUID]int{}
	byNumber := map[string]int{}
	for i, d := range ds {
		out[i] = DecisionView{Decision: d, Taxpayer: tpByID[d.TaxpayerID]}
		index[d.ID], byNumber[d.Number] = i, i
	}
	for _, l := range lines {
		v, ok := byVersion[vkey{l.ObjectID, l.ObjectVersion}]
		if !ok {
			v = latest[l.ObjectID]
		}
		i := index[l.DecisionID]
		out[i].Lines = append(out[i].Lines, DecisionLine{Assessment: l, HRSZ: v.HRSZ, Address: v.Address})
	}
	for _, p := range ps {
		// What the decision said: a debit posted later (its due date
		// moved when the decision became final) is not part of it.
		if i, ok := byNumber[p.Reference]; ok && p.TaxpayerID == out[i].TaxpayerID && !p.PostedAt.After(out[i].CreatedAt) {
			out[i].Postings = append(out[i].Postings, p)
		}
	}
	return out, nil
}

func years(ds []Decision) []int {
	seen := map[int]bool{}
	var out []int
	for _, d := range ds {
		if !seen[d.TaxYear] {
			seen[d.TaxYear] = true
			out = append(out, d.TaxYear)
		}
	}
	return out
}

// LoadDecision returns one decision with its lines.
func LoadDecision(ctx context.Context, tx bun.IDB, id uuid.UUID) (DecisionView, error) {
	var ds []Decision
	if err := tx.NewSelect().Model(&ds).Where("id = ?", id).Scan(ctx); err != nil {
		return DecisionView{}, err
	}
	if len(ds) == 0 {
		return DecisionView{}, errNoDecision
	}
	vs, err := loadDecisionViews(ctx, tx, ds)
	if err != nil {
		return DecisionView{}, err
	}
	return vs[0], nil
}

var errNoDecision = problem("no_decision", "", "Nincs ilyen határozat.", "There is no such decision.")

// DecisionsOfTaxpayer lists a taxpayer's decisions, newest first.
func DecisionsOfTaxpayer(ctx context.Context, tx bun.IDB, taxpayerID uuid.UUID) ([]Decision, error) {
	var ds []Decision
	err := tx.NewSelect().Model(&ds).Where("taxpayer_id = ?", taxpayerID).OrderExpr("tax_year DESC, created_at DESC, number").Scan(ctx)
	return ds, err
}

// PDF writes the decision.
func (v DecisionView) PDF(w io.Writer) error {
	title := "Határozat adó kivetéséről"
	if v.Kind == DecisionCorrection {
		title = "Határozat a kivetett adó módosításáról"
	}
	doc, err := pdf.New(pdf.Options{Issuer: v.Issuer, Title: title, Subtitle: "Iktatószám: " + v.Number, GeneratedAt: v.CreatedAt, Footer: v.CreatedBy})
	if err != nil {
		return err
	}
	doc.KeyValues([]pdf.KV{{Key: "Adózó", Value: v.Taxpayer.Name}, {Key: "Azonosító", Value: v.Taxpayer.TaxID},
		{Key: "Cím", Value: or(v.Taxpayer.Address, "–")}, {Key: "Adóév", Value: fmt.Sprint(v.TaxYear)}, {Key: "Kelt", Value: v.IssuedOn.HungarianString()}})
	doc.Space(6)
	doc.Heading("Rendelkező rész")
	doc.Paragraph(fmt.Sprintf("Az önkormányzati adóhatóság a fenti adózó %d. évi adóját az alábbiak szerint állapítja meg az adótárgyak "+
		"%d. január 1-jei állapota alapján (Htv. 12., 14., 18., 20. §).", v.TaxYear, v.TaxYear))
	t := doc.Table(pdf.Column{Header: "Adónem", Width: 1.4}, pdf.Column{Header: "Hrsz.", Width: 1, Min: "1234/56/A/78"}, pdf.Column{Header: "Cím", Width: 2.4},
		pdf.Column{Header: "Számítás", Width: 2.4}, pdf.Column{Header: "Éves adó (Ft)", Width: 1.2, Right: true}, pdf.Column{Header: "Változás (Ft)", Width: 1.2, Right: true})
	var total hu.Forint
	for _, l := range v.Lines {
		t.Row(TaxTypeName(l.TaxType), l.HRSZ, l.Address, l.Detail, l.Annual.Grouped(), l.Difference.Grouped())
		total += l.Difference
	}
	t.End()
	if v.Kind == DecisionCorrection {
		doc.Paragraph(fmt.Sprintf("A korábban kivetett adó változása összesen: %s Ft.", total.Grouped()))
	} else {
		doc.Paragraph(fmt.Sprintf("A kivetett éves adó összesen: %s Ft.", total.Grouped()))
	}
	if len(v.Postings) > 0 {
		doc.Heading("Fizetendő, illetve jóváírt összegek")
		pt := doc.Table(pdf.Column{Header: "Adónem", Width: 2}, pdf.Column{Header: "Esedékesség / nap", Width: 1.4}, pdf.Column{Header: "Összeg (Ft)", Width: 1.2, Right: true}, pdf.Column{Header: "", Width: 1.2})
		for _, p := range v.Postings {
			side := "fizetendő"
			if p.Side == Credit {
				side = "jóváírás"
			}
			pt.Row(TaxTypeName(p.TaxType), p.On.HungarianString(), p.Amount.Grouped(), side)
		}
		pt.End()
	}
	doc.Heading("Indokolás")
	doc.Paragraph("Az adókötelezettség az adótárgy tulajdonosát a naptári év első napján fennálló tulajdoni hányada arányában terheli; " +
		"ha a tulajdonostársak közös nyilatkozattal egyikőjüket jelölték meg, az adó egészét ő fizeti. " +
		"Az adó két egyenlő részletben, március 15-ig és szeptember 15-ig fizetendő; munkaszüneti napra eső határidő a következő munkanapon jár le.")
	doc.Paragraph("A határozat ellen a közléstől számított 15 napon belül fellebbezésnek van helye.")
	_, err = doc.WriteTo(w)
	return err
}

// RenderProgress is how far the PDFs of a run are.
type RenderProgress struct {
	Total, Done int
	Running     bool
	Err         string
}

// Renderer makes the decision PDFs of runs in the background and keeps
// them in the files store; one at a time per tenant and run.
type Renderer struct {
	DB      *db.DB
	Files   files.Store
	Issuer  func(context.Context, db.TenantID) (string, error)
	Workers int

	mu      sync.Mutex
	running map[string]*RenderProgress
}

func renderKey(t db.TenantID, run uuid.UUID) string { return string(t) + "/" + run.String() }

// Progress tells how far the run's PDFs are: the stored ones counted in
// the database, plus whether a renderer is at work.
func (r *Renderer) Progress(ctx context.Context, t db.TenantID, run uuid.UUID) (RenderProgress, error) {
	var p RenderProgress
	err := r.DB.InTenantRead(ctx, t, func(ctx context.Context, tx bun.Tx) error {
		total, err := db.Count(ctx, tx.NewSelect().Model((*Decision)(nil)).Where("run_id = ?", run))
		if err != nil {
			return err
		}
		done, err := db.Count(ctx, tx.NewSelect().Model((*Decision)(nil)).Where("run_id = ?", run).Where("file_key <> ''"))
		p.Total, p.Done = int(total), int(done)
		return err
	})
	r.mu.Lock()
	if cur, ok := r.running[renderKey(t, run)]; ok {
		p.Running, p.Err = cur.Running, cur.Err
	}
	r.mu.Unlock()
	return p, err
}

// renderChunk is how many decisions one worker loads and stores at once.
const renderChunk = 200

// Start renders the run's missing PDFs in the background, unless that is
// already under way. It can be started again after a crash: it picks up
// the decisions without a file.
func (r *Renderer) Start(ctx context.Context, t db.TenantID, run uuid.UUID) {
	k := renderKey(t, run)
	r.mu.Lock()
	if r.running == nil {
		r.running = map[string]*RenderProgress{}
	}
	if cur, ok := r.running[k]; ok && cur.Running {
		r.mu.Unlock()
		return
	}
	st := &RenderProgress{Running: true}
	r.running[k] = st
	r.mu.Unlock()
	go func() {
		err := r.Render(context.WithoutCancel(ctx), t, run)
		r.mu.Lock()
		st.Running = false
		if err != nil {
			st.Err = err.Error()
		}
		r.mu.Unlock()
	}()
}

// Render renders the run's decisions that have no PDF yet, storing each
// and noting its file on the decision, chunk by chunk with Workers
// goroutines.
func (r *Renderer) Render(ctx context.Context, t db.TenantID, run uuid.UUID) error {
	issuer := ""
	if r.Issuer != nil {
		var err error
		if issuer, err = r.Issuer(ctx, t); err != nil {
			return err
		}
	}
	var ids []uuid.UUID
	err := r.DB.InTenantRead(ctx, t, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model((*Decision)(nil)).Column("id").Where("run_id = ?", run).Where("file_key = ''").OrderExpr("number").Scan(ctx, &ids)
	})
	if err != nil {
		return err
	}
	workers := max(r.Workers, 1)
	chunks := make(chan []uuid.UUID)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				if err := r.renderIDs(ctx, t, issuer, c); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	go func() {
		defer close(chunks)
		for i := 0; i < len(ids); i += renderChunk {
			select {
			case chunks <- ids[i:min(i+renderChunk, len(ids))]:
			case <-ctx.Done():
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	return <-errs
}

func (r *Renderer) renderIDs(ctx context.Context, t db.TenantID, issuer string, ids []uuid.UUID) error {
	var views []DecisionView
	err := r.DB.InTenantRead(ctx, t, func(ctx context.Context, tx bun.Tx) error {
		var ds []Decision
		if err := tx.NewSelect().Model(&ds).Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
			return err
		}
		var err error
		views, err = loadDecisionViews(ctx, tx, ds)
		return err
	})
	if err != nil {
		return err
	}
	// The files store flushes every file to disk: a worker that waited
	// for each would leave its core idle, so the PDFs are stored by a few
	// goroutines while the worker renders the next ones.
	keys := make(map[uuid.UUID]string, len(views))
	var (
		mu       sync.Mutex
		storeErr error
		stores   sync.WaitGroup
	)
	slots := make(chan struct{}, renderStorers)
	for _, v := range views {
		v.Issuer = issuer
		var buf bytes.Buffer
		if err := v.PDF(&buf); err != nil {
			stores.Wait()
			return fmt.Errorf("decision %s: %w", v.Number, err)
		}
		slots <- struct{}{}
		stores.Add(1)
		go func(id uuid.UUID, b []byte) {
			defer func() { <-slots; stores.Done() }()
			blob, err := r.Files.Put(ctx, t, bytes.NewReader(b), files.DefaultMaxBytes)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				storeErr = cmp.Or(storeErr, err)
				return
			}
			keys[id] = blob.SHA256
		}(v.ID, buf.Bytes())
	}
	stores.Wait()
	if storeErr != nil {
		return storeErr
	}
	if len(keys) == 0 {
		return nil
	}
	// The file is noted on the decision: technical bookkeeping, not a
	// change of the decision (its content is fixed by its lines). One
	// statement for the chunk keeps the write transaction short.
	return r.DB.InTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
		ids := make([]uuid.UUID, 0, len(keys))
		for id := range keys {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i].String() < ids[j].String() })
		args := make([]any, 0, 2*len(ids))
		for _, id := range ids {
			args = append(args, id, keys[id])
		}
		_, err := tx.NewUpdate().Model((*Decision)(nil)).
			Set("file_key = CASE id "+strings.Repeat("WHEN ? THEN ? ", len(ids))+"END", args...).
			Where("id IN (?)", bun.In(ids)).Exec(ctx)
		return err
	})
}

// renderStorers is how many PDFs of one worker are being written to the
// files store at a time.
const renderStorers = 4

// DecisionPDF returns the decision's PDF: the stored one, or one made
// now when the background rendering has not reached it.
func (r *Renderer) DecisionPDF(ctx context.Context, t db.TenantID, v DecisionView) ([]byte, error) {
	if v.FileKey != "" && r.Files != nil {
		rc, err := r.Files.Open(ctx, t, v.FileKey)
		if err == nil {
			defer rc.Close()
			return io.ReadAll(rc)
		}
		if !errors.Is(err, files.ErrNotFound) {
			return nil, err
		}
	}
	if r.Issuer != nil {
		var err error
		if v.Issuer, err = r.Issuer(ctx, t); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	err := v.PDF(&buf)
	return buf.Bytes(), err
}

// Runs lists the tenant's assessment runs, newest first.
func Runs(ctx context.Context, tx bun.IDB) ([]AssessmentRun, error) {
	var rs []AssessmentRun
	err := tx.NewSelect().Model(&rs).OrderExpr("started_at DESC").Limit(50).Scan(ctx)
	return rs, err
}
