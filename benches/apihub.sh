#!/usr/bin/env bash
# `serve` beside the reference RFC-134 server, the real OpenDSU APIHub, in
# one run (issue 26): the same 2,000 SSO secrets of one app in both, the
# same wrk scenarios against both (get and put; 1 and 32 connections; one
# hot user and random users), only 2xx answers counted. Prints, per
# scenario, each server's 2xx/s, the ratio, p50/p99 and the server's CPU per
# request (user + system time from /proc/PID/stat over the run, divided by
# the requests answered).
#
#   OPENDSU_SDK_MIRROR=/path/to/opendsu-sdk.git benches/apihub.sh
#   DUR=8 ROUNDS=3 N=2000 benches/apihub.sh   # seconds per run, runs per server and scenario (median), secrets
#   SSO_SECRETS_BIN=target/release/sso-secrets benches/apihub.sh   # a build of your own
#   ONLY=serve benches/apihub.sh               # serve alone (no APIHub)
#
# A benchmark, not a CI test: without the mirror (or a bundle already in
# ~/.cache/apihub-sdk) it says so and exits 0. Needs node (>= 18), python3,
# wrk (installed with apt when missing). APIHub is started with
# ../shared/tools/apihub.sh (APIHUB_TOOL to point elsewhere): one worker,
# the secrets component only, no authentication middleware.
#
# The two servers take the same requests except for one header:
# * Routes: APIHub's, which serve answers too: GET /getSSOSecret/{app} and
#   PUT /putSSOSecret/{app} with the header user-id and a JSON body
#   {"secret":"…"} (CONTRACT.md, "Remote"). The app is DSU_Fabric: APIHub
#   answers getSSOSecret only for DSU_Fabric and Demiurge (REFERENCE-NOTES).
# * Authorization: APIHub reads none (in this setup anyone may read anyone's
#   secret by naming a user-id); serve needs `Authorization: Bearer <token>`
#   and opens that token's key slot on every request, so a revoked token
#   fails on its next request. serve's figures include that work.
# * APIHub throttles each client address to 60,000 requests over its life
#   (a token bucket of 6,000,000, 100 per request, refilled at 100 per
#   second), then answers 429. So it is started afresh for every run, and
#   a run's non-2xx answers are shown (they should be 0 for both).
#
# Client and servers share this machine's cores (wrk runs one thread), and
# its speed drifts: only the ratios of one run mean anything. The load
# average before and after is printed with them.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-2000}
DUR=${DUR:-8}
ROUNDS=${ROUNDS:-1}
ONLY=${ONLY:-}
APP=DSU_Fabric
TOOL=${APIHUB_TOOL:-$PWD/../shared/tools/apihub.sh}
CACHE=${APIHUB_SDK_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/apihub-sdk}/builds/output/pskWebServer.js

if [ "$ONLY" != serve ]; then
  if [ ! -s "$CACHE" ] && ! { [ -n "${OPENDSU_SDK_MIRROR:-}" ] &&
    git --git-dir="$OPENDSU_SDK_MIRROR" cat-file -e HEAD:builds/output/pskWebServer.js 2>/dev/null; }; then
    echo "skipped: set OPENDSU_SDK_MIRROR to the git dir of a mirror of OpenDSU/opendsu-sdk (APIHub's bundle)" >&2
    exit 0
  fi
  [ -x "$TOOL" ] || [ -f "$TOOL" ] || { echo "skipped: no $TOOL (set APIHUB_TOOL)" >&2; exit 0; }
  command -v node >/dev/null || { echo "skipped: node is not installed (apt-get install nodejs)" >&2; exit 0; }
fi
if ! command -v wrk >/dev/null; then
  echo "installing wrk with apt" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
fi
if [ -z "${SSO_SECRETS_BIN:-}" ]; then
  cargo build --release --locked -q
  SSO_SECRETS_BIN=$PWD/target/release/sso-secrets
fi
BIN=$(readlink -f "$SSO_SECRETS_BIN")

