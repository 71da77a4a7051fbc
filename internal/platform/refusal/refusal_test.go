package refusal

import (
	"errors"
	"fmt"
	"testing"
)

func TestProblem(t *testing.T) {
	p := New("bad_share", "share", "A hányad %s nem jó.", "Share %s is wrong.", "3/2")
	if p.Message("hu") != "A hányad 3/2 nem jó." || p.Message("en") != "Share 3/2 is wrong." || p.Error() != p.EN {
		t.Errorf("%+v", p)
	}
	// Wrapped by another module, it is still found.
	var got *Problem
	if !errors.As(fmt.Errorf("register: %w", p), &got) || got != p {
		t.Error("a wrapped refusal is not found")
	}
}
