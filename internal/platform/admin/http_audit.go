package admin

import (
	"context"
	"net/http"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/web"
)

type auditData struct {
	Entries []audit.Entry
	Action  string
	Next    int64
	Centre  bool
}

// auditPage shows the current tenant's audit log (key users) or, at
// /admin/audit, the operating centre's own chain.
func (a *Admin) auditPage(centre bool) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		tenant := access.PrincipalFrom(ctx).Tenant
		if centre {
			tenant = db.OperatingCentre
		}
		f := audit.Filter{Action: r.URL.Query().Get("action"), Limit: 50}
		if b := r.URL.Query().Get("before"); b != "" {
			n, err := strconv.ParseInt(b, 10, 64)
			if err != nil || n < 1 {
				return web.BadRequest("audit.bad_cursor")
			}
			f.BeforeSeq = n
		}
		var entries []audit.Entry
		err := a.DB.InTenantRead(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			entries, err = audit.List(ctx, tx, tenant, f)
			return err
		})
		if err != nil {
			return err
		}
		d := auditData{Entries: entries, Action: f.Action, Centre: centre}
		if len(entries) == f.Limit {
			d.Next = entries[len(entries)-1].Seq
		}
		return a.Render.Page(w, r, "admin/audit", "audit.title", d)
	}
}
