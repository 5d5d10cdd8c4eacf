// Benchmark part 2: the widget in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).
// Usage: BENCH_URL=<a --no-meter server whose --www-dir holds the pages .ci/bench-pages.js wrote>
//        node .ci/bench-browser.js OUT.json
// Every timing is taken inside the page with performance.now(): the script tag is added to a loaded
// page (as an async embed would run), codes count as enhanced when the last one carries
// data-codecard-ready (a MutationObserver sees it in the same task), the wasm as ready when the module
// has appended its <div data-codecard-host>, and a card as visible when its content (.cc-card) is in
// the dialog. Cold runs use a fresh browser context (empty HTTP cache) each. RUNS sets the repeat count.
// "What a phone sees" also runs against BENCH_METERED_URL when set (a metered server on the same
// pages), where a card's public part (the peek) shows before the metered lookup brings the rest:
// there "visible" (the card's content is in the dialog) and "complete" (no part still loading) differ.
const fs = require("fs");
const { chromium } = require("playwright");

const BASE = process.env.BENCH_URL;
const METERED = process.env.BENCH_METERED_URL;
// How a reader clicks: at once (the mouse moves onto the code and clicks: no time to rest on it),
// or with a mouse that rests on the code for HOVER_MS first, as readers usually do.
const HOVER_MS = Number(process.env.HOVER_MS || 300);
const OUT = process.argv[2] || "bench-results/browser.json";
const RUNS = Number(process.env.RUNS || 15);
const CARDS = Number(process.env.CARDS || 100);
const ROUNDS = Number(process.env.MEMORY_ROUNDS || 3); // memory is measured after each round of CARDS cards
const PHONE_RUNS = Number(process.env.PHONE_RUNS || 5); // per network, for "what a phone sees"
// Chromium's network emulation at Lighthouse's "Slow 4G" (throughputs in bytes per second).
const NETWORKS = {
  unthrottled: null,
  slow_4g: { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 },
};
// The launch options of playwright.config.js.
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"];
// The 40 codes on codes.html (written by .ci/bench-pages.js), with the code each card shows.
const PAGE_CODES = JSON.parse(fs.readFileSync(process.env.BENCH_CODES, "utf8"));

function stats(xs) {
  const v = xs.filter((x) => typeof x === "number" && isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  const r = (x) => Math.round(x * 10) / 10;
  return { median: r(median), min: r(v[0]), max: r(v[v.length - 1]), n: v.length };
}

// Instrumentation every bench page runs first (in <head>, before anything else).
const PROBE = () => {
  const b = (window.__bench = { longtasks: [], host: null, card: null, clickAt: null, lastMutation: 0, waiting: [] });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
  } catch (e) { b.longtaskError = String(e); }
  document.addEventListener("click", () => { b.clickAt = performance.now(); }, true);
  // The card content, seen inside the widget's shadow root as soon as it is inserted; `whole`
  // waiters wait until no part of it is still loading (.cc-rest: a peek's public part shows).
  const watchShadow = (root) => {
    const check = () => {
      const card = root.querySelector("[role=dialog] .cc-card, [role=dialog] .cc-problem, [role=dialog] .cc-unavailable");
      if (card) b.waiting = b.waiting.filter((w) => {
        const isCard = card.classList.contains("cc-card");
        if (isCard && ((w.code && card.getAttribute("data-code") !== w.code) || (w.whole && card.querySelector(".cc-rest")))) return true;
        w.resolve({ at: performance.now(), kind: card.className, code: card.getAttribute("data-code") });
        return false;
      });
      if (b.closing && !root.querySelector("[role=dialog]")) { const c = b.closing; b.closing = null; c(performance.now()); }
    };
    new MutationObserver(check).observe(root, { childList: true, subtree: true });
    b.check = check;
  };
  new MutationObserver((records) => {
    b.lastMutation = performance.now();
    if (!b.host) {
      const host = document.querySelector("[data-codecard-host]");
      if (host) { b.host = performance.now(); watchShadow(host.shadowRoot); }
    }
  }).observe(document, { childList: true, subtree: true, attributes: true });
  b.nextCard = (code, whole) => new Promise((resolve) => { b.waiting.push({ code, whole, resolve }); if (b.check) b.check(); });
  b.nextClose = () => new Promise((resolve) => { b.closing = resolve; if (b.check) b.check(); });
};

