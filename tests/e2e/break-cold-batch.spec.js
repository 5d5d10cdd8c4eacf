// The cold click's batch (the loader's show_: GET /v1/peek?codes=<clicked>,<codes in view>, handed
// to the card module with the codes it asked for) as a reviewer who wrote neither side tried to
// break it from odd pages and as an attacker, following only the README. Every page here is cold:
// the card module's wasm is held until the click's public request has gone. What the reader sees
// must be the right code's card or a clear error, the page gets no uncaught error, and the card
// still completes through its own (metered) lookup.
const { test, expect } = require("@playwright/test");
const { dialog, code, watchErrors, thirdPartyPage, holdLookups } = require("./helpers");

const metered = process.env.CODECARD_METERED_URL || "http://127.0.0.1:18081";
const SEED = "0 code page views remaining.";
const E119 = "Type 2 diabetes mellitus without complications";
const I219 = "Acute myocardial infarction, unspecified";
const I10 = "Essential (primary) hypertension";

const span = (c, system) => `<span data-code="${c.replace(/"/g, "&quot;")}"${system ? ` data-code-system="${system}"` : ""}>${c.trim() ? c : "(blank)"}</span>`;
const isBatch = (url) => url.pathname === "/v1/peek";

/** Errors other than the browser's own "Failed to load resource" line for a 4xx answer the page
 * asked for (an unknown or malformed code's lookup is one): uncaught exceptions and our own. */
const uncaught = (errors) => errors.filter((e) => !e.includes("Failed to load resource"));

/**
 * A cold third-party page with `body` on `server`: the card module's wasm is held until the
 * page's first public request (a batch or a single peek; or its first `publicRequests`) has gone. Returns what the page asked
 * for: each batch's `codes` as the server reads them (decoded), and each single peek's path.
 */
async function coldPage(page, body, { server = metered, attributes = {}, wasm, ready = true, publicRequests = 1 } = {}) {
  const asked = { batches: [], singles: [], lookups: [] };
  let sent;
  const first = new Promise((resolve) => { sent = resolve; });
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (isBatch(url)) asked.batches.push(url.searchParams.get("codes"));
    else if (url.pathname.startsWith("/v1/peek/")) asked.singles.push(url.pathname);
    else if (url.pathname.startsWith("/v1/codes/") && !url.pathname.startsWith("/v1/codes/exists")) asked.lookups.push(url.pathname);
    else return;
    if (asked.batches.length + asked.singles.length >= publicRequests) sent();
  });
  await page.route(/codecard_bg\.wasm/, async (route) => {
    await first;
    if (wasm) return wasm(route);
    await route.continue().catch(() => {});
  });
  await thirdPartyPage(page, server, { scriptBase: server, endpoint: server, body, attributes, ready });
  return asked;
}

/** From now on every public request is left unanswered: a public part shown after this can only
 * come from the batch the cold click sent. */
const starvePublic = (page) => page.route((url) => url.pathname.startsWith("/v1/peek"), () => {});

/** Closes the open card with Esc. */
async function closeCard(page) {
  await page.keyboard.press("Escape");
  await expect(dialog(page)).toHaveCount(0);
}

/** Holds the metered lookups, opens a card with `opening`, and checks that it shows its public part
 * (`title`) while the rest is loading; returns the lookups' release. */
async function publicPartFirst(page, title, opening) {
  const release = await holdLookups(page);
  await opening();
  await expect(dialog(page).locator(".cc-card")).toContainText(title);
  await expect(dialog(page).locator(".cc-rest[role=status]")).toHaveText("Loading the rest of this card…");
  return release;
}

/** The second, plain click of a reader on `c`, after the cold card closed: its public part must
 * show from the adopted batch while its metered lookup is held, then the card completes. */
async function secondClickFromBatch(page, c, title) {
  await closeCard(page);
  await starvePublic(page);
  const release = await publicPartFirst(page, title, () => code(page, c).click());
  release();
  await expect(dialog(page)).toContainText(SEED);
}

// --- Odd data-code values --------------------------------------------------------------------

