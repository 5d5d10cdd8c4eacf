// The codes-in-view batch (GET /v1/peek?codes=...) and the widget's own JSON reader as a reviewer
// who wrote neither tried to break them from a site owner's page: same-looking codes of two systems,
// more codes than a batch takes, hidden tab panels, scrolling divs, a batch endpoint that is down, slow
// or answers garbage, a page that pollutes Object.prototype. Each finding was a failing test first.
const { test, expect } = require("@playwright/test");
const { dialog, code, watchErrors, thirdPartyPage, holdLookups } = require("./helpers");

const metered = process.env.CODECARD_METERED_URL || "http://127.0.0.1:18081";
const moduleReady = (page) => page.locator("[data-codecard-host]").waitFor({ state: "attached" });
const isBatch = (r) => new URL(r.url()).pathname === "/v1/peek";

// Thirty ICD-10-CM codes, in order from A00.0.
const CH1 = ["A00.0", "A00.1", "A00.9", "A01.00", "A01.01", "A01.02", "A01.03", "A01.04", "A01.05", "A01.09", "A01.1", "A01.2", "A01.3", "A01.4", "A02.0", "A02.1", "A02.20", "A02.21", "A02.22", "A02.23", "A02.24", "A02.25", "A02.29", "A02.8", "A02.9", "A03.0", "A03.1", "A03.2", "A03.3", "A03.8"];

/** Records the batches of codes in view the page sends, and every code they asked for. */
function watchBatches(page) {
  const seen = { batches: [], asked: new Set() };
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname !== "/v1/peek") return;
    const codes = url.searchParams.get("codes").split(",");
    seen.batches.push(codes);
    for (const c of codes) seen.asked.add(c);
  });
  return seen;
}

/** A third-party page with `body`, embedding the metered endpoint as a site does. */
const meteredPage = (page, body) => thirdPartyPage(page, metered, { scriptBase: metered, endpoint: metered, body });

/** Opens a metered third-party page with `body`, waits for its batch of codes in view to come
 * back, and clicks the code `clicked` (the caller holds or fails the lookups first). */
async function clickAfterBatch(page, body, clicked) {
  const batch = page.waitForResponse(isBatch);
  await meteredPage(page, body);
  await moduleReady(page);
  expect((await batch).status()).toBe(200);
  await code(page, clicked).click();
  await expect(dialog(page)).toBeVisible();
}

// J11.00 (ICD-10-CM, influenza with pneumonia) and J1100 (HCPCS Level II, a dexamethasone
// injection) are written the same once the dot is gone. A page naming no system for J1100 gets,
// per the README, a card that asks which system is meant: never the influenza code's title.
test("a plain click on an ambiguous code never shows the public part of a same-looking code of another system in view", async ({ page }) => {
  const errors = watchErrors(page);
  const release = await holdLookups(page);
  await clickAfterBatch(page, '<p>Diagnosis <span data-code="J11.00">J11.00</span>; given <span data-code="J1100">J1100</span>.</p>', "J1100");
  await page.waitForTimeout(500);
  const beforeLookup = await dialog(page).innerText();
  const lookup = page.waitForResponse((r) => new URL(r.url()).pathname === "/v1/codes/J1100");
  release();
  expect((await lookup).status()).toBe(300);
  await page.waitForTimeout(500);
  const afterLookup = await dialog(page).innerText();
  expect.soft(beforeLookup, "while the lookup travels").not.toContain("Influenza");
  expect.soft(afterLookup, "once the lookup said ambiguous").not.toContain("Influenza");
  expect.soft(afterLookup).toMatch(/HCPCS/);
  expect(errors).toEqual([]);
});

