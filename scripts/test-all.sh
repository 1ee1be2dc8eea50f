#!/usr/bin/env bash
# The whole suite: lint, generated-code check, type check + build, unit, integration, e2e.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== proto check"; npm run -s proto:check
echo "== lint"; npx eslint .
echo "== build"; npm run -s build
echo "== unit"; npx jest --selectProjects unit --ci
echo "== integration"; npx jest --selectProjects integration --ci --runInBand
echo "== e2e"; npx jest --selectProjects e2e --ci --runInBand --passWithNoTests
