// The codes in view (issue 14: the warm plain click): once the card module is there and the page
// is idle, the public parts of the codes the reader can see are fetched in one request
// (GET /v1/peek?codes=...), so that a plain click, a tap or Enter on any of them shows its public
// part at once while the metered lookup brings the rest. Codes out of view are fetched once they
// come into view and the scrolling has settled. On the metered server, on a page of another origin.
const { test, expect } = require("@playwright/test");
const { dialog, code, watchErrors, thirdPartyPage, holdLookups } = require("./helpers");

const metered = process.env.CODECARD_METERED_URL || "http://127.0.0.1:18081";
const SEED = "0 code page views remaining.";
// In view on load; passed by while scrolling; in view once scrolled to.
const TOP = ["I10", "E11.65", "E11.9", "Z79.4", "E78.5", "I21.9"];
const MIDDLE = ["I63.9", "J45.909", "N18.3", "F41.1", "E66.9", "K21.9"];
const BOTTOM = ["J06.9", "R55", "I48.91"];
const list = (codes, id) => `<ul id="${id}">${codes.map((c) => `<li><span data-code="${c}">${c}</span> text</li>`).join("")}</ul>`;
const gap = '<div style="height:1600px"></div>';

async function clinicPage(page) {
  await thirdPartyPage(page, metered, {
    scriptBase: metered,
    endpoint: metered,
    body: list(TOP, "top") + gap + list(MIDDLE, "middle") + gap + list(BOTTOM, "bottom") + gap,
  });
}

/** Waits until the card module is mounted (the loader loads it when idle). */
const moduleReady = (page) => page.locator("[data-codecard-host]").waitFor({ state: "attached" });

/** Holds the card module's wasm until the returned function is called (else the loader fetches
 * it when the page is idle): the first click on the page is then a cold one. */
async function holdModule(page) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route(/codecard_bg\.wasm/, async (route) => {
    await released;
    await route.continue().catch(() => {});
  });
  return release;
}

/** Closes the open card, holds the lookups and clicks `c` at once: its public part (`title`) must
 * show, with the status for the rest. Returns the lookups' release. */
async function nextPlainClick(page, c, title) {
  await page.keyboard.press("Escape");
  await expect(dialog(page)).toHaveCount(0);
  const release = await holdLookups(page);
  await code(page, c).click();
  await expect(dialog(page).locator(".cc-card")).toContainText(title);
  await expect(dialog(page).locator(".cc-rest[role=status]")).toHaveText("Loading the rest of this card…");
  return release;
}

/** How the widget names a code in a batch: as in the single peek's path (GET /v1/peek/{this}). */
const item = (c) => (c.includes(".") ? "icd10cm/" + c.replace(".", "") : c);

/** Records the public requests the page sends: batches (their codes) and single peeks. */
function watchPublic(page) {
  const seen = { batches: [], singles: [], failed: [] };
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname === "/v1/peek") seen.batches.push(url.searchParams.get("codes").split(",").sort());
    else if (url.pathname.startsWith("/v1/peek/")) seen.singles.push(url.pathname);
  });
  page.on("requestfailed", (r) => {
    if (new URL(r.url()).pathname === "/v1/peek") seen.failed.push(r.failure()?.errorText);
  });
  return seen;
}

/** Scrolls the page to `y` in steps of 500 px, 40 ms apart: a reader flicking through it (each list
 * passed by is in view for less than the 200 ms the widget waits for the page to settle). */
async function scrollInSteps(page, y) {
  await page.evaluate(async (y) => {
    while (Math.abs(scrollY - y) > 1) {
      scrollTo(0, scrollY + Math.sign(y - scrollY) * Math.min(500, Math.abs(y - scrollY)));
      await new Promise((r) => setTimeout(r, 40));
    }
  }, y);
}

test("the codes in view are peeked once, in one request, after the module loads; those out of view are not", async ({ page }) => {
  const errors = watchErrors(page);
  const seen = watchPublic(page);
  await clinicPage(page);
  await moduleReady(page);
  await expect.poll(() => seen.batches.length).toBe(1);
  expect(seen.batches[0]).toEqual(TOP.map(item).sort());
  await page.waitForTimeout(1000); // nothing more while the page rests
  expect(seen.batches.length).toBe(1);
  expect(seen.singles).toEqual([]);
  expect(errors).toEqual([]);
});

for (const [how, open] of [
  ["a plain click", (page, c) => code(page, c).click()],
  ["Enter", async (page, c) => { await code(page, c).focus(); await page.keyboard.press("Enter"); }],
]) {
  test(`${how} on a code in view shows its public part with no public request before the metered lookup answers`, async ({ page }) => {
    const errors = watchErrors(page);
    const seen = watchPublic(page);
    const release = await holdLookups(page);
    const batch = page.waitForResponse((r) => new URL(r.url()).pathname === "/v1/peek");
    await clinicPage(page);
    await moduleReady(page);
    expect((await batch).status()).toBe(200);
    await open(page, "E11.9");
    await expect(dialog(page).locator(".cc-card")).toContainText("Type 2 diabetes mellitus without complications");
    await expect(dialog(page).locator(".cc-rest[role=status]")).toHaveText("Loading the rest of this card…");
    await page.waitForTimeout(300); // a hover peek would have started after 80 ms
    expect([seen.batches.length, seen.singles]).toEqual([1, []]);
    release();
    await expect(dialog(page)).toContainText(SEED);
    await expect(dialog(page).locator(".cc-rest")).toHaveCount(0);
    expect([seen.batches.length, seen.singles]).toEqual([1, []]);
    expect(errors).toEqual([]);
  });
}

