// The peek (issue 14: the warm click): pointing at a code fetches its card's public part from the
// unmetered GET /v1/peek/..., so that a click shows it at once while the metered lookup fills in
// the rest. On the metered server, on a page of another origin. The metered lookup is held,
// failed or garbled with Playwright's request interception (the real answer, delayed or replaced)
// to see each state; the peek always comes from the real server.
const { test, expect } = require("@playwright/test");
const { dialog, code, watchErrors, thirdPartyPage, holdLookups } = require("./helpers");

const metered = process.env.CODECARD_METERED_URL || "http://127.0.0.1:18081";
const CODES = ["I10", "E11.65", "E11.9", "Z79.4", "E78.5", "I21.9", "I63.9", "J45.909", "N18.3", "F41.1"];
const SEED = "0 code page views remaining.";

// These tests are about the peek of one code the reader points at, so the batch of the codes in
// view (tests/e2e/in-view.spec.js) is answered with garbage here: it is forgotten, and every
// code is peeked on its own, as on a page whose codes are not in view. (`batches`: answered by
// the server, for the cold click, whose public part comes in a batch.)
const batchAnswered = new WeakSet(); // the pages whose batch was answered (with garbage)
async function clinicPage(page, attributes, batches = false) {
  if (!batches) await page.route((url) => url.pathname === "/v1/peek", async (route) => {
    await route.fulfill({ status: 200, contentType: "application/json", body: "{}" });
    batchAnswered.add(page);
  });
  await thirdPartyPage(page, metered, {
    scriptBase: metered,
    endpoint: metered,
    attributes,
    body: `<ul>${CODES.map((c) => `<li><span data-code="${c}">${c}</span> text</li>`).join("")}</ul>`,
  });
}

/** Waits until the card module is mounted (the loader loads it when idle) and has forgotten the
 * garbage answered to its batch of the codes in view (a moment after the answer). */
async function moduleReady(page) {
  await page.locator("[data-codecard-host]").waitFor({ state: "attached" });
  await expect.poll(() => batchAnswered.has(page)).toBe(true);
  await page.waitForTimeout(100);
}

/** Records the peeks (GET /v1/peek/...) the page sends, and those that failed. */
function watchPeeks(page) {
  const seen = { urls: [], failed: [] };
  const isPeek = (r) => r.url().includes("/v1/peek/") && r.method() === "GET";
  page.on("request", (r) => { if (isPeek(r)) seen.urls.push(r.url()); });
  page.on("requestfailed", (r) => { if (isPeek(r)) seen.failed.push(r.failure()?.errorText); });
  return seen;
}

test("a hover fetches the public part; the click shows it at once and the gated part fills in", async ({ page }) => {
  const errors = watchErrors(page);
  await clinicPage(page);
  await moduleReady(page);
  const peeks = watchPeeks(page);
  const release = await holdLookups(page);

  const peeked = page.waitForResponse((r) => r.url().endsWith("/v1/peek/I10"));
  await code(page, "I10").hover();
  expect((await peeked).status()).toBe(200);
  await code(page, "I10").click();
  // The public part at once: code, title, release; a clear status for the rest; nothing gated.
  await expect(dialog(page).locator(".cc-card")).toContainText("Essential (primary) hypertension");
  await expect(dialog(page).locator(".cc-rest[role=status]")).toHaveText("Loading the rest of this card…");
  await expect(dialog(page)).not.toContainText(SEED);
  await expect(dialog(page)).toHaveAttribute("aria-labelledby", "cc-title");
  await expect(page.locator("[data-codecard-host] #cc-title")).toContainText("ICD-10-CM");

  release();
  await expect(dialog(page)).toContainText(SEED);
  await expect(dialog(page)).toContainText("Register to view content");
  await expect(dialog(page).locator(".cc-rest")).toHaveCount(0);
  expect(peeks.urls).toEqual([`${metered}/v1/peek/I10`]);
  expect(errors).toEqual([]);
});

test("a hover counts no view: the guest's one view is still there for the next code", async ({ page }) => {
  await clinicPage(page);
  await moduleReady(page);
  for (const c of ["E11.65", "E11.9", "Z79.4"]) {
    const peeked = page.waitForResponse((r) => r.url().includes(`/v1/peek/icd10cm/${c.replace(".", "")}`));
    await code(page, c).hover();
    await peeked;
  }
  await page.mouse.move(0, 0);
  await code(page, "I10").click();
  await expect(dialog(page)).toContainText(SEED);
  await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  await expect(page.locator("[data-codecard-host] .cc-paywall")).toHaveCount(0);
});

test("a press peeks at once: the public part shows on the click that follows", async ({ page }) => {
  await clinicPage(page);
  await moduleReady(page);
  const peeks = watchPeeks(page);
  const release = await holdLookups(page);
  const box = await code(page, "E78.5").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const peeked = page.waitForResponse((r) => r.url().includes("/v1/peek/icd10cm/E785"));
  await page.mouse.down(); // no time to rest on the code: the press itself starts the peek
  await peeked;
  await page.mouse.up();
  await expect(dialog(page).locator(".cc-card")).toContainText("Hyperlipidemia, unspecified");
  await expect(dialog(page).locator(".cc-rest")).toBeVisible();
  release();
  await expect(dialog(page)).toContainText(SEED);
  expect(peeks.urls).toEqual([`${metered}/v1/peek/icd10cm/E785`]);
});

