package finance

import (
	"testing"

	"github.com/google/uuid"
)

// FuzzAssetInput: the register form is typed by a clerk (and the API
// sends the same fields); any text is read or refused with a field to
// point at, never a panic, and what passes the checks is a consistent
// asset (residual below gross, a rate within 0–100%, a hrsz only on real
// estate).
func FuzzAssetInput(f *testing.F) {
	f.Add("LT-1", "epulet", "123/4", "2026-01-01", "", "73 000 000", "0", "2", "")
	f.Add("1", "gep", "", "2026-02-10", "2026-02-01", "1200000", "", "14,5", "")
	f.Add("", "telek", "0123/4/A/5", "x", "", "-1", "1e9", "%", "0")
	f.Add("X", "jarmu", "", "2026-02-30", "", "9223372036854775807", "", "", "7")
	e := Entity{ID: uuid.Must(uuid.NewV7()), Name: "Fuzz", Functions: []string{"066020"}}
	st := AssetSettings{Rates: map[string]int{"gep": 1450}, SmallWrite: true, SmallLimit: assetSmallLimit}
	f.Fuzz(func(t *testing.T, no, class, hrsz, inUse, acquired, gross, residual, rate, life string) {
		vals := map[string]string{"inventory_no": no, "name": "Eszköz", "class": class, "funkcio": "066020", "hrsz": hrsz, "in_use_on": inUse,
			"acquired_on": acquired, "gross": gross, "residual": residual, "rate": rate, "life_years": life}
		in, p := assetInputOf(e.ID, func(k string) string { return vals[k] })
		if p != nil {
			if p.Field == "" || p.HU == "" || p.EN == "" {
				t.Fatalf("refusal without a field or text: %+v", p)
			}
			return
		}
		a, p := checkAsset(e, in, st)
		if p != nil {
			if p.HU == "" || p.EN == "" {
				t.Fatalf("refusal without text: %+v", p)
			}
			return
		}
		cls, _ := AssetClassOf(a.Class)
		if a.Residual < 0 || a.Residual >= a.Gross || a.RateBP < 0 || a.RateBP > 10000 || (a.HRSZ != "") != cls.RealEstate || a.AcquiredOn.After(a.InUseOn) {
			t.Fatalf("inconsistent asset %+v", a)
		}
		if got := AssetPlanned(a, a.InUseOn.AddDays(400)); got < 0 || got > a.Gross-a.Residual {
			t.Fatalf("planned %d outside 0..%d", got, a.Gross-a.Residual)
		}
	})
}
