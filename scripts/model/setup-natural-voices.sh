#!/usr/bin/env bash
# Install the natural TTS voices gen_data.py --natural-renders / --natural-test use (run as root; Debian):
# SVOX Pico (non-free), RHVoice with its English voices (non-free) and MBROLA (contrib) with the voices us1, us2,
# us3, en1 (non-free). Their licenses allow training a model we ship on their output (models/README.md, "TTS
# voices, license decision"; RHVoice's evgeniy-eng and lyubov are installed by rhvoice-english but never used).
#
# The system's apt sources are left alone: when they do not offer these packages (contrib/non-free not enabled),
# a temporary apt configuration with the contrib and non-free components of the same release is used for this
# install only and deleted afterwards. DEBIAN_MIRROR overrides the mirror (default http://deb.debian.org/debian).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PKGS=(libttspico-utils rhvoice rhvoice-english mbrola mbrola-us1 mbrola-us2 mbrola-us3 mbrola-en1)
if [ "$(id -u)" -ne 0 ]; then echo "setup-natural-voices: run as root" >&2; exit 1; fi
# every package has a candidate in the configured sources (an unknown package prints no Candidate line at all)
offered() { [ "$(apt-cache policy "${PKGS[@]}" 2>/dev/null | grep 'Candidate:' | grep -vc '(none)')" -eq ${#PKGS[@]} ]; }
if offered; then
  apt-get install -y -q --no-install-recommends "${PKGS[@]}"
else
  . /etc/os-release
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT; chmod 755 "$tmp"
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${DEBIAN_MIRROR:-http://deb.debian.org/debian} ${VERSION_CODENAME} main contrib non-free" > "$tmp/sources.list"
  cat > "$tmp/apt.conf" <<EOF
Dir::Etc::sourcelist "$tmp/sources.list";
Dir::Etc::sourceparts "-";
Dir::State::Lists "$tmp/lists";
Dir::Cache "$tmp/cache";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo "setup-natural-voices: contrib/non-free not in the apt sources; using $tmp/sources.list for this install" >&2
  APT_CONFIG="$tmp/apt.conf" apt-get update -q
  APT_CONFIG="$tmp/apt.conf" apt-get install -y -q --no-install-recommends "${PKGS[@]}"
fi
dpkg-query -W "${PKGS[@]}" libttspico-data
