#!/usr/bin/env bash
# Benchmark part 3: the endpoint under wrk, next to nginx serving the same card JSON as a static file.
# Usage (from .ci/bench): NOMETER_URL=... METERED_URL=... bash .ci/bench-endpoint.sh OUT.jsonl
# Writes one JSON line per run: {"target", "concurrency", "threads", "seconds", ...wrk results}.
# Targets per concurrency level: nginx (static card), --no-meter (same card; a different card each
# request), metered (one guest, a new code each request, so each request writes a view; then, as a
# diagnostic, the same with a new guest every 100 requests), and search once /v1/search exists.
# With PG_URL (an instance on PostgreSQL) and PG2_URLS (two instances on one PostgreSQL, "URL URL"),
# the same metered targets run on them too: cards_metered_pg*, and cards_metered_pg2* with half the
# connections on each instance (two wrk at once, their figures summed).
# TARGETS (a space-separated list of the names above; default: all) selects what runs.
# Every load test is bounded: DURATION seconds (default 5) per run, wrk --timeout 2s, loopback only.
# Each concurrency level runs REPEAT times (default 3), every target back to back in each repeat, so
# the report can take the median of per-repeat ratios on a machine others are using too.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$1"
: "${NOMETER_URL:?}" "${METERED_URL:?}"
DURATION="${DURATION:-5}"
CONCURRENCY="${CONCURRENCY:-1 16 64}"
REPEAT="${REPEAT:-3}"
TARGETS="${TARGETS:-all}"
PG_URL="${PG_URL:-}"
PG2_URLS="${PG2_URLS:-}"
: >"$out"

# Whether target $1 is selected.
want() { [ "$TARGETS" = all ] || [[ " $TARGETS " == *" $1 "* ]]; }

tmp=$(mktemp -d)
nginx_pid=""
cleanup() {
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Every current ICD-10-CM and every ICD-10-PCS code, as request paths, in a fixed shuffled order.
{
  zcat assets/data/icd10cm.tsv.gz | awk -F'\t' 'NR > 1 && $7 == "" {print "/v1/codes/icd10cm/" $1}'
  zcat assets/data/icd10pcs-2025.tsv.gz | awk -F'\t' 'NR > 1 {print "/v1/codes/icd10pcs/" $1}'
} | shuf --random-source=<(yes) >"$tmp/codes"
echo "/v1/codes/icd10cm/I10" >"$tmp/one"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# nginx as our own foreground process: generated config, pid and logs in $tmp, no daemon.
mkdir -p "$tmp/www/v1/codes/icd10cm" "$tmp/nginx"
curl -fsS "$NOMETER_URL/v1/codes/icd10cm/I10" -o "$tmp/www/v1/codes/icd10cm/I10"
chmod -R a+rX "$tmp" # workers run as nobody when started as root
port=$(free_port)
cat >"$tmp/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    root $tmp/www;
    default_type application/json;
    location / { add_header Cache-Control "public, max-age=300"; }
  }
}
EOF
nginx -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
NGINX_URL="http://127.0.0.1:$port"
for _ in $(seq 1 50); do curl -fsS -o /dev/null "$NGINX_URL/v1/codes/icd10cm/I10" 2>/dev/null && break; sleep 0.1; done
cmp -s <(curl -fsS "$NGINX_URL/v1/codes/icd10cm/I10") "$tmp/www/v1/codes/icd10cm/I10" || { echo "nginx does not serve the card" >&2; exit 1; }

# A fresh guest on the metered server ($1, default METERED_URL): its first request returns the visitor token.
new_guest() {
  curl -fsS "${1:-$METERED_URL}/v1/codes/cpt/99214" | node -pe 'JSON.parse(require("fs").readFileSync(0)).visitor_token'
}

# N fresh guests' tokens, one a line (on $2, default METERED_URL).
new_guests() {
  node -e '
    const [url, n] = [process.argv[1], Number(process.argv[2])];
    (async () => {
      const tokens = [];
      for (let i = 0; i < n; i += 16) // 16 at a time
        tokens.push(...(await Promise.all(Array.from({ length: Math.min(16, n - i) }, () =>
          fetch(url + "/v1/codes/cpt/99214").then((r) => r.json()).then((card) => card.visitor_token)))));
      console.log(tokens.join("\n"));
    })();' "${2:-$METERED_URL}" "$1"
}

# wrk_json URL PATHS CONCURRENCY THREADS [BEARER]: one wrk run, its JSON line.
wrk_json() {
  PATHS_FILE="$2" WRK_THREADS="$4" BEARER="${5:-}" \
    wrk -t"$4" -c"$3" -d"${DURATION}s" --timeout 2s -s .ci/bench-wrk.lua "$1" | grep '^{"requests"'
}

