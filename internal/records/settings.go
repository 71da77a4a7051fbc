package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// Settings are a municipality's own choices for IRAT.
type Settings struct {
	bun.BaseModel `bun:"table:records_settings,alias:st"`
	db.TenantScoped

	// NumberTemplate applies to the books opened after it is set.
	NumberTemplate NumberTemplate `bun:"number_template"`
	UpdatedAt      time.Time      `bun:"updated_at"`
	UpdatedBy      string         `bun:"updated_by"`
}

// settings returns the tenant's settings; found is false when it has
// never set any.
func settings(ctx context.Context, tx bun.IDB) (s Settings, found bool, err error) {
	err = tx.NewSelect().Model(&s).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Settings{}, false, nil
	}
	if err != nil {
		return Settings{}, false, fmt.Errorf("records settings: %w", err)
	}
	return s, true, nil
}

// SetNumberTemplate sets the form of the iktatószám for books opened from
// now on; the open books keep theirs, so no volume mixes two forms.
func (s *Service) SetNumberTemplate(ctx context.Context, tx bun.Tx, t NumberTemplate, by string) error {
	t = NumberTemplate(strings.TrimSpace(string(t)))
	if err := CheckTemplate(t); err != nil {
		return err
	}
	before, _, err := settings(ctx, tx)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	st := Settings{NumberTemplate: t, UpdatedAt: now, UpdatedBy: by}
	if _, err := tx.NewInsert().Model(&st).On("CONFLICT (tenant_id) DO UPDATE").
		Set("number_template = EXCLUDED.number_template, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by").Exec(ctx); err != nil {
		return fmt.Errorf("save number template: %w", err)
	}
	return appendAudit(ctx, tx, "records.settings", "settings", "number_template",
		map[string]any{"number_template": string(t), "before": string(before.NumberTemplate.orDefault()), "by": by}, now)
}
