#!/usr/bin/env bash
# The real OpenDSU SecretsHandler, unmodified, against `serve` behind nginx
# (issue 27). Not a CI test: CI has no copy of the client code.
#
#   OPENDSU_SDK_MIRROR=/path/to/opendsu-sdk.git contrib/interop/opendsu-front.sh
#
# Takes the opendsu-sdk bundles at the mirror's HEAD (builds/output/openDSU.js
# and its browser build loaderBoot.js, see below), starts `serve --listen unix:… --trusted-front unix` on a fresh vault
# with a token for one DID, starts nginx with the README's recipe ("Behind an
# APIHub's SSO front", on a port of 127.0.0.1, basic auth, no TLS) serving also
# a page that loads the browser bundle, and opens that page in headless Chromium
# signed in as alice. The page takes w3cdid/utils/SecretsHandler.js from the
# bundle and calls its storeDIDSecret, getDIDSecret and clearDIDSecret, then a
# getDIDSecret that must fail with 404, and prints the page's result and
# serve's log. Exit 0 when all of it worked.
#
# Needs: git, nginx, chromium (Debian: apt-get install nginx chromium),
# python3, cargo. SSO_SECRETS_BIN picks a built binary (default: a debug build).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${OPENDSU_SDK_MIRROR:?set OPENDSU_SDK_MIRROR to the git dir of an opendsu-sdk mirror}"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -x "$NGINX" ] || { echo "nginx is missing (apt-get install nginx)" >&2; exit 1; }
[ -n "$CHROMIUM" ] || { echo "chromium is missing (apt-get install chromium)" >&2; exit 1; }
if [ -z "${SSO_SECRETS_BIN:-}" ]; then
  cargo build --locked -q
  SSO_SECRETS_BIN=$PWD/target/debug/sso-secrets
fi
BIN=$SSO_SECRETS_BIN

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
unset SSO_SECRETS_VAULT SSO_SECRETS_TOKEN SSO_SECRETS_PASSPHRASE SSO_SECRETS_READ_ONLY SSO_SECRETS_REMOTE
export XDG_STATE_HOME=$WORK/state
mkdir -p "$WORK/www" "$WORK/state"

# The client code, exactly as the SDK ships it. openDSU.js is the SDK's
# Node.js build: it needs Node's own modules (buffer, crypto, fs…) as it
# loads, so a browser cannot run it ("Cannot find module 'buffer'"). The
# SDK's browser build of the same opendsu module is loaderBoot.js (built with
# those modules' browser versions inside): the page loads that, once this
# script has checked that its SecretsHandler is openDSU.js's, byte for byte.
# BUNDLE=openDSU.js tries the Node.js build anyway.
SDK_COMMIT=$(git --git-dir="$OPENDSU_SDK_MIRROR" rev-parse --short HEAD)
for b in openDSU.js loaderBoot.js; do
  git --git-dir="$OPENDSU_SDK_MIRROR" show "HEAD:builds/output/$b" >"$WORK/www/$b"
done
BUNDLE=${BUNDLE:-loaderBoot.js}
MODULE=$(grep -o '"[^"]*/w3cdid/utils/SecretsHandler\.js":\[function' "$WORK/www/openDSU.js" \
  | head -1 | sed 's/":\[function$//; s/^"//')
[ -n "$MODULE" ] || { echo "no w3cdid/utils/SecretsHandler.js in openDSU.js" >&2; exit 1; }
python3 - "$MODULE" "$WORK/www/openDSU.js" "$WORK/www/loaderBoot.js" <<'PY'
import sys
module, *bundles = sys.argv[1:]
def code(path):
    text = open(path, encoding="utf-8").read()
    start = text.index('"%s":[function(require,module,exports){' % module)
    return text[start:text.index('},{"opendsu":"opendsu"}]', start)]
a, b = (code(p) for p in bundles)
if a != b:
    sys.exit("SecretsHandler.js differs between openDSU.js and loaderBoot.js")
print("SecretsHandler.js: %d bytes, the same in openDSU.js and loaderBoot.js" % len(a))
PY

# A vault, and the front's token: one DID, writes.
DID='did:ssi:name:apihub.example:DSU_Fabric/wallet'
printf 'interop passphrase\n' >"$WORK/pass"
V=(--vault "$WORK/vault" --passphrase-file "$WORK/pass")
"$BIN" "${V[@]}" init --kdf-memory 19 --kdf-iterations 2 2>/dev/null
(umask 077; "$BIN" "${V[@]}" token create front --did "$DID" --write --expires-in 1d \
  >"$WORK/front.token" 2>/dev/null)