// Adds the embed script and resolves when the codes are enhanced: {t0, enhanced, loaderResponseEnd}.
async function addScript(page, attributes = {}) {
  return page.evaluate((attributes) => new Promise((resolve) => {
    const codes = document.querySelectorAll("[data-code]");
    const last = codes[codes.length - 1];
    const script = document.createElement("script");
    script.src = "/widget/loader.js";
    script.async = true;
    for (const [k, v] of Object.entries(attributes)) script.setAttribute(k, v);
    const done = () => {
      const entry = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/widget/loader.js"));
      resolve({ t0, enhanced: performance.now(), loaderResponseEnd: entry ? entry.responseEnd : null });
    };
    if (last) new MutationObserver((_, mo) => { if (last.hasAttribute("data-codecard-ready")) { mo.disconnect(); done(); } })
      .observe(last, { attributes: true, attributeFilter: ["data-codecard-ready"] });
    else script.addEventListener("load", () => setTimeout(done, 0));
    const t0 = performance.now();
    document.head.append(script);
  }), attributes);
}

async function fresh(browser, path, base = BASE) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.addInitScript(PROBE);
  await page.goto(base + path, { waitUntil: "load" });
  return { context, page, errors };
}

const waitHost = (page) => page.waitForFunction(() => window.__bench.host !== null, null, { timeout: 20000 }).then(() => page.evaluate(() => window.__bench.host));

async function clickCard(page, code, display) {
  return (await clickCardFully(page, code, display)).visible;
}

// Click → card visible and → card complete (nothing still loading), in ms; with `hover`, the
// mouse rests on the code that long before the click.
async function clickCardFully(page, code, display, hover = 0) {
  const target = `[data-code="${code}"]`;
  if (hover) {
    await page.hover(target);
    await page.waitForTimeout(hover);
  }
  const card = page.evaluate((d) => window.__bench.nextCard(d), display);
  const whole = page.evaluate((d) => window.__bench.nextCard(d, true), display);
  await page.click(target);
  const [seen, done] = [await card, await whole];
  const clickAt = await page.evaluate(() => window.__bench.clickAt);
  if (!/cc-card/.test(seen.kind)) throw new Error(`card for ${code} showed ${seen.kind}`);
  return { visible: seen.at - clickAt, complete: done.at - clickAt };
}

async function closeCard(page) {
  const closed = page.evaluate(() => window.__bench.nextClose());
  await page.keyboard.press("Escape");
  await closed;
}

// The batch of the codes in view (GET /v1/peek?codes=...): the loader's, sent with a click before
// the module is there, else the one the module sends once the page has settled: resolves when its
// answer is in, with its size (bytes on the wire with headers, the
// compressed body, the JSON) and how many codes it asked for.
const inViewBatch = (page) => page.waitForFunction(() => {
  const e = performance.getEntriesByType("resource").find((r) => new URL(r.name).pathname === "/v1/peek");
  return e && { codes: new URL(e.name).searchParams.get("codes").split(",").length, transfer: e.transferSize, body: e.encodedBodySize, json: e.decodedBodySize };
}, null, { timeout: 30000, polling: 50 }).then((handle) => handle.jsonValue());

