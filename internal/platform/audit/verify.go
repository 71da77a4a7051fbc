package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// ProblemKind names what Verify found wrong with a chain.
type ProblemKind string

const (
	// Altered: the stored hash does not match the entry's contents, so a
	// field (or the entry's seq) was changed after it was written.
	Altered ProblemKind = "altered"
	// Missing: seq jumps, so entries in between were removed.
	Missing ProblemKind = "missing"
	// Reordered: prev_hash is not the hash of the entry before, so entries
	// were swapped, replaced or rewritten with fresh hashes.
	Reordered ProblemKind = "reordered"
	// HeadMismatch: audit_heads disagrees with the end of the log, so the
	// newest entries were removed, or entries were added behind the
	// application's back.
	HeadMismatch ProblemKind = "head-mismatch"
)

// Problem is one finding of Verify, described for a person in English and
// in Hungarian.
type Problem struct {
	Seq  int64 // the entry concerned (for a run of missing entries, the first)
	Kind ProblemKind
	EN   string
	HU   string
}

func (p Problem) String() string { return p.EN }

// Report is the result of verifying one chain.
type Report struct {
	Tenant   db.TenantID
	Entries  int // entries read
	Problems []Problem
	// Omitted counts problems beyond the first maxProblems, which are not
	// kept (a thoroughly damaged chain must not fill the memory).
	Omitted int
}

// OK reports whether the chain is intact.
func (r Report) OK() bool { return len(r.Problems) == 0 && r.Omitted == 0 }

const maxProblems = 1000

func (r *Report) add(p Problem) {
	if len(r.Problems) >= maxProblems {
		r.Omitted++
		return
	}
	r.Problems = append(r.Problems, p)
}

// verifyBatch is how many entries Verify reads at a time; a variable so
// that tests can cross batch boundaries with short chains.
var verifyBatch = 1000

// Verify reads the tenant's chain in seq order and reports every place
// where it is not what Append wrote: altered entries, missing entries,
// broken links and a head that does not match the end of the log. An error
// means the chain could not be read, not that it is damaged.
//
// It reads in batches of verifyBatch entries (keyset pagination on seq), so
// a long chain never sits in memory, and may run while entries are being
// appended: it takes the head first and checks the entries up to it.
func Verify(ctx context.Context, d *db.DB, tenant db.TenantID) (Report, error) {
	var rep Report
	err := d.InTenantRead(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		rep = Report{Tenant: tenant}
		return verifyChain(ctx, tx, tenant, &rep)
	})
	if err != nil {
		return Report{}, fmt.Errorf("audit: verify %s: %w", tenant, err)
	}
	return rep, nil
}

