// Package tenancy knows the tenants (local governments, önkormányzatok),
// the offices that serve them (polgármesteri hivatal, közös önkormányzati
// hivatal) and how a tenant is connected to the service.
package tenancy

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// ConnectionMode is how a municipality uses the service (ASP-r. 6. § (1)).
type ConnectionMode string

const (
	// System: the municipality uses the framework and the modules.
	System ConnectionMode = "system"
	// Interface: it keeps its own software and feeds the warehouse.
	Interface ConnectionMode = "interface"
)

// Phase is the onboarding phase of a tenant (overview: onboarding).
type Phase string

const (
	Preparation Phase = "preparation"
	Connection  Phase = "connection"
	Live        Phase = "live"
)

// Valid reports whether m is a known connection mode.
func (m ConnectionMode) Valid() bool { return m == System || m == Interface }

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool { return p == Preparation || p == Connection || p == Live }

// OfficeKind tells an office of one municipality from a joint one.
type OfficeKind string

const (
	OwnOffice   OfficeKind = "own"   // polgármesteri hivatal
	JointOffice OfficeKind = "joint" // közös önkormányzati hivatal (Mötv. 85. §)
)

// Tenant is one local government.
type Tenant struct {
	bun.BaseModel `bun:"table:tenants"`

	ID             db.TenantID    `bun:"id,pk" json:"id"`
	Name           string         `bun:"name" json:"name"`
	LegalStatus    string         `bun:"legal_status" json:"legal_status"`
	County         string         `bun:"county" json:"county"`
	DistrictCode   string         `bun:"district_code" json:"district_code"`
	DistrictName   string         `bun:"district_name" json:"district_name"`
	OfficeID       string         `bun:"office_id,nullzero" json:"office_id,omitempty"`
	Population     int64          `bun:"population" json:"population"`
	AreaHa         int64          `bun:"area_ha" json:"area_ha"`
	Dwellings      int64          `bun:"dwellings" json:"dwellings"`
	ConnectionMode ConnectionMode `bun:"connection_mode" json:"connection_mode"`
	Phase          Phase          `bun:"phase" json:"phase"`
	CreatedAt      time.Time      `bun:"created_at" json:"created_at"`
	UpdatedAt      time.Time      `bun:"updated_at" json:"updated_at"`
}

// Office is an office that employs clerks: a municipality's own office or
// a joint office serving several municipalities.
type Office struct {
	bun.BaseModel `bun:"table:offices"`

	ID           string      `bun:"id,pk" json:"id"`
	Name         string      `bun:"name" json:"name"`
	Kind         OfficeKind  `bun:"kind" json:"kind"`
	SeatTenantID db.TenantID `bun:"seat_tenant_id" json:"seat_tenant_id"`
	CreatedAt    time.Time   `bun:"created_at" json:"created_at"`
	UpdatedAt    time.Time   `bun:"updated_at" json:"updated_at"`
}

// OfficeID is the identifier of the office seated in a tenant.
func OfficeID(seat db.TenantID) string { return "h" + string(seat) }

// TenantModule records that a module is enabled for a tenant.
type TenantModule struct {
	bun.BaseModel `bun:"table:tenant_modules"`

	TenantID  db.TenantID `bun:"tenant_id,pk"`
	Module    string      `bun:"module,pk"`
	EnabledAt time.Time   `bun:"enabled_at"`
}