test("a plain click on another code right after the first card closes shows its public part from the batch, with no request of its own", async ({ page }) => {
  // The reader clicks at once (the module is fetched by that click or was just mounted), closes
  // the card and clicks the next code: the batch of the codes in view goes as soon as the module
  // is mounted (nobody is scrolling then), so it is back or on its way by the second click.
  const errors = watchErrors(page);
  const seen = watchPublic(page);
  // The module comes only with the first click.
  const clicked = await holdModule(page);
  await clinicPage(page);
  clicked();
  await code(page, "I10").click();
  await expect(dialog(page).locator(".cc-card")).toContainText("Essential (primary) hypertension");
  const release = await nextPlainClick(page, "E11.9", "Type 2 diabetes mellitus without complications");
  expect(seen.singles.filter((s) => s.includes("E119"))).toEqual([]);
  // (In the module's batch as the module writes it; in the loader's, on a cold click, as written.)
  expect(seen.batches.flat().filter((c) => c === "icd10cm/E119" || c === "E11.9").length).toBeGreaterThan(0);
  release();
  await expect(dialog(page)).toContainText(SEED);
  expect(errors).toEqual([]);
});

test("on a cold page the click's one public request carries the clicked code first and the other codes in view: the next plain click needs no request", async ({ page }) => {
  // The module arrives only after the click's public request has gone, and every public request
  // after that one is never answered: the second card's public part can only come from it.
  const errors = watchErrors(page);
  const asked = []; // each public request: a batch's codes as sent, or a single peek's path
  const clicked = await holdModule(page);
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname === "/v1/peek") asked.push(url.searchParams.get("codes").split(","));
    else if (url.pathname.startsWith("/v1/peek/")) asked.push(url.pathname);
    else return;
    clicked();
  });
  await clinicPage(page);
  await code(page, "E11.9").click();
  await expect(dialog(page).locator(".cc-card")).toContainText("Type 2 diabetes mellitus without complications");
  expect(asked[0]).toEqual(["E11.9", ...TOP.filter((c) => c !== "E11.9")]);
  await page.route((url) => url.pathname.startsWith("/v1/peek"), () => {});
  const release = await nextPlainClick(page, "I21.9", "Acute myocardial infarction, unspecified");
  expect(asked.length).toBe(1);
  release();
  await expect(dialog(page)).toContainText(SEED);
  expect(errors).toEqual([]);
});

test("on an unmetered endpoint a cold click's card is whole from its one public request while its lookup is held", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  const clicked = await holdModule(page);
  page.on("request", (r) => { if (new URL(r.url()).pathname === "/v1/peek") clicked(); });
  await holdLookups(page); // never released: the whole card can only come from the batch
  await thirdPartyPage(page, baseURL, { scriptBase: baseURL, endpoint: baseURL, body: list(TOP, "top") });
  await code(page, "I10").click();
  await expect(dialog(page).locator(".cc-card")).toContainText("Essential (primary) hypertension");
  await expect(dialog(page)).toContainText("I10-I1A Hypertensive diseases"); // the hierarchy: the whole card
  await expect(dialog(page).locator(".cc-rest")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("codes out of view are peeked once scrolled into view and the scrolling has settled, not while passing by", async ({ page }) => {
  const errors = watchErrors(page);
  const seen = watchPublic(page);
  await clinicPage(page);
  await moduleReady(page);
  await expect.poll(() => seen.batches.length).toBe(1);
  const bottom = await page.locator("#bottom").evaluate((el) => el.getBoundingClientRect().top + scrollY - 100);
  await scrollInSteps(page, bottom);
  await expect.poll(() => seen.batches.length).toBe(2);
  expect(seen.batches[1]).toEqual(BOTTOM.map(item).sort());
  // Back to the top: those codes are kept, so nothing is fetched again.
  await scrollInSteps(page, 0);
  await page.waitForTimeout(1000);
  expect(seen.batches.length).toBe(2);
  expect(seen.singles).toEqual([]);
  expect(errors).toEqual([]);
});

test("a code marked after the module loaded is peeked when it is in view", async ({ page }) => {
  const seen = watchPublic(page);
  await clinicPage(page);
  await moduleReady(page);
  await expect.poll(() => seen.batches.length).toBe(1);
  await page.evaluate(() => document.querySelector("#top").insertAdjacentHTML("afterbegin", '<li><span data-code="R07.9">R07.9</span></li>'));
  await expect.poll(() => seen.batches.length).toBe(2);
  expect(seen.batches[1]).toEqual(["icd10cm/R079"]);
});

test("a batch on its way is aborted when the widget is destroyed", async ({ page }) => {
  const errors = watchErrors(page);
  const seen = watchPublic(page);
  await page.route((url) => url.pathname === "/v1/peek", () => {}); // never answered
  await clinicPage(page);
  await moduleReady(page);
  await expect.poll(() => seen.batches.length).toBe(1);
  await page.evaluate(() => CodeCard.destroy());
  await expect.poll(() => seen.failed).toEqual(["net::ERR_ABORTED"]);
  expect(errors).toEqual([]);
});
