#!/usr/bin/env bash
# Makes a fresh clone runnable: npm packages, then the system packages (WebGPU adapter, chromium,
# Fashion-MNIST, the sample photos) via scripts/setup-debian.sh when any is missing. Quiet when all is in place.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "[ensure-deps] npm ci"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi

missing=()
node scripts/check-adapter.mjs >/dev/null 2>&1 || missing+=("a WebGPU adapter")
[[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] || missing+=("chromium")
[[ -n "${WGSLNET_DATA:-}" || -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] || missing+=("Fashion-MNIST")
cache="${XDG_CACHE_HOME:-$HOME/.cache}/wgslnet"
[[ -d "${WGSLNET_DATA:-$cache}/photos" || -f /usr/lib/python3/dist-packages/skimage/data/astronaut.png || -f "$cache/skimage-data/astronaut.png" ]] \
  || missing+=("the sample photos")
if (( ${#missing[@]} )); then
  echo "[ensure-deps] missing: ${missing[*]} -> scripts/setup-debian.sh"
  bash scripts/setup-debian.sh
  node scripts/check-adapter.mjs
fi