W=$(mktemp -d)
SERVE= HUB= FIRST=
cleanup() {
  [ -n "$SERVE" ] && kill -TERM "$SERVE" 2>/dev/null && wait "$SERVE" 2>/dev/null
  [ -n "$HUB" ] && bash "$TOOL" stop "$HUB"
  rm -rf "$W"
}
trap cleanup EXIT
unset SSO_SECRETS_VAULT SSO_SECRETS_TOKEN SSO_SECRETS_PASSPHRASE SSO_SECRETS_READ_ONLY SSO_SECRETS_REMOTE
export XDG_STATE_HOME=$W/state
SSO_SECRETS_ENCRYPTION_KEY=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
export SSO_SECRETS_ENCRYPTION_KEY
printf 'bench passphrase\n' >"$W/pass"

# The same secrets in both: into the vault, then the vault's export as
# APIHub's folder (which APIHub reads with the same key).
python3 - "$N" "$APP" "$W/in.jsonl" <<'PY'
import json, sys
n, app, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(out, "w") as f:
    for i in range(n):
        f.write(json.dumps({"kind": "sso", "app": app, "user_id": f"u{i}",
                            "secret": f"value-{i:06d}-" + "x" * 27}) + "\n")
PY
V=("$BIN" --vault "$W/vault" --no-input --passphrase-file "$W/pass")
"${V[@]}" init --kdf-memory 19 --kdf-iterations 2 >/dev/null 2>&1
"${V[@]}" import "$W/in.jsonl" 2>/dev/null
"${V[@]}" token create bench --app "$APP" --write >"$W/token" 2>/dev/null
"${V[@]}" export --apihub "$W/hub/external-volume/secrets" >/dev/null 2>&1
cp -a "$W/hub" "$W/hub.pristine"
TOKEN=$(cat "$W/token")

cat >"$W/bench.lua" <<'LUA'
-- TOKEN empty: no Authorization header (APIHub). HOT set: every request
-- for that user, built once; else a random user of N per request.
local token, n, op, hot, app = os.getenv("TOKEN"), tonumber(os.getenv("N")), os.getenv("OP"),
  os.getenv("HOT"), os.getenv("APP")
local body = '{"secret":"a fresh forty-byte value for putSSOSecret.."}'
local function build(user)
  local h = { ["user-id"] = user }
  if token ~= "" then h["Authorization"] = "Bearer " .. token end
  if op == "put" then
    h["Content-Type"] = "application/json"
    return wrk.format("PUT", "/putSSOSecret/" .. app, h, body)
  end
  return wrk.format("GET", "/getSSOSecret/" .. app, h)
end
local fixed
-- In init, not at load: wrk sets the Host header only then.
init = function()
  if hot ~= "" then fixed = build(hot) end
end
request = function()
  return fixed or build("u" .. math.random(0, n - 1))
