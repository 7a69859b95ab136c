#!/usr/bin/env bash
# Runs Earshot's test suite from a fresh clone: installs the Debian packages, fetches the
# reference models the exactness tests compare against, builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
if [ -f scripts/fetch-reference-models.sh ]; then
  bash scripts/fetch-reference-models.sh
fi
swift build --build-tests
swift test --skip-build "$@"
