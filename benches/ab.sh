#!/usr/bin/env bash
# A/B of two builds of sso-secrets on the same vault file, in one run:
# command-line token get and put (hyperfine, medians) and `serve` gets and
# puts with wrk (32 connections, random users), the builds alternating
# round by round (this machine's speed drifts), median of ROUNDS; and the
# server's CPU per request (user + system time from /proc over the run,
# divided by the requests wrk counted).
#
#   git worktree add /tmp/base <commit> && (cd /tmp/base && cargo build --release)
#   cargo build --release
#   benches/ab.sh /tmp/base/target/release/sso-secrets target/release/sso-secrets
#   N=10000 ROUNDS=5 DUR=8 RUNS=50 benches/ab.sh OLD NEW
#   CLI=no OPS=get benches/ab.sh OLD NEW    # serve gets only
#
# Needs wrk and hyperfine (apt). The old build creates the vault, so it must
# read and write the format the new one reads.
set -euo pipefail
OLD=$1 NEW=$2 N=${N:-100000} ROUNDS=${ROUNDS:-3} DUR=${DUR:-5}
W=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf $W' EXIT
printf 'bench passphrase\n' > $W/pass
python3 - $N $W/plain.jsonl <<'PY'
import json,sys
n,out=int(sys.argv[1]),sys.argv[2]
with open(out,"w") as f:
    for i in range(n):
        f.write(json.dumps({"kind":"sso","app":"bench","user_id":f"u{i}","secret":f"value-{i:07d}-"+"x"*26})+"\n")
PY
V=$W/vault
$OLD --vault $V --no-input --passphrase-file $W/pass init >/dev/null 2>&1
$OLD --vault $V --no-input --passphrase-file $W/pass import $W/plain.jsonl 2>/dev/null
# TOKEN_ARGS="--app bench --write": a scoped write token, whose reads check
# its scope's partition record (as a deployment's per-app tokens do).
$OLD --vault $V --no-input --passphrase-file $W/pass token create b ${TOKEN_ARGS:---write} > $W/token 2>/dev/null
printf 'a fresh forty-byte value for put-sso ...' > $W/body
if [ "${CLI:-yes}" != no ]; then
hyperfine -N -w 3 -r ${RUNS:-30} --export-json $W/get.json \
  "$OLD --vault $V --token-file $W/token get-sso bench --user-id u1" \
  "$NEW --vault $V --token-file $W/token get-sso bench --user-id u1" >/dev/null 2>&1
hyperfine -N -w 2 -r ${RUNS:-30} --export-json $W/put.json \
  "$OLD --vault $V --token-file $W/token put-sso bench --user-id u1 --file $W/body" \
  "$NEW --vault $V --token-file $W/token put-sso bench --user-id u1 --file $W/body" >/dev/null 2>&1
python3 - $W/get.json $W/put.json <<'PY'
import json,sys
for f,what in zip(sys.argv[1:],["CLI get","CLI put"]):
    r=json.load(open(f))["results"]
    o,n=r[0]["median"]*1000,r[1]["median"]*1000
    print(f"{what}: old {o:.2f} ms, new {n:.2f} ms, new/old {n/o:.2f}")
PY
fi
cat > $W/b.lua <<'LUA'
local token, n, op = os.getenv("TOKEN"), tonumber(os.getenv("N")), os.getenv("OP")
local body = '{"secret":"a fresh forty-byte value for putSSOSecret.."}'
request = function()
  local h = { ["Authorization"] = "Bearer " .. token, ["user-id"] = "u" .. math.random(0, n - 1) }
  if op == "put" then h["Content-Type"] = "application/json"; return wrk.format("PUT", "/putSSOSecret/bench", h, body) end
  return wrk.format("GET", "/getSSOSecret/bench", h)
end
done = function(s) io.write(string.format("RESULT %.0f %d\n", s.requests / (s.duration / 1e6), s.requests)) end
LUA
for OP in ${OPS:-get put}; do
  for r in $(seq 1 $ROUNDS); do
    for which in old new; do
      B=$OLD; [ $which = new ] && B=$NEW
      # The redirection truncates the log in the child, after `&` has
      # returned: without the rm, the wait below could see the last
      # server's log and read an address from an emptied file.
      rm -f $W/log
      $B --vault $V serve --listen 127.0.0.1:0 2>$W/log & S=$!
      for _ in $(seq 1 600); do [ -s $W/log ] && break; sleep 0.05; done
      URL=$(head -1 $W/log | sed 's/^listening on //')
      # A failed run says why and stops the benchmark, with the server
      # stopped (it holds this loop's pipe open: left running, it would
      # keep the script waiting for ever).
      TOKEN=$(cat $W/token) N=$N OP=$OP wrk -t1 -c32 -d${DUR}s -s $W/b.lua "$URL" >$W/wrk.out 2>&1 || true
      # The server's CPU (user + system, in clock ticks) over its life.
      ticks=$(sed 's/.*) //' /proc/$S/stat | awk '{print $12 + $13}')
      kill -TERM $S; wait $S || true
      x=$(awk '/RESULT/{print $2}' $W/wrk.out)
      n=$(awk '/RESULT/{print $3}' $W/wrk.out)
      if [ -z "$x" ]; then
        { echo "$OP $which: no result from wrk on ${URL:-(no address)}"; cat $W/wrk.out; head -3 $W/log; } >&2
        exit 1
      fi
      echo "$OP $which $x $(python3 -c "print('%.1f' % ($ticks * 1e6 / $(getconf CLK_TCK) / $n))")"
    done
  done
done | tee $W/serve.txt >/dev/null
python3 - $W/serve.txt <<'PY'
import sys,statistics
d,c={},{}
for l in open(sys.argv[1]):
    op,w,x,cpu=l.split(); d.setdefault((op,w),[]).append(float(x)); c.setdefault((op,w),[]).append(float(cpu))
for op in [o for o in ["get","put"] if (o,"old") in d]:
    o,n=statistics.median(d[(op,"old")]),statistics.median(d[(op,"new")])
    print(f"serve {op}s/s (32 conns): old {o:.0f}, new {n:.0f}, new/old {n/o:.2f}  rounds old {d[(op,'old')]} new {d[(op,'new')]}")
    o,n=statistics.median(c[(op,"old")]),statistics.median(c[(op,"new")])
    print(f"serve CPU µs per {op}: old {o:.1f}, new {n:.1f}, new/old {n/o:.2f}  rounds old {c[(op,'old')]} new {c[(op,'new')]}")
PY
