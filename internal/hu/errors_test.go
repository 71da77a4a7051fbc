package hu

import (
	"errors"
	"testing"
)

func TestValidationError(t *testing.T) {
	_, err := ParseTAJ("123 456 789")
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("ParseTAJ error is %T, want *ValidationError", err)
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"Error is English", err.Error(), ve.EN},
		{"Message hu", ve.Message("hu"), ve.HU},
		{"Message en", ve.Message("en"), ve.EN},
		{"Message other", ve.Message("de"), ve.EN},
		{"Code", ve.Code, CodeChecksum},
		{"Field", ve.Field, "taj"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if ve.HU == "" || ve.EN == "" || ve.HU == ve.EN {
		t.Errorf("messages should be present and differ: HU=%q EN=%q", ve.HU, ve.EN)
	}
}

func TestValidationErrorIs(t *testing.T) {
	_, err := ParseTaxID("8422780136")
	tests := []struct {
		target *ValidationError
		want   bool
	}{
		{&ValidationError{Code: CodeChecksum}, true},
		{&ValidationError{Code: CodeChecksum, Field: "adoazonosito"}, true},
		{&ValidationError{Code: CodeChecksum, Field: "taj"}, false},
		{&ValidationError{Code: CodeLength}, false},
		{&ValidationError{}, true},
	}
	for _, tt := range tests {
		if got := errors.Is(err, tt.target); got != tt.want {
			t.Errorf("errors.Is(%v, %+v) = %v, want %v", err, tt.target, got, tt.want)
		}
	}
	if errors.Is(err, errors.New("other")) {
		t.Error("errors.Is matched a foreign error")
	}
}