# run TARGET URL PATHS CONCURRENCY [BEARER]   (TOKENS_FILE in the environment: rotate guests)
# URL may be two URLs ("A B"): then half the connections go to each, at the same time, and the
# line sums the requests and errors and takes the slower instance's latencies.
run() {
  local target="$1" url="$2" paths="$3" c="$4" bearer="${5:-}" threads=2 line
  want "$target" || return 0
  [ "$c" -lt 2 ] && threads=1
  if [[ "$url" == *" "* ]]; then
    local a b
    read -r a b <<<"$url"
    wrk_json "$a" "$paths" $((c / 2)) 1 "$bearer" >"$tmp/wrk-a" &
    # The second instance walks the codes backwards: one guest's two halves then ask for different
    # codes, so every request still writes a view.
    [ -f "$paths.reversed" ] || tac "$paths" >"$paths.reversed"
    wrk_json "$b" "$paths.reversed" $((c - c / 2)) 1 "$bearer" >"$tmp/wrk-b"
    wait $!
    line=$(node -e '
      const [a, b] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
      const sum = (k) => a[k] + b[k];
      const worst = (o) => Object.fromEntries(Object.keys(o).map((k) => [k, Math.max(a.latency_us[k], b.latency_us[k])]));
      const errors = Object.fromEntries(Object.keys(a.errors).map((k) => [k, a.errors[k] + b.errors[k]]));
      console.log(JSON.stringify({ ...a, requests: sum("requests"), duration_us: Math.max(a.duration_us, b.duration_us),
        latency_us: worst(a.latency_us), errors, instances: 2 }));' "$tmp/wrk-a" "$tmp/wrk-b")
  else
    line=$(wrk_json "$url" "$paths" "$c" "$threads" "$bearer")
  fi
  echo "{\"target\":\"$target\",\"concurrency\":$c,\"repeat\":$rep,\"threads\":$threads,\"seconds\":$DURATION,${line:1}" >>"$out"
  printf '  %-22s c=%-3s %s\n' "$target" "$c" "$(node -pe "const r=$line; Math.round(r.requests/(r.duration_us/1e6))+' req/s, p50 '+r.latency_us.p50/1000+' ms, p99 '+r.latency_us.p99/1000+' ms, errors '+JSON.stringify(r.errors)")" >&2
}

# metered TARGET URL...: a metered run on URL (one, or two instances of one database) with one
# new guest, then the same spread over many guests.
metered_on() {
  local target="$1" url="$2" first
  first="${url%% *}"
  if want "$target"; then run "$target" "$url" "$tmp/codes" "$c" "$(new_guest "$first")"; fi
  if want "${target}_guests"; then
    new_guests 400 "$first" >"$tmp/tokens"
    TOKENS_FILE="$tmp/tokens" PER_TOKEN=100 run "${target}_guests" "$url" "$tmp/codes" "$c"
  fi
}

for c in $CONCURRENCY; do for rep in $(seq 1 "$REPEAT"); do
  run nginx "$NGINX_URL" "$tmp/one" "$c"
  run cards_nometer_same "$NOMETER_URL" "$tmp/one" "$c"
  run cards_nometer "$NOMETER_URL" "$tmp/codes" "$c"
  [ -n "$PG_URL" ] && metered_on cards_metered_pg "$PG_URL"
  [ -n "$PG2_URLS" ] && metered_on cards_metered_pg2 "$PG2_URLS"
  want cards_metered || want cards_metered_guests || continue
  # A new guest per run, so every request is that guest's first view of a code: one metering write each.
  tok=$(new_guest)
  run cards_metered "$METERED_URL" "$tmp/codes" "$c" "$tok"
  # Proof that the run wrote: the guest's meter counts the views (the token's own first view included),
  # and reopening an early code of the run (the 5th path) is free (counted: false) because it was recorded.
  check=$(curl -fsS -H "Authorization: Bearer $tok" "$METERED_URL$(sed -n 5p "$tmp/codes")" \
    | node -pe 'const m=JSON.parse(require("fs").readFileSync(0)).meter; JSON.stringify({views_recorded: m.limit - m.remaining, reopen_counted: m.counted})')
  echo "{\"target\":\"meter_check\",\"concurrency\":$c,\"repeat\":$rep,${check:1}" >>"$out"
  # Diagnostic: the same writes spread over many guests (100 views each), as real traffic is;
  # the single guest above slows down as its view count grows.
  new_guests 400 >"$tmp/tokens"
  TOKENS_FILE="$tmp/tokens" PER_TOKEN=100 run cards_metered_guests "$METERED_URL" "$tmp/codes" "$c"
done; done

# Search: only once /v1/search exists (being built on another branch).
want search_nometer || { echo "{\"target\":\"versions\",\"wrk\":\"$(wrk --version 2>&1 | head -n 1 | awk '{print $2}')\",\"nginx\":\"$(nginx -v 2>&1 | sed 's#.*nginx/##')\"}" >>"$out"; exit 0; }
status=$(curl -s -o /dev/null -w '%{http_code}' "$NOMETER_URL/v1/search?q=diabetes")
if [ "$status" = 404 ]; then
  echo '{"target":"search","status":"n/a","reason":"GET /v1/search answered 404: search not implemented"}' >>"$out"
  echo "  search: n/a (GET /v1/search answered 404)" >&2
else
  for q in diabetes hypertension fracture asthma pneumonia "heart failure" migraine sepsis anemia "chest pain" \
    obesity depression appendix "knee replacement" bypass glaucoma cataract hepatitis influenza "kidney disease"; do
    echo "/v1/search?q=$(node -pe 'encodeURIComponent(process.argv[1])' "$q")"
  done >"$tmp/search"
  rep=1
  for c in $CONCURRENCY; do run search_nometer "$NOMETER_URL" "$tmp/search" "$c"; done
fi
echo "{\"target\":\"versions\",\"wrk\":\"$(wrk --version 2>&1 | head -n 1 | awk '{print $2}')\",\"nginx\":\"$(nginx -v 2>&1 | sed 's#.*nginx/##')\"}" >>"$out"
