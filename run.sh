#!/usr/bin/env bash
# datarun developer entry point.
#
#   ./run.sh demo    install what is missing, build, run the demo scenario
#   ./run.sh test    install what is missing, build, run every test (ctest)
#   ./run.sh up      build and run the local stack until Ctrl-C
#   ./run.sh build   install what is missing and build
#   ./run.sh bench   build, run the benchmark scenarios (bench/run_bench.sh; --long)
#
# Environment: BUILD_DIR (default build), STATE_DIR (default .state),
# HOUSEHOLDS (synthetic data size, default 10000), JOBS (default nproc).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
BUILD_DIR="${BUILD_DIR:-build}"
STATE_DIR="${STATE_DIR:-.state}"
HOUSEHOLDS="${HOUSEHOLDS:-10000}"
JOBS="${JOBS:-$(nproc)}"
# Let ccache reuse objects across checkouts of the repo (CI builds a fresh
# clone in another folder on the same machine).
export CCACHE_BASEDIR="$ROOT"
export CCACHE_NOHASHDIR=1

# Debian 12 packages the build and tests need.
PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev librocksdb-dev libssl-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libboost-dev
)
# Browser tests of the web UI (tests/browser): Debian's chromium, and a CJK
# font so that the Chinese pages render in its screenshots.
PACKAGES+=(chromium fonts-wqy-microhei)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  log "installing Debian packages: ${missing[*]}"
  local cmd=(apt-get install -y -qq --no-install-recommends "${missing[@]}")
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${cmd[@]}"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive "${cmd[@]}"
  else
    echo "Missing packages. Run as root, then retry:" >&2
    echo "  apt-get update && ${cmd[*]}" >&2
    exit 1
  fi
}

build() {
  install_packages
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    log "configuring ($BUILD_DIR)"
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  log "building"
  ninja -C "$BUILD_DIR" -j "$JOBS"
}

# playwright-core for the browser tests, from the npm registry (pinned in
# tests/browser/package-lock.json); it drives Debian's chromium, so no
# browser is downloaded.
install_browser_test_deps() {
  if [ -f tests/browser/package-lock.json ] &&
    [ ! -d tests/browser/node_modules/playwright-core ] &&
    command -v npm >/dev/null 2>&1; then
    log "installing browser test dependencies (npm ci --prefix tests/browser)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/browser \
      --no-audit --no-fund
  fi
}

run_tests() {
  build
  install_browser_test_deps
  log "running tests"
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 300
}

run_up() {
  build
  exec "$BUILD_DIR/bin/datarun-local" --state="$STATE_DIR" --households="$HOUSEHOLDS" \
    --adapter_review_delay_ms="${REVIEW_MS:-0}"
}

run_demo() {
  build
  BUILD_DIR="$BUILD_DIR" STATE_DIR="$STATE_DIR" HOUSEHOLDS="$HOUSEHOLDS" \
    bash deploy/local/demo.sh
}

case "${1:-}" in
  demo) run_demo ;;
  test) run_tests ;;
  up) run_up ;;
  build) build ;;
  bench)
    build
    BUILD_DIR="$BUILD_DIR" bash bench/run_bench.sh "${@:2}"
    ;;
  *)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
