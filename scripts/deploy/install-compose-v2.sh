#!/usr/bin/env bash
# Installs Docker Compose v2 as a Docker CLI plugin (/usr/local/lib/docker/cli-plugins/docker-compose) on Debian
# bookworm, whose own `docker-compose` package is v1.29: the binary comes from Debian trixie's `docker-compose`
# package (2.x, a static Go program needing only glibc >= 2.34), fetched with apt from a throwaway source list
# in a temporary folder, so the host's apt sources and installed packages stay as they are. The plugin also runs
# standalone: `/usr/local/lib/docker/cli-plugins/docker-compose config`. Idempotent; needs root.
set -euo pipefail
target="${COMPOSE_V2_PLUGIN:-/usr/local/lib/docker/cli-plugins/docker-compose}"
if [ -x "$target" ] && "$target" version >/dev/null 2>&1; then exit 0; fi
for dir in /usr/libexec/docker/cli-plugins /usr/lib/docker/cli-plugins; do
  # A Compose v2 plugin installed by the distribution (trixie and later) is good enough: link it.
  if [ -x "$dir/docker-compose" ] && "$dir/docker-compose" version 2>/dev/null | grep -q 'v2\.'; then
    mkdir -p "$(dirname "$target")"; ln -sf "$dir/docker-compose" "$target"; exit 0
  fi
done
if [ "$(id -u)" -ne 0 ]; then echo "install-compose-v2: need root to install $target" >&2; exit 1; fi
suite="${COMPOSE_V2_SUITE:-trixie}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial"
echo "deb $mirror $suite main" > "$work/sources.list"
chmod -R a+rwX "$work" # apt's download sandbox user (_apt) writes here
apt_opts=(-qq -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/nonexistent
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::Archives=$work/archives"
  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
echo "install-compose-v2: fetching docker-compose from Debian $suite" >&2
apt-get "${apt_opts[@]}" update >&2
(cd "$work" && apt-get "${apt_opts[@]}" download docker-compose >&2)
dpkg-deb -x "$work"/docker-compose_*.deb "$work/root"
mkdir -p "$(dirname "$target")"
install -m 0755 "$work/root/usr/libexec/docker/cli-plugins/docker-compose" "$target"
"$target" version >&2
