package tax

import (
	"context"
	"fmt"
	"sync"

	"github.com/uptrace/bun"
)

// serialDB runs a transaction's statements one after another on their own
// goroutine, in the order they were given, while the caller goes on
// computing: a transaction runs one statement at a time (PostgreSQL's
// connection cannot interleave a write with a read still being fetched),
// so reads of the next chunk and writes of the last one queue here
// instead of waiting for each other on the caller's goroutine. An
// interest run computes a chunk of accounts while the postings of the
// one before are written.
type serialDB struct {
	jobs     chan func() error
	wg       sync.WaitGroup
	mu       sync.Mutex
	err      error         // the first job's failure: the jobs after it are skipped
	failedCh chan struct{} // closed on that failure
}

func newSerialDB() *serialDB {
	q := &serialDB{jobs: make(chan func() error, 16), failedCh: make(chan struct{})}
	q.wg.Add(1)
	go func() {
		defer q.wg.Done()
		for job := range q.jobs {
			if q.failed() != nil {
				continue
			}
			if err := runJob(job); err != nil {
				q.mu.Lock()
				q.err = err
				q.mu.Unlock()
				close(q.failedCh)
			}
		}
	}()
	return q
}

// runJob runs a job, a panic in it turned into its error: on this
// goroutine no request's recovery would catch it, and the process would
// stop.
func runJob(job func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic in a queued statement: %v", v)
		}
	}()
	return job()
}

func (q *serialDB) failed() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.err
}

// do queues a job.
func (q *serialDB) do(job func() error) { q.jobs <- job }

// wait runs what is queued and stops the goroutine: the first failure.
func (q *serialDB) wait() error {
	close(q.jobs)
	q.wg.Wait()
	return q.err
}

// readConn settles reads of accounts in a read-only transaction on a
// connection of its own, while the run's transaction writes on its
// connection: an interest run's reads no longer wait behind its writes.
// It sees what the run's transaction sees, but for the run's own
// postings, which are for the taxpayers already settled: the run holds
// the tenant's audit lock, which every writer of postings takes first
// (on SQLite the single writer), so nothing else commits postings
// meanwhile.
type readConn struct {
	reqs chan readReq
	done chan error
}

type readReq struct {
	part []Taxpayer
	out  chan settleChunk
}

func openReadConn(ctx context.Context, r Reader) *readConn {
	rc := &readConn{reqs: make(chan readReq, 4), done: make(chan error, 1)}
	go func() {
		err := r.InTenantRead(ctx, tenantOf(ctx), func(ctx context.Context, tx bun.Tx) error {
			for req := range rc.reqs {
				req.out <- settleRead(ctx, tx, req.part)
			}
			return nil
		})
		// A transaction that could not start answers every request
		// with its failure.
		for req := range rc.reqs {
			req.out <- settleChunk{err: fmt.Errorf("read transaction: %w", err)}
		}
		rc.done <- err
	}()
	return rc
}

// read asks for a chunk; the answer comes on the channel.
func (rc *readConn) read(part []Taxpayer) chan settleChunk {
	c := make(chan settleChunk, 1)
	rc.reqs <- readReq{part, c}
	return c
}

// close ends the read transaction.
func (rc *readConn) close() error {
	close(rc.reqs)
	return <-rc.done
}
