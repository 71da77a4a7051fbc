package hu

import (
	"bytes"
	"slices"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Hungarian alphabetical order (magyar ábécérend) as defined by CLDR: the
// digraphs cs, dz, dzs, gy, ly, ny, sz, ty, zs are letters of their own
// (so "Csepel" sorts after "Cukor"), ö/ő follow o/ó, ü/ű follow u/ú, and
// accents on a/á, e/é, i/í, o/ó, u/ú only break ties.

// collators pools Hungarian collators: a collate.Collator keeps internal
// buffers and must not be used by two goroutines at once.
var collators = sync.Pool{
	New: func() any { return collate.New(language.Hungarian) },
}

// withCollator runs f with a collator from the pool.
func withCollator[R any](f func(c *collate.Collator) R) R {
	c := collators.Get().(*collate.Collator)
	defer collators.Put(c)
	return f(c)
}

// Compare compares a and b in Hungarian alphabetical order, returning -1,
// 0 or +1.
func Compare(a, b string) int {
	return withCollator(func(c *collate.Collator) int { return c.CompareString(a, b) })
}

// SortStrings sorts s in place in Hungarian alphabetical order.
func SortStrings(s []string) {
	withCollator(func(c *collate.Collator) struct{} {
		c.SortStrings(s)
		return struct{}{}
	})
}

// SortBy sorts items in place by key in Hungarian alphabetical order. The
// sort is stable, and each key is computed once.
func SortBy[T any](items []T, key func(T) string) {
	type keyed struct {
		k []byte
		v T
	}
	tmp := make([]keyed, len(items))
	withCollator(func(c *collate.Collator) struct{} {
		var buf collate.Buffer
		for i, it := range items {
			// Clone: the key's bytes live in buf, which Reset reuses.
			tmp[i] = keyed{bytes.Clone(c.KeyFromString(&buf, key(it))), it}
			buf.Reset()
		}
		return struct{}{}
	})
	slices.SortStableFunc(tmp, func(a, b keyed) int { return bytes.Compare(a.k, b.k) })
	for i := range tmp {
		items[i] = tmp[i].v
	}
}