// A site owner's element may name two codes ("I10, E11.9"): the loader joins the batch's entries
// with commas, so the server reads that one element as two entries and every code after it in the
// list would get its neighbour's entry. J1100 named without a system is ambiguous (HCPCS
// dexamethasone or ICD-10-CM J11.00 influenza); shifted by one, it got the entry of the J11.00
// before it, whose card has the code J1100 too, and the card module's own-code check passed it: the
// reader of the HCPCS code read "Influenza" (found by this review; the module now drops a batch
// whose entries do not match the codes asked).
test("a comma inside a code in view does not shift the other codes' entries of the cold batch (J1100 never shows J11.00's influenza title)", async ({ page }) => {
  const errors = watchErrors(page);
  const asked = await coldPage(page, `<p>${span("E11.9")} ${span("I10, E11.9")} ${span("J11.00")} ${span("J1100")}</p>`);
  await code(page, "E11.9").click();
  await expect(dialog(page).locator(".cc-card")).toContainText(E119);
  await expect(dialog(page)).toContainText(SEED);
  expect(asked.batches[0]).toBe("E11.9,I10, E11.9,J11.00,J1100");
  await closeCard(page);
  await starvePublic(page);
  const release = await holdLookups(page);
  await code(page, "J1100").click();
  await expect(dialog(page)).toBeVisible();
  await page.waitForTimeout(500);
  const beforeLookup = await dialog(page).innerText();
  release();
  await expect(dialog(page).locator(".cc-rest")).toHaveCount(0);
  const afterLookup = await dialog(page).innerText();
  expect.soft(beforeLookup, "while the lookup travels").not.toContain("Influenza");
  expect.soft(afterLookup, "once the lookup said ambiguous").not.toContain("Influenza");
  expect(uncaught(errors)).toEqual([]);
});

// ... and when the lookup then fails (the README: the public part stays shown with the error and
// Try again), the influenza title stayed under the reader's eyes on the J1100 card (as above).
test("a comma inside a code in view: when J1100's lookup fails, its card does not keep J11.00's influenza title", async ({ page }) => {
  const errors = watchErrors(page);
  await coldPage(page, `<p>${span("E11.9")} ${span("I10, E11.9")} ${span("J11.00")} ${span("J1100")}</p>`);
  await code(page, "E11.9").click();
  await expect(dialog(page)).toContainText(SEED);
  await closeCard(page);
  await starvePublic(page);
  await page.route(/\/v1\/codes\/[^e]/, (route) =>
    route.fulfill({ status: 503, contentType: "application/json", body: '{"error":{"kind":"storage_unavailable","message":"The code service is busy."}}' }));
  await code(page, "J1100").click();
  await expect(dialog(page)).toContainText("Try again");
  expect(await dialog(page).innerText()).not.toContain("Influenza");
  expect(uncaught(errors)).toEqual([]);
});

// A comma in a data-code-system splits an entry too: "icd10cm,cpt/I10" is two entries to the
// server. The module drops a batch whose entries do not match the codes asked (README), so the
// codes after the comma get nothing from it (their public part comes from the module's own batch
// or their lookup): the next click's card is its own code's, never a neighbour's.
for (const [where, odd] of [["code", span("I10,I11")], ["code's system", span("I10", "icd10cm,cpt")]]) {
  test(`a comma inside a ${where} in view: the cold batch is dropped whole, and the next code's card is its own`, async ({ page }) => {
    const errors = watchErrors(page);
    await coldPage(page, `<p>${span("E11.9")} ${odd} ${span("I21.9")}</p>`);
    await code(page, "E11.9").click();
    await expect(dialog(page)).toContainText(SEED);
    await closeCard(page);
    const release = await holdLookups(page);
    await code(page, "I21.9").click();
    await expect(dialog(page)).toContainText("I21.9");
    await page.waitForTimeout(300);
    await expect(dialog(page)).not.toContainText(I10);
    await expect(dialog(page)).not.toContainText(E119);
    release();
    await expect(dialog(page).locator(".cc-card")).toContainText(I219);
    expect(uncaught(errors)).toEqual([]);
  });
}

