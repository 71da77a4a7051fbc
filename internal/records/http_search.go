package records

import (
	"context"
	"errors"
	"net/http"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// searchData is the search part of the registration book page.
type searchData struct {
	Criteria         Criteria
	Advanced         bool // the detailed form is open
	Page             int
	PrevURL, NextURL string
}

// searchFields are the detailed search form's fields, in its order.
var searchFields = []string{"number", "text", "partner", "direction", "from", "to"}

// runSearch reads the search in the URL and runs it in tx. A criterion
// that cannot be searched for comes back as a form error, not a failure.
func runSearch(ctx context.Context, tx bun.Tx, r *http.Request) (Criteria, Results, []*Problem, error) {
	c, probs := ParseCriteria(r.URL.Query())
	if len(probs) > 0 {
		return c, Results{}, probs, nil
	}
	res, err := Search(ctx, tx, c)
	var prob *Problem
	if errors.As(err, &prob) {
		return c, Results{}, []*Problem{prob}, nil
	}
	return c, res, nil, err
}

// showSearch puts the search's outcome on the list page: the results, the
// form as typed with its errors, the pager; and logs the query
// (lekérdezés, ISZ-r. 27. §) before anything is shown.
func (h *handlers) showSearch(r *http.Request, p *access.Principal, d *listData, c Criteria, res Results, probs []*Problem) (*web.Form, error) {
	q := r.URL.Query()
	form := &web.Form{Values: map[string]string{}}
	for _, f := range searchFields {
		if v := q.Get(f); v != "" {
			form.Values[f] = v
			d.Search.Advanced = true
		}
	}
	lang := web.RequestLang(r)
	for _, pr := range probs {
		field := pr.Field
		if d.Query != "" && !d.Search.Advanced {
			field = "q" // the simple box's words were refused
		}
		form.Errors = append(form.Errors, web.FieldError{Field: field, Message: pr.Message(lang)})
		if field != "q" {
			d.Search.Advanced = true
		}
	}
	d.Documents, d.Search.Criteria, d.Search.Page = res.Documents, c, res.Page
	if len(probs) > 0 {
		return form, nil
	}
	if res.Page > 1 {
		d.Search.PrevURL = "/records?" + c.Query(res.Page-1)
	}
	if res.More {
		d.Search.NextURL = "/records?" + c.Query(res.Page+1)
	}
	if c.IsZero() {
		return form, nil
	}
	detail := c.Detail()
	detail["hits"], detail["more"] = len(res.Documents), res.More
	return form, h.deps.Audit.Record(r.Context(), p.Tenant, audit.Event{Action: "records.search", Result: audit.ResultOK, Detail: detail})
}
