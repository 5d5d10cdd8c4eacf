// Benchmark report: combines the parts .ci/bench wrote into bench-results/bench.json and a Markdown
// report, bench-results/report.md. Usage: node .ci/bench-report.js DIR (DIR holds sizes.json,
// browser.json, endpoint.jsonl and meta.json).
const fs = require("fs");
const path = require("path");

const dir = process.argv[2] || "bench-results";
const read = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
const meta = read("meta.json");
const sizes = read("sizes.json");
const browser = read("browser.json");
const endpoint = fs.readFileSync(path.join(dir, "endpoint.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));

const kb = (n) => (n / 1000).toFixed(1);
const network = (name) => (name === "slow_4g" ? "Slow 4G (150 ms RTT, 1.6 Mbps down, 750 kbps up)" : "unthrottled");
const ms = (s) => (s ? `${s.median} (${s.min}–${s.max})` : "n/a");
const rps = (r) => r.requests / (r.duration_us / 1e6);
const lines = [];
const p = (...xs) => lines.push(...xs);

p(`# codecard benchmark`, "",
  `${meta.started} · ${meta.cpu} · ${meta.cores} cores · ${meta.memory}`, "",
  `Versions: rustc ${meta.versions.rustc} · Chromium ${browser.chromium} · node ${meta.versions.node} · nginx ${meta.versions.nginx} · wrk ${meta.versions.wrk} · playwright ${meta.versions.playwright} · codecard ${meta.versions.codecard} (${meta.versions.commit})`, "",
  "Command: `bash .ci/bench` (exact steps below). Sizes in KB = 1,000 bytes; gzip -9 and brotli 11 (node zlib). Times in ms: median (min–max) of n runs.", "");

// 1. Sizes
p("## 1. Size: what a host page downloads", "",
  "| | before first interaction: raw / gzip / brotli KB | in total: raw / gzip / brotli KB | files measured |",
  "| --- | ---: | ---: | --- |");
const c = sizes.codecard;
const trio = (s) => `${kb(s.raw)} / ${kb(s.gzip)} / ${kb(s.brotli)}`;
p(`| **codecard** | **${trio(c.before_interaction)}** | **${trio(c.total)}** | loader.js; then codecard.js + codecard_bg.wasm + codecard.css on hover, focus, touch or idle |`);
for (const peer of sizes.peers) {
  const v = Object.entries(peer.versions).map(([n, ver]) => `${n}@${ver}`).join(" + ");
  p(`| ${peer.name} (${v})${peer.comparable ? "" : " ¹"} | ${trio(peer.total)} | ${trio(peer.total)} | ${peer.files.map((f) => f.name).join(", ")} — ${peer.note} |`);
}
p("", "¹ not a comparable job (a search field / a bare tooltip): listed for scale only. Peers load everything up front, so their two columns are equal.", "",
  "| codecard file | raw KB | gzip KB | brotli KB |", "| --- | ---: | ---: | ---: |",
  ...c.files.map((f) => `| ${f.name} | ${kb(f.raw)} | ${kb(f.gzip)} | ${kb(f.brotli)} |`),
  `| **first card** (loader + card + CSS) | ${kb(c.total.raw)} | ${kb(c.total.gzip)} | ${kb(c.total.brotli)} |`,
  `| **everything** (every chunk, the search box's too) | ${kb(c.everything.raw)} | ${kb(c.everything.gzip)} | ${kb(c.everything.brotli)} |`, "");
const t = sizes.targets;
p("Targets:", "",
  `- before the first interaction ≤ 5 KB brotli: ${kb(t.before_interaction_brotli)} KB — **${t.before_interaction_met ? "met" : "NOT met"}**`,
  ...t.below_comparable_peers.map((x) => `- in total below ${x.peer} (${kb(x.gzip)} KB gzip): ${kb(t.total_gzip)} KB gzip — **${x.met ? "met" : "NOT met"}** (${(t.total_gzip / x.gzip).toFixed(2)}×)`),
  `- first card ≤ 120 KB gzip: ${kb(c.total.gzip)} KB gzip — **${c.total.gzip <= 120_000 ? "met" : "NOT met"}**`,
  `- everything, all chunks ≤ 200 KB gzip: ${kb(c.everything.gzip)} KB gzip — **${c.everything.gzip <= 200_000 ? "met" : "NOT met"}**`, "",
  "Before issue 14 the card and the search box were one module: 242.1 KB gzip (191.7 KB brotli) before the first card and in all. Each size lever's before and after: README, Size.", "");

// 2. Browser
const b = browser;
const mem = b.memory;
// What a phone sees (issue 14's budgets: first card ≤ 120 KB gzip; Slow 4G cold ≤ 1.2 s, warm ≤ 50 ms).
if (b.phone) {
  const ph = b.phone, f = ph.bytes_before_first_card_as_served;
  p("### What a phone sees", "",
    `Bytes before the first card (loader + wasm-bindgen JS + card wasm + CSS), as served: ${kb(f.gzip)} KB gzip, ${kb(f.brotli)} KB brotli (budget ≤ 120 KB gzip).`, "",
    "| network | widget bytes Chromium transferred before the first card (KB) | click → card, cold (ms) | click → card, warm (ms) |",
    "| --- | ---: | ---: | ---: |",
    ...Object.entries(ph).filter(([, r]) => r && r.click_to_card_cold_ms).map(([name, r]) =>
      `| ${network(name)} | ${kb(r.widget_bytes_transferred_before_first_card.median)} | ${ms(r.click_to_card_cold_ms)} | ${ms(r.click_to_card_warm_ms)} |`),
    "");
  // How the reader clicks, on each server: visible is the first card content (a peek's public part
  // counts), complete is when no part is still loading.
  const ways = Object.entries(ph).flatMap(([name, r]) => (r?.ways || []).map((w) => ({ name, ...w })));
  if (ways.length) p("Click → card (ms) by how the reader clicks: at once (the mouse arrives and clicks; as soon as the first card is closed, or once the page has settled and the codes in view were peeked in one request), or after resting on the code (the card's public part is fetched after 80 ms of rest); visible = the first card content, complete = nothing still loading (on the metered server a peek's public part shows first and the metered lookup brings the rest).", "",
    "| network | server | click | cold: visible | cold: complete | warm: visible | warm: complete |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ...ways.map((w) => `| ${network(w.name)} | ${w.server} | ${w.way} | ${ms(w.cold_visible_ms)} | ${ms(w.cold_complete_ms)} | ${ms(w.warm_visible_ms)} | ${ms(w.warm_complete_ms)} |`),
    "");
  // What the batch of the codes in view cost (GET /v1/peek?codes=...; the codes.html page, 1280×900).
  for (const [name, r] of Object.entries(ph)) {
    const b = r?.in_view_batch;
    if (b?.codes) p(`${network(name)}: the codes in view peeked in one request: ${b.codes.median} codes, ${b.bytes_transferred.median} B transferred (${b.body_bytes.median} B compressed body, ${b.json_bytes.median} B of JSON).`, "");
  }
}

p("## 2. In the browser (headless Chromium, no-meter server on 127.0.0.1)", "",
  `Pages: a visit summary with 40 marked codes, one with 5,000. ${b.runs} cold runs (fresh browser context each) unless noted.`, "",
  "| measurement | ms: median (min–max) | n |", "| --- | ---: | ---: |",
  `| script tag → 40 codes enhanced (loader fetched and run) | ${ms(b.ready.script_to_codes_enhanced_ms)} | ${b.ready.script_to_codes_enhanced_ms.n} |`,
  `| loader execution, 40 codes (loader response end → last code enhanced) | ${ms(b.ready.loader_execution_40_codes_ms)} | ${b.ready.loader_execution_40_codes_ms?.n ?? "–"} |`,
  `| script tag → wasm ready (module fetched on idle, instantiated, shadow host mounted) | ${ms(b.ready.script_to_wasm_ready_ms)} | ${b.ready.script_to_wasm_ready_ms.n} |`,
  `| click → card visible, cold (click as soon as codes are enhanced: module and card fetched) | ${ms(b.click_to_card_ms.cold)} | ${b.click_to_card_ms.cold.n} |`,
  `| click → card visible, warm, a code not opened before (card fetched) | ${ms(b.click_to_card_ms.warm_new_code)} | ${b.click_to_card_ms.warm_new_code.n} |`,
  `| click → card visible, warm, a code opened before | ${ms(b.click_to_card_ms.warm_reopened_code)} | ${b.click_to_card_ms.warm_reopened_code.n} |`,
  `| 5,000 marked codes: loader execution (scan and enhance) | ${ms(b.scan_5000.loader_execution_ms)} | ${b.scan_5000.loader_execution_ms?.n ?? "–"} |`,
  `| 5,000 marked codes: script tag → all enhanced | ${ms(b.scan_5000.script_to_all_enhanced_ms)} | ${b.scan_5000.script_to_all_enhanced_ms.n} |`,
  `| 1 MB of text with auto-detection (\`data-autodetect\`) | ${b.autodetect_1mb.status === "n/a" ? b.autodetect_1mb.reason : `${ms(b.autodetect_1mb.settled_ms)}, ${b.autodetect_1mb.codes_found.median} codes found`} | ${b.autodetect_1mb.settled_ms?.n ?? "–"} |`,
  "",
  "Main-thread long tasks (> 50 ms, PerformanceObserver 'longtask') added to the host page:", "",
  "| window | long tasks: median (min–max) | total ms: median (min–max) | longest ms |", "| --- | ---: | ---: | ---: |",
  `| script tag → wasm ready (+100 ms) | ${ms(b.ready.longtasks.count)} | ${ms(b.ready.longtasks.total_ms)} | ${b.ready.longtasks.max_ms.max} |`,
  `| same page without the widget, 1 s (baseline) | ${ms(b.ready.baseline_no_widget_longtasks.count)} | ${ms(b.ready.baseline_no_widget_longtasks.total_ms)} | – |`,
  `| ${mem.cards} cards opened and closed (one page) | ${mem.longtasks_during_cards.count} | ${mem.longtasks_during_cards.total_ms} | ${mem.longtasks_during_cards.max_ms} |`,
  `| 5,000 marked codes: the scan | – | – | ${ms(b.scan_5000.longtask_max_ms)} |`,
  ...(b.autodetect_1mb && b.autodetect_1mb.status === "measured"
    ? [`| 1 MB of text: auto-detection until settled | – | ${ms(b.autodetect_1mb.longtask_total_ms)} | ${ms(b.autodetect_1mb.longtask_max_ms)} |`]
    : []),
  "",
  `Memory after garbage collection (CDP HeapProfiler.collectGarbage, Runtime.getHeapUsage; wasm: the module's exported WebAssembly.Memory):`, "",
  `| | after 1 card | ${mem.after.map((_, i) => `after ${1 + (i + 1) * mem.cards} cards`).join(" | ")} | growth in the last ${mem.cards} |`,
  `| --- | ---: | ${mem.after.map(() => "---:").join(" | ")} | ---: |`,
  ...[["JS heap used KB", "js_heap_used", kb], ["wasm memory KB", "wasm_memory", kb], ["DOM elements", "dom_nodes", String]].map(([label, key, f]) => {
    const last = mem.after[mem.after.length - 1][key], prev = (mem.after[mem.after.length - 2] || mem.before)[key];
    return `| ${label} | ${f(mem.before[key])} | ${mem.after.map((m) => f(m[key])).join(" | ")} | ${f(last - prev)} |`;
  }),
  "", b.page_errors.length ? `Page errors seen: ${b.page_errors.join("; ")}` : "No page errors.", "");

// 3. Endpoint: each (target, concurrency) ran REPEAT times, nginx in the same repeat; the table shows
// medians over the repeats, and the ratio is the median of the per-repeat ratios to nginx.
const runs = endpoint.filter((r) => r.requests !== undefined);
const median = (xs) => { const v = [...xs].sort((a, b) => a - b), m = v.length >> 1; return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2; };
const nginxOf = (r) => runs.find((n) => n.target === "nginx" && n.concurrency === r.concurrency && n.repeat === r.repeat);
const groups = [];
for (const r of runs) {
  let g = groups.find((x) => x.target === r.target && x.concurrency === r.concurrency);
  if (!g) groups.push((g = { target: r.target, concurrency: r.concurrency, runs: [] }));
  g.runs.push(r);
}
for (const g of groups) {
  g.rps = g.runs.map(rps);
  g.ratio = median(g.runs.map((r) => (nginxOf(r) ? rps(r) / rps(nginxOf(r)) : NaN)));
  g.p50 = median(g.runs.map((r) => r.latency_us.p50)) / 1000;
  g.p99 = median(g.runs.map((r) => r.latency_us.p99)) / 1000;
  g.errors = g.runs.reduce((t, r) => t + Object.values(r.errors).reduce((a, x) => a + x, 0), 0);
}
const NAMES = {
  nginx: "nginx, static card JSON (I10)",
  cards_nometer_same: "codecard `--no-meter`, the same card (I10)",
  cards_nometer: "codecard `--no-meter`, a different card each request",
  cards_metered: "codecard metered, one guest, a new code per request (one view written each)",
  cards_metered_guests: "codecard metered, a new code per request, a new guest every 100 requests (diagnostic)",
  search_nometer: "codecard search",
};
const repeats = Math.max(...runs.map((r) => r.repeat || 1));
p("## 3. Endpoint (wrk on 127.0.0.1, keep-alive, no compression requested)", "",
  `Each run ${runs[0].seconds} s, ${repeats} repeats per concurrency level with every target back to back in each; wrk with 1 thread at concurrency 1, 2 threads above. Server, nginx and wrk share the ${meta.cores} cores. req/s: median (min–max) of the repeats; × nginx: median of the per-repeat ratios; p50/p99: medians.`, "",
  "| target | concurrency | req/s | × nginx | p50 ms | p99 ms | errors |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const g of groups) {
  p(`| ${NAMES[g.target] || g.target} | ${g.concurrency} | ${Math.round(median(g.rps))} (${Math.round(Math.min(...g.rps))}–${Math.round(Math.max(...g.rps))}) | ${g.ratio.toFixed(2)} | ${g.p50.toFixed(2)} | ${g.p99.toFixed(2)} | ${g.errors} |`);
}
const metered = groups.filter((g) => g.target === "cards_metered");
const best = Math.max(...metered.map((g) => g.ratio));
p("", `Goal: card lookups with metering ≥ 0.5× nginx. Measured: ${metered.map((g) => `${g.ratio.toFixed(2)}× at concurrency ${g.concurrency}`).join(", ")} — **${best >= 0.5 ? "met" : "NOT met"}**.`);
const spread = groups.filter((g) => g.target === "cards_metered_guests");
if (spread.length) p("", `With the same writes spread over many guests (100 views each, closer to real traffic): ${spread.map((g) => `${g.ratio.toFixed(2)}× at concurrency ${g.concurrency}`).join(", ")}. A view is one SQLite transaction (a running count per guest and period, so a guest's rate does not fall as its views pile up), serialised behind one connection.`);
const checks = endpoint.filter((r) => r.target === "meter_check");
const sumOf = (xs) => xs.reduce((a, x) => a + x, 0);
const meteredRuns = runs.filter((r) => r.target === "cards_metered");
p("", `Metering writes, checked after each of the ${checks.length} single-guest metered runs (the guest's meter): ${sumOf(checks.map((k) => k.views_recorded))} views recorded in all for ${sumOf(meteredRuns.map((r) => r.requests))} completed requests (each guest's first contact and requests in flight at the end account for the difference); reopening a code of the run was free (counted: false) in ${checks.filter((k) => k.reopen_counted === false).length} of ${checks.length}.`, "");

// 3b. PostgreSQL (.ci/bench-postgres)
const pgFile = path.join(dir, "postgres.json");
if (fs.existsSync(pgFile)) {
  const pg = JSON.parse(fs.readFileSync(pgFile, "utf8"));
  p("## 3b. PostgreSQL", "", `Metered card lookups (a new code each request) at c=${pg.concurrency}, ${pg.seconds} s per run, on a throwaway ${pg.postgresql} cluster started by \`.ci/bench-postgres\`, next to nginx and SQLite in the same run:`, "");
  p("| target | req/s | × nginx | p50 ms | p99 ms | errors |", "| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of pg.rows) p(`| ${r.target} | ${r.req_s} | ${r.ratio_to_nginx} | ${r.p50_ms} | ${r.p99_ms} | ${r.errors} |`);
  const kv = (o) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(", ");
  p("", `Start ("serving on", ms): ${kv(pg.start_ms)}. Resident memory (MB) idle: ${kv(pg.rss_mb_idle)}; after the load: ${kv(pg.rss_mb_after_load)}.`, "");
}

// 4. Search
const search = endpoint.find((r) => r.target === "search");
p("## 4. Search", "");
if (search && search.status === "n/a") {
  p("n/a — search not implemented (`GET /v1/search` answered 404). When it lands, .ci/bench-endpoint.sh measures its latency (rows above), and the accuracy table against an SQLite FTS5 baseline goes here.", "");
} else {
  const accuracy = fs.existsSync(path.join(dir, "search-accuracy.md")) ? fs.readFileSync(path.join(dir, "search-accuracy.md"), "utf8").trim() : "";
  p("Search latency: the `codecard search` rows of section 3 (in-process percentiles: `cargo bench --bench search`).", "");
  const inProcess = ["search-inprocess.txt", "fhir-inprocess.txt"]
    .map((f) => path.join(dir, f))
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f, "utf8").trim())
    .filter(Boolean);
  if (inProcess.length) p("In process, on the same machine in the same run (`cargo bench --bench search`, `cargo bench --bench fhir`):", "", "```", ...inProcess, "```", "");
  if (accuracy) p("Accuracy on the labelled query sets (`cargo test --release --test search_quality -- --nocapture`): the code a coder would pick in the first or first five results. The held-out sets were written and labelled before any of their queries was run; the second one is the out-of-sample figure.", "", accuracy, "");
}

// 5. Card data
const cards = fs.existsSync(path.join(dir, "cards.md")) ? fs.readFileSync(path.join(dir, "cards.md"), "utf8").trim() : "";
if (cards) p("## 5. Card data", "", "`cargo bench --bench cards`: loading the embedded sets, the ICD-10-CM Tabular List's share, and the size of a card's JSON with its coding notes over every ICD-10-CM code.", "", cards, "");

p("## How this was run", "", "```sh", ...meta.commands, "```", "", `Wall time of the whole benchmark: ${meta.elapsed_s} s.`, "");

fs.writeFileSync(path.join(dir, "report.md"), lines.join("\n"));
fs.writeFileSync(path.join(dir, "bench.json"), JSON.stringify({ meta, sizes, browser, endpoint }, null, 2));
console.log(lines.join("\n"));
