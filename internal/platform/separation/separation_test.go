package separation

import "testing"

func TestFill(t *testing.T) {
	ids := map[string]string{"id": "a/b", "role": "key_user"}
	for in, want := range map[string]string{
		"/users/{id}":                      "/users/a%2Fb",
		"/users/{id}/grants/{role}/revoke": "/users/a%2Fb/grants/key_user/revoke",
		"/plain":                           "/plain",
	} {
		got, missing := fill(in, ids)
		if got != want || missing != "" {
			t.Errorf("fill(%q) = %q, %q", in, got, missing)
		}
	}
	if _, missing := fill("/x/{nope}", ids); missing != "nope" {
		t.Errorf("missing = %q", missing)
	}
	if Parameterised("GET /{$}") || !Parameterised("GET /users/{id}") {
		t.Error("Parameterised")
	}
}
