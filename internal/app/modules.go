package app

import (
	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/records"
	"github.com/openasp-hu/asp/internal/tax"
)

// modules are the specialised systems this build serves, in the order
// their migrations run. A new module adds its Module() here.
func modules() []module.Module {
	return []module.Module{records.Module(), tax.ModuleWith(recordsRegistrar{svc: &records.Service{}}), finance.ModuleWithTax(financeRegistrar{svc: &records.Service{}}, financeTaxRevenue{svc: &tax.Service{}})}
}
