package tax

import (
	"errors"
	"testing"
)

// Queued jobs run in order; after a failure the rest are skipped, and a
// caller waiting for a skipped read gets the failure instead of hanging.
func TestSerialDB(t *testing.T) {
	q := newSerialDB()
	var order []int
	for i := 0; i < 5; i++ {
		q.do(func() error { order = append(order, i); return nil })
	}
	if err := q.wait(); err != nil || len(order) != 5 || order[0] != 0 || order[4] != 4 {
		t.Fatalf("order %v, err %v", order, err)
	}

	q = newSerialDB()
	bad := errors.New("insert failed")
	ran := false
	q.do(func() error { return bad })
	c := make(chan settleChunk, 1)
	q.do(func() error { ran = true; c <- settleChunk{}; return nil })
	if _, err := awaitChunk(q, c); !errors.Is(err, bad) {
		t.Errorf("awaiting a skipped read: %v", err)
	}
	if err := q.wait(); !errors.Is(err, bad) || ran {
		t.Errorf("wait: %v, the job after the failure ran: %v", err, ran)
	}

	// A panic in a job is its error, not the end of the process.
	q = newSerialDB()
	q.do(func() error { var m map[string]int; m["x"]++; return nil })
	if err := q.wait(); err == nil {
		t.Error("a panicking job reported no error")
	}
}
