#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every test file in Node (Dawn) and in headless
# Chromium (WebGPU on SwiftShader).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
# The build embeds the shaders and makes dist/ (the CLI tests run dist/node/cli.js as users do).
npm run build --silent
npx tsc -p tsconfig.json --noEmit
npx vitest run "$@"
