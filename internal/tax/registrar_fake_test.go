package tax_test

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/tax"
)

// fakeRegistrar numbers documents like IRAT would (book/n/2026), keeps the
// items of bulk registrations and every subject, and refuses everything when refuse is set,
// as a closed book would.
type fakeRegistrar struct {
	n        int
	refuse   bool
	items    []tax.RegistrationItem
	subjects []string // of every document registered, in order

	incomingMany int // calls of RegisterIncomingMany
}

func (f *fakeRegistrar) RegisterOutgoing(ctx context.Context, tx bun.Tx, book, subject, partner, by string) (string, error) {
	if f.refuse {
		return "", fmt.Errorf("book %s is closed", book)
	}
	f.n++
	f.subjects = append(f.subjects, subject)
	return fmt.Sprintf("%s/%d/2026", book, f.n), nil
}

func (f *fakeRegistrar) RegisterIncoming(ctx context.Context, tx bun.Tx, book, subject, partner, by string) (string, error) {
	return f.RegisterOutgoing(ctx, tx, book, subject, partner, by)
}

func (f *fakeRegistrar) RegisterOutgoingMany(ctx context.Context, tx bun.Tx, book string, items []tax.RegistrationItem, by string) ([]string, error) {
	out := make([]string, len(items))
	for i := range items {
		n, err := f.RegisterOutgoing(ctx, tx, book, items[i].Subject, items[i].Partner, by)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	f.items = append(f.items, items...)
	return out, nil
}

func (f *fakeRegistrar) RegisterIncomingMany(ctx context.Context, tx bun.Tx, book string, items []tax.RegistrationItem, by string) ([]string, error) {
	f.incomingMany++
	out := make([]string, len(items))
	for i := range items {
		n, err := f.RegisterIncoming(ctx, tx, book, items[i].Subject, items[i].Partner, by)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}
