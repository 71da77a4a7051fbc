package tax

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/schema"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// column is one column of a column-wise insert: its name, its PostgreSQL
// type and its values, one per row (a []string or []int64).
type column struct {
	name, pgType string
	values       any
}

// insertColumnsPG writes rows to a tenant table on PostgreSQL a column at
// a time: one array per column, unnested into rows. A VALUES list of
// hundreds of rows is a long statement to parse and plan every time;
// this one is short and the same for any number of rows (an interest run
// writes a quarter of a million postings). An empty text becomes NULL in
// the columns named in nullIfEmpty.
func insertColumnsPG(ctx context.Context, tx bun.Tx, table string, cols []column, nullIfEmpty ...string) error {
	q, err := columnsInsertPG(ctx, tx, table, cols, nullIfEmpty...)
	if err != nil {
		return err
	}
	return execText(ctx, tx, table, q)
}

// columnsInsertPG is insertColumnsPG's statement, values and all: made
// where the rows are, it can be run later (serialDB) with nothing left
// to format.
func columnsInsertPG(ctx context.Context, tx bun.Tx, table string, cols []column, nullIfEmpty ...string) (string, error) {
	tenant, ok := db.TenantFrom(ctx)
	if !ok {
		return "", db.ErrNoTenant
	}
	names, selects, arrays := make([]string, len(cols)), make([]string, len(cols)), make([]string, len(cols))
	args := []any{string(tenant)}
	for i, c := range cols {
		names[i], arrays[i], selects[i] = c.name, "?::"+c.pgType+"[]", c.name
		for _, n := range nullIfEmpty {
			if n == c.name {
				selects[i] = "NULLIF(" + c.name + ", '')"
			}
		}
		args = append(args, pgdialect.Array(c.values))
	}
	q := fmt.Sprintf("INSERT INTO %s (tenant_id, %s) SELECT ?, %s FROM unnest(%s) AS u(%s)", table,
		strings.Join(names, ", "), strings.Join(selects, ", "), strings.Join(arrays, ", "), strings.Join(names, ", "))
	b, err := tx.NewRaw(q, args...).AppendQuery(schema.NewQueryGen(tx.Dialect()), nil)
	if err != nil {
		return "", fmt.Errorf("insert into %s: %w", table, err)
	}
	return string(b), nil
}

// execText runs a statement formatted already (bun would read a ? in its
// values as a placeholder).
func execText(ctx context.Context, tx bun.Tx, table, q string) error {
	if _, err := tx.Tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	return nil
}
