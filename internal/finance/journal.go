package finance

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// WriteJournal writes the ledger of a year (one entity, or every entity
// of the tenant when entity is uuid.Nil) in the plain-text journal format
// of hledger and ledger: one transaction per entry, two postings per T/K
// pair, the rovat, funkció and entity as tags. Amounts are whole forints
// in the commodity HUF. It reads the lines in pages, so a year of any
// size streams.
func WriteJournal(ctx context.Context, tx bun.IDB, w io.Writer, entity uuid.UUID, year int) error {
	bw := bufio.NewWriter(w)
	names := map[uuid.UUID]string{}
	es, err := Entities(ctx, tx)
	if err != nil {
		return err
	}
	for _, e := range es {
		names[e.ID] = e.Name
	}
	fmt.Fprintf(bw, "; GAZD főkönyvi napló, %d. év\n; T = tartozik (debit), K = követel (credit); accounts: Áhsz. számlatükör codes\n\ncommodity 1000. HUF\n\n", year)
	const page = 2000
	var after struct {
		on string
		id uuid.UUID
	}
	first := true
	for {
		var entries []Entry
		q := tx.NewSelect().Model(&entries).Where("year = ?", year).OrderExpr("on_date, id").Limit(page)
		if entity != uuid.Nil {
			q = q.Where("entity_id = ?", entity)
		}
		if !first {
			q = q.Where("(on_date > ? OR (on_date = ? AND id > ?))", after.on, after.on, after.id)
		}
		if err := q.Scan(ctx); err != nil {
			return fmt.Errorf("journal entries: %w", err)
		}
		if len(entries) == 0 {
			break
		}
		first = false
		ids := make([]uuid.UUID, len(entries))
		for i, e := range entries {
			ids[i] = e.ID
		}
		var lines []Line
		if err := tx.NewSelect().Model(&lines).Where("entry_id IN (?)", bun.In(ids)).OrderExpr("entry_id, line_no").Scan(ctx); err != nil {
			return fmt.Errorf("journal lines: %w", err)
		}
		byEntry := map[uuid.UUID][]Line{}
		for _, l := range lines {
			byEntry[l.EntryID] = append(byEntry[l.EntryID], l)
		}
		for _, e := range entries {
			desc := EventName(e.Event, "hu")
			if e.Reverses != nil {
				desc = "Stornó: " + desc
			}
			if e.Document != "" {
				desc += " (" + e.Document + ")"
			}
			fmt.Fprintf(bw, "%s %s  ; entry:%s, entity:%s\n", e.On, journalText(desc), e.ID, journalText(names[e.EntityID]))
			for _, l := range byEntry[e.ID] {
				tags := "ledger:" + l.Ledger
				if l.Rovat != "" {
					tags += ", rovat:" + l.Rovat
				}
				if l.Funkcio != "" {
					tags += ", funkcio:" + l.Funkcio
				}
				fmt.Fprintf(bw, "    %-8s  %d HUF  ; %s\n    %-8s  %d HUF\n", l.Debit, int64(l.Amount), tags, l.Credit, -int64(l.Amount))
			}
			bw.WriteByte('\n')
		}
		last := entries[len(entries)-1]
		after.on, after.id = last.On.String(), last.ID
		if len(entries) < page {
			break
		}
	}
	return bw.Flush()
}

// journalText keeps a description on one line and out of the comment
// and tag syntax.
func journalText(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ", ";", ",", ":", " ", "\t", " ").Replace(s)
}
