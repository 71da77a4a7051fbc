package tenancy

import (
	"bytes"
	"strings"
	"testing"
)

// The gazetteer is outside input (asp tenant import --file): whatever it
// holds, parsing must not panic, and what it accepts must make sense.
func FuzzParseGazetteer(f *testing.F) {
	head := strings.Join(gazetteerHeader, ",") + "\n"
	f.Add([]byte(gazetteer2018[:2000]))
	f.Add([]byte(head + "Aba,17376,város,Fejér,085 0,Székesfehérvári,Székesfehérvár,1,–,8805,4416,1548\n"))
	f.Add([]byte(head + "X,12548,község,Baranya,028 0,Pécsi,Pécs,5,Nincs,1,1,1\n"))
	f.Add([]byte(head + "\"unterminated,1\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		places, err := ParseGazetteer(bytes.NewReader(b))
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, p := range places {
			if !kshCodePattern.MatchString(string(p.KSHCode)) || p.Name == "" || seen[string(p.KSHCode)] {
				t.Fatalf("accepted a bad place: %+v", p)
			}
			seen[string(p.KSHCode)] = true
		}
		tenants, offices := Plan(places)
		if len(tenants) != len(places) {
			t.Fatalf("plan lost tenants")
		}
		ids := map[string]bool{}
		for _, o := range offices {
			ids[o.ID] = true
		}
		for _, tn := range tenants {
			if tn.OfficeID != "" && !ids[tn.OfficeID] {
				t.Fatalf("tenant %s points to office %s that the plan does not create", tn.ID, tn.OfficeID)
			}
		}
	})
}
