#!/usr/bin/env bash
# Installs the system packages wgslnet needs on a machine without a GPU, and says what it does.
#   - Vulkan loader + Mesa lavapipe >= 24 (a software Vulkan driver Dawn can use). Debian 12's own
#     Mesa 22 is too old for Dawn, so it comes from bookworm-backports.
#   - Debian's chromium, for the in-browser tests (WebGPU on SwiftShader).
#   - dataset-fashion-mnist: the four IDX .gz files in /usr/share/datasets/fashion-mnist/.
#   - the sample photographs of python3-skimage (the photo examples cut their patches from them):
#     the package is downloaded and only its photos unpacked into ~/.cache/wgslnet/skimage-data,
#     not installed (it would pull in scipy and more). The library never runs apt-get itself.
# Idempotent: installs only what is missing. On systems other than Debian 12 it prints what to
# install instead of guessing.
set -euo pipefail

say() { echo "[setup] $*"; }

if [[ ! -r /etc/os-release ]] || ! grep -q '^ID=debian' /etc/os-release || ! grep -q 'VERSION_CODENAME=bookworm' /etc/os-release; then
  say "This script knows Debian 12 (bookworm) only. Elsewhere install by hand:"
  say "  - a WebGPU-capable GPU driver, or Mesa's lavapipe >= 24 plus the Vulkan loader (libvulkan1)"
  say "  - Chromium (for 'npm run test:browser')"
  say "  - the Fashion-MNIST IDX .gz files, in a folder named by WGSLNET_DATA"
  exit 1
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { say "needs root (or sudo) to install packages"; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

lavapipe_version() {
  dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | sed -E 's/^([0-9]+:)?([0-9]+).*/\2/'
}

need_mesa=1
v=$(lavapipe_version || true)
if [[ -n "$v" && "$v" -ge 24 ]] && dpkg -s libvulkan1 >/dev/null 2>&1; then need_mesa=0; fi
need_chromium=1; command -v chromium >/dev/null && need_chromium=0
need_data=1; [[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] && need_data=0
# Where src/node/datasets.ts looks: a made photos folder, the installed package's data, or our copy.
cache="${XDG_CACHE_HOME:-$HOME/.cache}/wgslnet"
skimage_data=/usr/lib/python3/dist-packages/skimage/data
need_photos=1
[[ -d "${WGSLNET_DATA:-$cache}/photos" || -f "$skimage_data/astronaut.png" || -f "$cache/skimage-data/astronaut.png" ]] && need_photos=0

if [[ $need_mesa -eq 0 && $need_chromium -eq 0 && $need_data -eq 0 && $need_photos -eq 0 ]]; then
  say "all present: lavapipe (mesa $v), chromium, fashion-mnist, sample photos"
  exit 0
fi

if [[ $need_mesa -eq 1 ]]; then
  # bookworm-backports, from the same mirror as the existing entries.
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    # The mirror of the main suite: a deb822 'URIs:' line or a one-line 'deb URL bookworm' entry.
    mirror=$( { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}';
                grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'; } \
              | grep -v security | head -n1 || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    say "adding bookworm-backports from $mirror"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" \
      | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  fi
fi

say "apt-get update"
$SUDO apt-get update -qq

if [[ $need_mesa -eq 1 ]]; then
  say "installing Vulkan loader + Mesa lavapipe from bookworm-backports (mesa-vulkan-drivers, libvulkan1)"
  $SUDO apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
fi
if [[ $need_chromium -eq 1 ]]; then
  say "installing chromium (for the in-browser tests)"
  $SUDO apt-get install -y -qq chromium >/dev/null
fi
if [[ $need_data -eq 1 ]]; then
  say "installing dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)"
  $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi
if [[ $need_photos -eq 1 ]]; then
  say "fetching python3-skimage's sample photographs into $cache/skimage-data (downloaded and unpacked, not installed)"
  tmp=$(mktemp -d)
  # Only the photos matter, and the photo examples say what is missing: a failure here is a warning.
  if (cd "$tmp" && apt-get download -qq python3-skimage >/dev/null 2>&1 && dpkg -x python3-skimage_*.deb x); then
    mkdir -p "$cache/skimage-data"
    cp "$tmp/x$skimage_data"/*.png "$tmp/x$skimage_data"/*.jpg "$cache/skimage-data/"
  else
    say "warning: could not download python3-skimage; the photo examples (deep, conv, denoising) will say what is missing"
  fi
  rm -rf "$tmp"
fi
say "done: mesa $(lavapipe_version), $(chromium --version 2>/dev/null || echo 'no chromium')"
