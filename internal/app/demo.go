package app

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
)

// DemoLogin is one demo account, printed at start-up.
type DemoLogin struct {
	Username, Password, Who string
}

// SeedDemo creates the demo users (idempotent) and returns their logins.
func (a *App) SeedDemo(ctx context.Context) ([]DemoLogin, error) {
	return nil, nil
}

func printDemoLogins(out io.Writer, logins []DemoLogin) {
	if len(logins) == 0 {
		return
	}
	fmt.Fprintln(out, "Demo belépések / demo logins:")
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	for _, l := range logins {
		fmt.Fprintf(w, "  %s\t%s\t%s\n", l.Username, l.Password, l.Who)
	}
	w.Flush()
}
