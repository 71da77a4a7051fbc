package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// head is a row of audit_heads: where a chain ends, so appending needs no
// scan of the log. Verify checks it against the last entry.
type head struct {
	bun.BaseModel `bun:"table:audit_heads,alias:ah"`

	TenantID db.TenantID `bun:"tenant_id,pk"`
	Seq      int64       `bun:"seq,notnull"`
	Hash     string      `bun:"hash,notnull"`
}

// Append adds ev to the tenant's chain inside tx, the caller's transaction,
// so the entry commits exactly when the data change it records commits. tx
// must come from db.InTenant for tenant and ctx must be the context that
// InTenant passed on (on PostgreSQL row-level security refuses the insert
// otherwise; Append checks the context on both engines, so a mistake shows
// on SQLite as well). now is the time of the event; zero means time.Now.
//
// Appends to one tenant are serialised on the chain head: on PostgreSQL
// Append locks the head row (SELECT … FOR UPDATE), so a concurrent append
// waits until this transaction ends, which keeps seq gapless. The caller's
// transaction must therefore use the default READ COMMITTED isolation, and
// should be short. SQLite has a single writer and needs no lock.
func Append(ctx context.Context, tx bun.IDB, tenant db.TenantID, ev Event, now time.Time) (Entry, error) {
	if err := checkTenant(ctx, tenant); err != nil {
		return Entry{}, err
	}
	if _, ok := tx.(*bun.DB); ok {
		// Outside a transaction the head read and the insert would not be
		// atomic, and on SQLite the single writer is already held by the
		// caller's transaction, so this would wait forever.
		return Entry{}, errors.New("audit: Append needs the tenant transaction, not the database handle")
	}
	es, err := appendEntries(ctx, tx, tenant, []Event{ev}, now)
	if err != nil {
		return Entry{}, err
	}
	return es[0], nil
}

// AppendMany adds events to the tenant's chain in order, inside tx, with
// one read and one move of the chain head: for work that records many
// events in one transaction (a batch of registrations). The rules of
// Append apply; resolve each event's actor (Resolve) if the events come
// from different requests.
func AppendMany(ctx context.Context, tx bun.IDB, tenant db.TenantID, evs []Event, now time.Time) ([]Entry, error) {
	if len(evs) == 0 {
		return nil, nil
	}
	if err := checkTenant(ctx, tenant); err != nil {
		return nil, err
	}
	if _, ok := tx.(*bun.DB); ok {
		return nil, errors.New("audit: AppendMany needs the tenant transaction, not the database handle")
	}
	return appendEntries(ctx, tx, tenant, evs, now)
}

func appendEntries(ctx context.Context, tx bun.IDB, tenant db.TenantID, evs []Event, now time.Time) ([]Entry, error) {
	es := make([]Entry, len(evs))
	for i, ev := range evs {
		e, err := newEntry(ctx, tenant, ev, now)
		if err != nil {
			return nil, err
		}
		es[i] = e
	}
	h, err := lockHead(ctx, tx, tenant)
	if err != nil {
		return nil, err
	}
	prev, seq := h.Hash, h.Seq
	for i := range es {
		seq++
		es[i].Seq, es[i].PrevHash = seq, prev
		es[i].Hash = es[i].ComputeHash()
		prev = es[i].Hash
	}
	if _, err := tx.NewInsert().Model(&es).Exec(ctx); err != nil {
		return nil, fmt.Errorf("audit: append %d entries to %s: %w", len(es), tenant, err)
	}
	res, err := tx.NewUpdate().Table("audit_heads").
		Set("seq = ?", seq).
		Set("hash = ?", prev).
		Where("tenant_id = ?", tenant).
		Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit: move head of %s: %w", tenant, err)
	}
	if n, err := res.RowsAffected(); err == nil && n != 1 {
		return nil, fmt.Errorf("audit: move head of %s: %d rows changed", tenant, n)
	}
	return es, nil
}

