package tax

import (
	"fmt"
	"sync"
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
