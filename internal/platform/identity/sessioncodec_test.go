package identity

import (
	"reflect"
	"testing"
	"time"
)

func TestSessionCodecRoundTrip(t *testing.T) {
	deadline := time.Date(2026, 11, 24, 18, 0, 0, 123, time.UTC)
	in := map[string]any{"uid": "0193-abc", "epoch": 3, "seen": int64(1790000000), "enroll": true, "empty": ""}
	b, err := sessionCodec{}.Encode(deadline, in)
	if err != nil {
		t.Fatal(err)
	}
	d, out, err := sessionCodec{}.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Equal(deadline) || !reflect.DeepEqual(in, out) {
		t.Errorf("round trip: %v %v, want %v %v", d, out, deadline, in)
	}
	if _, err := (sessionCodec{}).Encode(deadline, map[string]any{"x": 1.5}); err == nil {
		t.Error("a float was accepted")
	}
}

func FuzzSessionCodecDecode(f *testing.F) {
	b, _ := sessionCodec{}.Encode(time.Now(), map[string]any{"uid": "u", "epoch": 1, "ok": true})
	f.Add(b)
	f.Add([]byte(`{"d":1,"v":{"a":{}}}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, vals, err := sessionCodec{}.Decode(b)
		if err != nil {
			return
		}
		// Whatever decodes must encode and decode to the same thing.
		again, err := sessionCodec{}.Encode(d, vals)
		if err != nil {
			t.Fatalf("decoded values do not encode: %v", err)
		}
		d2, vals2, err := sessionCodec{}.Decode(again)
		if err != nil || !d2.Equal(d) || !reflect.DeepEqual(vals, vals2) {
			t.Fatalf("not stable: %v %v / %v %v (%v)", d, vals, d2, vals2, err)
		}
	})
}