end
done = function(s, latency)
  local ok = s.requests - s.errors.status
  io.write(string.format("RESULT %.1f %d %d %.3f %.3f\n", ok / (s.duration / 1e6), ok,
    s.requests - ok + s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA

ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_serve() {
  rm -f "$W/serve.log"
  "$BIN" --vault "$W/vault" serve --listen 127.0.0.1:0 2>"$W/serve.log" &
  SERVE=$!
  for _ in $(seq 1 600); do [ -s "$W/serve.log" ] && break; sleep 0.05; done
  SERVE_URL=$(head -1 "$W/serve.log" | sed 's/^listening on //')
  [ -n "$SERVE_URL" ] || { echo "serve did not start" >&2; exit 1; }
}
# APIHub afresh (see the throttle above), on the folder as exported.
start_hub() {
  rm -rf "$W/hub"
  cp -a "$W/hub.pristine" "$W/hub"
  local port
  port=$(free_port)
  HUB=$(OPENDSU_SDK_MIRROR=${OPENDSU_SDK_MIRROR:-} bash "$TOOL" start "$W/hub" "$port")
  HUB_URL=http://127.0.0.1:$port
  # Both serve the same secret before anything is measured (serve's puts
  # since then changed its copy; APIHub starts from the export each time).
  local a
  a=$(curl -sf -H 'user-id: u7' "$HUB_URL/getSSOSecret/$APP" || true)
  [ -n "$FIRST" ] || FIRST=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'user-id: u7' "$SERVE_URL/getSSOSecret/$APP")
  [ -n "$a" ] && [ "$a" = "$FIRST" ] || {
    echo "APIHub and serve disagree on u7: '$a' vs '$FIRST'" >&2
    tail -20 "$W/hub.server.log" >&2
    exit 1
  }
}
stop_hub() { bash "$TOOL" stop "$HUB"; HUB=; }

# One wrk run against PID at URL: "2xx/s 2xx non2xx p50 p99 cpu_us_per_2xx".
measure() { # SERVER(serve|apihub) OP CONNS HOT
  local pid url token t0 t1 out
  if [ "$1" = serve ]; then pid=$SERVE url=$SERVE_URL token=$TOKEN; else pid=$HUB url=$HUB_URL token=; fi
  t0=$(ticks "$pid")
  out=$(TOKEN=$token N=$N OP=$2 HOT=$4 APP=$APP wrk -t1 -c"$3" -d"${DUR}s" -s "$W/bench.lua" "$url" 2>&1) || true
  t1=$(ticks "$pid")
  echo "$out" | awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" \
    '/^RESULT/ {printf "%s %s %s %s %s %.1f\n", $2, $3, $4, $5, $6, ($3 > 0 ? t * 1e6 / hz / $3 : 0)}' |
    grep . || { echo "no result from wrk on $url: $out" >&2; exit 1; }
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
start_serve
: >"$W/results"
for OP in get put; do
  for C in 1 32; do
    for USERS in hot random; do
      HOT=; [ "$USERS" = hot ] && HOT=u7
      for r in $(seq 1 "$ROUNDS"); do
        # Alternate which server goes first, round by round.
        order="apihub serve"; [ $((r % 2)) = 0 ] && order="serve apihub"
        [ "$ONLY" = serve ] && order=serve
        for S in $order; do
          [ "$S" = apihub ] && start_hub
          res=$(measure "$S" "$OP" "$C" "$HOT")
          echo "$OP $C $USERS $S $res" >>"$W/results"
          [ "$S" = apihub ] && stop_hub
        done
      done
    done
  done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "serve beside APIHub: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(uname -m)), load average $load0 before, $load1 after;"
echo "$N SSO secrets of one app in both; wrk 1 thread, ${DUR}s per run, median of $ROUNDS run(s) per server; only 2xx counted"
python3 - "$W/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    op, c, users, server, rate, ok, bad, p50, p99, cpu = line.split()
    rows.setdefault((op, int(c), users), {}).setdefault(server, []).append(
        (float(rate), int(bad), float(p50), float(p99), float(cpu)))
def med(runs):
    # The run with the median rate, whole.
    return sorted(runs)[(len(runs) - 1) // 2]
print()
print("| operation | connections | users | APIHub 2xx/s | serve 2xx/s | serve / APIHub | APIHub p99 ms | serve p99 ms | APIHub CPU µs/req | serve CPU µs/req | non-2xx (APIHub, serve) |")
print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for (op, c, users), by in rows.items():
    s = med(by["serve"])
    a = med(by["apihub"]) if "apihub" in by else None
    ratio = f"{s[0] / a[0]:.1f}×" if a and a[0] > 0 else "–"
    f = lambda x, i, fmt: format(x[i], fmt) if x else "–"
    print(f"| {op} | {c} | {users} | {f(a, 0, '.0f')} | {s[0]:.0f} | {ratio} | {f(a, 3, '.2f')} | "
          f"{s[3]:.2f} | {f(a, 4, '.0f')} | {s[4]:.1f} | {f(a, 1, 'd')}, {s[1]} |")
PY
