#!/usr/bin/env bash
# HTTP benchmark of `sso-secrets serve` with wrk: getSSOSecret and
# putSSOSecret throughput and p50/p99 latency, with 1 and 32 connections, on
# vaults of 1,000 / 10,000 / 100,000 SSO secrets; the command line's own
# get rate as the baseline; the server's RSS before and after.
#
#   benches/serve.sh                   # all sizes
#   benches/serve.sh 10000             # some sizes
#   SECONDS_PER_RUN=10 REPEAT=5 WRK_THREADS=2 benches/serve.sh
#
# Each row is the median (by requests/s) of REPEAT runs (default 3): this
# machine's speed drifts by ±15 % from minute to minute. wrk runs
# WRK_THREADS threads (default 1): client and server share the two cores,
# and a second client thread only takes CPU from the server it measures.
#
# Installs wrk with apt when missing (CI does not run this). Traffic goes to
# 127.0.0.1 only; every run is bounded by SECONDS_PER_RUN.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-1000 10000 100000}")
read -r -a SIZES <<<"${SIZES[*]}"
DUR=${SECONDS_PER_RUN:-5}
REPEAT=${REPEAT:-3}
WRK_THREADS=${WRK_THREADS:-1}
CLI_RUNS=${CLI_RUNS:-200}

if ! command -v wrk >/dev/null; then
  echo "installing wrk with apt" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
fi

cargo build --release --locked -q
BIN=$PWD/target/release/sso-secrets
WORK=$(mktemp -d)
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
unset SSO_SECRETS_VAULT SSO_SECRETS_TOKEN SSO_SECRETS_PASSPHRASE SSO_SECRETS_READ_ONLY
printf 'bench passphrase\n' >"$WORK/pass.txt"

# Requests pick a random existing user; done() prints one parsable line.
cat >"$WORK/bench.lua" <<'LUA'
local token, n, op = os.getenv("TOKEN"), tonumber(os.getenv("N")), os.getenv("OP")
local body = '{"secret":"a fresh forty-byte value for putSSOSecret.."}'
request = function()
  local h = { ["Authorization"] = "Bearer " .. token, ["user-id"] = "u" .. math.random(0, n - 1) }
  if op == "put" then
    h["Content-Type"] = "application/json"
    return wrk.format("PUT", "/putSSOSecret/bench", h, body)
  end
  return wrk.format("GET", "/getSSOSecret/bench", h)
end
done = function(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format("RESULT %.0f %.3f %.3f %d %d\n", summary.requests / s,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

ROWS=()
for N in "${SIZES[@]}"; do
  D=$WORK/n$N
  mkdir -p "$D"
  python3 - "$N" "$D/plain.jsonl" <<'PY'
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    for i in range(n):
        f.write(json.dumps({"kind": "sso", "app": "bench", "user_id": f"u{i}",
                            "secret": f"value-{i:06d}-" + "x" * 27}) + "\n")
PY
  V=$D/vault
  G=("$BIN" --vault "$V" --no-input)
  "${G[@]}" --passphrase-file "$WORK/pass.txt" init >/dev/null 2>&1
  "${G[@]}" --passphrase-file "$WORK/pass.txt" import "$D/plain.jsonl" 2>/dev/null
  "${G[@]}" --passphrase-file "$WORK/pass.txt" token create bench --write >"$D/token" 2>/dev/null
  TOKEN=$(cat "$D/token")

  # Baseline: the command line, one process per get.
  start=$(date +%s.%N)
  for i in $(seq 1 "$CLI_RUNS"); do
    "${G[@]}" --token-file "$D/token" get-sso bench --user-id "u$((i % N))" >/dev/null
  done
  cli=$(python3 -c "import sys; print('%.0f' % ($CLI_RUNS / ($(date +%s.%N) - $start)))")

  "${G[@]}" serve --listen 127.0.0.1:0 2>"$D/log" &
  SERVER=$!
  for _ in $(seq 1 100); do [ -s "$D/log" ] && break; sleep 0.05; done
  URL=$(head -1 "$D/log" | sed 's/^listening on //')
  rss0=$(rss "$SERVER")
  once() { # OP CONNECTIONS -> "req/s p50 p99 non2xx errors"
    TOKEN=$TOKEN N=$N OP=$1 wrk -t "$([ "$2" = 1 ] && echo 1 || echo "$WRK_THREADS")" -c "$2" -d "${DUR}s" \
      -s "$WORK/bench.lua" "$URL" | awk '/^RESULT/ {print $2, $3, $4, $5, $6}'
  }
  run() { # the run with the median requests/s of REPEAT
    for _ in $(seq 1 "$REPEAT"); do once "$1" "$2"; done | sort -n | awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}'
  }
  for OP in get put; do
    for C in 1 32; do
      ROWS+=("$N $OP $C $(run "$OP" "$C") $cli")
    done
  done
  # Warm now (threads, buffers, allocator arenas): the same load once more
  # must not grow the RSS.
  rss_warm=$(rss "$SERVER") served_warm=$(($(wc -l <"$D/log") - 1))
  once get 32 >/dev/null
  once put 32 >/dev/null
  rss1=$(rss "$SERVER")
  requests=$(($(wc -l <"$D/log") - 1))
  kill -TERM "$SERVER" && wait "$SERVER" || true
  SERVER=
  ROWS+=("$N rss $rss0 $rss_warm $served_warm $rss1 $requests")
  rm -f "$D/plain.jsonl"
done

echo
echo "sso-secrets serve benchmark: $(nproc) cores (wrk shares them, $WRK_THREADS thread(s)), $(uname -m), $(date -u +%Y-%m-%d), median of $REPEAT runs of ${DUR}s"
python3 - "${ROWS[@]}" <<'PY'
import sys
rows = [r.split() for r in sys.argv[1:]]
print("secrets | operation | connections | requests/s | p50 ms | p99 ms | non-2xx | socket errors | CLI gets/s | × CLI gets")
print("--- | --- | --- | --- | --- | --- | --- | --- | --- | ---")
for r in rows:
    if r[1] != "rss":
        print(" | ".join(r + ["%.0fx" % (float(r[3]) / max(float(r[8]), 1))]))
print()
# The issue-14 targets, at 10,000 secrets and 32 connections.
for r in rows:
    if r[0] == "10000" and r[2] == "32" and r[1] in ("get", "put"):
        want = 40000 if r[1] == "get" else 2600
        ok = float(r[3]) >= want and (r[1] == "put" or float(r[5]) < 5)
        extra = ", p99 %s ms (< 5)" % r[5] if r[1] == "get" else ""
        print("target %s: %s/s (>= %d)%s: %s" % (r[1], r[3], want, extra, "met" if ok else "MISSED"))
print()
print("secrets | RSS at start (KiB) | RSS after the runs above (KiB) | requests | RSS after 2 more runs (KiB) | requests")
print("--- | --- | --- | --- | --- | ---")
for r in rows:
    if r[1] == "rss":
        print(" | ".join([r[0]] + r[2:]))
PY