// A framework that truncates a string in JavaScript can leave half of a surrogate pair in an
// attribute (an emoji cut in two). encodeURIComponent throws URIError on a lone surrogate: the
// loader's click handler threw into the page, and the reader's click opened nothing (found by this
// review; the loader now builds the query with URLSearchParams).
test("a code in view whose data-code holds half an emoji does not break a cold click on another code", async ({ page }) => {
  const errors = watchErrors(page);
  await coldPage(page, `<p id="list">${span("E11.9")} ${span("I21.9")}</p>`);
  await page.evaluate(() => {
    const el = document.createElement("span");
    el.setAttribute("data-code", "I10 \ud83d");
    el.textContent = "I10 (note)";
    document.getElementById("list").append(" ", el);
  });
  await expect(page.locator("[data-code]").last()).toHaveAttribute("data-codecard-ready", "");
  await code(page, "E11.9").click();
  await page.waitForTimeout(500);
  expect(uncaught(errors)).toEqual([]);
  await expect(dialog(page).locator(".cc-card")).toContainText(E119);
  await expect(dialog(page)).toContainText(SEED);
});

// The clicked element itself holds the comma: the reader must see a clear error, not one of the
// two codes' cards.
test("a cold click on a code with a comma in it shows an error for what was written, never one of the codes it names", async ({ page }) => {
  const errors = watchErrors(page);
  await coldPage(page, `<p>${span("I10,E11.9")} ${span("I21.9")}</p>`);
  await code(page, "I10,E11.9").click();
  await expect(dialog(page)).toContainText("I10,E11.9");
  await expect(dialog(page).locator(".cc-rest")).toHaveCount(0);
  await page.waitForTimeout(300);
  const text = await dialog(page).innerText();
  expect(text).not.toContain(I10);
  expect(text).not.toContain(E119);
  expect(uncaught(errors)).toEqual([]);
});

// Characters the URL gives a meaning to, and an empty code: encodeURIComponent carries them,
// the server answers each in its place, so the codes after them keep their own entries.
for (const [name, odd] of [
  ["a slash", "E11/9"],
  ["a question mark", "I10?x=1"],
  ["a hash", "I10#E11.9"],
  ["a percent sign", "I10%2CE11.9"],
  ["an ampersand", "I10&codes=E11.9"],
  ["spaces only", "   "],
  ["an empty data-code", ""],
]) {
  test(`a cold Enter on a code with ${name} shows a clear error, and the code after it in view keeps its own entry`, async ({ page }) => {
    const errors = watchErrors(page);
    const asked = await coldPage(page, `<p>${span(odd)} ${span("E11.9")} ${span("I21.9")}</p>`);
    // Enter, not a click: a code of spaces only has no box to click.
    await page.locator("[data-code]").first().focus();
    await page.keyboard.press("Enter");
    await expect(dialog(page)).toBeVisible();
    await expect(dialog(page).locator(".cc-rest")).toHaveCount(0);
    await expect(dialog(page).getByRole("status")).toContainText("Not a valid code");
    const text = await dialog(page).innerText();
    expect(text).not.toContain(I10);
    expect(text).not.toContain(E119);
    expect(asked.batches).toEqual([`${odd},E11.9,I21.9`]);
    await secondClickFromBatch(page, "I21.9", I219);
    expect(uncaught(errors)).toEqual([]);
  });
}

// Spaces around a real code: the server trims, the module normalizes: the card is I10's.
test("a cold click on a code written with spaces around it shows that code's card", async ({ page }) => {
  const errors = watchErrors(page);
  await coldPage(page, `<p>${span("  I10 ")} ${span("E11.9")}</p>`);
  const release = await publicPartFirst(page, I10, () => page.locator("[data-code]").first().click());
  release();
  await expect(dialog(page)).toContainText(SEED);
  await secondClickFromBatch(page, "E11.9", E119);
  expect(uncaught(errors)).toEqual([]);
});

// --- Odd data-code-system values -------------------------------------------------------------

test("a cold click on a code whose system is named in mixed case shows that system's public part", async ({ page }) => {
  const errors = watchErrors(page);
  const asked = await coldPage(page, `<p>${span("J1100", "HCPCS")} ${span("J11.00")}</p>`);
  const release = await publicPartFirst(page, /dexamethasone/i, () => code(page, "J1100").click());
  expect(asked.batches).toEqual(["HCPCS/J1100,J11.00"]);
  release();
  await expect(dialog(page)).toContainText(SEED);
  expect(await dialog(page).innerText()).not.toContain("Influenza");
  await secondClickFromBatch(page, "J11.00", "Influenza");
  expect(await dialog(page).innerText()).not.toMatch(/dexamethasone/i);
  expect(uncaught(errors)).toEqual([]);
});

