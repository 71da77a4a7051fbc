package audit

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// Filter narrows List. Zero fields do not filter.
type Filter struct {
	Action     string    // prefix of the action: "user." matches "user.login"
	ActorID    string    // exact
	ObjectType string    // exact
	ObjectID   string    // exact
	Since      time.Time // at >= Since
	Until      time.Time // at < Until
	BeforeSeq  int64     // cursor: only entries with seq < BeforeSeq (the last seq of the previous page)
	Limit      int       // at most this many; default 50, at most 500
}

const (
	defaultListLimit = 50
	maxListLimit     = 500
)

// List returns the tenant's entries matching f, newest first. tx is a
// transaction of the tenant (db.InTenantRead; on PostgreSQL row-level
// security shows nothing otherwise). For the next page pass the Seq of the
// last entry returned as BeforeSeq.
func List(ctx context.Context, tx bun.IDB, tenant db.TenantID, f Filter) ([]Entry, error) {
	if err := checkTenant(ctx, tenant); err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = defaultListLimit
	}
	f.Limit = min(f.Limit, maxListLimit)
	var es []Entry
	q := tx.NewSelect().Model(&es).
		Where("tenant_id = ?", tenant).
		OrderExpr("seq DESC").
		Limit(int64(f.Limit))
	if f.Action != "" {
		// substr rather than LIKE: LIKE ignores case on SQLite but not on
		// PostgreSQL, and would need its wildcards escaped.
		q.Where("substr(action, 1, ?) = ?", utf8.RuneCountInString(f.Action), f.Action)
	}
	if f.ActorID != "" {
		q.Where("actor_id = ?", f.ActorID)
	}
	if f.ObjectType != "" {
		q.Where("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		q.Where("object_id = ?", f.ObjectID)
	}
	// Times are compared in UTC. On SQLite "at" is text in the form bun
	// writes ("2006-01-02 15:04:05.999999+00:00"), and for UTC values of
	// that form text order is time order.
	if !f.Since.IsZero() {
		q.Where("at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q.Where("at < ?", f.Until.UTC())
	}
	if f.BeforeSeq > 0 {
		q.Where("seq < ?", f.BeforeSeq)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("audit: list %s: %w", tenant, err)
	}
	for i := range es {
		es[i].At = es[i].At.UTC()
	}
	return es, nil
}