// What a phone sees: click → card visible with the module not yet fetched (cold) and fetched
// (warm, another code), and the widget bytes Chromium transferred before the first card (the
// loader, the wasm-bindgen JS, the wasm and the CSS, as negotiated: brotli), per network. Each way
// of clicking (at once, as soon as the first card is closed; at once, once the page has settled and
// the codes in view were peeked in one request; after resting on the code) on each server (no
// meter; metered, if given): visible is the first card content (a peek's public part counts),
// complete is when nothing is still loading. The top-level cold/warm figures are the plain
// click's, visible, no meter; `in_view_batch` is what the batch of the codes in view cost.
async function phone(browser, conditions) {
  const transferred = [], files = [], ways = [], batches = [];
  const servers = [["unmetered", BASE], ...(METERED ? [["metered", METERED]] : [])];
  const clicks = [["click at once", 0, false], ["click at once, codes in view peeked", 0, true], [`rest ${HOVER_MS} ms, then click`, HOVER_MS, false]];
  for (const [server, base] of servers) {
    for (const [way, hover, settled] of clicks) {
      const t = { cold: [], coldWhole: [], warm: [], warmWhole: [] };
      for (let i = 0; i < PHONE_RUNS; i++) {
        const { context, page } = await fresh(browser, "/bench/codes.html", base);
        if (conditions) {
          const cdp = await context.newCDPSession(page);
          await cdp.send("Network.enable");
          await cdp.send("Network.emulateNetworkConditions", conditions);
        }
        await addScript(page);
        const [a, b] = [PAGE_CODES[i % PAGE_CODES.length], PAGE_CODES[(i + 1) % PAGE_CODES.length]];
        const cold = await clickCardFully(page, a.code, a.display, hover);
        t.cold.push(cold.visible); t.coldWhole.push(cold.complete);
        if (server === "unmetered" && !hover) {
          const widget = await page.evaluate(() => performance.getEntriesByType("resource")
            .filter((e) => e.name.includes("/widget/")).map((e) => ({ file: e.name.replace(/.*\/widget\//, ""), bytes: e.transferSize })));
          transferred.push(widget.reduce((sum, e) => sum + e.bytes, 0));
          if (!files.length) files.push(...widget);
        }
        await closeCard(page);
        // Warm: the module is there (and the reader moved on to another code).
        await page.waitForFunction(() => window.__bench.host !== null);
        if (settled) {
          const batch = await inViewBatch(page);
          if (server === "unmetered") batches.push(batch);
        }
        const warm = await clickCardFully(page, b.code, b.display, hover);
        t.warm.push(warm.visible); t.warmWhole.push(warm.complete);
        await context.close();
      }
      ways.push({ server, way, hover_ms: hover, cold_visible_ms: stats(t.cold), cold_complete_ms: stats(t.coldWhole), warm_visible_ms: stats(t.warm), warm_complete_ms: stats(t.warmWhole) });
    }
  }
  const plain = ways[0];
  const batch = (key) => stats(batches.map((b) => b[key]));
  const in_view_batch = { codes: batch("codes"), bytes_transferred: batch("transfer"), body_bytes: batch("body"), json_bytes: batch("json") };
  return { conditions, click_to_card_cold_ms: plain.cold_visible_ms, click_to_card_warm_ms: plain.warm_visible_ms, ways, in_view_batch, widget_bytes_transferred_before_first_card: stats(transferred), files };
}

const longtaskSum = (tasks, from) => {
  const t = tasks.filter((x) => x.start >= from);
  return { count: t.length, total: t.reduce((s, x) => s + x.duration, 0), max: t.reduce((m, x) => Math.max(m, x.duration), 0) };
};

async function main() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: ARGS });
  const result = { chromium: browser.version(), runs: RUNS };
  const [first] = PAGE_CODES;
  const pageErrors = [];

  // 1. Script tag → codes enhanced, → wasm ready; then a click on a cold load. Fresh context each run.
  const ready = { enhanced: [], wasm: [], loaderExec: [], coldClick: [], ltCount: [], ltTotal: [], ltMax: [] };
  for (let i = 0; i < RUNS; i++) {
    const { context, page, errors } = await fresh(browser, "/bench/codes.html");
    const t = await addScript(page);
    const host = await waitHost(page);
    ready.enhanced.push(t.enhanced - t.t0);
    ready.wasm.push(host - t.t0);
    if (t.loaderResponseEnd) ready.loaderExec.push(t.enhanced - t.loaderResponseEnd);
    await page.waitForTimeout(100);
    const lt = longtaskSum(await page.evaluate(() => window.__bench.longtasks), t.t0);
    ready.ltCount.push(lt.count); ready.ltTotal.push(lt.total); ready.ltMax.push(lt.max);
    pageErrors.push(...errors);
    await context.close();
  }
  // Cold click: the reader clicks as soon as the codes are enhanced (module not loaded yet).
  for (let i = 0; i < RUNS; i++) {
    const { context, page, errors } = await fresh(browser, "/bench/codes.html");
    await addScript(page);
    const c = PAGE_CODES[i % PAGE_CODES.length];
    ready.coldClick.push(await clickCard(page, c.code, c.display));
    pageErrors.push(...errors);
    await context.close();
  }
  // Baseline: the same page without the widget, same observation window (long tasks it has anyway).
  const base = { ltCount: [], ltTotal: [] };
  for (let i = 0; i < Math.min(RUNS, 5); i++) {
    const { context, page } = await fresh(browser, "/bench/codes.html");
    const t0 = await page.evaluate(() => performance.now());
    await page.waitForTimeout(1000);
    const lt = longtaskSum(await page.evaluate(() => window.__bench.longtasks), t0);
    base.ltCount.push(lt.count); base.ltTotal.push(lt.total);
    await context.close();
  }

  // 2. Warm clicks, long tasks of opening cards, and memory across CARDS opens and closes (one page).
  const warm = { fresh: [], repeat: [] };
  const memory = {};
  {
    const { context, page, errors } = await fresh(browser, "/bench/codes.html");
    const cdp = await context.newCDPSession(page);
    await addScript(page);
    await waitHost(page);
    await clickCard(page, first.code, first.display);
    await closeCard(page);
    const measure = async () => {
      await cdp.send("HeapProfiler.collectGarbage");
      const heap = await cdp.send("Runtime.getHeapUsage");
      const wasm = await page.evaluate(async () => {
        const entry = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/codecard.js"));
        const exports = await (await import(entry.name)).default(); // already initialised: returns the exports
        return exports.memory.buffer.byteLength;
      });
      return { js_heap_used: heap.usedSize, js_heap_total: heap.totalSize, wasm_memory: wasm, dom_nodes: await page.evaluate(() => document.getElementsByTagName("*").length) };
    };
    memory.before = await measure();
    const t0 = await page.evaluate(() => performance.now());
    for (let i = 0; i < CARDS; i++) {
      const c = PAGE_CODES[(i + 1) % PAGE_CODES.length];
      const ms = await clickCard(page, c.code, c.display);
      // First round: codes not opened before on this page (the card is fetched); second: reopened.
      if (i < PAGE_CODES.length - 1) warm.fresh.push(ms);
      else if (i < 2 * PAGE_CODES.length - 1) warm.repeat.push(ms);
      await closeCard(page);
    }
    const lt = longtaskSum(await page.evaluate(() => window.__bench.longtasks), t0);
    memory.after = [await measure()];
    // More rounds of as many cards: growth that goes on round after round is a leak, not warm-up.
    for (let round = 1; round < ROUNDS; round++) {
      for (let i = 0; i < CARDS; i++) {
        const c = PAGE_CODES[(i + 1) % PAGE_CODES.length];
        await clickCard(page, c.code, c.display);
        await closeCard(page);
      }
      memory.after.push(await measure());
    }
    memory.cards = CARDS;
    memory.longtasks_during_cards = { count: lt.count, total_ms: Math.round(lt.total), max_ms: Math.round(lt.max) };
    pageErrors.push(...errors);
    await context.close();
  }

  // 3. Scanning 5,000 marked codes: loader execution (loader response end → last code enhanced).
  const scan = { loaderExec: [], enhanced: [], ltMax: [] };
  for (let i = 0; i < Math.max(5, Math.round(RUNS / 2)); i++) {
    const { context, page } = await fresh(browser, "/bench/codes-5000.html");
    const t = await addScript(page);
    scan.enhanced.push(t.enhanced - t.t0);
    if (t.loaderResponseEnd) scan.loaderExec.push(t.enhanced - t.loaderResponseEnd);
    await page.waitForTimeout(50);
    scan.ltMax.push(longtaskSum(await page.evaluate(() => window.__bench.longtasks), t.t0).max);
    await context.close();
  }

  // 4. 1 MB of text with auto-detection, keyed on data-autodetect. Measured only if the loader has it.
  let autodetect;
  const loaderText = await (await fetch(BASE + "/widget/loader.js")).text();
  if (!/autodetect/i.test(loaderText)) {
    autodetect = { status: "n/a", reason: "n/a — not implemented (the loader has no data-autodetect)" };
  } else {
    const a = { settled: [], found: [], ltTotal: [], ltMax: [] };
    for (let i = 0; i < Math.max(3, Math.round(RUNS / 3)); i++) {
      const { context, page } = await fresh(browser, "/bench/text-1mb.html");
      const t0 = await page.evaluate(() => performance.now());
      await page.evaluate(() => {
        const s = document.createElement("script");
        s.src = "/widget/loader.js";
        s.setAttribute("data-autodetect", "");
        document.head.append(s);
      });
      // Settled: no DOM change for 1 s (bounded at 30 s).
      await page.waitForFunction(() => window.__bench.lastMutation && performance.now() - window.__bench.lastMutation > 1000, null, { timeout: 30000, polling: 100 });
      const r = await page.evaluate(() => ({ last: window.__bench.lastMutation, found: document.querySelectorAll("[data-codecard-ready]").length, lt: window.__bench.longtasks }));
      a.settled.push(r.last - t0);
      a.found.push(r.found);
      const lt = longtaskSum(r.lt, t0);
      a.ltTotal.push(lt.total); a.ltMax.push(lt.max);
      await context.close();
    }
    autodetect = { status: "measured", settled_ms: stats(a.settled), codes_found: stats(a.found), longtask_total_ms: stats(a.ltTotal), longtask_max_ms: stats(a.ltMax) };
  }
  // 5. What a phone sees, unthrottled and under Slow 4G.
  const phoneResults = {};
  for (const [name, conditions] of Object.entries(NETWORKS)) phoneResults[name] = await phone(browser, conditions);
  await browser.close();

  Object.assign(result, {
    phone: { ...phoneResults, bytes_before_first_card_as_served: require("./chunks").measure().firstCard },
    ready: {
      script_to_codes_enhanced_ms: stats(ready.enhanced),
      loader_execution_40_codes_ms: stats(ready.loaderExec),
      script_to_wasm_ready_ms: stats(ready.wasm),
      longtasks: { count: stats(ready.ltCount), total_ms: stats(ready.ltTotal), max_ms: stats(ready.ltMax) },
      baseline_no_widget_longtasks: { count: stats(base.ltCount), total_ms: stats(base.ltTotal) },
    },
    click_to_card_ms: { cold: stats(ready.coldClick), warm_new_code: stats(warm.fresh), warm_reopened_code: stats(warm.repeat) },
    scan_5000: { loader_execution_ms: stats(scan.loaderExec), script_to_all_enhanced_ms: stats(scan.enhanced), longtask_max_ms: stats(scan.ltMax) },
    autodetect_1mb: autodetect,
    memory,
    page_errors: [...new Set(pageErrors)],
  });
  fs.writeFileSync(OUT, JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result.click_to_card_ms), JSON.stringify(result.ready.script_to_wasm_ready_ms));
  for (const [name, r] of Object.entries(phoneResults)) {
    console.log(`phone ${name}: bytes ${JSON.stringify(r.widget_bytes_transferred_before_first_card)}; codes in view batch ${JSON.stringify(r.in_view_batch)}`);
    for (const w of r.ways)
      console.log(`  ${w.server}, ${w.way}: cold visible ${w.cold_visible_ms.median} complete ${w.cold_complete_ms.median}; warm visible ${w.warm_visible_ms.median} complete ${w.warm_complete_ms.median} (${w.warm_visible_ms.min}–${w.warm_visible_ms.max})`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