test("a pointer sweeping over the codes peeks only where it rests, one peek at a time", async ({ page }) => {
  // How many peeks the widget has on their way at once, counted where it sends them: a peek is
  // on its way from its fetch until it settles or the widget aborts it. (The browser reports an
  // aborted request a moment later, on a busy machine after the next one has started.)
  await page.addInitScript(() => {
    const peeks = (window.__peeks = { now: 0, most: 0 });
    const original = window.fetch;
    window.fetch = function (input, init) {
      const url = typeof input === "string" ? input : input.url;
      if (!url.includes("/v1/peek/")) return original.apply(this, arguments);
      peeks.most = Math.max(peeks.most, ++peeks.now);
      let over = false;
      const end = () => { if (!over) { over = true; peeks.now--; } };
      const signal = (init && init.signal) || (typeof input === "object" && input.signal);
      if (signal) signal.addEventListener("abort", end);
      const answer = original.apply(this, arguments);
      answer.then(end, end);
      return answer;
    };
  });
  await clinicPage(page);
  await moduleReady(page);
  const peeks = watchPeeks(page);
  const boxes = [];
  for (const c of CODES) boxes.push(await code(page, c).boundingBox());
  // Down the list as a hand moves a mouse (a few milliseconds per code), resting on the last.
  for (const b of boxes) await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 2 });
  const last = CODES[CODES.length - 1].replace(".", "");
  await expect.poll(() => peeks.urls.at(-1)).toBe(`${metered}/v1/peek/icd10cm/${last}`);
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => window.__peeks.most)).toBe(1);
  expect(peeks.urls.length).toBeLessThanOrEqual(3);
});

test("a peek on its way is aborted when the widget is destroyed", async ({ page }) => {
  const errors = watchErrors(page);
  await clinicPage(page);
  await moduleReady(page);
  const peeks = watchPeeks(page);
  await page.route(/\/v1\/peek\//, () => {}); // never answered
  await code(page, "E78.5").hover();
  await expect.poll(() => peeks.urls.length).toBe(1);
  await page.evaluate(() => CodeCard.destroy());
  await expect.poll(() => peeks.failed).toEqual(["net::ERR_ABORTED"]);
  expect(errors).toEqual([]);
});

for (const [failure, answer, message] of [
  ["is down", (route) => route.abort("connectionrefused"), "cannot be reached right now"],
  ["answers garbage", (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<h1>proxy</h1>" }), "cannot read"],
  ["is slow", () => {}, "did not answer within 1 second"],
]) {
  test(`when the lookup endpoint ${failure}, the public part stays with an error for the rest`, async ({ page }) => {
    const errors = watchErrors(page);
    await clinicPage(page, { "data-timeout": "1000" });
    await moduleReady(page);
    let failing = true;
    await page.route(/\/v1\/codes\/[^e]/, (route) => (failing ? answer(route) : route.continue()));
    await code(page, "I21.9").hover();
    await page.waitForResponse((r) => r.url().includes("/v1/peek/"));
    await code(page, "I21.9").click();
    const rest = dialog(page).locator(".cc-card .cc-problem[role=alert]");
    await expect(rest).toContainText("The rest of this card could not be loaded");
    await expect(rest).toContainText(message);
    await expect(dialog(page).locator(".cc-card")).toContainText("Acute myocardial infarction, unspecified");
    failing = false;
    await rest.getByRole("button", { name: "Try again" }).click();
    await expect(dialog(page)).toContainText(SEED);
    await expect(dialog(page).locator(".cc-problem")).toHaveCount(0);
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
}

test("on a cold page a click fetches the public part while the module loads", async ({ page }) => {
  // The module held back for a while, as on a slow network; the lookup held until released.
  let wasmDone = null;
  await page.route(/codecard_bg\.wasm$/, async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
    wasmDone = Date.now();
  });
  const release = await holdLookups(page);
  let peekAt = null;
  page.on("request", (r) => { if (r.url().includes("/v1/peek") && peekAt === null) peekAt = Date.now(); });
  await clinicPage(page, undefined, true);
  await code(page, "N18.3").click();
  await expect(dialog(page).locator(".cc-card")).toContainText("Chronic kidney disease, stage 3");
  await expect(dialog(page).locator(".cc-rest")).toBeVisible();
  expect(peekAt).not.toBeNull();
  expect(wasmDone === null || peekAt < wasmDone).toBe(true);
  release();
  await expect(dialog(page)).toContainText(SEED);
});

test("a peek answered with another code's card (a proxy's mix-up) is not shown in this code's card", async ({ page }) => {
  await clinicPage(page);
  await moduleReady(page);
  // E11.65's peek answered with I10's public part, as a cache keyed wrongly would.
  const other = await (await page.request.get(`${metered}/v1/peek/I10`)).text();
  await page.route(/\/v1\/peek\/icd10cm\/E1165/, (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: other }));
  const release = await holdLookups(page);
  const peeked = page.waitForResponse((r) => r.url().includes("/v1/peek/icd10cm/E1165"));
  await code(page, "E11.65").hover();
  await peeked;
  await code(page, "E11.65").click();
  await expect(dialog(page)).toContainText("Looking up E11.65");
  await expect(page.locator("[data-codecard-host] #cc-title")).toContainText("E11.65");
  await expect(dialog(page)).not.toContainText("hypertension");
  release();
  await expect(dialog(page)).toContainText("Type 2 diabetes mellitus with hyperglycemia");
  await expect(dialog(page)).not.toContainText("hypertension");
});
