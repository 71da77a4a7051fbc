#!/usr/bin/env bash
# Builds the unbranded govuk-frontend assets served by the Go app.
#
#   tools/design-system/build.sh      (from anywhere)
#
# Needs Node.js >= 20.19 and npm; fetches pinned packages from the npm
# registry (package-lock.json). Outputs (committed to the repository):
#
#   internal/platform/web/static/css/asp.css                 compiled asp.scss
#   internal/platform/web/static/js/govuk-frontend.min.js    ES module bundle
#   internal/platform/web/static/images/favicon.svg          our own favicon
#   internal/platform/web/static/LICENSE-govuk-frontend.txt
#   internal/platform/web/testdata/axe.min.js                tests only, never served
#   internal/platform/web/testdata/LICENSE-axe-core*.txt
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
static="$root/internal/platform/web/static"
testdata="$root/internal/platform/web/testdata"

cd "$here"

# Exact versions from package-lock.json. No install scripts are needed (the
# only one is sass's optional file watcher), so do not run any.
npm ci --ignore-scripts --no-audit --no-fund

nm="$here/node_modules"
gf="$nm/govuk-frontend/dist/govuk"
pkg_version() { node -p "JSON.parse(require('fs').readFileSync('$nm/$1/package.json','utf8')).version"; }
gf_version="$(pkg_version govuk-frontend)"
axe_version="$(pkg_version axe-core)"
sass_version="$(pkg_version sass)"

mkdir -p "$static/css" "$static/js" "$static/images" "$testdata"

# --quiet-deps: hide govuk-frontend's own Sass deprecation warnings (it still
# uses @import in 5.x); we silence the same warning for our single @import.
"$nm/.bin/sass" \
  --no-source-map \
  --style=compressed \
  --load-path="$nm" \
  --quiet-deps \
  --silence-deprecation=import \
  "$here/asp.scss" "$static/css/asp.css.tmp"

# Unbranded checks: fail the build instead of shipping GOV.UK branding.
css="$static/css/asp.css.tmp"
fail=0
if grep -qi 'GDS Transport' "$css"; then echo "build.sh: asp.css mentions GDS Transport" >&2; fail=1; fi
if grep -qi '@font-face' "$css"; then echo "build.sh: asp.css contains @font-face" >&2; fail=1; fi
# (Class names such as .govuk-footer__crown are fine: they style inline SVG
# that we never put in our markup. Image files are not.)
if grep -qiE '(crown|crest|logotype|govuk-icon|opengraph)[a-z0-9_-]*\.(svg|png|ico|jpe?g|gif|webp)' "$css"; then
  echo "build.sh: asp.css references a GOV.UK brand image" >&2; fail=1
fi
# No url(...) at all is expected; anything else must be added on purpose.
if grep -qi 'url(' "$css"; then
  echo "build.sh: asp.css references an asset; copy it and update this check:" >&2
  grep -oi 'url([^)]*)' "$css" | sort -u >&2
  fail=1
fi
if [ "$fail" -ne 0 ]; then rm -f "$css"; exit 1; fi
mv "$css" "$static/css/asp.css"

# JavaScript: the ES module bundle, byte-identical to the npm package.
# Load it with <script type="module" src="/static/js/govuk-frontend.min.js">.
cp "$gf/govuk-frontend.min.js" "$static/js/govuk-frontend.min.js"

# Our own favicon (GOV.UK's favicon/app icons are the crown: not used).
cp "$here/assets/favicon.svg" "$static/images/favicon.svg"

# Licences next to what we ship. govuk-frontend's npm package has no licence
# file, so we keep its MIT text in licenses/.
cp "$here/licenses/LICENSE-govuk-frontend.txt" "$static/LICENSE-govuk-frontend.txt"

# axe-core is for browser accessibility tests only: it must not be served.
cp "$nm/axe-core/axe.min.js" "$testdata/axe.min.js"
cp "$nm/axe-core/LICENSE" "$testdata/LICENSE-axe-core.txt"
cp "$nm/axe-core/LICENSE-3RD-PARTY.txt" "$testdata/LICENSE-axe-core-3RD-PARTY.txt"

echo "build.sh: govuk-frontend $gf_version, sass $sass_version, axe-core $axe_version"
for f in "$static/css/asp.css" "$static/js/govuk-frontend.min.js" "$static/images/favicon.svg" \
         "$static/LICENSE-govuk-frontend.txt" "$testdata/axe.min.js"; do
  printf '  %8d  %s\n' "$(wc -c <"$f")" "${f#"$root"/}"
done
