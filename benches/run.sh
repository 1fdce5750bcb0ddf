#!/usr/bin/env bash
# Whole-process benchmark of sso-secrets against age (and pass, where it
# can be set up), on vaults of 1,000 / 10,000 / 100,000 DID secrets, and on
# vaults of as many SSO secrets in one app that a scoped write token writes
# (so all of them live in that app's partition: format 3's worst case).
#
#   benches/run.sh                  # all sizes
#   benches/run.sh 1000 100000      # some sizes
#   RUNS=50 benches/run.sh          # more runs per command (default 30)
#   BIN=/path/to/sso-secrets benches/run.sh   # measure another build
#
# Installs hyperfine, age, pass, gnupg and time with apt when missing (CI does
# not run this). Prints a table of medians and ratios; every figure in a row
# comes from the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-1000 10000 100000}")
read -r -a SIZES <<<"${SIZES[*]}"
RUNS=${RUNS:-30}

missing=()
for tool in hyperfine age pass gpg; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  pkgs=("${missing[@]/gpg/gnupg}")
  echo "installing ${pkgs[*]} with apt" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi

if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -q
  BIN=$PWD/target/release/sso-secrets
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export GNUPGHOME=$WORK/gnupg PASSWORD_STORE_DIR=$WORK/pass
unset SSO_SECRETS_VAULT SSO_SECRETS_TOKEN SSO_SECRETS_PASSPHRASE SSO_SECRETS_READ_ONLY

printf 'bench passphrase\n' >"$WORK/pass.txt"
printf 'a fresh forty-byte value for put-did ...\n' >"$WORK/body"
age-keygen -o "$WORK/age.key" 2>/dev/null
AGE_RECIPIENT=$(grep -o 'age1[0-9a-z]*' "$WORK/age.key" | head -1)
printf '%s\n' "$AGE_RECIPIENT" >"$WORK/age.recipients"

median() { # hyperfine json, command index -> median in ms
  python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"]*1000))' "$1" "$2"
}

ROWS=()
for N in "${SIZES[@]}"; do
  D=$WORK/n$N
  mkdir -p "$D"
  python3 - "$N" "$D/plain.jsonl" <<'PY'
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    for i in range(n):
        f.write(json.dumps({"kind": "did", "did": f"did:ssi:name:bench.example:app/user{i:06d}",
                            "name": "credential", "secret": f"value-{i:06d}-" + "x" * 27}) + "\n")
PY
  V="$D/vault"
  "$BIN" --vault "$V" --passphrase-file "$WORK/pass.txt" init 2>/dev/null   # default KDF
  /usr/bin/time -f "%e" -o "$D/import.time" "$BIN" --vault "$V" --passphrase-file "$WORK/pass.txt" import "$D/plain.jsonl"
  "$BIN" --vault "$V" --passphrase-file "$WORK/pass.txt" token create reader >"$D/ro.token"
  "$BIN" --vault "$V" --passphrase-file "$WORK/pass.txt" token create writer --write >"$D/rw.token"
  age -e -R "$WORK/age.recipients" -o "$D/plain.age" "$D/plain.jsonl"
  DID=$("$BIN" did encode "did:ssi:name:bench.example:app/user$(printf %06d $((N / 2)))")
  G=("$BIN" --vault "$V" --no-input)
  hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$D/h.json" \
    "${G[*]} --token-file $D/ro.token get-did $DID credential" \
    "${G[*]} --token-file $D/rw.token put-did $DID credential --file $WORK/body" \
    "${G[*]} --passphrase-file $WORK/pass.txt get-did $DID credential" \
    "${G[*]} --token-file $D/ro.token list" \
    "age -d -i $WORK/age.key -o /dev/null $D/plain.age" \
    "age -e -R $WORK/age.recipients -o $D/out.age $D/plain.jsonl" \
    "cat $V" >/dev/null 2>&1
  rss=$(/usr/bin/time -f "%M" "${G[@]}" --token-file "$D/ro.token" get-did "$DID" credential 2>&1 >/dev/null | tail -1)
  # The same number of SSO secrets, all in app "bench", written by a token
  # scoped to that app: a get and a put in its partition.
  python3 - "$N" "$D/app.jsonl" <<'PY'
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    for i in range(n):
        f.write(json.dumps({"kind": "sso", "app": "bench", "user_id": f"user{i:06d}",
                            "secret": f"value-{i:06d}-" + "x" * 27}) + "\n")
