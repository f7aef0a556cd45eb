#!/usr/bin/env bash
# Builds wgslnet, then makes the photo-patch data set: see scripts/make-photos.mjs. The sample
# photographs it cuts from come from scripts/setup-debian.sh (via ensure-deps.sh, when missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
npm run build --silent
node scripts/make-photos.mjs "$@"
