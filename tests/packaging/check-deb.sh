#!/usr/bin/env bash
# Builds the Debian packages from a configured and built tree, unpacks them into a scratch root
# and checks what a Debian admin relies on: files in place, desktop entry, AppStream metadata,
# the systemd unit, maintainer scripts, and that the packaged binary runs.
# Usage: check-deb.sh BUILD_DIR
set -euo pipefail
build=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$scratch/out" >/dev/null) || fail "cpack could not build the package"
deb=$(ls "$scratch"/out/intrvio_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || fail "no intrvio_*.deb produced"
root=$scratch/root
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$scratch/control"

for f in usr/bin/intrvio usr/lib/intrvio/intrvio-service usr/lib/systemd/system/intrvio.service \
         usr/lib/sysusers.d/intrvio.conf etc/default/intrvio usr/share/man/man1/intrvio.1.gz \
         usr/share/applications/intrvio.desktop usr/share/metainfo/com.intrvio.Teamtailor.metainfo.xml \
         usr/share/icons/hicolor/scalable/apps/intrvio.svg; do
  [ -e "$root/$f" ] || fail "missing /$f"
done
for size in 16 32 48 64 128 256; do
  png=$root/usr/share/icons/hicolor/${size}x${size}/apps/intrvio.png
  [ -s "$png" ] || fail "missing ${size}px icon"
  file "$png" | grep -q "${size} x ${size}" || fail "${size}px icon has the wrong size: $(file -b "$png")"
done
[ -x "$root/usr/bin/intrvio" ] && [ -x "$root/usr/lib/intrvio/intrvio-service" ] || fail "programs not executable"

depends=$(dpkg-deb -f "$deb" Depends)
for dep in libsecret-1-0 libqt6sql6-sqlite gnome-keyring dbus libqt6keychain1 libqt6core6; do
  grep -q "$dep" <<<"$depends" || fail "Depends lacks $dep: $depends"
done
grep -qx /etc/default/intrvio "$scratch/control/conffiles" || fail "/etc/default/intrvio is not a conffile"
for script in postinst prerm; do sh -n "$scratch/control/$script" || fail "$script has a syntax error"; done
sh -n "$root/usr/lib/intrvio/intrvio-service" || fail "intrvio-service has a syntax error"

desktop-file-validate "$root/usr/share/applications/intrvio.desktop" || fail "desktop entry invalid"
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net --pedantic "$root/usr/share/metainfo/com.intrvio.Teamtailor.metainfo.xml" >/dev/null \
    || fail "AppStream metainfo invalid"
fi
if command -v systemd-analyze >/dev/null; then
  # Verify against the unpacked root; the host's targets stand in for a booted system's.
  cp -n /usr/lib/systemd/system/*.target "$root/usr/lib/systemd/system/" 2>/dev/null || true
  systemd-analyze verify --man=no --root="$root" /usr/lib/systemd/system/intrvio.service \
    || fail "systemd unit does not verify"
  exposure=$(systemd-analyze security --offline=yes --root="$root" intrvio.service 2>/dev/null \
             | sed -n 's/.*Overall exposure level for intrvio.service: \([0-9.]*\).*/\1/p')
  awk -v e="$exposure" 'BEGIN { exit !(e != "" && e < 3.0) }' || fail "unit hardening exposure is ${exposure:-unknown}, want < 3.0"
fi
zcat "$root/usr/share/man/man1/intrvio.1.gz" | grep -q '^\.TH INTRVIO 1' || fail "man page broken"
"$root/usr/bin/intrvio" --version | grep -q '^intrvio ' || fail "packaged binary does not run"

sandbox_deb=$(ls "$scratch"/out/teamtailor-sandbox_*.deb 2>/dev/null | head -n1)
[ -n "$sandbox_deb" ] || fail "no teamtailor-sandbox_*.deb produced"
dpkg-deb -c "$sandbox_deb" | grep -q './usr/bin/teamtailor-sandbox$' || fail "sandbox package lacks /usr/bin/teamtailor-sandbox"
dpkg-deb -c "$deb" | grep -q teamtailor-sandbox && fail "the intrvio package must not contain the sandbox"

echo "deb ok: $(basename "$deb"), $(dpkg-deb -c "$deb" | wc -l) entries, exposure ${exposure:-n/a}"
