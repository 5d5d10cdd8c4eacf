# Shared steps of .ci/demo, .ci/test and .ci/bench. Source it; it does nothing by itself.

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# wasm-opt from the npm binaryen package (Debian's breaks the module), and the cargo-installed tools.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

# The release widget: wasm-opt -Oz, the smallest profile, into pkg/.
build_widget() {
  step "build the widget (wasm-pack, release, wasm-opt -Oz)"
  wasm-pack --log-level warn build --target web --profile wasm-release --no-typescript --no-pack \
    --out-name codecard --out-dir pkg . -- --no-default-features --features csr
}

build_server() {
  step "build the server (cargo build --release --bin codecard)"
  cargo build --release --bin codecard
}

# Starts target/release/codecard on a free loopback port (or $1) and sets CODECARD_URL.
# The server is stopped when the calling shell exits.
start_server() {
  local addr="${1:-127.0.0.1:0}" log
  log=$(mktemp)
  target/release/codecard serve --addr "$addr" 2>"$log" &
  SERVER_PID=$!
  trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null' EXIT
  for _ in $(seq 1 100); do
    CODECARD_URL=$(sed -n 's#.*serving on \(http://[^/ ]*\)/.*#\1#p' "$log" | head -n 1)
    [ -n "$CODECARD_URL" ] && break
    kill -0 $SERVER_PID 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  [ -n "$CODECARD_URL" ] || { cat "$log" >&2; echo "server did not start" >&2; return 1; }
  export CODECARD_URL
  step "server at $CODECARD_URL (pid $SERVER_PID)"
}
