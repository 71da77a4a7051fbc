package app

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/records"
	"github.com/openasp-hu/asp/internal/tax"
)

// recordsRegistrar gives the tax module (and later others) IRAT's
// registration through the small interface the module declares.
type recordsRegistrar struct{ svc *records.Service }

func (r recordsRegistrar) RegisterOutgoing(ctx context.Context, tx bun.Tx, book, subject, partner, by string) (string, error) {
	d, err := r.svc.Register(ctx, tx, records.Registration{BookCode: book, Direction: records.Outgoing, Subject: subject, Partner: partner, By: by})
	return d.Number, err
}

func (r recordsRegistrar) RegisterIncoming(ctx context.Context, tx bun.Tx, book, subject, partner, by string) (string, error) {
	d, err := r.svc.Register(ctx, tx, records.Registration{BookCode: book, Direction: records.Incoming, Subject: subject, Partner: partner, By: by})
	return d.Number, err
}

func (r recordsRegistrar) RegisterOutgoingMany(ctx context.Context, tx bun.Tx, book string, items []tax.RegistrationItem, by string) ([]string, error) {
	regs := make([]records.Registration, len(items))
	for i, it := range items {
		regs[i] = records.Registration{BookCode: book, Direction: records.Outgoing, Subject: it.Subject, Partner: it.Partner, By: by}
	}
	docs, err := r.svc.RegisterMany(ctx, tx, regs)
	if err != nil {
		return nil, err
	}
	numbers := make([]string, len(docs))
	for i, d := range docs {
		numbers[i] = d.Number
	}
	return numbers, nil
}

func (r recordsRegistrar) RegisterIncomingMany(ctx context.Context, tx bun.Tx, book string, items []tax.RegistrationItem, by string) ([]string, error) {
	regs := make([]records.Registration, len(items))
	for i, it := range items {
		regs[i] = records.Registration{BookCode: book, Direction: records.Incoming, Subject: it.Subject, Partner: it.Partner, By: by}
	}
	docs, err := r.svc.RegisterIncomingMany(ctx, tx, regs)
	if err != nil {
		return nil, err
	}
	numbers := make([]string, len(docs))
	for i, d := range docs {
		numbers[i] = d.Number
	}
	return numbers, nil
}

var _ tax.Registrar = recordsRegistrar{}

// financeRegistrar gives GAZD IRAT's registration of incoming invoices.
type financeRegistrar struct{ svc *records.Service }

func (r financeRegistrar) RegisterIncoming(ctx context.Context, tx bun.Tx, book, subject, partner, by string) (string, error) {
	d, err := r.svc.Register(ctx, tx, records.Registration{BookCode: book, Direction: records.Incoming, Subject: subject, Partner: partner, By: by})
	return d.Number, err
}

var _ finance.Registrar = financeRegistrar{}
