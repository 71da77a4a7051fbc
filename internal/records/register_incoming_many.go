package records

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// RegisterIncomingMany is RegisterMany for documents that arrived, each
// opening a new case without an arrival-register entry: a file of returns
// forwarded by NAV, registered a chunk at a time. The book's counter and
// the audit chain head are moved once for the lot, not once a document.
// Every registration is checked before anything is written; a refusal
// returns the *Problem and writes nothing.
func (s *Service) RegisterIncomingMany(ctx context.Context, tx bun.Tx, regs []Registration) ([]Document, error) {
	for i, r := range regs {
		if r.Direction != Incoming {
			return nil, fmt.Errorf("register incoming many: registration %d is %q, not incoming", i, r.Direction)
		}
	}
	return s.RegisterMany(ctx, tx, regs)
}
