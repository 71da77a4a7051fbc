package identity

import (
	"encoding/json"
	"fmt"
	"time"
)

// sessionCodec stores session values as JSON with their Go type kept. It
// replaces scs's gob codec, which builds a decoder with full type
// information for every request; our sessions hold only strings, ints and
// bools, so a plain tagged encoding is enough and several times cheaper.
type sessionCodec struct{}

type sessionValue struct {
	S *string `json:"s,omitempty"`
	I *int    `json:"i,omitempty"`
	L *int64  `json:"l,omitempty"`
	B *bool   `json:"b,omitempty"`
}

type sessionBlob struct {
	Deadline int64                   `json:"d"`
	Values   map[string]sessionValue `json:"v"`
}

// Encode implements scs.Codec.
func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	blob := sessionBlob{Deadline: deadline.UnixNano(), Values: make(map[string]sessionValue, len(values))}
	for k, v := range values {
		switch x := v.(type) {
		case string:
			blob.Values[k] = sessionValue{S: &x}
		case int:
			blob.Values[k] = sessionValue{I: &x}
		case int64:
			blob.Values[k] = sessionValue{L: &x}
		case bool:
			blob.Values[k] = sessionValue{B: &x}
		default:
			return nil, fmt.Errorf("session value %q: type %T cannot be stored", k, v)
		}
	}
	return json.Marshal(blob)
}

// Decode implements scs.Codec.
func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	var blob sessionBlob
	if err := json.Unmarshal(b, &blob); err != nil {
		return time.Time{}, nil, fmt.Errorf("session data: %w", err)
	}
	values := make(map[string]any, len(blob.Values))
	for k, v := range blob.Values {
		switch {
		case v.S != nil:
			values[k] = *v.S
		case v.I != nil:
			values[k] = *v.I
		case v.L != nil:
			values[k] = *v.L
		case v.B != nil:
			values[k] = *v.B
		default:
			return time.Time{}, nil, fmt.Errorf("session data: value %q has no type", k)
		}
	}
	return time.Unix(0, blob.Deadline), values, nil
}