for (const [name, system] of [["is unknown", "snomed"], ["contains a slash", "icd10cm/hcpcs"]]) {
  test(`a cold click on a code whose system ${name} never shows another code's public part and the card still completes`, async ({ page }) => {
    const errors = watchErrors(page);
    const asked = await coldPage(page, `<p>${span("J1100", system)} ${span("J11.00")} ${span("E11.9")}</p>`);
    await code(page, "J1100").click();
    await expect(dialog(page)).toBeVisible();
    await expect(dialog(page).locator(".cc-rest")).toHaveCount(0);
    await page.waitForTimeout(300);
    expect(await dialog(page).innerText()).not.toContain("Influenza");
    expect(asked.batches[0]).toBe(`${system}/J1100,J11.00,E11.9`);
    await secondClickFromBatch(page, "E11.9", E119);
    expect(uncaught(errors)).toEqual([]);
  });
}

// --- Same-looking codes of two systems -------------------------------------------------------

const TWINS = `<p>Given ${span("J1100", "hcpcs")} for ${span("J11.00")}; also ${span("J1100")}.</p>`;

test("cold: a click on J11.00 shows influenza, then a plain click on the HCPCS J1100 beside it shows dexamethasone, each from the batch", async ({ page }) => {
  const errors = watchErrors(page);
  const asked = await coldPage(page, TWINS);
  const release = await holdLookups(page);
  await code(page, "J11.00").click();
  await expect(dialog(page).locator(".cc-card")).toContainText("Influenza");
  expect(await dialog(page).innerText()).not.toMatch(/dexamethasone|HCPCS/i);
  expect(asked.batches).toEqual(["J11.00,hcpcs/J1100,J1100"]);
  release();
  await expect(dialog(page)).toContainText(SEED);
  await secondClickFromBatch(page, "J1100", /dexamethasone/i);
  expect(await dialog(page).innerText()).not.toContain("Influenza");
  expect(uncaught(errors)).toEqual([]);
});

test("cold: a click on J1100 named without a system never shows J11.00's influenza title, before or after its lookup", async ({ page }) => {
  const errors = watchErrors(page);
  await coldPage(page, `<p>${span("J11.00")} and ${span("J1100")}</p>`);
  const release = await holdLookups(page);
  await page.locator('[data-code="J1100"]').click();
  await expect(dialog(page)).toBeVisible();
  await page.waitForTimeout(500);
  const before = await dialog(page).innerText();
  release();
  await expect(dialog(page).locator(".cc-rest")).toHaveCount(0);
  await page.waitForTimeout(300);
  expect(before).not.toContain("Influenza");
  expect(await dialog(page).innerText()).not.toContain("Influenza");
  expect(uncaught(errors)).toEqual([]);
});

// --- Many codes, repeated codes, hidden codes --------------------------------------------------

test("the same code several times in view: one card, the right one, and the other codes' entries stay in place", async ({ page }) => {
  const errors = watchErrors(page);
  const asked = await coldPage(page, `<p>${span("E11.9")} ${span("I10")} ${span("E11.9")} ${span("E11.9")} ${span("I10")} ${span("I21.9")}</p>`);
  const release = await holdLookups(page);
  await page.locator('[data-code="E11.9"]').nth(1).click();
  await expect(dialog(page).locator(".cc-card")).toContainText(E119);
  await expect(dialog(page)).toHaveCount(1);
  expect(asked.batches).toEqual(["E11.9,E11.9,I10,E11.9,I10,I21.9"]);
  release();
  await expect(dialog(page)).toContainText(SEED);
  await secondClickFromBatch(page, "I21.9", I219);
  expect(uncaught(errors)).toEqual([]);
});

const CH1 = ["A00.0", "A00.1", "A00.9", "A01.00", "A01.01", "A01.02", "A01.03", "A01.04", "A01.05", "A01.09", "A01.1", "A01.2", "A01.3", "A01.4", "A02.0", "A02.1", "A02.20", "A02.21", "A02.22", "A02.23", "A02.24", "A02.25", "A02.29", "A02.8", "A02.9", "A03.0", "A03.1", "A03.2", "A03.3", "A03.8"];
const SIXTY = [...CH1, ...CH1];

