// Package audit keeps the service's audit log: one append-only chain of
// entries per tenant, and one for the operating centre (db.OperatingCentre),
// each entry chained to the one before it by SHA-256, so that changing,
// removing or reordering entries afterwards can be detected (Verify).
//
// Writing: Append adds an entry inside the caller's tenant transaction, so
// the entry commits or rolls back together with the data change it records.
// Log.Record adds an entry in a transaction of its own, for events that
// change no data (logins, failed logins, denied access): those must be
// logged even when the request itself fails.
//
// The database backs the chain up: on both engines triggers refuse UPDATE
// and DELETE on audit_log, and on PostgreSQL row-level security keeps each
// tenant's chain to its own transactions. The hash chain is what still
// holds against someone who gets round those (the table owner, a restored
// backup, a file edited on disk).
//
// # Actions
//
// Action names are "area.verb": the area that acted or was acted on, a dot,
// and what happened, lowercase ASCII with underscores inside words, e.g.
// "user.login", "user.login_failed", "grant.create", "tenant.switch",
// "audit.verify". A further dotted part is allowed where one area has
// sub-areas ("records.document.delete"). The first part is what the audit
// page filters on (Filter.Action is a prefix), so keep areas stable.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// Result says how the audited action ended.
type Result string

const (
	ResultOK     Result = "ok"     // it happened
	ResultDenied Result = "denied" // refused for lack of permission
	ResultFailed Result = "failed" // attempted but failed (e.g. a wrong password)
)

func (r Result) valid() bool {
	return r == ResultOK || r == ResultDenied || r == ResultFailed
}

// GenesisHash is the prev_hash of the first entry of every chain.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// HashVersion is the first field of the hashed bytes. A future change of
// the hash definition gets a new tag, so old and new entries can never be
// confused.
const HashVersion = "asp-audit-v1"

// atLayout is RFC 3339 with exactly six fractional digits, in UTC ("Z").
// A fixed width (unlike time.RFC3339Nano, which drops trailing zeros) keeps
// one instant one string.
const atLayout = "2006-01-02T15:04:05.000000Z07:00"

// Entry is one row of audit_log. It deliberately does not embed
// db.TenantScoped: the chain code sets tenant_id itself and writes it
// explicitly into every query, so it also works for the centre chain and
// never depends on model hooks.
type Entry struct {
	bun.BaseModel `bun:"table:audit_log,alias:al"`

	TenantID db.TenantID `bun:"tenant_id,pk"`
	Seq      int64       `bun:"seq,pk"` // 1, 2, 3… within the tenant's chain
	// At is when the event happened: UTC, truncated to microseconds, which
	// both engines store exactly, so the hash can be recomputed from what
	// was read back.
	At         time.Time `bun:"at,notnull"`
	ActorID    string    `bun:"actor_id,notnull"`
	ActorName  string    `bun:"actor_name,notnull"`
	Action     string    `bun:"action,notnull"` // "area.verb", see the package comment
	ObjectType string    `bun:"object_type,notnull"`
	ObjectID   string    `bun:"object_id,notnull"`
	RemoteAddr string    `bun:"remote_addr,notnull"`
	RequestID  string    `bun:"request_id,notnull"`
	Result     Result    `bun:"result,notnull"`
	// Detail is a JSON object as encoding/json writes a map[string]any
	// (keys sorted), or "" when the event had no detail.
	Detail   string `bun:"detail,notnull"`
	PrevHash string `bun:"prev_hash,notnull"` // Hash of the previous entry, GenesisHash for the first
	Hash     string `bun:"hash,notnull"`      // ComputeHash(), lowercase hex
}

// Event is what callers record: an Entry without the parts the chain adds.
type Event struct {
	// Actor fields: when ActorID and ActorName are both empty they are taken
	// from the Actor in the context; so are RemoteAddr and RequestID, each
	// when empty. Set them explicitly where the context does not know the
	// actor, e.g. the user name typed into a failed login.
	ActorID    string
	ActorName  string
	RemoteAddr string
	RequestID  string

	Action     string // required, "area.verb"
	ObjectType string // e.g. "user", "grant", "tenant"
	ObjectID   string
	Result     Result // required
	// Detail holds whatever else is worth keeping (old and new values, a
	// reason). It must encode to JSON; it is stored canonically, keys sorted.
	Detail map[string]any
}

// Actor is who is acting in a request. The web layer puts it into the
// request's context once it knows the session; Append reads it from there.
type Actor struct {
	ID         string
	Name       string
	RemoteAddr string
	RequestID  string
}

type actorKey struct{}

