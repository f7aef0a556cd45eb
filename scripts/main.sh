#!/usr/bin/env bash
# `npm start`: installs what is missing, builds, and runs the main job.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
npm run build --silent
node dist/node/bin.js train shallow --epochs 10 --out out/shallow "$@"