test("more than 50 codes in view: the cold batch asks for 32, the clicked one first, and a code past them still opens its own card", async ({ page }) => {
  const errors = watchErrors(page);
  const asked = await coldPage(page, `<p style="font-size:10px">${SIXTY.map((c) => span(c)).join(" ")} ${span("I21.9")}</p>`);
  const inView = await page.locator('[data-code="I21.9"]').evaluate((el) => el.getBoundingClientRect().bottom < innerHeight);
  expect(inView).toBe(true);
  await page.locator('[data-code="I21.9"]').click();
  await expect(dialog(page)).toContainText(I219);
  const list = asked.batches[0].split(",");
  expect(list.length).toBe(32);
  expect(list[0]).toBe("I21.9");
  await expect(dialog(page)).toContainText(SEED);
  await closeCard(page);
  await page.locator('[data-code="A03.8"]').last().click();
  await expect(dialog(page)).toContainText("A03.8");
  await expect(dialog(page)).toContainText(SEED);
  expect(uncaught(errors)).toEqual([]);
});

// Codes with commas, enough of them, push the server's list past its 50: the whole batch is a
// 400. The clicked code then has no public part from it, but its card must still complete.
test("a cold batch the server refuses whole (commas push it past 50 entries) still leaves the clicked code's card to complete", async ({ page }) => {
  const errors = watchErrors(page);
  const pairs = Array.from({ length: 30 }, (_, i) => span(`A0${i % 4}.0,A0${i % 4}.1`)).join(" ");
  const asked = await coldPage(page, `<p style="font-size:10px">${span("E11.9")} ${pairs}</p>`);
  const batch = page.waitForResponse((r) => isBatch(new URL(r.url())));
  await code(page, "E11.9").click();
  expect((await batch).status()).toBe(400);
  await expect(dialog(page)).toContainText(E119);
  await expect(dialog(page)).toContainText(SEED);
  expect(asked.batches[0].split(",").length).toBeGreaterThan(50);
  expect(uncaught(errors)).toEqual([]);
});

// README: the loader's cold batch does not check visibility or opacity (documented). A hidden
// panel's codes come along; what the reader sees must not change.
test("codes in a visibility:hidden panel and at opacity 0 ride along in the cold batch without changing the clicked card", async ({ page }) => {
  const errors = watchErrors(page);
  const body = `<div style="visibility:hidden">${span("I10")}</div><div style="opacity:0">${span("J11.00")}</div><p>${span("E11.9")} ${span("I21.9")}</p>`;
  const asked = await coldPage(page, body);
  const release = await holdLookups(page);
  await code(page, "E11.9").click();
  await expect(dialog(page).locator(".cc-card")).toContainText(E119);
  expect(asked.batches).toEqual(["E11.9,I10,J11.00,I21.9"]);
  release();
  await expect(dialog(page)).toContainText(SEED);
  await secondClickFromBatch(page, "I21.9", I219);
  expect(uncaught(errors)).toEqual([]);
});

// --- Instances, roots, the API ----------------------------------------------------------------

test("a root-limited instance's cold batch carries only the codes in its root", async ({ page }) => {
  const errors = watchErrors(page);
  const body = `<p>${span("I10")}</p><section id="notes"><p>${span("E11.9")} ${span("I21.9")}</p></section><p>${span("J11.00")}</p>`;
  const asked = await coldPage(page, body, { attributes: { "data-root": "#notes" }, ready: false });
  await expect(code(page, "E11.9")).toHaveAttribute("data-codecard-ready", "");
  await code(page, "E11.9").click();
  await expect(dialog(page).locator(".cc-card")).toContainText(E119);
  expect(asked.batches).toEqual(["E11.9,I21.9"]);
  await expect(dialog(page)).toContainText(SEED);
  await secondClickFromBatch(page, "I21.9", I219);
  expect(uncaught(errors)).toEqual([]);
});

test("CodeCard.open(code) without an anchor on a cold page asks for that code first and shows its card", async ({ page }) => {
  const errors = watchErrors(page);
  const asked = await coldPage(page, `<p>${span("E11.9")} ${span("I21.9")}</p>`);
  const release = await holdLookups(page);
  await page.evaluate(() => CodeCard.open("I10"));
  await expect(dialog(page).locator(".cc-card")).toContainText(I10);
  expect(asked.batches).toEqual(["I10,E11.9,I21.9"]);
  release();
  await expect(dialog(page)).toContainText(SEED);
  await secondClickFromBatch(page, "I21.9", I219);
  expect(uncaught(errors)).toEqual([]);
});

