#!/usr/bin/env bash
# What the audit trail costs (issue 25), one build, one vault, in one run:
# `serve` gets and puts with wrk (32 connections, random users) with the
# trail off and on, alternating round by round (this machine's speed
# drifts), median of ROUNDS; the command line's token get with the trail off
# and on (hyperfine, medians), and the flushes (fsync/fdatasync) one such
# get makes, counted with strace.
#
#   benches/audit.sh
#   N=100000 ROUNDS=5 DUR=8 benches/audit.sh
#
# Needs wrk, hyperfine and strace (apt). Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000} ROUNDS=${ROUNDS:-3} DUR=${DUR:-5} RUNS=${RUNS:-30}
cargo build --release --locked -q
B=$PWD/target/release/sso-secrets
W=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf $W' EXIT
unset SSO_SECRETS_VAULT SSO_SECRETS_TOKEN SSO_SECRETS_PASSPHRASE SSO_SECRETS_READ_ONLY
umask 077
printf "bench passphrase\n" > $W/pass
python3 - $N $W/plain.jsonl <<'PY'
import json,sys
n,out=int(sys.argv[1]),sys.argv[2]
with open(out,"w") as f:
    for i in range(n):
        f.write(json.dumps({"kind":"sso","app":"bench","user_id":f"u{i}","secret":f"value-{i:07d}-"+"x"*26})+"\n")
PY
V=$W/vault
P="--vault $V --no-input --passphrase-file $W/pass"
$B $P init --kdf-memory 19 --kdf-iterations 2 >/dev/null 2>&1
$B $P import $W/plain.jsonl 2>/dev/null
$B $P token create b --write > $W/token 2>/dev/null
switch() { $B $P vault audit "$1" 2>/dev/null; }

switch off
hyperfine -N -w 3 -r $RUNS --export-json $W/off.json \
  "$B --vault $V --token-file $W/token get-sso bench --user-id u1" >/dev/null 2>&1
switch on
hyperfine -N -w 3 -r $RUNS --export-json $W/on.json \
  "$B --vault $V --token-file $W/token get-sso bench --user-id u1" >/dev/null 2>&1
flushes() {
  strace -f -qq -e trace=fsync,fdatasync,sync_file_range -o $W/strace \
    $B --vault $V --token-file $W/token get-sso bench --user-id u1 >/dev/null
  grep -c -E 'fsync|fdatasync|sync_file_range' $W/strace || true
}
on_flushes=$(flushes)
switch off
off_flushes=$(flushes)
python3 - $W/off.json $W/on.json $off_flushes $on_flushes <<'PY'
import json,sys
off,on=(json.load(open(f))["results"][0]["median"]*1000 for f in sys.argv[1:3])
print(f"CLI token get: off {off:.2f} ms, on {on:.2f} ms, on/off {on/off:.2f}; flushes: off {sys.argv[3]}, on {sys.argv[4]}")
PY

cat > $W/b.lua <<'LUA'
local token, n, op = os.getenv("TOKEN"), tonumber(os.getenv("N")), os.getenv("OP")
local body = '{"secret":"a fresh forty-byte value for putSSOSecret.."}'
request = function()
  local h = { ["Authorization"] = "Bearer " .. token, ["user-id"] = "u" .. math.random(0, n - 1) }
  if op == "put" then h["Content-Type"] = "application/json"; return wrk.format("PUT", "/putSSOSecret/bench", h, body) end
  return wrk.format("GET", "/getSSOSecret/bench", h)
end
done = function(s) io.write(string.format("RESULT %.0f\n", s.requests / (s.duration / 1e6))) end
LUA
for OP in get put; do
  for r in $(seq 1 $ROUNDS); do
    for state in off on; do
      switch $state
      rm -f $W/log
      $B --vault $V serve --listen 127.0.0.1:0 2>$W/log & S=$!
      for _ in $(seq 1 100); do [ -s $W/log ] && break; sleep 0.05; done
      URL=$(head -1 $W/log | sed 's/^listening on //')
      x=$(TOKEN=$(cat $W/token) N=$N OP=$OP wrk -t1 -c32 -d${DUR}s -s $W/b.lua $URL | awk '/RESULT/{print $2}')
      kill $S; wait $S 2>/dev/null || true
      echo "$OP $state $x" >> $W/serve.txt
    done
  done
done
python3 - $W/serve.txt <<'PY'
import sys,statistics
rows={}
for line in open(sys.argv[1]):
    op,state,x=line.split(); rows.setdefault((op,state),[]).append(float(x))
for op in ["get","put"]:
    off,on=statistics.median(rows[(op,"off")]),statistics.median(rows[(op,"on")])
    print(f"serve {op}s/s (32 connections): off {off:.0f}, on {on:.0f}, on/off {on/off:.2f}   rounds off {rows[(op,'off')]} on {rows[(op,'on')]}")
PY
echo "trail: $(wc -c < $V.audit) bytes"
