package app

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/records"
)

// recordsRegistrar gives the tax module (and later others) IRAT's
// registration through the small interface the module declares.
type recordsRegistrar struct{ svc *records.Service }

func (r recordsRegistrar) RegisterOutgoing(ctx context.Context, tx bun.Tx, book, subject, partner, by string) (string, error) {
	d, err := r.svc.Register(ctx, tx, records.Registration{BookCode: book, Direction: records.Outgoing, Subject: subject, Partner: partner, By: by})
	return d.Number, err
}