test("CodeCard.open(code, {system}) on a cold page asks for that system's code first and shows its public part, not a same-looking code's", async ({ page }) => {
  const errors = watchErrors(page);
  const asked = await coldPage(page, `<p>${span("J11.00")} ${span("J1100")}</p>`);
  const release = await holdLookups(page);
  await page.evaluate(() => CodeCard.open("J1100", { system: "hcpcs" }));
  await expect(dialog(page).locator(".cc-card")).toContainText(/dexamethasone/i);
  expect(await dialog(page).innerText()).not.toContain("Influenza");
  expect(asked.batches[0]).toBe("hcpcs/J1100,J11.00,J1100");
  release();
  await expect(dialog(page)).toContainText(SEED);
  expect(uncaught(errors)).toEqual([]);
});

test("two instances on one cold page: the cold click sends its own root's codes, each instance opens the right card, one card at a time", async ({ page }) => {
  const errors = watchErrors(page);
  const body = `<section id="a"><p>${span("E11.9")} ${span("I10")}</p></section><section id="b"><p>${span("I21.9")} ${span("J11.00")}</p></section>`;
  const asked = await coldPage(page, body, { attributes: { "data-root": "#a" }, ready: false });
  await page.waitForFunction(() => window.CodeCard?.instances?.length === 1);
  await page.evaluate((endpoint) => CodeCard.create({ endpoint, root: "#b" }), metered);
  await expect(code(page, "I21.9")).toHaveAttribute("data-codecard-ready", "");
  await code(page, "I21.9").click();
  await expect(dialog(page).locator(".cc-card")).toContainText(I219);
  expect(asked.batches[0]).toBe("I21.9,J11.00");
  await expect(dialog(page)).toContainText(SEED);
  const release = await holdLookups(page);
  await code(page, "E11.9").click();
  await expect(dialog(page).locator(".cc-card")).toContainText(E119);
  await expect(dialog(page)).toHaveCount(1);
  // No batch, cold or warm, carries a code of the other instance's root.
  const roots = [["I21.9", "J11.00", "icd10cm/I219", "icd10cm/J1100"], ["E11.9", "I10", "icd10cm/E119"]];
  for (const batch of asked.batches) expect(roots.some((r) => batch.split(",").every((c) => r.includes(c))), batch).toBe(true);
  release();
  await expect(dialog(page)).toContainText(SEED);
  expect(uncaught(errors)).toEqual([]);
});

// An impatient reader clicks a second code before the module has loaded: the card that opens
// is the last one clicked, with its own code's public part.
test("two cold clicks on two codes before the module loads open the second code's card, with its own public part", async ({ page }) => {
  const errors = watchErrors(page);
  const asked = await coldPage(page, `<p>${span("E11.9")} ${span("I21.9")} ${span("I10")}</p>`, { publicRequests: 2 });
  const release = await holdLookups(page);
  await code(page, "E11.9").click();
  await code(page, "I21.9").click();
  await expect(dialog(page).locator(".cc-card")).toContainText(I219);
  await page.waitForTimeout(300);
  expect(await dialog(page).innerText()).not.toContain(E119);
  await expect(dialog(page)).toHaveCount(1);
  expect(asked.batches.slice(0, 2)).toEqual(["E11.9,I21.9,I10", "I21.9,E11.9,I10"]);
  release();
  await expect(dialog(page)).toContainText(SEED);
  expect(uncaught(errors)).toEqual([]);
});

// --- A batch that is slow, fails or lies ---------------------------------------------------------

const GARBAGE = {
  "a 500 with a JSON error": { status: 500, contentType: "application/json", body: '{"error":{"kind":"internal","message":"x"}}' },
  "a 200 that is not JSON": { status: 200, contentType: "text/html", body: "<html>proxy login</html>" },
  "a 200 whose peeks is no list": { status: 200, contentType: "application/json", body: '{"peeks":"E11.9"}' },
  "a 200 with an empty list": { status: 200, contentType: "application/json", body: '{"peeks":[]}' },
  "a 200 with nulls and numbers": { status: 200, contentType: "application/json", body: '{"peeks":[null,7,"x",{"card":1}]}' },
  "a network error": null,
};
for (const [name, answer] of Object.entries(GARBAGE)) {
  test(`a cold batch answered with ${name}: the clicked card still shows its own code, completes by its lookup, and nothing is uncaught`, async ({ page }) => {
    const errors = watchErrors(page);
    await page.route((url) => isBatch(url), (route) => (answer ? route.fulfill(answer) : route.abort("connectionrefused")));
    await coldPage(page, `<p>${span("E11.9")} ${span("I21.9")}</p>`);
    await code(page, "E11.9").click();
    await expect(dialog(page).locator(".cc-card")).toContainText(E119);
    await expect(dialog(page)).toContainText(SEED);
    await closeCard(page);
    await code(page, "I21.9").click();
    await expect(dialog(page).getByRole("heading", { level: 2 })).toContainText("I21.9");
    await expect(dialog(page)).toContainText(SEED);
    expect(uncaught(errors)).toEqual([]);
  });
}

