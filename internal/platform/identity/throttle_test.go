package identity

import (
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

// step is one action in a throttle scenario: at offset "at" from t0, either
// a failure is recorded or Allowed is checked.
type step struct {
	at        time.Duration
	fail      bool
	success   bool
	wantOK    bool          // for checks
	wantRetry time.Duration // for checks
}

func fail(at time.Duration) step { return step{at: at, fail: true} }
func allowed(at time.Duration) step {
	return step{at: at, wantOK: true}
}
func locked(at, retry time.Duration) step { return step{at: at, wantRetry: retry} }

func fails(from time.Duration, n int) []step {
	var s []step
	for i := range n {
		s = append(s, fail(from+time.Duration(i)*time.Second))
	}
	return s
}

func TestThrottleScenarios(t *testing.T) {
	cfg := ThrottleConfig{MaxFailures: 3, Window: 10 * time.Minute, BaseLockout: time.Minute, MaxLockout: 5 * time.Minute}
	tests := []struct {
		name  string
		steps [][]step
	}{
		{"unknown key is allowed", [][]step{{allowed(0)}}},
		{"below the limit", [][]step{fails(0, 2), {allowed(2 * time.Second)}}},
		{"limit reached locks for the base lockout", [][]step{
			fails(0, 3), // last failure at 2 s
			{locked(2*time.Second, time.Minute), locked(32*time.Second, 30*time.Second)},
			{allowed(62 * time.Second)},
		}},
		{"failures outside the window do not count", [][]step{
			fails(0, 2),
			{fail(11 * time.Minute), allowed(11 * time.Minute)},
			{fail(12 * time.Minute), allowed(12 * time.Minute)},
			{fail(13 * time.Minute), locked(13*time.Minute, time.Minute)},
		}},
		{"lockout doubles up to the cap", [][]step{
			fails(0, 3), {locked(2*time.Second, time.Minute)},
			fails(2*time.Minute, 3), {locked(2*time.Minute+2*time.Second, 2*time.Minute)},
			fails(5*time.Minute, 3), {locked(5*time.Minute+2*time.Second, 4*time.Minute)},
			fails(10*time.Minute, 3), {locked(10*time.Minute+2*time.Second, 5*time.Minute)},
			fails(16*time.Minute, 3), {locked(16*time.Minute+2*time.Second, 5*time.Minute)},
		}},
		{"failures while locked do not extend the lock", [][]step{
			fails(0, 3), fails(10*time.Second, 5),
			{locked(10*time.Second, 52*time.Second), allowed(62 * time.Second)},
		}},
		{"success resets the count and the doubling", [][]step{
			fails(0, 3), {{at: 2 * time.Minute, success: true}, allowed(2 * time.Minute)},
			fails(3*time.Minute, 2), {allowed(3*time.Minute + 2*time.Second)},
			{fail(3*time.Minute + 2*time.Second), locked(3*time.Minute+2*time.Second, time.Minute)},
		}},
		{"doubling forgotten after a long quiet period", [][]step{
			fails(0, 3), fails(2*time.Minute, 3), // second lock: 2 min
			fails(time.Hour, 3), {locked(time.Hour+2*time.Second, time.Minute)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := NewThrottle(cfg)
			const key = "acct:kovacs.janos"
			for _, group := range tt.steps {
				for _, s := range group {
					now := t0.Add(s.at)
					switch {
					case s.fail:
						th.Failure(key, now)
					case s.success:
						th.Success(key)
					default:
						ok, retry := th.Allowed(key, now)
						if ok != s.wantOK || retry != s.wantRetry {
							t.Fatalf("at %v: Allowed = %v, %v; want %v, %v", s.at, ok, retry, s.wantOK, s.wantRetry)
						}
					}
				}
			}
			// Other keys are never affected.
			if ok, _ := th.Allowed("acct:someone-else", t0); !ok {
				t.Fatal("unrelated key locked")
			}
		})
	}
}

func TestThrottleFailureReturnsLock(t *testing.T) {
	th := NewThrottle(ThrottleConfig{})
	for i := range 4 {
		if d := th.Failure("k", t0); d != 0 {
			t.Fatalf("failure %d locked for %v", i+1, d)
		}
	}
	if d := th.Failure("k", t0); d != time.Minute {
		t.Fatalf("fifth failure: locked for %v, want the default 1 min", d)
	}
	if d := th.Failure("k", t0.Add(10*time.Second)); d != 50*time.Second {
		t.Fatalf("failure while locked: %v", d)
	}
}

func TestThrottleDefaults(t *testing.T) {
	c := ThrottleConfig{}.withDefaults()
	want := ThrottleConfig{MaxFailures: 5, Window: 15 * time.Minute, BaseLockout: time.Minute, MaxLockout: time.Hour, MaxKeys: 100_000}
	if c != want {
		t.Fatalf("defaults %+v", c)
	}
	// A cap below the base lockout is raised to it.
	if c := (ThrottleConfig{BaseLockout: 2 * time.Hour}).withDefaults(); c.MaxLockout != 2*time.Hour {
		t.Fatalf("MaxLockout %v", c.MaxLockout)
	}
	// The lock duration never overflows, however many locks there were.
	th := NewThrottle(ThrottleConfig{})
	if d := th.lockout(1000); d != time.Hour {
		t.Fatalf("lockout(1000) = %v", d)
	}
}

func TestThrottleBoundedMemory(t *testing.T) {
	t.Run("cap evicts the least recently failed", func(t *testing.T) {
		th := NewThrottle(ThrottleConfig{MaxFailures: 2, MaxKeys: 100})
		// Lock "victim" first; it becomes the oldest entry.
		th.Failure("victim", t0)
		th.Failure("victim", t0)
		for i := range 100 {
			th.Failure(fmt.Sprintf("ip:%d", i), t0.Add(time.Second))
		}
		if n := th.Len(); n != 100 {
			t.Fatalf("Len = %d, want 100", n)
		}
		if ok, _ := th.Allowed("victim", t0.Add(2*time.Second)); !ok {
			t.Fatal("oldest key was not evicted")
		}
		if ok, _ := th.Allowed("ip:0", t0.Add(2*time.Second)); !ok {
			t.Fatal("ip:0 locked after one failure")
		}
		th.Failure("ip:99", t0.Add(2*time.Second))
		if ok, _ := th.Allowed("ip:99", t0.Add(2*time.Second)); ok {
			t.Fatal("recent key lost its count")
		}
	})
	t.Run("quiet keys are forgotten", func(t *testing.T) {
		cfg := ThrottleConfig{Window: 10 * time.Minute, MaxLockout: 20 * time.Minute}
		th := NewThrottle(cfg)
		for i := range 50 {
			th.Failure(fmt.Sprintf("ip:%d", i), t0)
		}
		th.Failure("recent", t0.Add(29*time.Minute))
		if n := th.Len(); n != 51 {
			t.Fatalf("Len = %d before expiry", n)
		}
		th.Failure("new", t0.Add(31*time.Minute))
		if n := th.Len(); n != 2 {
			t.Fatalf("Len = %d after expiry, want 2", n)
		}
	})
	t.Run("locked keys are kept until the lock ends", func(t *testing.T) {
		cfg := ThrottleConfig{MaxFailures: 1, Window: time.Minute, BaseLockout: time.Hour, MaxLockout: time.Hour}
		th := NewThrottle(cfg)
		th.Failure("locked", t0)
		th.Failure("other", t0.Add(59*time.Minute))
		if ok, _ := th.Allowed("locked", t0.Add(59*time.Minute)); ok {
			t.Fatal("lock forgotten early")
		}
		th.Failure("other", t0.Add(61*time.Minute+time.Second))
		if n := th.Len(); n != 1 {
			t.Fatalf("Len = %d; the expired lock should be gone", n)
		}
	})
	t.Run("Allowed adds no keys", func(t *testing.T) {
		th := NewThrottle(ThrottleConfig{})
		for i := range 1000 {
			th.Allowed(fmt.Sprintf("ip:%d", i), t0)
		}
		if th.Len() != 0 {
			t.Fatalf("Len = %d", th.Len())
		}
	})
}

func TestThrottleConcurrent(t *testing.T) {
	th := NewThrottle(ThrottleConfig{MaxFailures: 1000, MaxKeys: 50})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				key := fmt.Sprintf("k%d", (g*31+i)%80)
				now := t0.Add(time.Duration(i) * time.Millisecond)
				th.Allowed(key, now)
				th.Failure(key, now)
				if i%7 == 0 {
					th.Success(key)
				}
			}
		})
	}
	wg.Wait()
	if n := th.Len(); n > 50 {
		t.Fatalf("Len = %d over the cap", n)
	}
	// The map and the list must agree.
	if th.lru.Len() != len(th.entries) {
		t.Fatalf("list %d, map %d", th.lru.Len(), len(th.entries))
	}
}

func TestIPThrottleKey(t *testing.T) {
	tests := []struct {
		addr string
		want string
	}{
		{"192.0.2.10", "ip:192.0.2.10"},
		{"::ffff:192.0.2.10", "ip:192.0.2.10"},
		{"2001:db8:1:2:3:4:5:6", "ip:2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "ip:2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "ip:2001:db8:1:3::/64"},
		{"fe80::1%eth0", "ip:fe80::/64"},
		{"::1", "ip:::/64"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := IPThrottleKey(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Fatalf("IPThrottleKey(%s) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
	if got := IPThrottleKey(netip.Addr{}); got != "ip:invalid" {
		t.Fatalf("zero Addr: %q", got)
	}
}

func BenchmarkThrottleAllowed(b *testing.B) {
	th := NewThrottle(ThrottleConfig{})
	keys := make([]string, 10_000)
	for i := range keys {
		keys[i] = fmt.Sprintf("ip:192.0.%d.%d", i/256, i%256)
		th.Failure(keys[i], t0)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		th.Allowed(keys[i%len(keys)], t0)
		i++
	}
}