func verifyChain(ctx context.Context, tx bun.Tx, tenant db.TenantID, rep *Report) error {
	// Read the head before the entries: under PostgreSQL's READ COMMITTED
	// each batch sees newer commits, and entries appended after this point
	// lie beyond the head and are simply not part of this check.
	h, found, err := readHead(ctx, tx, tenant)
	if err != nil {
		return err
	}
	if !found {
		// No head: either an empty chain, or the head row was deleted.
		// Then check every entry there is, and say the head is gone.
		last, err := maxSeqAfter(ctx, tx, tenant, 0)
		if err != nil {
			return err
		}
		if !last.Valid {
			return nil
		}
		rep.add(Problem{Seq: last.Int64, Kind: HeadMismatch,
			EN: fmt.Sprintf("The chain head is missing, but the log has entries up to %d: the head was removed.", last.Int64),
			HU: fmt.Sprintf("Hiányzik a lánc feje, pedig a naplóban vannak bejegyzések (a legnagyobb sorszám %d): a fejet törölték.", last.Int64),
		})
		h.Seq = last.Int64
	}
	prevSeq, prevHash := int64(0), GenesisHash
	for {
		var batch []Entry
		err := tx.NewSelect().Model(&batch).
			Where("tenant_id = ?", tenant).
			Where("seq > ?", prevSeq).
			Where("seq <= ?", h.Seq).
			OrderExpr("seq").
			Limit(int64(verifyBatch)).
			Scan(ctx)
		if err != nil {
			return fmt.Errorf("read entries after %d: %w", prevSeq, err)
		}
		for _, e := range batch {
			checkEntry(rep, e, prevSeq, prevHash)
			prevSeq, prevHash = e.Seq, e.Hash
			rep.Entries++
		}
		if len(batch) < verifyBatch {
			break
		}
	}
	if !found {
		return nil
	}
	switch {
	case prevSeq < h.Seq && prevSeq == 0:
		rep.add(Problem{Seq: h.Seq, Kind: HeadMismatch,
			EN: fmt.Sprintf("The chain head says the last entry is %d, but the log is empty: all entries were removed.", h.Seq),
			HU: fmt.Sprintf("A lánc feje szerint az utolsó bejegyzés sorszáma %d, de a napló üres: minden bejegyzést töröltek.", h.Seq),
		})
	case prevSeq < h.Seq:
		rep.add(Problem{Seq: h.Seq, Kind: HeadMismatch,
			EN: fmt.Sprintf("The chain head says the last entry is %d, but the log ends at entry %d: entries at the end were removed.", h.Seq, prevSeq),
			HU: fmt.Sprintf("A lánc feje szerint az utolsó bejegyzés sorszáma %d, de a napló utolsó meglévő bejegyzésének sorszáma %d: a napló végéről bejegyzéseket töröltek.", h.Seq, prevSeq),
		})
	case prevHash != h.Hash:
		rep.add(Problem{Seq: h.Seq, Kind: HeadMismatch,
			EN: fmt.Sprintf("The hash of entry %d differs from the one recorded in the chain head: the last entry was replaced or the head was changed.", h.Seq),
			HU: fmt.Sprintf("A napló %d. bejegyzésének lenyomata eltér a lánc fejében rögzítettől: az utolsó bejegyzést kicserélték, vagy a fejet módosították.", h.Seq),
		})
	}
	return checkBeyondHead(ctx, tx, tenant, h.Seq, rep)
}

// checkEntry compares one entry with what Append would have written after
// the entry (prevSeq, prevHash).
func checkEntry(rep *Report, e Entry, prevSeq int64, prevHash string) {
	if e.ComputeHash() != e.Hash {
		rep.add(Problem{Seq: e.Seq, Kind: Altered,
			EN: fmt.Sprintf("Entry %d was changed after it was written: its stored hash does not match its contents.", e.Seq),
			HU: fmt.Sprintf("A napló %d. bejegyzését a rögzítése után megváltoztatták: a tárolt lenyomat nem egyezik a tartalmával.", e.Seq),
		})
	}
	switch {
	case e.Seq == prevSeq+2:
		rep.add(Problem{Seq: prevSeq + 1, Kind: Missing,
			EN: fmt.Sprintf("Entry %d is missing: the sequence jumps from %d to %d, so an entry was removed.", prevSeq+1, prevSeq, e.Seq),
			HU: fmt.Sprintf("Hiányzik a napló %d. bejegyzése: a sorszámok között hézag van (%d után %d következik), tehát bejegyzést töröltek.", prevSeq+1, prevSeq, e.Seq),
		})
	case e.Seq > prevSeq+2:
		rep.add(Problem{Seq: prevSeq + 1, Kind: Missing,
			EN: fmt.Sprintf("Entries %d to %d are missing: the sequence jumps from %d to %d, so entries were removed.", prevSeq+1, e.Seq-1, prevSeq, e.Seq),
			HU: fmt.Sprintf("Hiányoznak a napló %d–%d. bejegyzései: a sorszámok között hézag van (%d után %d következik), tehát bejegyzéseket töröltek.", prevSeq+1, e.Seq-1, prevSeq, e.Seq),
		})
	case e.PrevHash != prevHash:
		// Only checked without a gap: after a removed entry the link
		// points at the entry that is gone, which says nothing new.
		rep.add(Problem{Seq: e.Seq, Kind: Reordered,
			EN: fmt.Sprintf("Entry %d does not link to the entry before it (its prev_hash is not the hash of entry %d): entries were reordered, replaced or rewritten.", e.Seq, prevSeq),
			HU: fmt.Sprintf("A napló %d. bejegyzése nem kapcsolódik az előtte állóhoz (az előző lenyomat nem egyezik): bejegyzéseket átrendeztek, kicseréltek vagy átírtak.", e.Seq),
		})
	}
}

