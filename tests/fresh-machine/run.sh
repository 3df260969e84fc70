#!/usr/bin/env bash
# The README's promise on a machine that has nothing installed by hand: bootstraps a minimal
# Debian 12 (bookworm, variant minbase, plus make, git, sudo, ca-certificates), clones the
# commit under test into it, and runs `make test` there as root in a chroot, then `make smoke`
# (a toy experiment and its report), and configures every other preset the README names (debug,
# asan, ubsan, cblas: configuring is where a missing package shows). Only what the network needs
# is copied in from the host
# (resolv.conf, the apt sources and acquire settings, the CA bundle and local CAs, the pip
# configuration); nothing of the build.
#
# Usage: tests/fresh-machine/run.sh [COMMIT]     (default: HEAD of this repository)
# Needs root and debootstrap. The bootstrapped root is cached as a tarball outside the tree
# (GROK_FRESH_CACHE, default ~/.cache/grokking/fresh-machine) and reused; delete it to
# bootstrap anew. GROK_FRESH_KEEP=1 keeps the chroot for inspection.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
commit="$(git -C "$repo" rev-parse --verify "${1:-HEAD}^{commit}")"
cache="${GROK_FRESH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/grokking/fresh-machine}"
suite=bookworm
extra=make,git,sudo,ca-certificates
tarball="$cache/$suite-minbase-${extra//,/-}.tar"
mirror="${GROK_FRESH_MIRROR:-http://deb.debian.org/debian}"

say() { echo "fresh-machine: $*"; }
die() { echo "fresh-machine: error: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (chroot, mount)"
command -v debootstrap >/dev/null || die "debootstrap not installed (apt-get install debootstrap)"

root="$(mktemp -d /var/tmp/grokking-fresh.XXXXXX)"
cleanup() {
  # Everything mounted inside the root, deepest first: /proc, /dev, /dev/pts, and what the tests
  # mounted themselves (`ip netns` mounts /run/netns and one file per namespace).
  awk -v r="$root/" 'index($2, r) == 1 {print $2}' /proc/self/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
  if [ "${GROK_FRESH_KEEP:-0}" = 1 ]; then say "kept $root"; else rm -rf --one-file-system "$root"; fi
}
trap cleanup EXIT

start=$SECONDS
if [ -f "$tarball" ]; then
  say "reusing $tarball"
  tar -xf "$tarball" -C "$root"
else
  say "bootstrapping $suite (minbase + $extra) from $mirror"
  debootstrap --variant=minbase --include="$extra" "$suite" "$root" "$mirror" >"$root.log" 2>&1 ||
    { tail -20 "$root.log" >&2; die "debootstrap failed (log: $root.log)"; }
  rm -f "$root.log"
  mkdir -p "$cache"
  tar -cf "$tarball.tmp" -C "$root" . && mv "$tarball.tmp" "$tarball"
fi
say "root ready in $((SECONDS - start)) s"

# What the network needs, and nothing else.
cp /etc/resolv.conf "$root/etc/resolv.conf"
rm -f "$root/etc/apt/sources.list"
rm -rf "$root/etc/apt/sources.list.d"
mkdir -p "$root/etc/apt/sources.list.d" "$root/etc/apt/apt.conf.d"
[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/"
for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] && cp "$f" "$root/etc/apt/sources.list.d/"
done
for f in /etc/apt/apt.conf.d/*; do  # proxies and validity settings of the host's mirror
  [ -f "$f" ] && grep -q '^[[:space:]]*Acquire::' "$f" && cp "$f" "$root/etc/apt/apt.conf.d/"
done
mkdir -p "$root/usr/local/share/ca-certificates" "$root/etc/ssl/certs"
cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
[ -f /etc/pip.conf ] && cp /etc/pip.conf "$root/etc/pip.conf"

# The commit under test: a clone holds committed files only, never a build.
git clone --quiet --no-local "$repo" "$root/root/grokking"
git -C "$root/root/grokking" checkout --quiet --detach "$commit"
say "testing $commit"

mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"

pip_env=()
for v in $(env | grep -o '^PIP_[A-Z_]*' || true); do pip_env+=("$v=${!v}"); done

run_start=$SECONDS
chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${pip_env[@]}" \
  bash -c 'set -e; cd /root/grokking; make test; make smoke; test -s runs/smoke/report/report.md
    for preset in debug asan ubsan cblas; do
      cmake --preset "$preset" >"/tmp/configure-$preset.log" 2>&1 ||
        { cat "/tmp/configure-$preset.log"; echo "preset $preset does not configure"; exit 1; }
    done' ||
  die "make test / make smoke failed inside the fresh root ($((SECONDS - run_start)) s)"
say "passed: make test, make smoke and the other presets' configure in $((SECONDS - run_start)) s; $((SECONDS - start)) s in all"
