# Shared steps of .ci/demo, .ci/test and .ci/bench. Source it; it does nothing by itself.

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# wasm-opt from the npm binaryen package (Debian's breaks the module), and the cargo-installed tools.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

# The widget's release build alone runs on a pinned nightly (.ci/widget-toolchain, installed by
# .ci/setup): std rebuilt with the widget's size profile and its `optimize_for_size` feature (the
# smaller of std's implementations where it has two), and panics compiled to a bare trap with no
# formatting code behind them (no panic message ever reached the console: there is no panic hook).
# Nor does any `Debug` output (the widget formats nothing with `{:?}`), so `Debug` impls and panic
# locations compile to nothing. The server, the host tests and the wasm-bindgen tests stay on stable.
WIDGET_TOOLCHAIN=$(cat .ci/widget-toolchain)
widget_toolchain() {
  RUSTUP_TOOLCHAIN="$WIDGET_TOOLCHAIN" CARGO_UNSTABLE_BUILD_STD=std,panic_abort CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
    RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none" "$@"
}

# The release widget: the smallest profile, wasm-opt -Oz, minified glue, into pkg/, with brotli and gzip copies
# of the immutable files for the server to send as they are.
build_widget() {
  step "build the widget (wasm-pack, release on $WIDGET_TOOLCHAIN with build-std, wasm-opt -Oz; glue and loader minified by esbuild, import names shortened; precompressed)"
  # Two modules from one crate: the card (what a first click needs), then the search box, which
  # the loader fetches only on pages with one (built in a folder of its own, then copied over).
  widget_toolchain wasm-pack --log-level warn build --target web --profile wasm-release --no-typescript --no-pack \
    --out-name codecard --out-dir pkg . -- --no-default-features --features csr
  widget_toolchain wasm-pack --log-level warn build --target web --profile wasm-release --no-typescript --no-pack \
    --out-name codecard_search --out-dir target/pkg-search . -- --no-default-features --features search-box
  cp target/pkg-search/codecard_search.js target/pkg-search/codecard_search_bg.wasm pkg/
  # wasm-opt runs here, not in wasm-pack: the exports no page calls go first (.ci/wasm-roots.js),
  # so wasm-opt drops the code behind them too.
  local wasm
  for wasm in pkg/codecard_bg.wasm pkg/codecard_search_bg.wasm; do
    node .ci/wasm-roots.js "$wasm" >target/wasm-roots.json &&
      wasm-metadce --graph-file target/wasm-roots.json "$wasm" -o "$wasm" >/dev/null &&
      wasm-opt -Oz -Oz "$wasm" -o "$wasm" || return 1
  done
  # The wasm-bindgen glue, minified like the loader (its exports keep their names).
  esbuild pkg/codecard.js --minify --format=esm --target=es2022 --legal-comments=none --log-level=warning --allow-overwrite --outfile=pkg/codecard.js
  esbuild pkg/codecard_search.js --minify --format=esm --target=es2022 --legal-comments=none --log-level=warning --allow-overwrite --outfile=pkg/codecard_search.js
  # The names each module imports from its glue (and its closure adapters), shortened in both files.
  node .ci/short-imports.js pkg/codecard_bg.wasm pkg/codecard.js || return 1
  node .ci/short-imports.js pkg/codecard_search_bg.wasm pkg/codecard_search.js || return 1
  esbuild assets/loader.js --minify --target=es2022 --mangle-props=_$ --legal-comments=none --log-level=warning --outfile=pkg/loader.js
  node .ci/precompress.js pkg/codecard.js pkg/codecard_bg.wasm pkg/codecard_search.js pkg/codecard_search_bg.wasm
}

build_server() {
  step "build the server (cargo build --release --bin codecard)"
  cargo build --release --bin codecard
}

# Starts target/release/codecard on a free loopback port with a fresh database, exports its
# address as $1 (e.g. CODECARD_URL) and its pid and log file as $1_PID and $1_LOG, and passes the
# remaining arguments to `serve`. Every server
# started this way is stopped when the calling shell exits.
SERVER_PIDS=()
trap 'for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null' EXIT
start_server() {
  local var="$1" log dir url pid
  shift
  log=$(mktemp)
  dir=$(mktemp -d)
  # CODECARD_BIN measures another build; CODECARD_SOFT_NOFILE starts it under a lower open-file limit.
  # A fresh SQLite file, unless the arguments name a --database (PostgreSQL) of their own.
  local db=(--db "$dir/codecard.db")
  case " $* " in *" --database "*) db=() ;; esac
  ${CODECARD_SOFT_NOFILE:+prlimit --nofile="$CODECARD_SOFT_NOFILE":} "${CODECARD_BIN:-target/release/codecard}" \
    serve --addr 127.0.0.1:0 "${db[@]}" "$@" 2>"$log" &
  pid=$!
  SERVER_PIDS+=("$pid")
  url=""
  for _ in $(seq 1 100); do
    url=$(sed -n 's#.*serving on \(http://[^/ ]*\)/.*#\1#p' "$log" | head -n 1)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$log" >&2; echo "server did not start" >&2; return 1; }
  export "$var=$url"
  # Its pid and log, for measurements (memory, start time).
  export "${var}_PID=$pid" "${var}_LOG=$log"
  step "$var=$url (pid $pid${*:+, $*})"
}
