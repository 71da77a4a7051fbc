package tax

import (
	"errors"
	"math/big"
	"net/http"
	"strconv"
	"strings"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/web"
	"github.com/openasp-hu/asp/internal/tax/interest"
)

type handlers struct {
	deps module.Deps
	svc  *Service
	reg  Registrar
}

func routes(rt *web.Router, d module.Deps, reg Registrar) error {
	h := &handlers{deps: d, svc: &Service{}, reg: reg}
	h.routesTaxpayers(rt, d)
	use := []web.Middleware{d.Tenant, identity.Require(InterestUse)}
	rt.Handle("GET /tax/interest", h.interestPage, use...)
	rt.Handle("POST /api/v1/tax/interest", h.apiInterest, use...)
	h.routesDecrees(rt, d)
	h.routesCollection(rt, d)
	h.routesDeclarations(rt, d)
	h.routesReports(rt, d)
	h.routesObjects(rt, d)
	h.routesFinality(rt, d)
	return nil
}

// partRows is how many part payments the form offers; more go through
// the API or the command line.
const partRows = 3

type interestData struct {
	Result *interest.Result
	Title  string // which surcharge the result is
	Parts  []int  // row numbers of the part payments
}

// interestPage is the calculator: a GET form, since computing changes
// nothing, and its answer can be bookmarked or printed.
func (h *handlers) interestPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := interestData{}
	for i := 1; i <= partRows; i++ {
		d.Parts = append(d.Parts, i)
	}
	page := h.deps.Render.NewPage(r, "tax.interest.title", &d)
	status := http.StatusOK
	if q.Get("amount") != "" || q.Get("due") != "" || q.Get("paid") != "" {
		form := &web.Form{Values: map[string]string{}}
		for k := range q {
			form.Values[k] = q.Get(k)
		}
		page.Form = form
		res, fe := computeFromForm(q.Get, page.Lang)
		if fe != nil {
			form.Errors = []web.FieldError{*fe}
			status = http.StatusUnprocessableEntity
		} else {
			d.Result = &res
			d.Title = "tax.interest.late"
			if q.Get("self_revision") != "" {
				d.Title = "tax.interest.self_revision"
			}
		}
	}
	return h.deps.Render.Render(w, r, status, "tax/interest", page)
}

// computeFromForm reads the calculator's fields; a refusal names its field.
func computeFromForm(get func(string) string, lang string) (interest.Result, *web.FieldError) {
	msg := func(huText, en string) string {
		if lang == "en" {
			return en
		}
		return huText
	}
	amount, err := hu.ParseForint(get("amount"))
	if err != nil || amount <= 0 {
		return interest.Result{}, &web.FieldError{Field: "amount", Message: msg("Adja meg a tartozás összegét forintban, például 150 000.", "Enter the debt in forints, e.g. 150 000.")}
	}
	due, err := hu.ParseDate(get("due"))
	if err != nil {
		return interest.Result{}, &web.FieldError{Field: "due", Message: msg("Az esedékesség napját ÉÉÉÉ-HH-NN alakban adja meg, például 2025-09-15.", "Give the due date as YYYY-MM-DD, e.g. 2025-09-15.")}
	}
	paid, err := hu.ParseDate(get("paid"))
	if err != nil {
		return interest.Result{}, &web.FieldError{Field: "paid", Message: msg("A befizetés (vagy a számítás) napját ÉÉÉÉ-HH-NN alakban adja meg.", "Give the day of payment (or of the computation) as YYYY-MM-DD.")}
	}
	var res interest.Result
	if get("self_revision") != "" {
		res, err = interest.SelfRevision(amount, due, paid, get("repeated") != "")
	} else {
		var parts []interest.Payment
		var sum hu.Forint
		for i := 1; i <= partRows; i++ {
			on, amt := strings.TrimSpace(get(partKey("on", i))), strings.TrimSpace(get(partKey("amount", i)))
			if on == "" && amt == "" {
				continue
			}
			d, err1 := hu.ParseDate(on)
			a, err2 := hu.ParseForint(amt)
			if err1 != nil || err2 != nil || a <= 0 {
				return interest.Result{}, &web.FieldError{Field: partKey("on", i), Message: msg("A részbefizetéshez adjon meg napot (ÉÉÉÉ-HH-NN) és pozitív összeget.", "A part payment needs a day (YYYY-MM-DD) and a positive amount.")}
			}
			parts = append(parts, interest.Payment{On: d, Amount: a})
			sum += a
		}
		// What the part payments leave is paid on the day given.
		if rest := amount - sum; rest > 0 {
			parts = append(parts, interest.Payment{On: paid, Amount: rest})
		}
		res, err = interest.Late(amount, due, paid, parts)
	}
	var p *interest.Problem
	if errors.As(err, &p) {
		return interest.Result{}, &web.FieldError{Field: "paid", Message: msg(p.HU, p.EN)}
	}
	if err != nil {
		return interest.Result{}, &web.FieldError{Field: "due", Message: msg("Erre a napra nincs jegybanki alapkamat az adatokban.", "There is no base rate in the data for that day.")}
	}
	return res, nil
}