// checkBeyondHead looks for entries after the head. Legitimate appends may
// have committed since the head was read, so the head is read again after
// the entries: an entry committed before that read is covered by it, since
// Append moves the head in the same transaction.
func checkBeyondHead(ctx context.Context, tx bun.Tx, tenant db.TenantID, headSeq int64, rep *Report) error {
	last, err := maxSeqAfter(ctx, tx, tenant, headSeq)
	if err != nil || !last.Valid {
		return err
	}
	h, _, err := readHead(ctx, tx, tenant)
	if err != nil {
		return err
	}
	if last.Int64 > h.Seq {
		rep.add(Problem{Seq: h.Seq + 1, Kind: HeadMismatch,
			EN: fmt.Sprintf("The chain head says the last entry is %d, but the log has entries up to %d: entries were added behind the application's back.", h.Seq, last.Int64),
			HU: fmt.Sprintf("A lánc feje szerint az utolsó bejegyzés sorszáma %d, de a naplóban ennél nagyobb sorszámú bejegyzés is van (legnagyobb: %d): bejegyzéseket az alkalmazás megkerülésével vettek fel.", h.Seq, last.Int64),
		})
	}
	return nil
}

// maxSeqAfter returns the greatest seq above after, if any.
func maxSeqAfter(ctx context.Context, tx bun.IDB, tenant db.TenantID, after int64) (sql.NullInt64, error) {
	var last sql.NullInt64
	err := tx.NewSelect().Table("audit_log").ColumnExpr("max(seq)").
		Where("tenant_id = ?", tenant).
		Where("seq > ?", after).
		Scan(ctx, &last)
	if err != nil {
		return last, fmt.Errorf("read the last seq: %w", err)
	}
	return last, nil
}

// readHead returns the chain head; a chain without one (no entry yet) has
// seq 0 and the genesis hash.
func readHead(ctx context.Context, tx bun.IDB, tenant db.TenantID) (h head, found bool, err error) {
	err = tx.NewSelect().Model(&h).Where("tenant_id = ?", tenant).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return head{TenantID: tenant, Hash: GenesisHash}, false, nil
	}
	if err != nil {
		return head{}, false, fmt.Errorf("read head: %w", err)
	}
	return h, true, nil
}

// VerifyAll verifies many chains one after another (the CLI passes every
// tenant and db.OperatingCentre) and calls progress, if not nil, after each.
// A chain that cannot be read does not stop the others: its error is joined
// into the returned error, and the reports of the rest are returned. It
// stops early only when ctx ends.
func VerifyAll(ctx context.Context, d *db.DB, tenants []db.TenantID, progress func(done, total int)) ([]Report, error) {
	reports := make([]Report, 0, len(tenants))
	var errs []error
	for i, t := range tenants {
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("audit: verification stopped after %d of %d chains: %w", i, len(tenants), err))
			break
		}
		rep, err := Verify(ctx, d, t)
		if err != nil {
			errs = append(errs, err)
		} else {
			reports = append(reports, rep)
		}
		if progress != nil {
			progress(i+1, len(tenants))
		}
	}
	return reports, errors.Join(errs...)
}
