#!/usr/bin/env bash
# The PostgreSQL store beside the file store, in one run: the same secrets
# in a vault file and in a database (a throwaway cluster started here, with
# PostgreSQL's default durability: fsync and synchronous commit on).
#
#   benches/postgres.sh                 # 1,000 and 100,000 secrets
#   benches/postgres.sh 1000000         # some sizes (1,000,000: ~10 min)
#   SECONDS_PER_RUN=8 REPEAT=5 RUNS=5 benches/postgres.sh   (REPEAT rounds; RUNS
#                                   command-line calls per cell and round)
#
# For each size and store: import time, a command-line token put and get
# (hyperfine), `serve` gets and puts with wrk (32 connections, random
# users), and the server's RSS. Every vault is loaded first and every
# server started at once; then the measurements go round by round, each
# round taking every size and store in turn, so that a machine whose speed
# drifts (a shared one does, by 2x within the hour) slows every cell
# alike. Cells are medians over the rounds. Prints the ratios the issue
# asks for: PG put at N / PG put at 1,000; PG puts/s and gets/s over the
# file store's.
#
# Installs wrk and hyperfine with apt when missing (CI does not run this).
# Needs PostgreSQL's server binaries (Debian: postgresql). Traffic stays on
# 127.0.0.1 and a Unix socket.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-1000 100000}")
read -r -a SIZES <<<"${SIZES[*]}"
DUR=${SECONDS_PER_RUN:-5}
REPEAT=${REPEAT:-5}
RUNS=${RUNS:-5}

