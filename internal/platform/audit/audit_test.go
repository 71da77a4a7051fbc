package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func sampleEntry() Entry {
	return Entry{
		TenantID:   tenantA,
		Seq:        7,
		At:         time.Date(2025, 3, 1, 9, 30, 0, 250000000, time.UTC),
		ActorID:    "3f1c2a9e-0000-4000-8000-000000000001",
		ActorName:  "Kovács Éva",
		Action:     "grant.create",
		ObjectType: "grant",
		ObjectID:   "17376/u1/clerk",
		RemoteAddr: "192.0.2.10",
		RequestID:  "req-1",
		Result:     ResultOK,
		Detail:     `{"role":"clerk"}`,
		PrevHash:   GenesisHash,
	}
}

// TestHashDefinition recomputes the documented definition independently,
// and pins one value, so that the definition cannot drift unnoticed: every
// stored chain depends on it.
func TestHashDefinition(t *testing.T) {
	e := sampleEntry()
	var buf bytes.Buffer
	for _, f := range []string{
		"asp-audit-v1", "17376", "7", "2025-03-01T09:30:00.250000Z",
		"3f1c2a9e-0000-4000-8000-000000000001", "Kovács Éva", "grant.create",
		"grant", "17376/u1/clerk", "192.0.2.10", "req-1", "ok", `{"role":"clerk"}`,
		GenesisHash,
	} {
		binary.Write(&buf, binary.BigEndian, uint64(len(f)))
		buf.WriteString(f)
	}
	sum := sha256.Sum256(buf.Bytes())
	want := hex.EncodeToString(sum[:])
	if got := e.ComputeHash(); got != want {
		t.Errorf("ComputeHash = %s, the documented definition gives %s", got, want)
	}
	const pinned = "daeff0d0ccae9ea4b7c0f3fbb72f002a1b800f46c0a6bba85dfbb1204b3377bc"
	if want != pinned {
		t.Errorf("the hash of the sample entry changed: %s, was %s", want, pinned)
	}

	// The same instant in another zone, or with nanoseconds below the
	// microsecond, hashes the same: only the stored microseconds count.
	e2 := e
	e2.At = e.At.In(time.FixedZone("CET", 3600)).Add(999 * time.Nanosecond)
	if e2.ComputeHash() != want {
		t.Error("the hash depends on the time zone or on sub-microsecond digits")
	}
}

// TestHashSeparatesFields: moving text from one field into its neighbour
// must change the hash (the reason for the length prefixes).
func TestHashSeparatesFields(t *testing.T) {
	base := sampleEntry()
	tests := []struct {
		name   string
		change func(*Entry)
	}{
		{"actor id into actor name", func(e *Entry) { e.ActorID, e.ActorName = "3f1c2a9e-0000-4000-8000-00000000000", "1Kovács Éva" }},
		{"object type into object id", func(e *Entry) { e.ObjectType, e.ObjectID = "", "grant17376/u1/clerk" }},
		{"remote address into request id", func(e *Entry) { e.RemoteAddr, e.RequestID = "192.0.2.1", "0req-1" }},
		{"seq", func(e *Entry) { e.Seq = 8 }},
		{"tenant", func(e *Entry) { e.TenantID = tenantB }},
		{"microsecond", func(e *Entry) { e.At = e.At.Add(time.Microsecond) }},
		{"result", func(e *Entry) { e.Result = ResultDenied }},
		{"detail", func(e *Entry) { e.Detail = `{"role":"admin"}` }},
		{"prev hash", func(e *Entry) { e.PrevHash = strings.Repeat("1", 64) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := base
			tc.change(&e)
			if e.ComputeHash() == base.ComputeHash() {
				t.Error("hash unchanged")
			}
		})
	}
}

