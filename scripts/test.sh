#!/usr/bin/env bash
# Runs Earshot's test suite from a fresh clone: installs the Debian packages, fetches the
# reference models the exactness tests compare against and the cloud models' files and test
# recordings, builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/fetch-reference-models.sh
bash scripts/cloud/fetch-models.sh
swift build --build-tests
swift test --skip-build "$@"
