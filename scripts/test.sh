#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every test file in Node (Dawn) and in headless
# Chromium (WebGPU on SwiftShader).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
node scripts/embed-shaders.mjs
npx tsc -p tsconfig.json --noEmit
npx vitest run "$@"
