#!/usr/bin/env bash
# The whole test suite: type check, lint and layering (eslint, dependency-cruiser), build (integration tests run
# the built commands), unit tests, then integration tests against real nats-server, PostgreSQL and SMPP peers.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json --noEmit
npm run lint --silent
npm run build --silent
npm run build:tools --silent
npx vitest run --project unit
npx vitest run --project integration