// The batch's answer as an adversary (or a broken proxy) writes it: the widget's own decoder must
// turn every odd entry into "no public part" (the metered lookup then brings the card), never a
// panic (which would kill the widget for the page), never another code's card, never a storm.
const CODES = ["I10", "E11.9", "E11.65", "Z79.4", "E78.5", "R55"];
const item = (c) => (c.includes(".") ? "icd10cm/" + c.replace(".", "") : c);
const good = (code, display, title) => ({
  code, display_code: display, system: "icd10cm", release: "FY2026", billable: true,
  short_description: null, long_description: title, descriptor_note: null, plain_language: null,
  hierarchy: [], axes: [], attribution: "ICD-10-CM", sections: [], meter: null, paywalled: true,
});
const ANSWERS = {
  "extra fields, numbers as strings, null where a list must be": {
    peeks: [
      { ...good("I10", "I10", "Essential (primary) hypertension"), extra: { deep: [1, 2, 3] }, billable: "true" },
      { ...good("E119", "E11.9", "WRONG-TITLE-A"), hierarchy: null },
      { ...good("E1165", "E11.65", "WRONG-TITLE-B"), meter: { plan: "guest", remaining: "1", counted: true } },
      { ...good("Z794", "Z79.4", "WRONG-TITLE-C"), system: "icd11" },
      { ...good("E785", "E78.5", "WRONG-TITLE-D"), sections: [{ id: "related", content: { type: "codes", codes: "x" } }] },
      null,
    ],
  },
  "cards of other codes, out of order, and no list at all": {
    peeks: [
      good("R55", "R55", "Syncope and collapse"), // asked last, answered first
      { ...good("I10", "I10", "WRONG-TITLE-F"), code: "I11" },
      1, "x", [], true,
    ],
  },
  "a huge list of junk": { peeks: Array.from({ length: 200000 }, (_, i) => ({ code: "X" + i, billable: i })) },
  "not a list": { peeks: { I10: good("I10", "I10", "WRONG-TITLE-G") } },
};
for (const [name, body] of Object.entries(ANSWERS)) {
  test(`a batch answer with ${name} breaks nothing: each click shows its own code's card`, async ({ page }) => {
    const errors = watchErrors(page);
    let batches = 0;
    await page.route((url) => url.pathname === "/v1/peek", (route) => {
      batches += 1;
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(body) });
    });
    // The metered lookups are held: what the card shows is the batch's part alone.
    await holdLookups(page);
    await meteredPage(page, `<ul>${CODES.map((c) => `<li><span data-code="${c}">${c}</span></li>`).join("")}</ul>`);
    await moduleReady(page);
    await expect.poll(() => batches).toBe(1);
    for (const c of CODES) {
      if (await dialog(page).count()) {
        await page.keyboard.press("Escape");
        await expect(dialog(page)).toHaveCount(0);
      }
      await code(page, c).click();
      await expect(dialog(page).locator("#cc-title")).toContainText(c);
      await page.waitForTimeout(200);
      expect(await dialog(page).innerText(), c).not.toContain("WRONG-TITLE");
    }
    await page.waitForTimeout(1000);
    expect(batches, "no storm of batches").toBe(1);
    expect(errors).toEqual([]);
  });
}

// A dense page: a table of 80 codes, all in view at once. The README: once the page has settled
// the codes in view get their public parts (at most 32 per batch, one batch at a time), so a
// plain click on any of them shows it at once.
test("with more codes in view than one batch takes, the codes past the 32nd are peeked too (no scroll needed)", async ({ page }) => {
  // 80 distinct ICD-10-CM codes (chapter 1 from A00.0 on, and E11.9).
  const codes = [...CH1, "A03.9", "A04.0", "A04.1", "A04.2", "A04.3", "A04.4", "A04.5", "A04.6", "A04.71", "A04.72", "A04.8", "A04.9", "A05.0", "A05.1", "A05.2", "A05.3", "A05.4", "A05.5", "A05.8", "A05.9", "A06.0", "A06.1", "A06.2", "A06.3", "A06.4", "A06.5", "A06.6", "A06.7", "A06.81", "A06.82", "A06.89", "A06.9", "A07.0", "A07.1", "A07.2", "A07.3", "A07.4", "A07.8", "A07.9", "A08.0", "A08.11", "A08.19", "A08.2", "A08.31", "A08.32", "A08.39", "A08.4", "A08.8", "A09", "E11.9"];
  const errors = watchErrors(page);
  const seen = watchBatches(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await meteredPage(page, `<div style="display:grid;grid-template-columns:repeat(10,1fr);font-size:12px">${codes.map((c) => `<span data-code="${c}">${c}</span>`).join("")}</div>`);
  await moduleReady(page);
  const inView = await page.evaluate(() => [...document.querySelectorAll("[data-code]")].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight;
  }).length);
  expect(inView, "the whole table is in view").toBe(codes.length);
  await expect.poll(() => seen.batches.length).toBeGreaterThan(0);
  await page.waitForTimeout(3000); // the page rests: every batch it needs has left
  const missing = codes.map(item).filter((c) => !seen.asked.has(c));
  expect(seen.batches.length, "at most a few batches").toBeLessThanOrEqual(3);
  expect(missing, `peeked in ${seen.batches.length} batch(es); never peeked`).toEqual([]);
  expect(errors).toEqual([]);
});