// WithActor returns a context carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the Actor in ctx, if there is one.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// ComputeHash returns the hash an entry must carry:
//
//	Hash = lowercase hex of SHA-256(canonical bytes)
//
// The canonical bytes are 14 fields, each written as its length in bytes
// (an unsigned 64-bit big-endian integer) followed by its UTF-8 bytes:
//
//  1. "asp-audit-v1" (HashVersion)
//  2. tenant_id
//  3. seq, in decimal without leading zeros ("1", "2", …)
//  4. at, UTC, RFC 3339 with exactly six fractional digits and "Z":
//     "2025-03-01T09:30:00.250000Z"
//  5. actor_id
//  6. actor_name
//  7. action
//  8. object_type
//  9. object_id
//  10. remote_addr
//  11. request_id
//  12. result
//  13. detail, the stored string as it is (not re-encoded)
//  14. prev_hash, 64 lowercase hex digits (GenesisHash for seq 1)
//
// The length prefixes make the encoding unambiguous: no text can move from
// one field into its neighbour and leave the bytes the same. seq and
// tenant_id are inside the hash, so an entry cannot be moved to another
// position or another chain; prev_hash ties each entry to the one before.
func (e Entry) ComputeHash() string {
	sum := sha256.Sum256(e.canonicalBytes())
	return hex.EncodeToString(sum[:])
}

func (e Entry) canonicalBytes() []byte {
	fields := [...]string{
		HashVersion,
		string(e.TenantID),
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Format(atLayout),
		e.ActorID,
		e.ActorName,
		e.Action,
		e.ObjectType,
		e.ObjectID,
		e.RemoteAddr,
		e.RequestID,
		string(e.Result),
		e.Detail,
		e.PrevHash,
	}
	n := 0
	for _, f := range fields {
		n += 8 + len(f)
	}
	b := make([]byte, 0, n)
	for _, f := range fields {
		b = binary.BigEndian.AppendUint64(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// DetailMap decodes Detail; it returns nil for an entry without detail.
func (e Entry) DetailMap() (map[string]any, error) {
	if e.Detail == "" {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(e.Detail), &m); err != nil {
		return nil, fmt.Errorf("audit entry %s/%d: detail: %w", e.TenantID, e.Seq, err)
	}
	return m, nil
}

var actionPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

// Limits on what one entry stores. Several fields come straight from the
// request (the user name typed at a failed login, the request id header),
// so an attacker must neither bloat the log nor make the insert fail and
// so escape being logged.
const (
	maxFieldBytes  = 1024
	maxDetailBytes = 64 << 10
)

// Resolve fills the event's empty actor fields from the Actor in ctx, as
// Append does. Code that appends later, in another context (a batch),
// resolves each event in its own request's context first.
func Resolve(ctx context.Context, ev Event) Event {
	if a, ok := ActorFrom(ctx); ok {
		// ID and name belong together: never pair the event's ID with the
		// context's name or the other way round.
		if ev.ActorID == "" && ev.ActorName == "" {
			ev.ActorID, ev.ActorName = a.ID, a.Name
		}
		if ev.RemoteAddr == "" {
			ev.RemoteAddr = a.RemoteAddr
		}
		if ev.RequestID == "" {
			ev.RequestID = a.RequestID
		}
	}
	return ev
}

// newEntry builds the entry for ev without its chain position (Seq,
// PrevHash, Hash).
func newEntry(ctx context.Context, tenant db.TenantID, ev Event, now time.Time) (Entry, error) {
	if !actionPattern.MatchString(ev.Action) {
		return Entry{}, fmt.Errorf("audit: action %q is not of the form area.verb", ev.Action)
	}
	if !ev.Result.valid() {
		return Entry{}, fmt.Errorf("audit: %s: result %q is not ok, denied or failed", ev.Action, ev.Result)
	}
	ev = Resolve(ctx, ev)
	detail, err := encodeDetail(ev.Detail)
	if err != nil {
		return Entry{}, fmt.Errorf("audit: %s: %w", ev.Action, err)
	}
	if now.IsZero() {
		now = time.Now()
	}
	return Entry{
		TenantID:   tenant,
		At:         now.UTC().Truncate(time.Microsecond),
		ActorID:    cleanField(ev.ActorID),
		ActorName:  cleanField(ev.ActorName),
		Action:     ev.Action,
		ObjectType: cleanField(ev.ObjectType),
		ObjectID:   cleanField(ev.ObjectID),
		RemoteAddr: cleanField(ev.RemoteAddr),
		RequestID:  cleanField(ev.RequestID),
		Result:     ev.Result,
		Detail:     detail,
	}, nil
}

// encodeDetail writes m canonically: encoding/json sorts map keys, so the
// same map always gives the same string.
func encodeDetail(m map[string]any) (string, error) {
	if len(m) == 0 {
		return "", nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("detail: %w", err)
	}
	if len(b) > maxDetailBytes {
		// Keep the entry (the event happened) and say what was dropped.
		b, err = json.Marshal(map[string]any{"truncated": true, "bytes": len(b)})
		if err != nil {
			return "", fmt.Errorf("detail: %w", err)
		}
	}
	return string(b), nil
}

// cleanField makes s storable on both engines: valid UTF-8 (PostgreSQL
// refuses anything else in TEXT), no NUL byte (neither PostgreSQL nor bun
// accept one), at most maxFieldBytes, cut at a character boundary.
func cleanField(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	if len(s) <= maxFieldBytes {
		return s
	}
	cut := maxFieldBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