// A proxy answering for a different list: entry 0 is another code's card. Never shown.
test("a cold batch whose first entry is another code's card never shows it on the clicked code's card", async ({ page }) => {
  const errors = watchErrors(page);
  const real = await page.request.get(`${metered}/v1/peek?codes=I10,I21.9`);
  const body = await real.text();
  await page.route((url) => isBatch(url), (route) => route.fulfill({ status: 200, contentType: "application/json", body }));
  await coldPage(page, `<p>${span("E11.9")} ${span("I21.9")}</p>`);
  const release = await holdLookups(page);
  await code(page, "E11.9").click();
  await expect(dialog(page)).toBeVisible();
  await page.waitForTimeout(500);
  expect(await dialog(page).innerText()).not.toContain(I10);
  release();
  await expect(dialog(page)).toContainText(E119);
  await expect(dialog(page)).toContainText(SEED);
  expect(uncaught(errors)).toEqual([]);
});

// The batch is so slow that the metered lookup answers first: the late public part must not
// replace the whole card.
test("a cold batch that answers only after the lookup does not turn the complete card back into its public part", async ({ page }) => {
  const errors = watchErrors(page);
  let releaseBatch;
  const held = new Promise((resolve) => { releaseBatch = resolve; });
  await page.route((url) => isBatch(url), async (route) => {
    await held;
    await route.continue().catch(() => {});
  });
  await coldPage(page, `<p>${span("E11.9")} ${span("I21.9")}</p>`);
  await code(page, "E11.9").click();
  await expect(dialog(page)).toContainText(SEED);
  // The card's words, without the scroll cue (an arrow that comes and goes with placement).
  const words = async () => (await dialog(page).innerText()).replace(/\s*↓\s*/g, "\n").trim();
  const complete = await words();
  releaseBatch();
  await page.waitForResponse((r) => isBatch(new URL(r.url())));
  await page.waitForTimeout(500);
  expect(await words()).toBe(complete);
  await expect(dialog(page).locator(".cc-rest")).toHaveCount(0);
  expect(uncaught(errors)).toEqual([]);
});

// A cold batch that never answers (a proxy holding the connection): the module's own batches give
// up after the instance's timeout (data-timeout), then hovers peek one code at a time again. The
// loader's batch had no deadline, and the module kept each code in view "on its way" with it, so a
// reader resting on the next code got no public part before its metered lookup (found by this
// review; the module now gives the loader's batch its own deadline).
test("a cold batch that never answers gives up after data-timeout: a hover on another code in view then peeks it", async ({ page }) => {
  const errors = watchErrors(page);
  await page.route((url) => isBatch(url), () => {}); // never answered
  await coldPage(page, `<p>${span("E11.9")} ${span("I21.9")}</p>`, { attributes: { "data-timeout": "1000" } });
  await code(page, "E11.9").click();
  await expect(dialog(page)).toContainText(SEED);
  await closeCard(page);
  await page.waitForTimeout(2500); // well past the 1 s the instance allows a request
  const release = await holdLookups(page);
  await code(page, "I21.9").hover();
  await page.waitForTimeout(400); // a hover peek starts after 80 ms of rest
  await code(page, "I21.9").click();
  await expect(dialog(page).locator(".cc-card")).toContainText(I219);
  release();
  await expect(dialog(page)).toContainText(SEED);
  expect(uncaught(errors)).toEqual([]);
});

