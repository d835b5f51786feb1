#!/usr/bin/env bash
# Benchmark scenarios in one run, on this machine, loopback only
# (./run.sh bench [--long]). Writes bench/results/<timestamp>.json and .md
# and prints the table.
#
#   direct    datarun-loadgen -> adapter                (Adapter.Fetch, mTLS)
#   exchange  datarun-loadgen -> exchange -> adapter    (mTLS, policy, identity,
#                                                         durable audit)
#   nginx     datarun-loadgen -> nginx grpc_pass grpcs -> adapter (TLS both legs)
#   exchange-nosync  the exchange with audit durability off (its cost)
# Each is run closed-loop (saturation), then open-loop at half of the
# exchange's saturation throughput (added latency), then the exchange once
# more for the memory-flatness check (--long: 5 minutes). Then the audit
# log, case engine and identity registry benchmarks (audit_bench, case_bench,
# identity_bench) with their own same-run baselines.
#
# Environment: BUILD_DIR (default build), BENCH_STATE (default
# $BUILD_DIR/bench-state), BENCH_HOUSEHOLDS (2000), BENCH_DURATION (5s per
# scenario, after BENCH_WARMUP 3s unmeasured: caches and connections warm), BENCH_CONCURRENCY (32), BENCH_CHANNELS (4), BENCH_MEMORY_DURATION
# (20s; --long sets 300s), BENCH_AUDIT_ENTRIES and BENCH_IDENTITY_SUBJECTS
# (200000 each; --long sets 1000000).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_DIR="${BUILD_DIR:-build}"
BIN="$ROOT/$BUILD_DIR/bin"
STATE="${BENCH_STATE:-$ROOT/$BUILD_DIR/bench-state}"
HOUSEHOLDS="${BENCH_HOUSEHOLDS:-2000}"
DURATION="${BENCH_DURATION:-5s}"
CONCURRENCY="${BENCH_CONCURRENCY:-32}"
CHANNELS="${BENCH_CHANNELS:-4}"
MEMORY_DURATION="${BENCH_MEMORY_DURATION:-20s}"
WARMUP="${BENCH_WARMUP:-3s}"
AUDIT_ENTRIES="${BENCH_AUDIT_ENTRIES:-200000}"
IDENTITY_SUBJECTS="${BENCH_IDENTITY_SUBJECTS:-200000}"
for arg in "$@"; do
  case "$arg" in
    --long) MEMORY_DURATION=300s; AUDIT_ENTRIES=1000000; IDENTITY_SUBJECTS=1000000 ;;
    *) echo "usage: $0 [--long]" >&2; exit 2 ;;
  esac
done
RESULTS="$ROOT/bench/results"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RAW="$STATE/raw-$STAMP"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

for b in datarun-local datarun-exchange datarun-loadgen datarun-datagen \
         audit_bench case_bench identity_bench; do
  [ -x "$BIN/$b" ] || { echo "$BIN/$b is missing; build first (./run.sh build)" >&2; exit 1; }
done

# nginx (Debian package) for the plain-proxy baseline.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  log "installing nginx-core"
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-core
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-core
  else
    echo "nginx is missing: apt-get install nginx-core (as root), then retry" >&2
    exit 1
  fi
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