func partKey(what string, i int) string { return "part" + string(rune('0'+i)) + "_" + what }

// Requests and answers of the API.
type interestRequest struct {
	Amount       hu.Forint        `json:"amount"`
	Due          hu.Date          `json:"due"`
	Paid         hu.Date          `json:"paid"`
	Payments     []paymentRequest `json:"payments"`
	SelfRevision bool             `json:"self_revision"`
	Repeated     bool             `json:"repeated"`
}

type paymentRequest struct {
	On     hu.Date   `json:"on"`
	Amount hu.Forint `json:"amount"`
}

type interestResponse struct {
	Total    hu.Forint         `json:"total"`
	Start    hu.Date           `json:"start"`
	Moved    bool              `json:"due_moved"`
	Through  hu.Date           `json:"through"`
	Segments []segmentResponse `json:"segments"`
}

type segmentResponse struct {
	From        hu.Date   `json:"from"`
	To          hu.Date   `json:"to"`
	Days        int       `json:"days"`
	Outstanding hu.Forint `json:"outstanding"`
	BaseRateBP  int64     `json:"base_rate_bp"`
	DailyMilli  int64     `json:"daily_rate_milli_percent"`
	Exact       string    `json:"exact"`
}

// apiInterest is the calculator for other systems; part payments are
// given explicitly, and what they leave counts as paid on "paid".
func (h *handlers) apiInterest(w http.ResponseWriter, r *http.Request) error {
	var req interestRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	lang := web.RequestLang(r)
	var res interest.Result
	var err error
	if req.SelfRevision {
		res, err = interest.SelfRevision(req.Amount, req.Due, req.Paid, req.Repeated)
	} else {
		var parts []interest.Payment
		var sum hu.Forint
		for _, p := range req.Payments {
			parts = append(parts, interest.Payment{On: p.On, Amount: p.Amount})
			sum += p.Amount
		}
		if rest := req.Amount - sum; rest > 0 {
			parts = append(parts, interest.Payment{On: req.Paid, Amount: rest})
		}
		res, err = interest.Late(req.Amount, req.Due, req.Paid, parts)
	}
	var p *interest.Problem
	if errors.As(err, &p) {
		m := p.HU
		if lang == "en" {
			m = p.EN
		}
		return &web.Error{Status: http.StatusUnprocessableEntity, Key: "tax.api_refused", Args: []any{m}}
	}
	if err != nil {
		return err
	}
	out := interestResponse{Total: res.Total, Start: res.Start, Moved: res.Moved, Through: res.Through, Segments: []segmentResponse{}}
	for _, s := range res.Segments {
		out.Segments = append(out.Segments, segmentResponse{From: s.From, To: s.To, Days: s.Days, Outstanding: s.Outstanding,
			BaseRateBP: s.BaseRateBP, DailyMilli: s.DailyMilli, Exact: s.Exact.FloatString(2)})
	}
	api.Write(w, http.StatusOK, out)
	return nil
}

// Rate shows a base rate in basis points as "6,50 %".
func (d *interestData) Rate(bp int64) string {
	return strings.Replace(strconv.FormatFloat(float64(bp)/100, 'f', 2, 64), ".", ",", 1) + " %"
}

// Daily shows a daily rate in thousandths of a percent as "0,031 %".
func (d *interestData) Daily(milli int64) string {
	return strings.Replace(strconv.FormatFloat(float64(milli)/1000, 'f', 3, 64), ".", ",", 1) + " %"
}

// Exact shows a segment's unrounded interest as "2 790,00".
func (d *interestData) Exact(s interest.Segment) string {
	whole := new(big.Int).Quo(s.Exact.Num(), s.Exact.Denom())
	frac := strings.SplitN(s.Exact.FloatString(2), ".", 2)
	return hu.Forint(whole.Int64()).Grouped() + "," + frac[1]
}
