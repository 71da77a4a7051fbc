package records

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Batcher registers documents that are not part of another transaction
// (the web form, the API) and lets registrations that arrive together
// share one transaction and one disk flush.
//
// Gapless numbers mean that registrations into one book follow one
// another: each holds the book's counter (and the tenant's audit head)
// until its commit is on disk. One at a time, that is one flush per
// registration. The batcher keeps one worker per tenant that takes every
// registration waiting at the moment, checks each (a refused one writes
// nothing and takes no number), writes the rest and their audit entries,
// commits once, and only then answers each caller: nothing is
// acknowledged before it is durable.
type Batcher struct {
	DB  *db.DB
	Svc *Service
	// Max is the largest batch; 0 means 64.
	Max int

	mu     sync.Mutex
	queues map[db.TenantID]*tenantQueue
}

type tenantQueue struct {
	pending []*batchRequest
	running bool
}

type batchRequest struct {
	ctx  context.Context
	reg  Registration
	doc  Document
	err  error
	done chan struct{}
}

// Register registers r for tenant and returns the document once it is
// committed.
func (b *Batcher) Register(ctx context.Context, tenant db.TenantID, r Registration) (Document, error) {
	if !tenant.Valid() {
		return Document{}, fmt.Errorf("register: invalid tenant %q", tenant)
	}
	req := &batchRequest{ctx: ctx, reg: r, done: make(chan struct{})}
	b.mu.Lock()
	if b.queues == nil {
		b.queues = map[db.TenantID]*tenantQueue{}
	}
	q := b.queues[tenant]
	if q == nil {
		q = &tenantQueue{}
		b.queues[tenant] = q
	}
	q.pending = append(q.pending, req)
	if !q.running {
		q.running = true
		go b.work(tenant, q)
	}
	b.mu.Unlock()
	// The caller waits for the commit even if it gives up: the outcome
	// must be known before it can be reported (or retried) honestly.
	<-req.done
	return req.doc, req.err
}

func (b *Batcher) work(tenant db.TenantID, q *tenantQueue) {
	max := b.Max
	if max <= 0 {
		max = 64
	}
	for {
		b.mu.Lock()
		n := min(len(q.pending), max)
		if n == 0 {
			q.running = false
			delete(b.queues, tenant)
			b.mu.Unlock()
			return
		}
		batch := q.pending[:n:n]
		q.pending = q.pending[n:]
		b.mu.Unlock()
		b.run(tenant, batch)
	}
}

// run registers a batch in one transaction. Each registration is checked
// first (a refusal writes nothing and is answered at once). New cases
// without a predecessor, the common kind, are written together: their
// main numbers taken at once, their cases and documents inserted in one
// statement each. A registration with a predecessor is written on its own,
// after the ones before it (it may continue one of them). The audit
// entries go in together at the end. If anything fails after the checks,
// the whole batch rolls back and no one is told a number.
func (b *Batcher) run(tenant db.TenantID, batch []*batchRequest) {
	err := b.DB.InTenant(context.Background(), tenant, func(txCtx context.Context, tx bun.Tx) error {
		books := map[string]*Book{}
		var evs []audit.Event
		var last time.Time
		var fresh []*batchRequest
		plans := map[*batchRequest]plan{}
		flush := func() error {
			if len(fresh) == 0 {
				return nil
			}
			written, err := b.Svc.writeFresh(txCtx, tx, fresh, plans)
			if err != nil {
				return err
			}
			evs = append(evs, written...)
			fresh = fresh[:0]
			return nil
		}
		for _, req := range batch {
			// Each registration keeps its caller's actor and request id
			// for the audit entry, without its cancellation: a caller who
			// hangs up must not break the batch half-way.
			ctx := db.WithTenant(context.WithoutCancel(req.ctx), tenant)
			if req.reg.Predecessor != "" || req.reg.Arrival != "" {
				if err := flush(); err != nil {
					return err
				}
			}
			p, err := b.Svc.prepare(ctx, tx, req.reg, books)
			var prob *Problem
			if errors.As(err, &prob) {
				req.err = prob
				continue
			}
			if err != nil {
				return err
			}
			last = p.now
			if p.same == nil && p.preceding == nil && p.arrival == nil {
				plans[req] = p
				fresh = append(fresh, req)
				continue
			}
			d, ev, err := b.Svc.write(ctx, tx, p)
			if err != nil {
				return err
			}
			req.doc = d
			evs = append(evs, audit.Resolve(ctx, ev))
		}
		if err := flush(); err != nil {
			return err
		}
		_, err := audit.AppendMany(txCtx, tx, tenant, evs, last)
		return err
	})
	for _, req := range batch {
		if err != nil && (req.err == nil || !isProblem(req.err)) {
			// Nothing of the batch was committed.
			req.doc, req.err = Document{}, fmt.Errorf("register: %w", err)
		}
		close(req.done)
	}
}

func isProblem(err error) bool {
	var p *Problem
	return errors.As(err, &p)
}
