#!/usr/bin/env bash
# Builds wgslnet, then makes the photo-patch data set: see scripts/make-photos.mjs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build --silent
node scripts/make-photos.mjs "$@"