// The control for the test above: a cold batch that fails at once is forgotten, and a hover on
// the next code peeks it on its own (README: after a batch fails, "hovers still peek one code").
test("a cold batch that fails: a hover on another code in view then peeks it on its own", async ({ page }) => {
  const errors = watchErrors(page);
  await page.route((url) => isBatch(url), (route) =>
    route.fulfill({ status: 503, contentType: "application/json", body: '{"error":{"kind":"storage_unavailable","message":"x"}}' }));
  const asked = await coldPage(page, `<p>${span("E11.9")} ${span("I21.9")}</p>`);
  await code(page, "E11.9").click();
  await expect(dialog(page)).toContainText(SEED);
  await closeCard(page);
  const release = await holdLookups(page);
  await code(page, "I21.9").hover();
  await expect.poll(() => asked.singles).toContain("/v1/peek/icd10cm/I219");
  await code(page, "I21.9").click();
  await expect(dialog(page).locator(".cc-card")).toContainText(I219);
  release();
  await expect(dialog(page)).toContainText(SEED);
  expect(uncaught(errors)).toEqual([]);
});

// A page's element with a huge data-code (a pasted note, say) in view: the batch's address grows
// by as much; the clicked code still gets its public part and its card completes.
test("a 40,000-character data-code in view does not keep the clicked code's card from its public part or from completing", async ({ page }) => {
  const errors = watchErrors(page);
  await coldPage(page, `<p>${span("E11.9")} <span data-code="${"Z".repeat(40000)}">long</span> ${span("I21.9")}</p>`);
  const release = await holdLookups(page);
  await code(page, "E11.9").click();
  await expect(dialog(page).locator(".cc-card")).toContainText(E119);
  release();
  await expect(dialog(page)).toContainText(SEED);
  expect(uncaught(errors)).toEqual([]);
});

// --- An unmetered endpoint ------------------------------------------------------------------------

// README: on a --no-meter endpoint the cold card shows its public part, then the rest.
test("on an unmetered endpoint a cold click's card completes by its lookup, and the next code's public part comes from the batch", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  const asked = await coldPage(page, `<p>${span("E11.9")} ${span("I21.9")}</p>`, { server: baseURL });
  await code(page, "E11.9").click();
  await expect(dialog(page).locator(".cc-card")).toContainText(E119);
  await expect(dialog(page).locator(".cc-rest")).toHaveCount(0);
  expect(asked.batches[0]).toBe("E11.9,I21.9");
  expect(asked.lookups.length).toBe(1);
  await closeCard(page);
  await starvePublic(page);
  const release = await publicPartFirst(page, I219, () => code(page, "I21.9").click());
  release();
  await expect(dialog(page).locator(".cc-rest")).toHaveCount(0);
  expect(uncaught(errors)).toEqual([]);
});

// --- Metered endpoint: the paywall -------------------------------------------------------------

test("on the metered endpoint the cold batch carries no gated content and spends no view; the card gets its metered lookup", async ({ page }) => {
  const errors = watchErrors(page);
  const batch = page.waitForResponse((r) => isBatch(new URL(r.url())));
  const asked = await coldPage(page, `<p>${span("E11.9")} ${span("I10")}</p>`);
  const release = await holdLookups(page);
  await code(page, "E11.9").click();
  const answer = await (await batch).json();
  expect(answer.peeks.length).toBe(2);
  for (const entry of answer.peeks) {
    for (const section of entry.sections) expect(section.content, section.id).toBeNull();
    expect(entry.meter ?? null).toBeNull();
  }
  await expect(dialog(page).locator(".cc-card")).toContainText(E119);
  expect(asked.lookups).toEqual(["/v1/codes/icd10cm/E119"]);
  release();
  await expect(dialog(page)).toContainText(SEED);
  // The guest's one view went to this card: it is whole, not the paywall's.
  await expect(dialog(page)).not.toContainText("Register to view this code");
  expect(uncaught(errors)).toEqual([]);
});

// --- The module fails to load --------------------------------------------------------------------

test("on a cold page whose card module fails to load, the click still opens the fallback card and the batch's failure is quiet", async ({ page }) => {
  const errors = watchErrors(page);
  const asked = await coldPage(page, `<p>${span("E11.9")} ${span("I21.9")}</p>`, { wasm: (route) => route.abort("connectionrefused") });
  await code(page, "E11.9").click();
  await expect(dialog(page)).toContainText("cannot be reached");
  expect(asked.batches).toEqual(["E11.9,I21.9"]);
  await page.waitForTimeout(500);
  expect(errors.filter((e) => !e.includes("Failed to load resource") && !e.includes("ERR_CONNECTION_REFUSED"))).toEqual([]);
});
