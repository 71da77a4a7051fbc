package tax

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/web"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// The decrees through the API: what the web form records, in JSON, so a
// municipality's own systems (or the portal) can read the decrees in
// force and the tax office can record one from a prepared file.

type decreeRateRequest struct {
	TaxType  caps.TaxType `json:"tax_type"`
	Basis    caps.Basis   `json:"basis"`
	Rate     string       `json:"rate"` // "1600", "2.5": forints or percent, up to three decimals
	Zone     string       `json:"zone"`
	Category string       `json:"category"`
	BandFrom *int64       `json:"band_from"`
	BandTo   *int64       `json:"band_to"`
}

type decreeReliefRequest struct {
	TaxType     caps.TaxType `json:"tax_type"`
	Kind        string       `json:"kind"`
	Description string       `json:"description"`
	Percent     string       `json:"percent"`
	Amount      *int64       `json:"amount"`
}

type decreeRequest struct {
	Number        string                `json:"number"`
	Title         string                `json:"title"`
	AdoptedOn     hu.Date               `json:"adopted_on"`
	EffectiveFrom hu.Date               `json:"effective_from"`
	TaxYear       int                   `json:"tax_year"`
	Replaces      *uuid.UUID            `json:"replaces"`
	Rates         []decreeRateRequest   `json:"rates"`
	Reliefs       []decreeReliefRequest `json:"reliefs"`
	Exclusions    []DecreeExclusion     `json:"exclusions"`
}

// formLine matches the form's name of a line's field: rate2_rate.
var formLine = regexp.MustCompile(`^(rate|relief|exclusion)(\d+)_(\w+)$`)

// decreeAPIProblem turns a refusal into the API's 422, naming the field
// as the request has it (rates[1].rate, not the form's rate2_rate).
func decreeAPIProblem(r *http.Request, p *DecreeProblem) error {
	lang := web.RequestLang(r)
	field := p.Field
	if m := formLine.FindStringSubmatch(field); m != nil {
		n, _ := strconv.Atoi(m[2])
		field = fmt.Sprintf("%ss[%d].%s", m[1], n-1, m[3])
	}
	return &web.Error{Status: http.StatusUnprocessableEntity, Key: "tax.api_refused", Args: []any{p.Message(lang)},
		Fields: []web.FieldError{{Field: field, Message: p.Message(lang)}}}
}

func (h *handlers) apiCreateDecree(w http.ResponseWriter, r *http.Request) error {
	var req decreeRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	p := access.PrincipalFrom(r.Context())
	n := NewDecree{Number: req.Number, Title: req.Title, AdoptedOn: req.AdoptedOn, EffectiveFrom: req.EffectiveFrom, TaxYear: req.TaxYear,
		Replaces: req.Replaces, Exclusions: req.Exclusions, By: p.Username, Levier: LevierFor(p.Tenant)}
	for i, rt := range req.Rates {
		rate, err := caps.ParseRate(strings.TrimSpace(rt.Rate))
		if err != nil {
			line := i + 1
			return decreeAPIProblem(r, &DecreeProblem{Code: "rate", Field: "rates[" + strconv.Itoa(i) + "].rate", Line: line,
				HU: strconv.Itoa(line) + ". sor: a mértéket számmal adja meg (legfeljebb három tizedesjegy, tizedesponttal).",
				EN: "Line " + strconv.Itoa(line) + ": give the rate as a number (at most three decimals, with a decimal point)."})
		}
		n.Rates = append(n.Rates, DecreeRate{TaxType: rt.TaxType, Basis: rt.Basis, Rate: rate, Zone: strings.TrimSpace(rt.Zone),
			Category: strings.TrimSpace(rt.Category), BandFrom: rt.BandFrom, BandTo: rt.BandTo})
	}
	for i, rl := range req.Reliefs {
		x := DecreeRelief{TaxType: rl.TaxType, Kind: rl.Kind, Description: rl.Description, Amount: rl.Amount}
		if s := strings.TrimSpace(rl.Percent); s != "" {
			pc, err := caps.ParseRate(s)
			if err != nil {
				line := i + 1
				return decreeAPIProblem(r, &DecreeProblem{Code: "relief", Field: "reliefs[" + strconv.Itoa(i) + "].percent", Line: line,
					HU: strconv.Itoa(line) + ". kedvezmény: a százalékot számmal adja meg.", EN: "Relief " + strconv.Itoa(line) + ": give the percentage as a number."})
			}
			x.Percent = &pc
		}
		n.Reliefs = append(n.Reliefs, x)
	}
	var v DecreeView
	err := h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		d, err := RecordDecree(ctx, tx, n, time.Now())
		if err != nil {
			return err
		}
		v, err = LoadDecree(ctx, tx, d.ID)
		return err
	})
	var prob *DecreeProblem
	if errors.As(err, &prob) {
		return decreeAPIProblem(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusCreated, decreeResponse(v))
	return nil
}

type decreeJSON struct {
	Decree
	Rates      []DecreeRate      `json:"rates"`
	Reliefs    []DecreeRelief    `json:"reliefs"`
	Exclusions []DecreeExclusion `json:"exclusions"`
}

// decreeResponse gives every list as an array, never null.
func decreeResponse(v DecreeView) decreeJSON {
	out := decreeJSON{Decree: v.Decree, Rates: v.Rates, Reliefs: v.Reliefs, Exclusions: v.Exclusions}
	if out.Rates == nil {
		out.Rates = []DecreeRate{}
	}
	if out.Reliefs == nil {
		out.Reliefs = []DecreeRelief{}
	}
	if out.Exclusions == nil {
		out.Exclusions = []DecreeExclusion{}
	}
	return out
}

func (h *handlers) apiDecree(w http.ResponseWriter, r *http.Request) error {
	id, err := uuid.Parse(r.PathValue("decree"))
	if err != nil {
		return web.NotFound()
	}
	var v DecreeView
	err = h.deps.DB.InTenantRead(r.Context(), access.PrincipalFrom(r.Context()).Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v, err = LoadDecree(ctx, tx, id)
		return err
	})
	if errors.Is(err, errNoDecree) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusOK, decreeResponse(v))
	return nil
}

func (h *handlers) apiDecrees(w http.ResponseWriter, r *http.Request) error {
	var ds []Decree
	err := h.deps.DB.InTenantRead(r.Context(), access.PrincipalFrom(r.Context()).Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		ds, err = Decrees(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []Decree{}
	}
	api.Write(w, http.StatusOK, map[string]any{"decrees": ds})
	return nil
}
