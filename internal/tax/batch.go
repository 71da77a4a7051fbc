package tax

import (
	"bytes"
	"context"
	"fmt"
	"sort"
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

// settleColumns are the columns computeAccount reads.
var settleColumns = []string{"id", "taxpayer_id", "tax_type", "side", "amount", "on_date", "tax_year", "kind", "reference", "reverses"}

// eachTaxpayer settles all accounts of every taxpayer of the tenant on on
// and hands them to fn, taxpayer by taxpayer (accounts in tax type order,
// as Accounts gives them), reading the postings of a chunk of taxpayers
// per query and never the whole ledger at once.
// only, when not nil, limits it to those taxpayers.
func eachTaxpayer(ctx context.Context, tx bun.IDB, on hu.Date, withInterest bool, only map[uuid.UUID]bool, fn func(tp Taxpayer, accounts []Account) error) error {
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
	const chunk = 1000
	var parts [][]Taxpayer
	for len(tps) > 0 {
		parts = append(parts, tps[:min(chunk, len(tps))])
		tps = tps[len(parts[len(parts)-1]):]
	}
	if len(parts) == 0 {
		return nil
	}
	// The next chunk is read while this one is settled (on the other
	// core); fn, which may write, runs only once that read is done: one
	// statement at a time on the transaction.
	cur := settleRead(ctx, tx, parts[0])
	for k := range parts {
		if cur.err != nil {
			return cur.err
		}
		var next chan settleChunk
		if k+1 < len(parts) {
			next = make(chan settleChunk, 1)
			go func(part []Taxpayer) { next <- settleRead(ctx, tx, part) }(parts[k+1])
		}
		accounts, err := settleCompute(cur, on, withInterest)
		var following settleChunk
		if next != nil {
			following = <-next
		}
		if err != nil {
			return err
		}
		for i, tp := range cur.part {
			if err := fn(tp, accounts[i]); err != nil {
				return err
			}
		}
		cur = following
	}
	return nil
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
	// Room for a ten-year ledger of two taxes up front: grown row by row,
	// the slice of wide structs was copied over and over.
	ps := make([]Posting, 0, 64*len(part))
	if err := tx.NewSelect().Model(&ps).Column(settleColumns...).Where("taxpayer_id IN (?)", bun.In(ids)).
		OrderExpr("taxpayer_id, tax_type, on_date").Scan(ctx); err != nil {
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
