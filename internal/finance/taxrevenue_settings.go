package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// Defaults of the control settings (spec Appendix 1 and Appendix 2 #17).
const (
	// DefaultTaxRevenueFunkcio is where local taxes are booked: 900020
	// Önkormányzatok funkcióra nem sorolható bevételei államháztartáson
	// kívülről. Some offices use 011220 (adóigazgatás) instead: a setting.
	DefaultTaxRevenueFunkcio = "900020"
	// DefaultWrittenCommitmentLimit is the Ávr. threshold under which a
	// commitment needs no written document (UNCERTAIN #17).
	DefaultWrittenCommitmentLimit hu.Forint = 200_000
)

// ControlSettings are the tenant's choices for the tax revenue transfer
// and the commitment rules; a tenant that never set them has the
// defaults.
type ControlSettings struct {
	bun.BaseModel `bun:"table:finance_control_settings,alias:fcs"`
	db.TenantScoped

	TaxRevenueFunkcio      string    `bun:"tax_revenue_funkcio" json:"tax_revenue_funkcio"`
	WrittenCommitmentLimit hu.Forint `bun:"written_commitment_limit" json:"written_commitment_limit"`
	UpdatedAt              time.Time `bun:"updated_at" json:"updated_at,omitempty"`
	UpdatedBy              string    `bun:"updated_by" json:"updated_by,omitempty"`
}

// ControlSettingsOf returns the tenant's settings, or the defaults.
func ControlSettingsOf(ctx context.Context, tx bun.IDB) (ControlSettings, error) {
	var s ControlSettings
	err := tx.NewSelect().Model(&s).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return ControlSettings{TaxRevenueFunkcio: DefaultTaxRevenueFunkcio, WrittenCommitmentLimit: DefaultWrittenCommitmentLimit}, nil
	}
	if err != nil {
		return ControlSettings{}, fmt.Errorf("finance settings: %w", err)
	}
	return s, nil
}

// SetControlSettings records the tenant's settings (a manager's task).
func (s *Service) SetControlSettings(ctx context.Context, tx bun.Tx, in ControlSettings, by string) (ControlSettings, error) {
	in.TaxRevenueFunkcio = strings.TrimSpace(in.TaxRevenueFunkcio)
	if p := checkFunkcio(in.TaxRevenueFunkcio); p != nil {
		p.Field = "tax_revenue_funkcio"
		return ControlSettings{}, p
	}
	if in.WrittenCommitmentLimit < 0 || in.WrittenCommitmentLimit > 1_000_000_000 {
		return ControlSettings{}, problem("bad_limit", "written_commitment_limit", "Az írásbeliség értékhatára 0 és 1 000 000 000 Ft közötti egész forint.",
			"The written-commitment threshold is whole forints between 0 and 1 000 000 000.")
	}
	before, err := ControlSettingsOf(ctx, tx)
	if err != nil {
		return ControlSettings{}, err
	}
	now := s.now().UTC()
	st := ControlSettings{TaxRevenueFunkcio: in.TaxRevenueFunkcio, WrittenCommitmentLimit: in.WrittenCommitmentLimit, UpdatedAt: now, UpdatedBy: by}
	if _, err := tx.NewInsert().Model(&st).On("CONFLICT (tenant_id) DO UPDATE").
		Set("tax_revenue_funkcio = EXCLUDED.tax_revenue_funkcio, written_commitment_limit = EXCLUDED.written_commitment_limit, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by").
		Exec(ctx); err != nil {
		return ControlSettings{}, fmt.Errorf("save finance settings: %w", err)
	}
	return st, appendAudit(ctx, tx, "finance.settings", "settings", "control", map[string]any{
		"tax_revenue_funkcio": st.TaxRevenueFunkcio, "written_commitment_limit": int64(st.WrittenCommitmentLimit),
		"before_funkcio": before.TaxRevenueFunkcio, "before_limit": int64(before.WrittenCommitmentLimit), "by": by}, now)
}