PY
  A="$D/app-vault"
  "$BIN" --vault "$A" --passphrase-file "$WORK/pass.txt" init 2>/dev/null
  "$BIN" --vault "$A" --passphrase-file "$WORK/pass.txt" import "$D/app.jsonl"
  "$BIN" --vault "$A" --passphrase-file "$WORK/pass.txt" token create app-writer --app bench --write >"$D/app-rw.token" 2>/dev/null
  "$BIN" --vault "$A" --passphrase-file "$WORK/pass.txt" token create app-reader --app bench >"$D/app-ro.token" 2>/dev/null
  U=user$(printf %06d $((N / 2)))
  H=("$BIN" --vault "$A" --no-input)
  hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$D/p.json" \
    "${H[*]} --token-file $D/app-ro.token get-sso bench --user-id $U" \
    "${H[*]} --token-file $D/app-rw.token put-sso bench --user-id $U --file $WORK/body" >/dev/null 2>&1
  ROWS+=("$N $(for i in 0 1 2 3 4 5 6; do printf '%s ' "$(median "$D/h.json" $i)"; done)$rss $(cat "$D/import.time") $(stat -c %s "$V") $(median "$D/p.json" 0) $(median "$D/p.json" 1)")
  rm -f "$D/plain.jsonl" "$D/out.age" "$D/app.jsonl"
done

# pass keeps one gpg file per secret, so its cost does not depend on the store's size: measure it once, on 100 secrets.
PASS_MS=n/a
if command -v pass >/dev/null && command -v gpg >/dev/null; then
  mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
  if gpg --batch --passphrase '' --quick-gen-key bench@example.invalid default default never >/dev/null 2>&1 \
    && pass init bench@example.invalid >/dev/null 2>&1; then
    for i in $(seq 1 100); do printf 'value-%06d-xxxxxxxxxxxxxxxxxxxxxxxxxxx\n' "$i" | pass insert -m "bench/user$i" >/dev/null 2>&1; done
    hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$WORK/pass.json" "pass show bench/user50" >/dev/null 2>&1 \
      && PASS_MS=$(median "$WORK/pass.json" 0)
  fi
fi

echo
echo "sso-secrets benchmark: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d), $RUNS runs per command, medians in ms"
echo "token get = token get-did; pass get = passphrase get-did (default Argon2id 64 MiB, 3 passes); RSS = peak of a token get-did"
python3 - "$PASS_MS" "${ROWS[@]}" <<'PY'
import sys
pass_ms, rows = sys.argv[1], [r.split() for r in sys.argv[2:]]
hdr = ["entries", "token get", "token put", "pass get", "list", "age -d", "age -e", "cat",
       "get/age-d", "put/age-e", "get/get@first", "RSS KiB", "import s", "vault MiB",
       "scoped get", "scoped put", "sget/age-d", "sput/age-e"]
print(" | ".join(hdr))
print(" | ".join("---" for _ in hdr))
first = float(rows[0][1])
for r in rows:
    n, get, put, pget, lst, agd, age, cat, rss, imp, size, sget, sput = r
    f = float
    print(" | ".join([n, get, put, pget, lst, agd, age, cat,
                      "%.2fx" % (f(get) / f(agd)), "%.2fx" % (f(put) / f(age)), "%.2fx" % (f(get) / first),
                      rss, imp, "%.1f" % (int(size) / 2**20), sget, sput,
                      "%.2fx" % (f(sget) / f(agd)), "%.2fx" % (f(sput) / f(age))]))
print()
print("scoped get/put: a token scoped to one app holding all the entries (a format 3 partition), against age on the DID plaintext of the same size")
print()
print("pass show (one gpg file per secret, any store size): %s ms" % pass_ms)
PY
