package finance

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
)

// A commitment is made in writing (Áht. 37. §), except one under the
// Ávr. threshold (spec §B.5: "amounts under 200,000 Ft need no written
// commitment"; Appendix 2 #17, a setting). "Under" is read strictly, as
// the Ávr. says "el nem érő": a commitment of exactly the threshold
// needs its document. The whole commitment counts, every year's part
// together, so a multi-year commitment cannot slip under by its parts.

// commitmentTotal is the whole value of a commitment's years.
func commitmentTotal(ys []CommitmentYear) hu.Forint {
	var t hu.Forint
	for _, y := range ys {
		t += y.Amount
	}
	return t
}

// checkWrittenCommitment refuses a commitment at or above the threshold
// recorded without the reference of its written document.
func checkWrittenCommitment(ctx context.Context, tx bun.IDB, in CommitmentInput) error {
	if in.Document != "" {
		return nil
	}
	set, err := ControlSettingsOf(ctx, tx)
	if err != nil {
		return err
	}
	if total := commitmentTotal(in.Years); total >= set.WrittenCommitmentLimit {
		return problem("document_required", "document", "%s Ft kötelezettségvállalást írásban kell megtenni: adja meg a szerződés vagy megrendelő számát (írásbeliség nélkül csak %s Ft alatt lehet).",
			"A commitment of %s Ft must be made in writing: give the number of the contract or order (only under %s Ft may it be made without).", total.Grouped(), set.WrittenCommitmentLimit.Grouped())
	}
	return nil
}

// WrittenCommitmentLimit is the threshold for a page's form.
func WrittenCommitmentLimit(ctx context.Context, tx bun.IDB) (hu.Forint, error) {
	set, err := ControlSettingsOf(ctx, tx)
	return set.WrittenCommitmentLimit, err
}
