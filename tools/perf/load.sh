#!/usr/bin/env bash
# Measures the platform's HTTP hot path on loopback, as docs/performance.md
# records it: start-up times, idle memory, and wrk (50 connections, 10 s)
# against /healthz and the authenticated dashboard in the same run.
#
#   tools/perf/load.sh                 # SQLite
#   ASP_DATABASE_URL=... ASP_MIGRATE_DATABASE_URL=... tools/perf/load.sh
#
# Needs wrk (apt-get install wrk) and curl. Uses port 18090 and a fresh
# data directory; stops the server it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
go build -o /tmp/asp-perf ./cmd/asp
data=$(mktemp -d)
port=18090
base=http://127.0.0.1:$port
pid=
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; }
trap 'stop; rm -rf "$data"' EXIT

wait_ready() { for _ in $(seq 1 250); do curl -sf "$base/readyz" >/dev/null 2>&1 && return 0; sleep 0.02; done; echo "not ready"; exit 1; }

/tmp/asp-perf serve --demo --data "$data" --addr 127.0.0.1:$port >"$data/first.log" 2>&1 &
pid=$!
wait_ready
echo "first start (import + demo users): $(grep -o 'startup=[^ ]*' "$data/first.log")"
sleep 2
echo "idle RSS: $(ps -o rss= -p $pid) KiB"

jar="$data/cookies"
curl -s -c "$jar" -b "$jar" -o /dev/null -d "username=ugyintezo&password=Tavaszi-Szel-2026" "$base/login"
curl -s -c "$jar" -b "$jar" -o /dev/null -d "tenant=12548" "$base/tenants/switch"
cookie=$(awk '$6 == "asp_session" {print $7}' "$jar")
curl -s -b "asp_session=$cookie" "$base/" | grep -q 'current-tenant">Abaliget' || { echo "dashboard did not render for the clerk"; exit 1; }

echo "--- /healthz"
wrk -t2 -c50 -d10s --latency "$base/healthz" | grep -E "Requests/sec|  50%|  99%"
echo "--- / (dashboard, logged in)"
wrk -t2 -c50 -d10s --latency -H "Cookie: asp_session=$cookie" "$base/" | grep -E "Requests/sec|  50%|  99%|Non-2xx"
echo "RSS after load: $(ps -o rss= -p $pid) KiB"
stop

/tmp/asp-perf serve --data "$data" --addr 127.0.0.1:$port >"$data/second.log" 2>&1 &
pid=$!
wait_ready
echo "second start (tenants imported): $(grep -o 'startup=[^ ]*' "$data/second.log")"
sleep 2
echo "idle RSS (second start): $(ps -o rss= -p $pid) KiB"
