package records

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// manyChunk bounds how many documents go into one INSERT: SQLite allows
// 32,766 bound values in a statement, and a document has about fifteen.
const manyChunk = 1000

// RegisterMany registers documents that each open a new case (no
// predecessor, no arrival) inside the caller's transaction, in the order
// given: a mass run such as the tax assessment's decisions. Every
// registration is checked before anything is written; a refusal returns
// the *Problem and writes nothing.
func (s *Service) RegisterMany(ctx context.Context, tx bun.Tx, regs []Registration) ([]Document, error) {
	books := map[string]*Book{}
	reqs := make([]*batchRequest, len(regs))
	plans := make(map[*batchRequest]plan, len(regs))
	var last time.Time
	for i, r := range regs {
		if r.Predecessor != "" || r.Arrival != "" {
			return nil, fmt.Errorf("register many: registration %d continues a case; use Register", i)
		}
		p, err := s.prepare(ctx, tx, r, books)
		if err != nil {
			return nil, err
		}
		reqs[i] = &batchRequest{ctx: ctx, reg: r}
		plans[reqs[i]] = p
		last = p.now
	}
	var evs []audit.Event
	for start := 0; start < len(reqs); start += manyChunk {
		end := min(start+manyChunk, len(reqs))
		written, err := s.writeFresh(ctx, tx, reqs[start:end], plans)
		if err != nil {
			return nil, err
		}
		evs = append(evs, written...)
	}
	t, _ := db.TenantFrom(ctx)
	if _, err := audit.AppendMany(ctx, tx, t, evs, last); err != nil {
		return nil, err
	}
	docs := make([]Document, len(reqs))
	for i, r := range reqs {
		docs[i] = r.doc
	}
	return docs, nil
}