"$BIN" --vault "$WORK/vault" serve --listen "unix:$WORK/serve.sock" --trusted-front unix \
  --token-file "$WORK/front.token" 2>"$WORK/serve.log" &
PIDS+=($!)
for _ in $(seq 100); do [ -S "$WORK/serve.sock" ] && break; sleep 0.1; done
[ -S "$WORK/serve.sock" ] || { cat "$WORK/serve.log" >&2; exit 1; }

# nginx: the README's block, with a port, this run's paths, and the page.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'alice:{PLAIN}alice-pw\n' >"$WORK/htpasswd"
BLOCK=$(awk '/^```nginx$/{on=1; next} on && /^```$/{exit} on' README.md \
  | sed -e "s|listen 443 ssl;|listen 127.0.0.1:$PORT;|" -e '/ssl_certificate/d' \
        -e "s|/etc/nginx/apihub.htpasswd|$WORK/htpasswd|" \
        -e "s|unix:/run/sso-secrets/serve.sock|unix:$WORK/serve.sock|" \
  | sed '$d')
USER_LINE=""
[ "$(id -u)" = 0 ] && USER_LINE="user root;"
cat >"$WORK/nginx.conf" <<EOF
$USER_LINE
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 64; }
http {
    access_log $WORK/nginx-access.log;
    client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy;
    fastcgi_temp_path $WORK/fastcgi; uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
    types { text/html html; application/javascript js; }
$BLOCK
    # The page and the bundle, from the same origin as the routes.
    location / { root $WORK/www; }
}
}
EOF
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
PIDS+=($!)
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null && break
  sleep 0.1
done

# The page: SecretsHandler's store, get, clear, and a get after the clear.
cat >"$WORK/www/index.html" <<EOF
<!doctype html>
<html><head><meta charset="utf-8"><title>interop</title></head>
<body><pre id="out">pending</pre>
<script>
window.loadErrors = [];
window.addEventListener("error", (e) => loadErrors.push(e.message + " (line " + e.lineno + ")"));
</script>
<script src="$BUNDLE"></script>
<script>
(async () => {
  const out = document.getElementById("out");
  const steps = [];
  try {
    const handler = await ${BUNDLE%.js}Require("$MODULE").getInstance();
    const did = "$DID";
    const secret = {groupCredential: {name: "interop"}, enclave: "e-1"};
    const put = await handler.storeDIDSecret(did, secret);
    steps.push("store " + put.status);
    const got = await handler.getDIDSecret(did);
    steps.push("get " + JSON.stringify(got));
    const cleared = await handler.clearDIDSecret(did);
    steps.push("clear " + cleared.status);
    try {
      await handler.getDIDSecret(did);
      steps.push("get-after-clear 200");
    } catch (e) {
      steps.push("get-after-clear " + e.code);
    }
    out.textContent = "RESULT " + steps.join("; ");
  } catch (e) {
    out.textContent = "ERROR " + steps.join("; ") + " | " + (e && e.stack || e) +
      " | while loading: " + loadErrors.join("; ");
  }
})();
</script></body></html>
EOF

DOM=$("$CHROMIUM" --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/chromium" \
  --virtual-time-budget=20000 --dump-dom "http://alice:alice-pw@127.0.0.1:$PORT/index.html" \
  2>"$WORK/chromium.log" || true)
RESULT=$(printf '%s' "$DOM" | python3 -c '
import html, re, sys
m = re.search(r"<pre id=\"out\">(.*?)</pre>", sys.stdin.read(), re.S)
print(" ".join(html.unescape(m.group(1)).split()) if m else "no page")')
echo "opendsu-sdk $SDK_COMMIT, $BUNDLE, $MODULE"
echo "page: $RESULT"
echo "serve's log:"
sed 's/^/  /' "$WORK/serve.log"
WANT='RESULT store 200; get {"groupCredential":{"name":"interop"},"enclave":"e-1"}; clear 200; get-after-clear 404'
if [ "$RESULT" = "$WANT" ]; then
  echo "interop: OK"
else
  echo "interop: FAILED (wanted: $WANT)" >&2
  tail -5 "$WORK/chromium.log" >&2 || true
  exit 1
fi
