// Command asp is the municipal ASP service: the web server and its
// command-line tasks (asp help).
package main

import (
	"os"

	"github.com/openasp-hu/asp/internal/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:], os.Stdout, os.Stderr))
}
