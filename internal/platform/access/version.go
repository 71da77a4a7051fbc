package access

import "sync/atomic"

// version counts changes to users and grants made by this process. The
// authenticator caches a user's principal data for a moment; any change
// here invalidates every cached entry at once, so within one process a
// revoked grant or a disabled account takes effect on the next request.
// Other processes (a second instance) see it within PrincipalCacheTTL.
var version atomic.Uint64

// Changed records that users or grants changed.
func Changed() { version.Add(1) }

// Version returns the current change count.
func Version() uint64 { return version.Load() }
