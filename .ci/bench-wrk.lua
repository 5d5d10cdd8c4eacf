-- wrk script for .ci/bench-endpoint.sh: rotates through the request paths in $PATHS_FILE (one per
-- line) so every request asks for a different card, sends $BEARER as a bearer token when set, and
-- prints one JSON line of results at the end. Thread t of T takes paths t, t+T, t+2T, ... so no two
-- requests of a run ask for the same path until the list is used up. With $TOKENS_FILE (one bearer
-- token a line) each thread switches to a token of its own every $PER_TOKEN requests instead.
-- (wrk may call request() once to prime a thread; that path is then never sent.)
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do
  paths[#paths + 1] = line
end

local count = 0
function setup(thread)
  count = count + 1
  thread:set("first", count - 1)
end

function init(args)
  step = tonumber(os.getenv("WRK_THREADS") or "1")
  i = first - step
  local bearer = os.getenv("BEARER")
  if bearer and bearer ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. bearer
  end
  tokens = nil
  if os.getenv("TOKENS_FILE") then
    tokens = {}
    for line in io.lines(os.getenv("TOKENS_FILE")) do tokens[#tokens + 1] = line end
    per_token = tonumber(os.getenv("PER_TOKEN") or "100")
  end
end

function request()
  i = i + step
  local path = paths[(i % #paths) + 1]
  if tokens then
    local n = math.floor(i / (per_token * step)) * step + first
    return wrk.format("GET", path, { Authorization = "Bearer " .. tokens[(n % #tokens) + 1] })
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"paths":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes, #paths, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