// Codes the reader cannot see are not "in view": a tab panel hidden with `visibility: hidden`
// (or `opacity: 0`) still has a box inside the viewport, so an IntersectionObserver reports it.
test("codes in tab panels hidden with visibility: hidden or opacity: 0 are not peeked", async ({ page }) => {
  const seen = watchBatches(page);
  await meteredPage(page, '<div style="position:relative;height:120px">' +
      '<section style="position:absolute;inset:0">Shown tab: <span data-code="I10">I10</span></section>' +
      '<section style="position:absolute;inset:0;visibility:hidden">Hidden tab: <span data-code="R55">R55</span></section>' +
      '<section style="position:absolute;inset:0;opacity:0;pointer-events:none">Faded tab: <span data-code="K21.9">K21.9</span></section>' +
      '<section hidden>Closed tab: <span data-code="E78.5">E78.5</span></section>' +
      "</div>");
  await moduleReady(page);
  await expect.poll(() => seen.batches.length).toBeGreaterThan(0);
  await page.waitForTimeout(1000);
  expect([...seen.asked].sort()).toEqual(["I10"]);
});


test("codes in a scrolling div are peeked once scrolled into its view, those below its fold are not before", async ({ page }) => {
  const errors = watchErrors(page);
  const seen = watchBatches(page);
  await meteredPage(page, `<div id="box" style="height:100px;overflow:auto">${CH1.map((c) => `<div style="height:40px"><span data-code="${c}">${c}</span></div>`).join("")}</div>`);
  await moduleReady(page);
  await expect.poll(() => seen.batches.length).toBe(1);
  expect(seen.asked.has(item("A03.8")), "the last code, below the box's fold").toBe(false);
  await page.locator("#box").evaluate((box) => { box.scrollTop = box.scrollHeight; });
  await expect.poll(() => seen.asked.has(item("A03.8"))).toBe(true);
  expect(seen.batches.length).toBe(2);
  expect(errors).toEqual([]);
});

