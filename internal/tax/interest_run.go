package tax

import (
	"context"
	"fmt"
	"sort"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
)

// InterestTaxType is where late-payment interest is posted: its own tax
// type, on which no further interest runs (Art. 206. § (6)).
const InterestTaxType = "kesedelmi_potlek"

// noInterest are the tax types that bear no late-payment interest.
var noInterest = map[string]bool{InterestTaxType: true, "onellenorzesi_potlek": true}

// InterestRunResult counts what a run posted.
type InterestRunResult struct {
	Taxpayers int
	Postings  int
	Charged   hu.Forint // new interest debits
	Reduced   hu.Forint // interest taken back (a debit was reversed or paid earlier than booked)
}

// PostInterest charges the late-payment interest accrued up to on, without
// a separate decision (Art. 207. § (1)): for every debit of every
// taxpayer it compares the interest accrued with what was already posted
// for that debit and posts the difference on the késedelmi pótlék tax
// type, referring to the debit. Running it again on the same day posts
// nothing; a later run posts only what accrued since.
func (s *Service) PostInterest(ctx context.Context, tx bun.Tx, on hu.Date, by string) (InterestRunResult, error) {
	var res InterestRunResult
	batch := s.newBatch(by)
	err := eachTaxpayer(ctx, tx, on, true, func(tp Taxpayer, accounts []Account) error {
		id := tp.ID
		post := func(in PostingInput) error {
			_, err := batch.add(ctx, tx, in, tp.TaxID)
			return err
		}
		posted := map[string]hu.Forint{} // debit id → interest posted for it
		for _, a := range accounts {
			if a.TaxType != InterestTaxType {
				continue
			}
			for _, p := range a.Postings {
				if p.Kind != "kesedelmi_potlek" {
					continue
				}
				if p.Side == Debit {
					posted[p.Reference] += p.Amount
				} else {
					posted[p.Reference] -= p.Amount
				}
			}
		}
		touched := false
		current := map[string]bool{}
		for _, a := range accounts {
			for _, d := range a.Debits {
				current[d.ID.String()] = true
			}
		}
		// A debit reversed since: its interest is taken back in full.
		var gone []string
		for ref, amt := range posted {
			if !current[ref] && amt > 0 {
				gone = append(gone, ref)
			}
		}
		sort.Strings(gone)
		for _, ref := range gone {
			if err := post(PostingInput{TaxpayerID: id, TaxType: InterestTaxType, Side: Credit, Amount: posted[ref], On: on,
				TaxYear: on.Year, Kind: "kesedelmi_potlek", Reference: ref, Note: "az alapjául szolgáló tétel stornózva"}); err != nil {
				return err
			}
			res.Postings++
			res.Reduced += posted[ref]
			touched = true
		}
		for _, a := range accounts {
			if noInterest[a.TaxType] {
				continue
			}
			for _, d := range a.Debits {
				diff := d.Interest - posted[d.ID.String()]
				if diff == 0 {
					continue
				}
				side := Debit
				if diff < 0 {
					side, diff = Credit, -diff
				}
				err := post(PostingInput{TaxpayerID: id, TaxType: InterestTaxType, Side: side, Amount: diff, On: on,
					TaxYear: d.TaxYear, Kind: "kesedelmi_potlek", Reference: d.ID.String(),
					Note: fmt.Sprintf("%s, esedékes %s, %s-ig", TaxTypeName(a.TaxType), d.On, on)})
				if err != nil {
					return err
				}
				res.Postings++
				if side == Debit {
					res.Charged += diff
				} else {
					res.Reduced += diff
				}
				touched = true
			}
		}
		if touched {
			res.Taxpayers++
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	if err := batch.flush(ctx, tx); err != nil {
		return res, err
	}
	return res, appendAudit(ctx, tx, "tax.interest_run", "interest_run", on.String(), map[string]any{
		"on": on.String(), "taxpayers": res.Taxpayers, "postings": res.Postings, "charged": int64(res.Charged), "reduced": int64(res.Reduced), "by": by}, s.now())
}