func TestNewEntryTakesTheActorFromTheContext(t *testing.T) {
	ctxActor := Actor{ID: "u-ctx", Name: "Ctx User", RemoteAddr: "198.51.100.7", RequestID: "req-ctx"}
	tests := []struct {
		name string
		ctx  context.Context
		ev   Event
		want Actor // ID, Name, RemoteAddr, RequestID of the entry
	}{
		{
			name: "all from the context",
			ctx:  WithActor(context.Background(), ctxActor),
			ev:   Event{Action: "user.login", Result: ResultOK},
			want: ctxActor,
		},
		{
			name: "the event's actor wins, address and request from the context",
			ctx:  WithActor(context.Background(), ctxActor),
			ev:   Event{ActorID: "u-ev", ActorName: "Ev User", Action: "user.login", Result: ResultOK},
			want: Actor{ID: "u-ev", Name: "Ev User", RemoteAddr: "198.51.100.7", RequestID: "req-ctx"},
		},
		{
			name: "a name alone is not paired with the context's id",
			ctx:  WithActor(context.Background(), ctxActor),
			ev:   Event{ActorName: "typed-username", Action: "user.login_failed", Result: ResultFailed},
			want: Actor{Name: "typed-username", RemoteAddr: "198.51.100.7", RequestID: "req-ctx"},
		},
		{
			name: "everything explicit",
			ctx:  WithActor(context.Background(), ctxActor),
			ev:   Event{ActorID: "a", ActorName: "b", RemoteAddr: "c", RequestID: "d", Action: "user.login", Result: ResultOK},
			want: Actor{ID: "a", Name: "b", RemoteAddr: "c", RequestID: "d"},
		},
		{
			name: "no actor in the context",
			ctx:  context.Background(),
			ev:   Event{Action: "system.start", Result: ResultOK},
			want: Actor{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := newEntry(tc.ctx, tenantA, tc.ev, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			got := Actor{ID: e.ActorID, Name: e.ActorName, RemoteAddr: e.RemoteAddr, RequestID: e.RequestID}
			if got != tc.want {
				t.Errorf("actor = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestNewEntryChecksAndNormalises(t *testing.T) {
	ctx := context.Background()
	bad := []struct {
		name string
		ev   Event
	}{
		{"no action", Event{Result: ResultOK}},
		{"action without a verb", Event{Action: "login", Result: ResultOK}},
		{"upper case action", Event{Action: "User.Login", Result: ResultOK}},
		{"no result", Event{Action: "user.login"}},
		{"unknown result", Event{Action: "user.login", Result: "maybe"}},
		{"detail that is not JSON", Event{Action: "user.login", Result: ResultOK, Detail: map[string]any{"f": func() {}}}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := newEntry(ctx, tenantA, tc.ev, time.Now()); err == nil {
				t.Error("accepted")
			}
		})
	}

	e, err := newEntry(ctx, tenantA, Event{
		Action:    "user.login_failed",
		Result:    ResultFailed,
		ActorName: "nul\x00and\xffbad" + strings.Repeat("é", 1000),
		Detail:    map[string]any{"z": 1, "a": map[string]any{"y": true, "b": "<x>"}},
	}, time.Date(2025, 1, 2, 3, 4, 5, 678901234, time.FixedZone("CET", 3600)))
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(e.ActorName) || strings.ContainsRune(e.ActorName, 0) || len(e.ActorName) > maxFieldBytes {
		t.Errorf("actor name not cleaned: %d bytes, valid UTF-8 %v", len(e.ActorName), utf8.ValidString(e.ActorName))
	}
	if want := `{"a":{"b":"\u003cx\u003e","y":true},"z":1}`; e.Detail != want {
		t.Errorf("detail = %s, want %s", e.Detail, want)
	}
	if want := time.Date(2025, 1, 2, 2, 4, 5, 678901000, time.UTC); !e.At.Equal(want) || e.At.Location() != time.UTC {
		t.Errorf("at = %v, want %v", e.At, want)
	}

	big, err := newEntry(ctx, tenantA, Event{Action: "a.b", Result: ResultOK,
		Detail: map[string]any{"x": strings.Repeat("x", maxDetailBytes)}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := big.DetailMap(); m["truncated"] != true {
		t.Errorf("oversized detail kept: %.80s…", big.Detail)
	}
}
