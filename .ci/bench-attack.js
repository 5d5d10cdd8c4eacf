// The endpoint under attack, measured (loopback only, bounded, stops by itself):
//  1. card lookups (a new connection each) while 2,000 slow connections are held open, each
//     having sent half a request head and re-opened whenever the server closes it;
//  2. peak server memory (VmHWM) and card lookups during a log-in flood: 500 log-ins at once
//     from 50 addresses (X-Forwarded-For), each within its rate limit.
// Each phase stops after 60 s, counting what it could not do as failed.
// Usage: node .ci/bench-attack.js <server url> <server pid> <out.json>   (ATTACK_FLOOD: log-ins, 500)
const fs = require("fs");
const net = require("net");
const http = require("http");

const [base, pid, out] = process.argv.slice(2);
const { hostname, port } = new URL(base);
const HELD = 2000;
const LOOKUPS = 1000;
const FLOOD = Number(process.env.ATTACK_FLOOD || 500);
const PHASE_MS = 60_000;
const ADDRESSES = 50;

const memoryMB = (field) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]) / 1024);
};

function request(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request({ host: hostname, port, method, path, headers, agent: false, timeout: 5_000 }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - started, body: text }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve({ status: 0, ms: performance.now() - started, body: "" }));
    if (body) req.end(JSON.stringify(body));
    else req.end();
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
function summary(results) {
  const ok = results.filter((r) => r.status === 200).map((r) => r.ms).sort((a, b) => a - b);
  const round = (x) => (x === undefined ? null : Math.round(x * 100) / 100);
  return {
    requests: results.length,
    ok: ok.length,
    failed: results.length - ok.length,
    p50_ms: round(percentile(ok, 50)),
    p99_ms: round(percentile(ok, 99)),
    max_ms: round(ok[ok.length - 1]),
  };
}

async function lookups(token, count) {
  const results = [];
  const deadline = Date.now() + PHASE_MS;
  for (let i = 0; i < count; i++) {
    if (Date.now() > deadline) {
      results.push({ status: 0, ms: 0 });
      continue;
    }
    results.push(await request("GET", "/v1/codes/I10", { headers: { authorization: `Bearer ${token}` } }));
  }
  return results;
}

// Slow connections: half a request head each, re-opened when the server closes one.
function holdSlowConnections(count) {
  const open = new Set();
  let stopping = false;
  let connected = 0;
  const one = () => {
    const socket = net.connect(port, hostname);
    open.add(socket);
    socket.setTimeout(0);
    socket.on("connect", () => {
      connected++;
      socket.write("GET /v1/codes/I10 HTTP/1.1\r\nHost: x\r\n");
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      open.delete(socket);
      if (!stopping) setTimeout(one, 50);
    });
  };
  for (let i = 0; i < count; i++) setTimeout(one, Math.floor(i / 200) * 20);
  return {
    connected: () => connected,
    open: () => open.size,
    stop: () => {
      stopping = true;
      for (const socket of open) socket.destroy();
    },
  };
}

(async () => {
  const first = await request("GET", "/v1/codes/I10");
  const token = JSON.parse(first.body).visitor_token;
  const report = { held: HELD, lookups: LOOKUPS, flood: FLOOD, addresses: ADDRESSES };

  report.idle = summary(await lookups(token, LOOKUPS));

  const slow = holdSlowConnections(HELD);
  const deadline = Date.now() + 20_000;
  while (slow.connected() < HELD && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  report.slow_connected = slow.connected();
  report.with_slow_connections = summary(await lookups(token, LOOKUPS));
  report.slow_still_open = slow.open();
  slow.stop();
  await new Promise((r) => setTimeout(r, 500));

  report.rss_before_flood_mb = memoryMB("VmRSS");
  const email = `flood.${Date.now()}@example.org`;
  await request("POST", "/v1/account/register", {
    headers: { "content-type": "application/json" },
    body: { email, password: "correct horse" },
  });
  const logins = [];
  for (let i = 0; i < FLOOD; i++) {
    const address = `198.51.100.${i % ADDRESSES}`;
    logins.push(
      request("POST", "/v1/account/login", {
        headers: { "content-type": "application/json", "x-forwarded-for": address },
        body: { email: `user${i % ADDRESSES}@example.org`, password: "wrong horse" },
      })
    );
  }
  const duringFlood = lookups(token, 200);
  const answered = await Promise.all(logins);
  report.during_flood = summary(await duringFlood);
  report.flood_statuses = answered.reduce((counts, r) => ({ ...counts, [r.status]: (counts[r.status] || 0) + 1 }), {});
  report.peak_rss_mb = memoryMB("VmHWM");

  fs.writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
  console.log(JSON.stringify(report, null, 2));
  process.exit(0);
})();
