package identity

import (
	"container/list"
	"net/netip"
	"sync"
	"time"
)

// Throttle is the fast, in-memory layer of login throttling. It counts
// failed attempts per key (the login handler uses "acct:<username>" and
// IPThrottleKey's "ip:<address>") in a sliding window; after MaxFailures
// failures within Window the key is locked for BaseLockout, and each
// further lock of the same key doubles that, up to MaxLockout.
//
// It is deliberately separate from the persistent per-account lock
// (locked_until in the users table, added with the user store): this layer
// survives no restart and is per process, but costs nothing per request and
// also throttles per-address password sprays across many accounts, which
// a per-account lock alone cannot see.
//
// Memory is bounded: a key is forgotten once it has been quiet for
// Window+MaxLockout and is not locked, and at most MaxKeys keys are kept,
// the least recently failed being dropped first. An attacker who can
// create MaxKeys fresh keys (many addresses, made-up usernames) can thus
// push a locked key out; the persistent account lock is what covers that.
//
// Many users may share one public address (a municipal office behind NAT),
// so an address key deserves a higher MaxFailures than an account key; use
// two Throttles with different configurations for that.
//
// A Throttle is safe for concurrent use. Times come from the caller, so
// tests can use a fake clock.
type Throttle struct {
	cfg ThrottleConfig

	mu      sync.Mutex
	entries map[string]*list.Element // values are *throttleEntry
	lru     *list.List               // front: most recent failure
}

// ThrottleConfig configures a Throttle. Zero fields mean the defaults
// shown.
type ThrottleConfig struct {
	MaxFailures int           // failures within Window that lock the key; 5
	Window      time.Duration // sliding window for counting failures; 15 min
	BaseLockout time.Duration // first lock; 1 min
	MaxLockout  time.Duration // cap for the doubling lock; 1 h
	MaxKeys     int           // keys remembered at most; 100 000
}

func (c ThrottleConfig) withDefaults() ThrottleConfig {
	if c.MaxFailures <= 0 {
		c.MaxFailures = 5
	}
	if c.Window <= 0 {
		c.Window = 15 * time.Minute
	}
	if c.BaseLockout <= 0 {
		c.BaseLockout = time.Minute
	}
	if c.MaxLockout <= 0 {
		c.MaxLockout = time.Hour
	}
	c.MaxLockout = max(c.MaxLockout, c.BaseLockout)
	if c.MaxKeys <= 0 {
		c.MaxKeys = 100_000
	}
	return c
}

type throttleEntry struct {
	key         string
	failures    []time.Time // within the window, oldest first; fewer than MaxFailures
	lastFailure time.Time
	lockedUntil time.Time
	locks       int // locks so far; the next one lasts BaseLockout * 2^locks
}

// NewThrottle returns an empty Throttle.
func NewThrottle(cfg ThrottleConfig) *Throttle {
	return &Throttle{
		cfg:     cfg.withDefaults(),
		entries: make(map[string]*list.Element),
		lru:     list.New(),
	}
}

// Allowed reports whether an attempt for key may proceed at now; if not,
// retryAfter is how long the key stays locked (for a Retry-After header).
// It never adds a key, so checking does not consume memory.
func (t *Throttle) Allowed(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	el := t.entries[key]
	if el == nil {
		return true, 0
	}
	e := el.Value.(*throttleEntry)
	if now.Before(e.lockedUntil) {
		return false, e.lockedUntil.Sub(now)
	}
	return true, 0
}

// Failure records a failed attempt for key at now. It returns how long the
// key is now locked, or 0 if it is not; a non-zero result right after a
// zero one means this failure caused a lock, which is worth logging.
func (t *Throttle) Failure(key string, now time.Time) (lockedFor time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.forgetExpired(now)

	var e *throttleEntry
	if el := t.entries[key]; el != nil {
		e = el.Value.(*throttleEntry)
		t.lru.MoveToFront(el)
	} else {
		for len(t.entries) >= t.cfg.MaxKeys {
			t.remove(t.lru.Back())
		}
		e = &throttleEntry{key: key}
		t.entries[key] = t.lru.PushFront(e)
	}
	e.lastFailure = now

	if now.Before(e.lockedUntil) {
		// The caller should have asked Allowed first; an attempt made
		// while locked does not count again.
		return e.lockedUntil.Sub(now)
	}

	// Drop failures that have left the window, then count this one.
	cutoff := now.Add(-t.cfg.Window)
	kept := e.failures[:0]
	for _, f := range e.failures {
		if f.After(cutoff) {
			kept = append(kept, f)
		}
	}
	e.failures = append(kept, now)

	if len(e.failures) < t.cfg.MaxFailures {
		return 0
	}
	d := t.lockout(e.locks)
	e.locks++
	e.lockedUntil = now.Add(d)
	e.failures = e.failures[:0]
	return d
}

// Success forgets key: its failures and its lock history. Call it for the
// account key after a successful login. Think twice before calling it for
// the address key: one account the attacker controls would then reset
// their address's count in the middle of a spray.
func (t *Throttle) Success(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if el := t.entries[key]; el != nil {
		t.remove(el)
	}
}

// Len returns the number of keys remembered, for metrics and tests.
func (t *Throttle) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}

// lockout is BaseLockout doubled once per earlier lock, capped.
func (t *Throttle) lockout(earlierLocks int) time.Duration {
	d := t.cfg.BaseLockout
	for range earlierLocks {
		d *= 2
		if d >= t.cfg.MaxLockout {
			return t.cfg.MaxLockout
		}
	}
	return d
}

// forgetExpired drops keys, oldest first, that have had no failure for
// Window+MaxLockout and are not locked. A lock never outlasts its last
// failure by more than MaxLockout, so by then the key has nothing left to
// remember. The list is ordered by last failure, so the scan stops at the
// first key still worth keeping (callers' clocks may disagree slightly;
// that only delays forgetting).
func (t *Throttle) forgetExpired(now time.Time) {
	keep := t.cfg.Window + t.cfg.MaxLockout
	for el := t.lru.Back(); el != nil; el = t.lru.Back() {
		e := el.Value.(*throttleEntry)
		if now.Sub(e.lastFailure) <= keep || now.Before(e.lockedUntil) {
			return
		}
		t.remove(el)
	}
}

func (t *Throttle) remove(el *list.Element) {
	e := t.lru.Remove(el).(*throttleEntry)
	delete(t.entries, e.key)
}

// IPThrottleKey returns the throttle key for a client address: "ip:" and
// the IPv4 address, or the IPv6 /64 prefix. A single IPv6 host usually
// controls a whole /64, so keying on the full address would let it rotate
// through 2^64 keys. IPv4-mapped IPv6 addresses count as IPv4, and zones
// are ignored.
func IPThrottleKey(addr netip.Addr) string {
	addr = addr.Unmap().WithZone("")
	switch {
	case addr.Is4():
		return "ip:" + addr.String()
	case addr.Is6():
		p, _ := addr.Prefix(64)
		return "ip:" + p.String()
	default:
		return "ip:invalid"
	}
}