mkdir -p "$STATE" "$RAW" "$RESULTS"
rm -f "$STATE/stack.env" "$STATE"/run/*.pid "$STATE"/run/*.port

# Same grants as deploy/local/policy.textproto, but with rate limits far
# above what one machine can send: the limiter still runs on every call, it
# just never refuses (otherwise the benchmark would measure the limits).
sed -E 's/rate_limit \{[^}]*\}/rate_limit { per_second: 1000000 burst: 1000000 }/' \
  deploy/local/policy.textproto > "$STATE/bench-policy.textproto"

LOCAL_PID=""
NOSYNC_PID=""
NGINX_PID_FILE="$STATE/run/nginx.pid"
cleanup() {
  if [ -f "$NGINX_PID_FILE" ]; then
    kill "$(cat "$NGINX_PID_FILE")" 2>/dev/null || true
  fi
  if [ -n "$NOSYNC_PID" ]; then
    kill "$NOSYNC_PID" 2>/dev/null || true
  fi
  if [ -n "$LOCAL_PID" ]; then
    kill "$LOCAL_PID" 2>/dev/null || true
    wait "$LOCAL_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM

log "starting the local stack in $STATE ($HOUSEHOLDS households)"
"$BIN/datarun-local" --state="$STATE" --households="$HOUSEHOLDS" \
  --catalog=deploy/local/catalog.textproto \
  --policy="$STATE/bench-policy.textproto" > "$STATE/local.out" 2>&1 &
LOCAL_PID=$!
for _ in $(seq 1 1200); do
  [ -f "$STATE/stack.env" ] && break
  if ! kill -0 "$LOCAL_PID" 2>/dev/null; then
    echo "datarun-local failed:" >&2; cat "$STATE/local.out" >&2; exit 1
  fi
  sleep 0.1
done
[ -f "$STATE/stack.env" ] || { echo "the stack did not start in 120 s" >&2; exit 1; }
PKI="$STATE/pki"

# nginx: one TLS listener per department (presenting the department's
# certificate, requiring a client certificate of the CA) that forwards with
# grpc_pass over TLS, presenting the exchange's certificate to the adapter.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
NG="$STATE/nginx"
mkdir -p "$NG/tmp"
USER_LINE=""
[ "$(id -u)" -eq 0 ] && USER_LINE="user root;"
{
  echo "# Generated by bench/run_bench.sh."
  echo "$USER_LINE"
  echo "worker_processes auto;"
  echo "pid $NGINX_PID_FILE;"
  echo "error_log $STATE/logs/nginx-error.log warn;"
  echo "events { worker_connections 4096; }"
  echo "http {"
  echo "  access_log off;"
  for t in client_body proxy fastcgi uwsgi scgi; do
    echo "  ${t}_temp_path $NG/tmp/$t;"
  done
} > "$NG/nginx.conf"
PROXY_PORTS=""
for dept in land tax housing registry; do
  aport="$(cat "$STATE/run/adapter-$dept.port")"
  lport="$(free_port)"
  PROXY_PORTS="${PROXY_PORTS:+$PROXY_PORTS,}$dept:$lport"
  cat >> "$NG/nginx.conf" <<CONF
  upstream adapter_$dept {
    server 127.0.0.1:$aport;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$lport ssl http2;
    ssl_certificate $PKI/dept-$dept.pem;
    ssl_certificate_key $PKI/dept-$dept.key;
    ssl_client_certificate $PKI/ca.pem;
    ssl_verify_client on;
    location / {
      grpc_pass grpcs://adapter_$dept;
      grpc_ssl_certificate $PKI/exchange.pem;
      grpc_ssl_certificate_key $PKI/exchange.key;
      grpc_ssl_trusted_certificate $PKI/ca.pem;
      grpc_ssl_verify on;
      grpc_ssl_name $dept.dept.datarun.local;
      grpc_ssl_server_name on;
      grpc_ssl_session_reuse on;
    }
  }
CONF
done
echo "}" >> "$NG/nginx.conf"
"$NGINX" -t -p "$NG" -c "$NG/nginx.conf" >"$STATE/logs/nginx-t.log" 2>&1 || {
  cat "$STATE/logs/nginx-t.log" >&2; exit 1; }
"$NGINX" -p "$NG" -c "$NG/nginx.conf"
for _ in $(seq 1 50); do [ -s "$NGINX_PID_FILE" ] && break; sleep 0.1; done

loadgen() {  # loadgen <name> <flags...>
  local name="$1"; shift
  log "scenario $name"
  "$BIN/datarun-loadgen" --state="$STATE" --policy="$STATE/bench-policy.textproto" \
    --channels="$CHANNELS" --warmup="$WARMUP" --label="$name" --out="$RAW/$name.json" \
    --proxy_ports="$PROXY_PORTS" "$@"
}

# Saturation, closed loop.
loadgen direct-sat   --target=adapter  --concurrency="$CONCURRENCY" --duration="$DURATION"
loadgen exchange-sat --target=exchange --concurrency="$CONCURRENCY" --duration="$DURATION"
loadgen nginx-sat    --target=proxy    --concurrency="$CONCURRENCY" --duration="$DURATION"

# The cost of durability: a second exchange on the same adapters, identical
# but for `unsafe_audit_no_sync` (appends acknowledged before the fsync), in
# a state directory of its own (its own audit log, identity and case stores;
# the PKI, data and adapters are shared). Saturation, closed loop.
NOSYNC="$STATE/nosync"
rm -rf "$NOSYNC"
mkdir -p "$NOSYNC/run" "$NOSYNC/audit"
ln -s "$PKI" "$NOSYNC/pki"
ln -s "$STATE/data" "$NOSYNC/data"
cp "$STATE"/run/adapter-*.pid "$STATE"/run/adapter-*.port "$NOSYNC/run/"
sed -e "s|\"$STATE/audit/log\"|\"$NOSYNC/audit/log\"|" \
    -e "s|\"$STATE/identity\"|\"$NOSYNC/identity\"|" \
    -e "s|\"$STATE/cases\"|\"$NOSYNC/cases\"|" \
  "$STATE/config/exchange.textproto" > "$NOSYNC/exchange.textproto"
echo "unsafe_audit_no_sync: true" >> "$NOSYNC/exchange.textproto"
"$BIN/datarun-exchange" --config="$NOSYNC/exchange.textproto" \
  --port_file="$NOSYNC/run/exchange.port" 2> "$NOSYNC/exchange.log" &
NOSYNC_PID=$!
echo "$NOSYNC_PID" > "$NOSYNC/run/exchange.pid"
for _ in $(seq 1 300); do [ -s "$NOSYNC/run/exchange.port" ] && break; sleep 0.1; done
[ -s "$NOSYNC/run/exchange.port" ] || { echo "the no-sync exchange did not start:" >&2; cat "$NOSYNC/exchange.log" >&2; exit 1; }
log "scenario exchange-nosync-sat"
"$BIN/datarun-loadgen" --state="$NOSYNC" --policy="$STATE/bench-policy.textproto" \
  --channels="$CHANNELS" --warmup="$WARMUP" --label=exchange-nosync-sat --out="$RAW/exchange-nosync-sat.json" \
  --target=exchange --concurrency="$CONCURRENCY" --duration="$DURATION"
kill "$NOSYNC_PID"; wait "$NOSYNC_PID" 2>/dev/null || true
NOSYNC_PID=""

# Half of the exchange's saturation throughput, open loop, for every path.
HALF="$(python3 -c 'import json,sys; print(max(1.0, json.load(open(sys.argv[1]))["ok_rps"] / 2))' "$RAW/exchange-sat.json")"
loadgen direct-half   --target=adapter  --mode=open --rate="$HALF" --duration="$DURATION"
loadgen exchange-half --target=exchange --mode=open --rate="$HALF" --duration="$DURATION"
loadgen nginx-half    --target=proxy    --mode=open --rate="$HALF" --duration="$DURATION"

# Memory flatness of the exchange under saturation.
loadgen exchange-memory --target=exchange --concurrency="$CONCURRENCY" \
  --duration="$MEMORY_DURATION" --rss_sample=exchange

# The capabilities on their own, in the same run: the audit log (durable
# append against sync off, proofs against one stored-hash read, verification
# against a plain scan), the case engine (synced cases against bare synced
# store writes, elapsed minus critical path), identity resolution (warm
# lookups against one RocksDB read). Google Benchmark JSON into $RAW.
component() {  # component <name> <binary> <filter>
  log "component $1"
  DATARUN_BENCH_DIR="$STATE/component" "$BIN/$2" --benchmark_filter="$3" \
    --benchmark_out="$RAW/$1.json" --benchmark_out_format=json \
    > "$RAW/$1.txt" 2> "$RAW/$1.log"
}
mkdir -p "$STATE/component"
DATARUN_AUDIT_BENCH_ENTRIES="$AUDIT_ENTRIES" component audit audit_bench \
  'BM_Append/sync:./producers:4|BM_LeafHash|BM_InclusionProof|BM_ConsistencyProof|BM_ScanDatabase|BM_VerifyLog'
component cases case_bench \
  'BM_PropertyTransferCases/sync:1/engine_threads:8/|BM_StoreWrites/sync:1/threads:12|BM_CriticalPathOverhead'
DATARUN_IDENTITY_BENCH_SUBJECTS="$IDENTITY_SUBJECTS" component identity identity_bench \
  'BM_ValidateSubject|BM_RawRocksDbGet|BM_PrimaryLocalIdWarm'

python3 "$ROOT/bench/summarize.py" "$RAW" "$RESULTS/$STAMP" \
  --households="$HOUSEHOLDS" --concurrency="$CONCURRENCY" --channels="$CHANNELS"
cat "$RESULTS/$STAMP.md"
log "results: $RESULTS/$STAMP.json and .md"
