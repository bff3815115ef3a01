#!/usr/bin/env bash
# Builds build/anycastd_<version>_all.deb with dpkg-deb: the program with its production dependencies,
# the systemd unit, sysusers/tmpfiles files, an example config (a conffile), a man page and examples.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/packaging/deb"
VERSION=$(node -p "require('$ROOT/package.json').version")
OUT_DIR=${1:-$ROOT/build}
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
PKG="$STAGE/pkg"
LIB="$PKG/usr/lib/anycastd"
DOC="$PKG/usr/share/doc/anycastd"

(cd "$ROOT" && npm run --silent build)

# The program: compiled JS without tests, package.json (for --version), production dependencies only.
mkdir -p "$LIB"
cp -r "$ROOT/dist" "$LIB/dist"
find "$LIB/dist" -type f \( ! -name '*.js' -o -name '*.test.js' -o -name '*.test-util.js' \) -delete
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$LIB/"
(cd "$LIB" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
rm -f "$LIB/package-lock.json" "$LIB/node_modules/.package-lock.json"
# Documentation, tests and type files inside dependencies are of no use at run time.
find "$LIB/node_modules" \( -iname '*.md' -o -iname '*.markdown' -o -name '*.d.ts' -o -name '*.map' -o -name '*.html' -o -name '*.sh' -o -name '.*' -type f \) -delete
# The stub CLIs of pino and pino-pretty: anycastd uses both as libraries only.
rm -f "$LIB/node_modules/pino/bin.js" "$LIB/node_modules/pino-pretty/bin.js"
find "$LIB/node_modules" -depth -type d \( -name test -o -name tests -o -name docs -o -name example -o -name examples -o -name benchmarks -o -name .github -o -name .husky \) -exec rm -rf {} +
find "$LIB/node_modules" -depth -type d -empty -delete
find "$LIB" -type d -exec chmod 0755 {} + && find "$LIB" -type f -exec chmod 0644 {} +
chmod 0755 "$LIB/dist/cli/main.js"

install -D -m 0755 "$HERE/anycastd.sh" "$PKG/usr/bin/anycastd"
install -D -m 0644 "$ROOT/systemd/anycastd.service" "$PKG/lib/systemd/system/anycastd.service"
install -D -m 0644 "$ROOT/systemd/anycastd.sysusers.conf" "$PKG/usr/lib/sysusers.d/anycastd.conf"
install -D -m 0644 "$ROOT/systemd/anycastd.tmpfiles.conf" "$PKG/usr/lib/tmpfiles.d/anycastd.conf"
install -D -m 0644 "$ROOT/systemd/anycastd.json" "$PKG/etc/anycastd/anycastd.json"
install -d -m 0755 "$PKG/etc/anycastd/zones"

install -D -m 0644 "$HERE/copyright" "$DOC/copyright"
install -m 0644 "$ROOT/README.md" "$DOC/README.md"
gzip -9n -c "$HERE/changelog" > "$DOC/changelog.gz"
install -d "$DOC/examples/zones" "$DOC/examples/bird" "$DOC/examples/systemd"
install -m 0644 "$ROOT"/zones/*.zone "$DOC/examples/zones/"
install -m 0644 "$ROOT"/bird/* "$DOC/examples/bird/"
[ -d "$ROOT/frr" ] && install -d "$DOC/examples/frr" && install -m 0644 "$ROOT"/frr/* "$DOC/examples/frr/"
[ -d "$ROOT/prometheus" ] && install -d "$DOC/examples/prometheus" && install -m 0644 "$ROOT"/prometheus/*.yml "$DOC/examples/prometheus/"
[ -d "$ROOT/grafana" ] && install -d "$DOC/examples/grafana" && install -m 0644 "$ROOT"/grafana/*.json "$DOC/examples/grafana/"
install -m 0644 "$ROOT/systemd/README.md" "$DOC/examples/systemd/"
install -D -m 0644 /dev/null "$PKG/usr/share/man/man1/anycastd.1.gz"
gzip -9n -c "$HERE/anycastd.1" > "$PKG/usr/share/man/man1/anycastd.1.gz"
install -D -m 0644 "$HERE/lintian-overrides" "$PKG/usr/share/lintian/overrides/anycastd"

mkdir -p "$PKG/DEBIAN"
for script in postinst postrm; do install -m 0755 "$HERE/$script" "$PKG/DEBIAN/$script"; done
echo /etc/anycastd/anycastd.json > "$PKG/DEBIAN/conffiles"
SIZE=$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@SIZE@/$SIZE/" "$HERE/control" > "$PKG/DEBIAN/control"
(cd "$PKG" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum > DEBIAN/md5sums)

mkdir -p "$OUT_DIR"
DEB="$OUT_DIR/anycastd_${VERSION}_all.deb"
dpkg-deb --root-owner-group -Zxz --build "$PKG" "$DEB" >/dev/null
echo "$DEB"