missing=()
for tool in wrk hyperfine; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} with apt" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/initdb" ] || { echo "no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }

cargo build --release --locked -q
BIN=$PWD/target/release/sso-secrets
WORK=$(mktemp -d)
chmod 755 "$WORK"
SERVERS=() PG=
cleanup() {
  for s in "${SERVERS[@]}"; do kill "$s" 2>/dev/null; done
  # $PG is the shell that started the server (as_pg is a function), and a
  # background shell ignores SIGINT: stop the postmaster by its own pid.
  if [ -f "$WORK/pg/data/postmaster.pid" ]; then
    kill -INT "$(head -1 "$WORK/pg/data/postmaster.pid")" 2>/dev/null
  fi
  [ -n "$PG" ] && kill -INT "$PG" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
unset SSO_SECRETS_VAULT SSO_SECRETS_TOKEN SSO_SECRETS_PASSPHRASE SSO_SECRETS_READ_ONLY
printf 'bench passphrase\n' >"$WORK/pass.txt"

# The cluster: as `postgres` when root (the server refuses root).
as_pg() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }
mkdir "$WORK/pg" && [ "$(id -u)" = 0 ] && chown postgres: "$WORK/pg"
as_pg "$PGBIN/initdb" -A trust -U postgres -D "$WORK/pg/data" >/dev/null
as_pg "$PGBIN/postgres" -D "$WORK/pg/data" -k "$WORK/pg" -c listen_addresses= -c max_connections=200 \
  -c shared_buffers=256MB >"$WORK/pg/log" 2>&1 &
PG=$!
for _ in $(seq 1 100); do "$PGBIN/pg_isready" -q -h "$WORK/pg" && break; sleep 0.1; done

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
  io.write(string.format("RESULT %.0f %.3f %.3f %d\n", summary.requests / s,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# Load every vault, start every server.
declare -A IMPORT URL PID GLOBAL
for N in "${SIZES[@]}"; do
  D=$WORK/n$N
  mkdir -p "$D"
  python3 - "$N" "$D/plain.jsonl" <<'PY'
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    for i in range(n):
        f.write(json.dumps({"kind": "sso", "app": "bench", "user_id": f"u{i}",
                            "secret": f"value-{i:07d}-" + "x" * 26}) + "\n")
PY
  as_pg "$PGBIN/createdb" -h "$WORK/pg" -U postgres "v$N"
  printf 'a fresh forty-byte value for put-sso ...' >"$D/body"
  for STORE in file pg; do
    if [ "$STORE" = file ]; then V=$D/vault; else V="postgresql://postgres@/v$N?host=$WORK/pg"; fi
    G=("$BIN" --vault "$V" --no-input)
    GLOBAL[$N.$STORE]="${G[*]}"
    "${G[@]}" --passphrase-file "$WORK/pass.txt" init >/dev/null 2>&1
    start=$(date +%s.%N)
    "${G[@]}" --passphrase-file "$WORK/pass.txt" import "$D/plain.jsonl" 2>/dev/null
    IMPORT[$N.$STORE]=$(python3 -c "print('%.1f' % ($(date +%s.%N) - $start))")
    "${G[@]}" --passphrase-file "$WORK/pass.txt" token create "bench" --write >"$D/$STORE.token" 2>/dev/null
    "${G[@]}" serve --listen 127.0.0.1:0 2>"$D/$STORE.log" &
    PID[$N.$STORE]=$!
    SERVERS+=($!)
    for _ in $(seq 1 600); do grep -q '^listening on' "$D/$STORE.log" 2>/dev/null && break; sleep 0.05; done
    URL[$N.$STORE]=$(sed -n 's/^listening on //p' "$D/$STORE.log" | head -1)
  done
  rm -f "$D/plain.jsonl"
done

# Round by round: every size and store in turn.
for round in $(seq 1 "$REPEAT"); do
  for N in "${SIZES[@]}"; do
    D=$WORK/n$N
    for STORE in file pg; do
      G=${GLOBAL[$N.$STORE]}
      hyperfine -N -w 1 -r "$RUNS" --export-json "$D/$STORE.put.$round.json" \
        "$G --token-file $D/$STORE.token put-sso bench --user-id u1 --file $D/body" >/dev/null 2>&1
      hyperfine -N -w 1 -r "$RUNS" --export-json "$D/$STORE.get.$round.json" \
        "$G --token-file $D/$STORE.token get-sso bench --user-id u1" >/dev/null 2>&1
      for OP in get put; do
        TOKEN=$(cat "$D/$STORE.token") N=$N OP=$OP wrk -t 1 -c 32 -d "${DUR}s" -s "$WORK/bench.lua" \
          "${URL[$N.$STORE]}" | awk '/^RESULT/ {print $2, $3, $4, $5}' >>"$D/$STORE.$OP.wrk"
      done
    done
  done
  echo "round $round of $REPEAT done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
done

ROWS=()
for N in "${SIZES[@]}"; do
  D=$WORK/n$N
  for STORE in file pg; do
    cli=$(python3 - "$D" "$STORE" <<'PY'
import glob, json, statistics, sys
d, store = sys.argv[1:]
def med(op):
    times = [t for f in glob.glob(f"{d}/{store}.{op}.*.json") for t in json.load(open(f))["results"][0]["times"]]
    return "%.1f" % (statistics.median(times) * 1000)
print(med("put"), med("get"))
PY
)
    med() { sort -n "$1" | awk '{a[NR] = $0} END {print a[int((NR + 1) / 2)]}'; }
    ROWS+=("$N $STORE ${IMPORT[$N.$STORE]} $cli $(med "$D/$STORE.get.wrk") $(med "$D/$STORE.put.wrk") $(rss "${PID[$N.$STORE]}")")
  done
done
echo
echo "PostgreSQL store vs file store: $(nproc) cores shared with the client and the database, $(uname -m), $(date -u +%Y-%m-%d), serve: wrk 1 thread, 32 connections, median of $REPEAT rounds of ${DUR}s; CLI: median of $REPEAT x $RUNS calls; every cell in every round, in turn; load now $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "${ROWS[@]}" <<'PY'
import sys
rows = [r.split() for r in sys.argv[1:]]
print("secrets | store | import s | CLI token put ms | CLI token get ms | serve gets/s | get p99 ms | puts/s | put p99 ms | errors (get/put) | serve RSS KiB")
print("--- | --- | --- | --- | --- | --- | --- | --- | --- | --- | ---")
for r in rows:
    n, store, imp, cput, cget, g, gp50, gp99, gerr, p, pp50, pp99, perr, mem = r
    print(" | ".join([n, store, imp, cput, cget, g, gp99, p, pp99, gerr + "/" + perr, mem]))
print()
by = {(r[0], r[1]): r for r in rows}
base = by.get(("1000", "pg"))
for (n, store), r in sorted(by.items(), key=lambda kv: int(kv[0][0])):
    if store != "pg":
        continue
    f = by.get((n, "file"))
    line = f"{n}: PG serve puts/s {r[9]}"
    if f:
        line += f", {float(r[9]) / max(float(f[9]), 1):.1f}x the file store's; PG gets {float(r[5]) / max(float(f[5]), 1):.2f}x the file store's"
    if base and n != "1000":
        line += f"; PG CLI put at {n} = {float(r[3]) / float(base[3]):.2f}x the put at 1,000"
    print(line)
PY