// Serialize makes tx wait for, then hold until it ends, the tenant's
// chain head: the lock every audited write of the tenant takes at its
// entry anyway (Append). A writer that reads state and writes it back
// (a kept balance, a run that must not run twice at once) takes it
// before reading, so two such writers of one tenant run one after the
// other on PostgreSQL. SQLite has a single writer already.
func Serialize(ctx context.Context, tx bun.IDB, tenant db.TenantID) error {
	if err := checkTenant(ctx, tenant); err != nil {
		return err
	}
	_, err := lockHead(ctx, tx, tenant)
	return err
}

// lockHead returns the tenant's chain head, creating it (seq 0, the genesis
// hash) before the first entry. On PostgreSQL the row stays locked until the
// transaction ends.
func lockHead(ctx context.Context, tx bun.IDB, tenant db.TenantID) (head, error) {
	pg := tx.Dialect().Name() == dialect.PG
	read := func() (head, error) {
		var h head
		q := tx.NewSelect().Model(&h).Where("tenant_id = ?", tenant)
		if pg {
			q = q.For("UPDATE")
		}
		return h, q.Scan(ctx)
	}
	h, err := read()
	if err == nil {
		return h, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return head{}, fmt.Errorf("audit: read head of %s: %w", tenant, err)
	}
	// The chain's first entry. Two transactions may get here at once; ON
	// CONFLICT DO NOTHING makes the second wait for the first and then do
	// nothing, and its second read (a new snapshot under READ COMMITTED)
	// sees and locks the row the first created.
	_, err = tx.NewInsert().Model(&head{TenantID: tenant, Seq: 0, Hash: GenesisHash}).
		On("CONFLICT (tenant_id) DO NOTHING").
		Exec(ctx)
	if err != nil {
		return head{}, fmt.Errorf("audit: create head of %s: %w", tenant, err)
	}
	h, err = read()
	if errors.Is(err, sql.ErrNoRows) {
		return head{}, fmt.Errorf("audit: head of %s not visible after creating it (is the transaction REPEATABLE READ or SERIALIZABLE?)", tenant)
	}
	if err != nil {
		return head{}, fmt.Errorf("audit: read head of %s: %w", tenant, err)
	}
	return h, nil
}

// checkTenant makes sure the work happens in a transaction of the tenant
// whose chain it touches.
func checkTenant(ctx context.Context, tenant db.TenantID) error {
	if !tenant.Valid() {
		return fmt.Errorf("audit: invalid tenant id %q", tenant)
	}
	cur, ok := db.TenantFrom(ctx)
	if !ok {
		return fmt.Errorf("audit: chain of %s: %w", tenant, db.ErrNoTenant)
	}
	if cur != tenant {
		return fmt.Errorf("audit: chain of %s touched inside a transaction of tenant %s", tenant, cur)
	}
	return nil
}

// Log records events that are not part of a data change in transactions
// of their own.
type Log struct {
	DB  *db.DB
	Now func() time.Time // nil means time.Now
}

// recordTimeout bounds Record, which no longer follows the request's
// cancellation (see Record).
const recordTimeout = 15 * time.Second

// Record appends ev to the tenant's chain and commits at once, whatever
// becomes of the request: a failed login is logged although the login
// fails. Use Append instead when the event records a data change, so both
// commit together.
//
// Record refuses to run inside a tenant transaction. For another tenant
// that would mix tenants; for the same tenant it would wait for a lock the
// caller holds (on SQLite for the single writer connection, on PostgreSQL
// for the chain head if the caller has appended already) and hang. Call it
// before or after the transaction, or use Append with it.
//
// It ignores the cancellation of ctx (keeping its values, such as the
// Actor): a client that hangs up right after a wrong password must not
// thereby keep the attempt out of the log.
func (l *Log) Record(ctx context.Context, tenant db.TenantID, ev Event) error {
	if cur, ok := db.TenantFrom(ctx); ok {
		return fmt.Errorf("audit: Record for %s called inside a transaction of tenant %s: use Append with that transaction", tenant, cur)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	return l.DB.InTenant(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := Append(ctx, tx, tenant, ev, now())
		return err
	})
}
