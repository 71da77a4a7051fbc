package tax

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Mass operations (an interest run over a whole municipality, a statement
// of tens of thousands of entries) read and write in batches: one query
// per chunk of taxpayers instead of one per taxpayer, and postings written
// many to a statement, each still with its own tax.post audit event as
// Post writes it (docs/performance.md).

// batchSize is how many rows go in one statement: well under SQLite's
// limit of bound variables.
const batchSize = 500

// postingBatch collects the postings of a mass operation.
type postingBatch struct {
	s      *Service
	by     string
	now    time.Time
	ps     []Posting
	taxIDs []string
	last   uuid.UUID // the last posting written
	// runAudited: the operation writes one audit entry of its own that
	// names its postings (an interest run: its run record holds the range
	// of posting ids), so the postings get none each, as the mass
	// assessment's do not.
	runAudited bool
	// queue, when set, writes the postings on its goroutine (serialDB):
	// only for a run-audited batch, whose flush has nothing else to do.
	queue *serialDB
}

func (s *Service) newBatch(by string) *postingBatch {
	return &postingBatch{s: s, by: by, now: s.now().UTC()}
}

// add checks a posting as Post does and queues it; the taxpayer is known
// to exist (the caller read it).
func (b *postingBatch) add(ctx context.Context, tx bun.Tx, in PostingInput, taxID string) (Posting, error) {
	in, err := b.s.checkPosting(in)
	if err != nil {
		return Posting{}, err
	}
	p := newPosting(in, b.by, b.now)
	b.ps, b.taxIDs = append(b.ps, p), append(b.taxIDs, taxID)
	if len(b.ps) >= batchSize {
		return p, b.flush(ctx, tx)
	}
	return p, nil
}

func (b *postingBatch) flush(ctx context.Context, tx bun.Tx) error {
	if len(b.ps) == 0 {
		return nil
	}
	if b.queue != nil && b.runAudited {
		ps := b.ps
		write, err := prepareInsertPostings(ctx, tx, ps)
		if err != nil {
			return err
		}
		b.queue.do(write)
		b.last = ps[len(ps)-1].ID
		b.ps, b.taxIDs = make([]Posting, 0, batchSize), b.taxIDs[:0]
		return b.queue.failed()
	}
	if err := InsertPostings(ctx, tx, b.ps); err != nil {
		return err
	}
	if b.runAudited {
		b.last = b.ps[len(b.ps)-1].ID
		b.ps, b.taxIDs = b.ps[:0], b.taxIDs[:0]
		return nil
	}
	evs := make([]audit.Event, len(b.ps))
	for i, p := range b.ps {
		evs[i] = audit.Event{Action: "tax.post", ObjectType: "posting", ObjectID: p.ID.String(), Result: audit.ResultOK, Detail: postingDetail(p, b.taxIDs[i], b.by)}
	}
	t, _ := db.TenantFrom(ctx)
	if _, err := audit.AppendMany(ctx, tx, t, evs, b.now); err != nil {
		return err
	}
	b.last = b.ps[len(b.ps)-1].ID
	b.ps, b.taxIDs = b.ps[:0], b.taxIDs[:0]
	return nil
}

// settleColumns are the columns computeAccount reads, in the order
// settleRead scans them.
var settleColumns = []string{"id", "taxpayer_id", "tax_type", "side", "amount", "on_date", "tax_year", "kind", "reference", "reverses"}

// eachTaxpayer settles all accounts of every taxpayer of the tenant on on
// and hands them to fn, taxpayer by taxpayer (accounts in tax type order,
// as Accounts gives them), reading the postings of a chunk of taxpayers
// per query and never the whole ledger at once.
// only, when not nil, limits it to those taxpayers.
func eachTaxpayer(ctx context.Context, tx bun.IDB, on hu.Date, withInterest bool, only map[uuid.UUID]bool, fn func(tp Taxpayer, accounts []Account) error) error {
	q := newSerialDB()
	err := eachTaxpayerVia(ctx, tx, q, nil, on, withInterest, only, fn)
	if werr := q.wait(); err == nil {
		err = werr
	}
	return err
}

// eachTaxpayerVia is eachTaxpayer with its reads queued on q, where fn
// may queue its writes: the next chunk is read, and what fn wrote is
// written, while this chunk is settled. fn must not use tx itself: a
// read may be running on it. With rc, the reads go there instead, beside
// the writes.
func eachTaxpayerVia(ctx context.Context, tx bun.IDB, q *serialDB, rc *readConn, on hu.Date, withInterest bool, only map[uuid.UUID]bool, fn func(tp Taxpayer, accounts []Account) error) error {
	var tps []Taxpayer
	if err := tx.NewSelect().Model(&tps).Column("id", "tax_id").OrderExpr("id").Scan(ctx); err != nil {
		return fmt.Errorf("taxpayers: %w", err)
	}
	if only != nil {
		kept := tps[:0]
		for _, tp := range tps {
			if only[tp.ID] {
				kept = append(kept, tp)
			}
		}
		tps = kept
	}
	// 250 taxpayers a read: for a thousand PostgreSQL's planner expects
	// so many rows that it scans the whole ledger instead of the account
	// index (235 ms against 8 ms for a quarter of the taxpayers, measured
	// on the 3.3-million-posting ledger of docs/performance.md).
	const chunk = 250
	var parts [][]Taxpayer
	for len(tps) > 0 {
		parts = append(parts, tps[:min(chunk, len(tps))])
		tps = tps[len(parts[len(parts)-1]):]
	}
	if len(parts) == 0 {
		return nil
	}
	// The next chunk is read on q's goroutine (the other core) while
	// this one is settled; what fn queues on q is written after that
	// read, while the chunk after is settled.
	read := func(part []Taxpayer) chan settleChunk {
		if rc != nil {
			return rc.read(part)
		}
		c := make(chan settleChunk, 1)
		q.do(func() error {
			r := settleRead(ctx, tx, part)
			c <- r
			return r.err
		})
		return c
	}
	pending := read(parts[0])
	for k := range parts {
		cur, err := awaitChunk(q, pending)
		if err != nil {
			return err
		}
		var next chan settleChunk
		if k+1 < len(parts) {
			next = read(parts[k+1])
		}
		accounts, err := settleCompute(cur, on, withInterest)
		if err != nil {
			return err
		}
		for i, tp := range cur.part {
			if err := fn(tp, accounts[i]); err != nil {
				return err
			}
		}
		pending = next
	}
	return nil
}

// awaitChunk waits for a queued read, or for a job before it to fail
// (then the read is skipped and never answers).
func awaitChunk(q *serialDB, c chan settleChunk) (settleChunk, error) {
	select {
	case r := <-c:
		return r, r.err
	case <-q.failedCh:
		select {
		case r := <-c:
			return r, r.err
		default:
			return settleChunk{}, q.failed()
		}
	}
}

// settleChunk is the postings of a chunk of taxpayers, by taxpayer.
type settleChunk struct {
	part []Taxpayer
	byID map[uuid.UUID][]Posting
	err  error
}

// settleRead reads the postings of part for settling.
func settleRead(ctx context.Context, tx bun.IDB, part []Taxpayer) settleChunk {
	ids := make([]uuid.UUID, len(part))
	for i, tp := range part {
		ids[i] = tp.ID
	}
	// Only what settling needs: the note, who posted and when are for
	// the page (and parsing a timestamp per row is most of the cost of
	// reading a ledger on SQLite). The order is the index's, made exact
	// below.
	// Room for a ten-year ledger of two taxes up front, and the rows
	// scanned by hand: bun's scanning by reflection was a third of a
	// first interest run's reading.
	ps := make([]Posting, 0, 64*len(part))
	rows, err := tx.QueryContext(ctx, "SELECT "+strings.Join(settleColumns, ", ")+
		" FROM tax_postings WHERE tenant_id = ? AND taxpayer_id IN (?) ORDER BY taxpayer_id, tax_type, on_date", string(tenantOf(ctx)), bun.In(ids))
	if err != nil {
		return settleChunk{err: fmt.Errorf("postings: %w", err)}
	}
	defer rows.Close()
	for rows.Next() {
		var p Posting
		var reverses uuid.NullUUID
		if err := rows.Scan(&p.ID, &p.TaxpayerID, &p.TaxType, &p.Side, &p.Amount, &p.On, &p.TaxYear, &p.Kind, &p.Reference, &reverses); err != nil {
			return settleChunk{err: fmt.Errorf("postings: %w", err)}
		}
		if reverses.Valid {
			p.Reverses = &reverses.UUID
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return settleChunk{err: fmt.Errorf("postings: %w", err)}
	}
	// Postings of one account and day in the order they were posted:
	// UUIDv7 identifiers grow with the time of posting.
	for i := 0; i < len(ps); {
		j := i + 1
		for j < len(ps) && ps[j].TaxpayerID == ps[i].TaxpayerID && ps[j].TaxType == ps[i].TaxType && ps[j].On == ps[i].On {
			j++
		}
		if j-i > 1 {
			run := ps[i:j]
			sort.Slice(run, func(x, y int) bool { return bytes.Compare(run[x].ID[:], run[y].ID[:]) < 0 })
		}
		i = j
	}
	byID := make(map[uuid.UUID][]Posting, len(part))
	for i := 0; i < len(ps); {
		j := i + 1
		for j < len(ps) && ps[j].TaxpayerID == ps[i].TaxpayerID {
			j++
		}
		byID[ps[i].TaxpayerID] = ps[i:j:j]
		i = j
	}
	return settleChunk{part: part, byID: byID}
}

// settleCompute settles the accounts of each taxpayer of a chunk.
func settleCompute(c settleChunk, on hu.Date, withInterest bool) ([][]Account, error) {
	out := make([][]Account, len(c.part))
	for k, tp := range c.part {
		own := c.byID[tp.ID]
		for i := 0; i < len(own); {
			j := i + 1
			for j < len(own) && own[j].TaxType == own[i].TaxType {
				j++
			}
			a, err := computeAccountWith(own[i].TaxType, own[i:j:j], on, withInterest)
			if err != nil {
				return nil, err
			}
			out[k] = append(out[k], a)
			i = j
		}
	}
	return out, nil
}