for (const [name, answer] of [
  ["down (503)", (route) => route.fulfill({ status: 503, contentType: "application/json", body: '{"error":{"kind":"storage_unavailable","message":"x"}}' })],
  ["garbage (an HTML page)", (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<html>proxy error</html>" })],
  ["a network failure", (route) => route.abort("connectionreset")],
]) {
  test(`a batch endpoint that is ${name} for the batch only leaves plain clicks working, with no storm of retries`, async ({ page }) => {
    const errors = watchErrors(page);
    let batches = 0;
    await page.route((url) => url.pathname === "/v1/peek", (route) => { batches += 1; return answer(route); });
    await meteredPage(page, `<p>${["I10", "E11.9", "R55"].map((c) => `<span data-code="${c}">${c}</span>`).join(" ")}</p>`);
    await moduleReady(page);
    await expect.poll(() => batches).toBe(1);
    await page.waitForTimeout(1500);
    expect(batches, "the failed batch is not retried while nothing changes").toBe(1);
    await code(page, "R55").click();
    await expect(dialog(page).locator("#cc-title")).toContainText("R55");
    await expect(dialog(page)).toContainText("Syncope and collapse");
    expect(errors.filter((e) => !e.includes("Failed to load resource"))).toEqual([]);
  });
}

test("a batch that never answers does not hold up a plain click's card", async ({ page }) => {
  const errors = watchErrors(page);
  let batches = 0;
  await page.route((url) => url.pathname === "/v1/peek", () => { batches += 1; }); // never answered
  await meteredPage(page, `<p>${["I10", "E11.9", "R55"].map((c) => `<span data-code="${c}">${c}</span>`).join(" ")}</p>`);
  await moduleReady(page);
  await expect.poll(() => batches).toBe(1);
  await code(page, "R55").click();
  await expect(dialog(page)).toContainText("0 code page views remaining", { timeout: 3000 });
  await expect(dialog(page).locator("#cc-title")).toContainText("R55");
  expect(errors).toEqual([]);
});

// The decoder reads each field with Reflect.get, which also finds a property a host page's script
// put on Object.prototype; serde (and JSON) only know the answer's own fields. A page that ever
// sets Object.prototype.deleted_in (a polyfill, a library, a stray assignment) must not make every
// card say its code was deleted.
test("a field the host page put on Object.prototype is not read as part of a card", async ({ page }) => {
  const errors = watchErrors(page);
  await meteredPage(page, '<p><span data-code="I10">I10</span></p>');
  await page.evaluate(() => { Object.prototype.deleted_in = "FY1999"; });
  await moduleReady(page);
  await code(page, "I10").click();
  await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  await page.waitForTimeout(500);
  expect(await dialog(page).innerText()).not.toContain("FY1999");
  expect(errors).toEqual([]);
});

const TWINS = '<p>Given <span data-code="J1100" data-code-system="hcpcs">J1100</span> for <span data-code="J11.00">J11.00</span>.</p>';

// The same confusion with both systems known: the page names HCPCS for J1100, and J11.00's dot
// makes it ICD-10-CM (the widget peeks it as icd10cm/J1100). A click on J11.00 must open on the
// influenza code's title, never on the HCPCS code's that comes first in the batch.
test("a plain click on a dotted ICD-10-CM code never shows the public part of the same-looking HCPCS code in view", async ({ page }) => {
  const errors = watchErrors(page);
  const release = await holdLookups(page);
  await clickAfterBatch(page, TWINS, "J11.00");
  await page.waitForTimeout(500);
  const beforeLookup = await dialog(page).innerText();
  release();
  expect(beforeLookup).not.toMatch(/HCPCS|dexamethasone/i);
  expect(errors).toEqual([]);
});

// ... and when the metered lookup then fails (the README: the public part stays shown with the
// error and Try again), the wrong code's title stays under the reader's eyes.
test("when the lookup fails, a dotted ICD-10-CM code's card does not keep the same-looking HCPCS code's public part", async ({ page }) => {
  await page.route(/\/v1\/codes\/[^e]/, (route) =>
    route.fulfill({ status: 503, contentType: "application/json", body: '{"error":{"kind":"storage_unavailable","message":"The code service is busy."}}' }));
  await clickAfterBatch(page, TWINS, "J11.00");
  await expect(dialog(page)).toContainText("Try again");
  expect(await dialog(page).innerText()).not.toMatch(/HCPCS|dexamethasone/i);
});

// An SPA that re-renders its list of codes (new elements, same codes) every 400 ms while the
// batch endpoint is down: each failed batch is forgotten, and each re-render brings the same
// codes into view again. The widget must not turn that into a steady stream of failing batches.
test("a batch endpoint that is down is not asked again at every re-render of an SPA's codes", async ({ page }) => {
  let batches = 0;
  await page.route((url) => url.pathname === "/v1/peek", (route) => {
    batches += 1;
    return route.fulfill({ status: 503, contentType: "application/json", body: '{"error":{"kind":"storage_unavailable","message":"x"}}' });
  });
  await meteredPage(page, '<ul id="app"><li><span data-code="I10">I10</span></li><li><span data-code="R55">R55</span></li></ul>');
  await moduleReady(page);
  await expect.poll(() => batches).toBe(1);
  await page.evaluate(async () => {
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setTimeout(r, 400));
      document.querySelector("#app").innerHTML = '<li><span data-code="I10">I10</span></li><li><span data-code="R55">R55</span></li>';
    }
  });
  await page.waitForTimeout(1000);
  expect(batches, "batches sent in about 6 s of re-renders while the endpoint is down").toBeLessThanOrEqual(3);
});
