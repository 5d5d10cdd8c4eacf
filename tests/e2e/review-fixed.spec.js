// The card body drawn as fixed markup (issue 14: one renderer, buttons that carry what they do in
// `data-opens` / `data-action`, one click listener in the card's frame) and the codes-in-view batch
// sent at mount, as a reviewer who wrote none of it tried to break them: a site owner's odd pages
// (keyboard only, Spanish, right to left, global button styles, Trusted Types, an SPA), a coder's
// real codes, a hostile endpoint, and the metered paywall.
const { test, expect } = require("@playwright/test");
const { dialog, code, watchErrors, thirdPartyPage, plainPage, focused, registerAccount, logInInPopup, open, holdLookups, trustedPage } = require("./helpers");

const metered = process.env.CODECARD_METERED_URL || "http://127.0.0.1:18081";
const host = (page) => page.locator("[data-codecard-host]");
const title = (page) => dialog(page).locator("#cc-title");

/** Makes every peek (single and batch) fail, so that only the metered lookup brings a card. */
const failPeeks = (page) => page.route((url) => url.pathname.startsWith("/v1/peek"), (route) => route.abort());

/** Opens the card of `c` with the keyboard alone: focus the code, press Enter. */
async function openByKeyboard(page, c) {
  await code(page, c).focus();
  await page.keyboard.press("Enter");
  await expect(dialog(page)).toBeVisible();
}

/** Tabs through the open card from its start until it closes; returns every control focused. */
async function tabThrough(page, max = 120) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (!(await dialog(page).count())) break;
    const f = await focused(page);
    if (!f.inCard) break;
    seen.push(f);
  }
  return seen;
}

// ---------------------------------------------------------------------------------------------
// 1. A site owner's odd pages
// ---------------------------------------------------------------------------------------------

test("keyboard alone: Tab reaches every button of a card with related codes and note codes, in order, then leaves", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p>Dx <span data-code="E08.9">E08.9</span> <a href="#after" id="after">after</a></p>');
  await openByKeyboard(page, "E08.9");
  await expect(dialog(page).locator("[data-section=coding_notes]")).toBeVisible();
  const buttons = await dialog(page).locator("button").evaluateAll((bs) => bs.map((b) => b.getAttribute("data-opens") || b.getAttribute("data-action")));
  expect(buttons.length).toBeGreaterThan(10);
  const seen = await tabThrough(page);
  const reached = seen.filter((f) => f.tag === "button" && (f.opens || f.action)).map((f) => f.opens || f.action);
  expect(reached).toEqual(buttons);
  // Past the last control the card closed and focus moved on to what follows the code.
  await expect(dialog(page)).toHaveCount(0);
  expect((await focused(page)).text).toBe("after");
  expect(errors).toEqual([]);
});

test("keyboard alone: Enter on a related code opens that code of its system and focus stays in the new card", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p>Dx <span data-code="E08.9">E08.9</span></p>');
  await openByKeyboard(page, "E08.9");
  const related = dialog(page).locator("[data-section=related] button[data-opens='E08.21'], [data-section=related] button[data-opens='E08.0']").first();
  await expect(related).toBeVisible();
  const target = await related.getAttribute("data-opens");
  await related.focus();
  await page.keyboard.press("Enter");
  await expect(title(page)).toContainText(target);
  await expect(title(page)).toContainText("ICD-10-CM");
  await expect(dialog(page)).toContainText("Diabetes due to underlying condition");
  expect((await focused(page)).inCard, "focus is in the card after a related code opened").toBe(true);
  // The code on the page still says it has a card open; Escape closes it and returns focus to it.
  await expect(code(page, "E08.9")).toHaveAttribute("aria-expanded", "true");
  await page.keyboard.press("Escape");
  await expect(dialog(page)).toHaveCount(0);
  expect((await focused(page)).code).toBe("E08.9");
  expect(errors).toEqual([]);
});

test("keyboard alone: Space on a note's code button opens the code the note names (E24.- opens category E24)", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p>Dx <span data-code="E08.9">E08.9</span></p>');
  await openByKeyboard(page, "E08.9");
  const note = dialog(page).locator("button.cc-note-code", { hasText: "E24.-" });
  await expect(note).toHaveAttribute("data-opens", "E24");
  await expect(note).toHaveAttribute("data-opens-system", "icd10cm");
  await note.focus();
  await page.keyboard.press("Space");
  await expect(title(page)).toContainText("E24");
  await expect(dialog(page)).toContainText("Cushing");
  expect((await focused(page)).inCard).toBe(true);
  expect(errors).toEqual([]);
});

test("keyboard alone: after Try again brings the card, focus is still inside the card", async ({ page, baseURL }) => {
  await failPeeks(page);
  let failing = true;
  await page.route(/\/v1\/codes\/[^e]/, (route) => (failing ? route.abort() : route.continue()));
  await plainPage(page, baseURL, '<p>Dx <span data-code="I10">I10</span> <a href="#next">next</a></p>');
  await openByKeyboard(page, "I10");
  const retry = dialog(page).locator("button[data-action=retry]");
  await expect(retry).toHaveText("Try again");
  // Tab to it as a keyboard user does.
  let f;
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press("Tab");
    f = await focused(page);
    if (f.action === "retry") break;
  }
  expect(f.action).toBe("retry");
  failing = false;
  await page.keyboard.press("Enter");
  await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  const after = await focused(page);
  expect(after.inCard, `focus after Try again: ${JSON.stringify(after)}`).toBe(true);
});

test("keyboard alone: with data-ask, Enter on the ask button dispatches codecard:ask with the card's code and system", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p>Billed <span data-code="99214" data-code-system="cpt">99214</span></p>', { "data-ask": "" });
  await page.evaluate(() => {
    window.__asked = [];
    document.addEventListener("codecard:ask", (e) => { window.__asked.push(e.detail); e.preventDefault(); });
  });
  await openByKeyboard(page, "99214");
  const ask = dialog(page).locator("button[data-action=ask]");
  await expect(ask).toHaveText("Ask about this code");
  const seen = await (async () => {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      const f = await focused(page);
      if (f.action === "ask") return f;
    }
    return null;
  })();
  expect(seen, "Tab reaches the ask button").not.toBeNull();
  await page.keyboard.press("Enter");
  await expect.poll(() => page.evaluate(() => window.__asked)).toEqual([{ code: "99214", system: "cpt", url: null }]);
  await expect(dialog(page)).toBeVisible();
  expect(errors).toEqual([]);
});

test("Spanish page: loading, failure, rest failed, not found, not valid and which-system are all in Spanish", async ({ page, baseURL }) => {
  await failPeeks(page);
  let mode = "hold";
  let release;
  const held = new Promise((r) => (release = r));
  await page.route(/\/v1\/codes\/[^e]/, async (route) => {
    if (mode === "hold") { await held; return route.abort().catch(() => {}); }
    if (mode === "fail") return route.abort();
    return route.continue();
  });
  const codes = ["I10", "Z99.999", "E11..9", "J1100"];
  await plainPage(page, baseURL, `<p lang="es">${codes.map((c) => `<span data-code="${c}">${c}</span>`).join(" ")}</p>`, { "data-lang": "es" });
  const english = /Try again|Looking up|could not|not found|Not a valid|Which code|Loading the rest|Log in|Register/;

  await open(page, "I10");
  await expect(dialog(page)).toContainText("Buscando I10");
  expect(await dialog(page).innerText()).not.toMatch(english);
  mode = "fail";
  release();
  await expect(dialog(page).locator("[data-action=retry]")).toHaveText("Reintentar");
  await expect(dialog(page)).toContainText("No se pudo consultar este código");
  expect(await dialog(page).innerText()).not.toMatch(english);

  mode = "pass";
  await open(page, "Z99.999");
  await expect(dialog(page)).toContainText("Código no encontrado");
  expect(await dialog(page).innerText()).not.toMatch(english);
  await open(page, "E11..9");
  await expect(dialog(page)).toContainText("Código no válido");
  expect(await dialog(page).innerText()).not.toMatch(english);
  await open(page, "J1100");
  await expect(dialog(page)).toContainText("¿Qué sistema de codificación?");
  expect(await dialog(page).innerText()).not.toMatch(english);
  await expect(dialog(page).locator(".cc-choices button")).toHaveText(["ICD-10-CM J11.00", "HCPCS Level II J1100"]);
});

test("right-to-left page: the card body and its buttons are laid out left to right and the buttons work", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p dir="rtl">تشخيص <span data-code="J1100">J1100</span></p>');
  await page.evaluate(() => document.documentElement.setAttribute("dir", "rtl"));
  await open(page, "J1100");
  const choice = dialog(page).locator(".cc-choices button[data-opens-system=hcpcs]");
  await expect(choice).toBeVisible();
  expect(await choice.evaluate((b) => getComputedStyle(b).direction)).toBe("ltr");
  expect(await dialog(page).locator(".cc-body").evaluate((b) => getComputedStyle(b).direction)).toBe("ltr");
  await choice.click();
  await expect(title(page)).toContainText("HCPCS");
  await expect(dialog(page)).toContainText("dexamethasone");
  expect(errors).toEqual([]);
});

test("a page that styles button, [data-action] and [data-opens] globally, and handles their clicks itself, changes nothing in the card", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p>Dx <span data-code="E08.9">E08.9</span> <button data-action="retry">page retry</button></p>');
  await page.evaluate(() => {
    const style = document.createElement("style");
    style.textContent = `button, [data-action], [data-opens], [data-opens-system], .cc-link, .cc-button
      { display: none !important; visibility: hidden !important; pointer-events: none !important; color: red !important; }`;
    document.head.append(style);
    window.__pageHandled = 0;
    document.addEventListener("click", (e) => { if (e.target.closest && e.target.closest("[data-action],[data-opens]")) window.__pageHandled++; });
  });
  await open(page, "E08.9");
  const related = dialog(page).locator("[data-section=related] button").first();
  await expect(related).toBeVisible();
  expect(await related.evaluate((b) => getComputedStyle(b).color)).not.toBe("rgb(255, 0, 0)");
  const target = await related.getAttribute("data-opens");
  await related.click();
  await expect(title(page)).toContainText(target);
  expect(await page.evaluate(() => window.__pageHandled), "the page's own delegated handler never sees the card's buttons as its own").toBe(0);
  expect(errors).toEqual([]);
});

test("a page under require-trusted-types-for 'script' draws every fixed part (notes, related, choices, retry) with no violation", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  const violations = [];
  page.on("console", (m) => /TrustedHTML|Trusted Type/i.test(m.text()) && violations.push(m.text()));
  await trustedPage(page, baseURL, '<p><span data-code="E08.9">E08.9</span> <span data-code="J1100">J1100</span> <span data-code="0DTJ4ZZ">0DTJ4ZZ</span></p>');
  await open(page, "E08.9");
  await expect(dialog(page).locator("button.cc-note-code").first()).toBeVisible();
  await open(page, "J1100");
  await dialog(page).locator(".cc-choices button[data-opens-system=icd10cm]").click();
  await expect(dialog(page)).toContainText("Influenza");
  await open(page, "0DTJ4ZZ");
  await expect(dialog(page).locator("table.cc-axes tr")).toHaveCount(7);
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
  expect(violations).toEqual([]);
  expect(errors).toEqual([]);
});

test("an SPA that re-renders its codes: the open card closes with its code, and the re-rendered code opens its card and its buttons", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<div id="app"><p>Dx <span data-code="E08.9">E08.9</span></p></div>');
  await open(page, "E08.9");
  await expect(dialog(page).locator("[data-section=related] button").first()).toBeVisible();
  for (let i = 0; i < 3; i++) {
    await page.evaluate((i) => {
      const app = document.getElementById("app");
      app.replaceChildren();
      const p = document.createElement("p");
      p.append(`Dx (render ${i}) `);
      const s = document.createElement("span");
      s.dataset.code = "E08.9";
      s.textContent = "E08.9";
      p.append(s);
      app.append(p);
    }, i);
    await expect(dialog(page)).toHaveCount(0);
    await expect(code(page, "E08.9")).toHaveAttribute("data-codecard-ready", "");
    await code(page, "E08.9").click();
    await expect(dialog(page).locator("[data-section=related] button").first()).toBeVisible();
  }
  await dialog(page).locator("[data-section=related] button[data-opens='E08.1']").click();
  await expect(title(page)).toContainText("E08.1");
  expect(errors).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// 2. A coder's real codes
// ---------------------------------------------------------------------------------------------

test("7th characters: S72.001A names its own (A, initial encounter) and lists A, B, C, D, …; T36.0X1A says the placeholder X fills a position", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p><span data-code="S72.001A">S72.001A</span> <span data-code="T36.0X1A">T36.0X1A</span></p>');
  await open(page, "S72.001A");
  const seventh = dialog(page).locator(".cc-seventh");
  await expect(seventh.locator(".cc-seventh-this")).toContainText("A");
  await expect(seventh.locator(".cc-seventh-this")).toContainText("initial encounter for closed fracture");
  await expect(seventh.locator("dt")).toContainText(["A", "B", "C", "D"]);
  await expect(dialog(page).locator(".cc-notes[data-kind=excludes2]").first()).toBeVisible();
  await open(page, "T36.0X1A");
  await expect(dialog(page).locator(".cc-seventh .cc-notes-explain").first()).toContainText(/placeholder|X/);
  await expect(dialog(page).locator(".cc-seventh dt")).toHaveText(["A", "D", "S"]);
  expect(errors).toEqual([]);
});

test("ICD-10-PCS 0DTJ4ZZ: the axes table has its seven characters with names and the root operation's definition", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p><span data-code="0DTJ4ZZ">0DTJ4ZZ</span></p>');
  await open(page, "0DTJ4ZZ");
  const rows = dialog(page).locator("table.cc-axes tr");
  await expect(rows).toHaveCount(7);
  await expect(rows.locator("th .cc-char")).toHaveText(["0", "D", "T", "J", "4", "Z", "Z"]);
  await expect(rows.nth(2)).toContainText("Root Operation");
  await expect(rows.nth(2).locator(".cc-definition")).not.toBeEmpty();
  expect(errors).toEqual([]);
});

test("Code first / Excludes1 notes of E08.9: each note's code button opens exactly the code the note names", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p><span data-code="E08.9">E08.9</span></p>');
  await open(page, "E08.9");
  await expect(dialog(page).locator(".cc-notes", { hasText: "Code first" }).first()).toBeVisible();
  await expect(dialog(page).locator(".cc-notes[data-kind=excludes1]").first()).toBeVisible();
  for (const [written, opened, words] of [["P35.0", "P35.0", "rubella"], ["Z79.4", "Z79.4", "insulin"], ["E09.-", "E09", "Drug or chemical induced diabetes"]]) {
    await open(page, "E08.9");
    await dialog(page).locator("button.cc-note-code", { hasText: written }).first().click();
    await expect(title(page)).toContainText(opened);
    await expect(dialog(page)).toContainText(new RegExp(words, "i"));
  }
  expect(errors).toEqual([]);
});

test("ambiguous J1100: one button per system, each opens that system's card; CPT 99214 and HCPCS demo cards show", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p><span data-code="J1100">J1100</span> <span data-code="99214" data-code-system="cpt">99214</span></p>');
  await open(page, "J1100");
  const choices = dialog(page).locator(".cc-choices button");
  await expect(choices).toHaveCount(2);
  await expect(choices.nth(0)).toHaveAttribute("data-opens-system", "icd10cm");
  await expect(choices.nth(1)).toHaveAttribute("data-opens-system", "hcpcs");
  await choices.nth(1).click();
  await expect(title(page)).toContainText("J1100");
  await expect(title(page)).toContainText("HCPCS");
  await expect(dialog(page)).toContainText("dexamethasone sodium phosphate");
  await open(page, "J1100");
  await dialog(page).locator(".cc-choices button[data-opens-system=icd10cm]").click();
  await expect(title(page)).toContainText("J11.00");
  await expect(dialog(page)).toContainText("Influenza");
  await open(page, "99214");
  await expect(title(page)).toContainText("CPT");
  await expect(dialog(page)).toContainText("Summary written by codecard");
  expect(errors).toEqual([]);
});

test("unknown and malformed codes get their own plain states with no Try again", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p><span data-code="Z99.999">Z99.999</span> <span data-code="E11..9">E11..9</span></p>');
  await open(page, "Z99.999");
  await expect(dialog(page).locator(".cc-unavailable")).toContainText("Code not found");
  await expect(dialog(page).locator("[data-action=retry]")).toHaveCount(0);
  await open(page, "E11..9");
  await expect(dialog(page).locator(".cc-unavailable")).toContainText("Not a valid code");
  await expect(dialog(page).locator("[data-action=retry]")).toHaveCount(0);
  expect(errors.filter((e) => !/status of 40[04]/.test(e))).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// 3. A hostile endpoint
// ---------------------------------------------------------------------------------------------

/** Markup and attribute-breaking text, tagged so that a canary says which field ran. */
const X = (tag) =>
  `<img src=x onerror="window.__pwned='${tag}'"><script>window.__pwned='${tag}'<\/script>"' data-action="log-in" data-opens="I10" onclick="window.__pwned='${tag}'" <svg onload=window.__pwned='${tag}'>`;
const hostileCard = {
  code: "I10", display_code: X("display"), system: "icd10cm", release: X("release"), billable: true,
  short_description: X("short"), long_description: X("long"), descriptor_note: X("descriptor"), plain_language: X("plain"),
  hierarchy: [{ level: "chapter", code: X("hcode"), title: X("htitle") }],
  axes: [{ position: 1, name: X("axname"), value: X("axvalue"), label: X("axlabel"), definition: X("axdef") }],
  attribution: X("attribution"),
  also_indexed_as: [X("indexed")],
  sections: [
    { id: "coding_tips", content: { type: "text", paragraphs: [X("para")] } },
    { id: "related", content: { type: "codes", codes: [{ system: "hcpcs", display_code: X("related"), title: X("reltitle") }] } },
    {
      id: "coding_notes",
      content: {
        type: "notes",
        groups: [{ kind: "excludes1", from: { level: "category", code: X("from") }, notes: [{ text: X("note") + " (E10.-)", codes: [{ start: 5, end: 40, code: X("notecode") }, { start: 0, end: 9999999, code: "E10" }] }] }],
        seventh: { defined_at: X("defined"), this: { character: X("this"), meaning: X("meaning") }, placeholder: true, values: [{ character: X("vc"), meaning: X("vm") }] },
      },
    },
  ],
  meter: { plan: "free", remaining: 3, limit: 6, free_limit: 6, counted: true, account: X("account") },
  paywalled: false,
  "__proto__": { polluted: "yes" },
  constructor: { prototype: { polluted: "yes" } },
};

/** Answers every card lookup and peek of the page with `body` (a string: sent as it is). */
async function hostileEndpoint(page, body, status = 200) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  await page.route((url) => url.pathname.startsWith("/v1/codes/") && url.pathname !== "/v1/codes/exists" || url.pathname.startsWith("/v1/peek"), (route) =>
    route.fulfill({ status, contentType: "application/json", body: text })
  );
}

/** Everything in the card that is not the card's own markup: elements and attributes. */
const intruders = (page) =>
  page.evaluate(() => {
    const root = document.querySelector("[data-codecard-host]").shadowRoot;
    const found = [];
    for (const el of root.querySelectorAll("*")) {
      if (["IMG", "SCRIPT", "SVG", "svg", "IFRAME", "OBJECT"].includes(el.tagName)) found.push(`element ${el.tagName}`);
      for (const a of el.attributes) if (/^on/i.test(a.name)) found.push(`attribute ${a.name} on ${el.tagName}`);
      if (el.hasAttribute("data-action") && el.hasAttribute("data-opens")) found.push(`both actions on ${el.tagName}`);
      if (el.hasAttribute("data-action") && !["log-in", "register", "log-out", "retry", "ask", "close"].includes(el.getAttribute("data-action"))) found.push("odd data-action");
    }
    return found;
  });

test("a hostile card with markup in every string field: nothing runs, no element or attribute is injected, the text shows as text", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await hostileEndpoint(page, hostileCard);
  await plainPage(page, baseURL, '<p><span data-code="I10">I10</span></p>');
  await open(page, "I10");
  await expect(dialog(page).locator(".cc-attribution")).toContainText("<img src=x");
  for (const sel of [".cc-description", ".cc-note", ".cc-htitle", ".cc-hcode", ".cc-axes", "[data-section=coding_tips] p", ".cc-related", ".cc-notes", ".cc-seventh", ".cc-also-indexed", ".cc-account-email", ".cc-release"]) {
    await expect(dialog(page).locator(sel).first(), sel).toContainText("onerror=");
  }
  await page.waitForTimeout(300);
  expect(await intruders(page)).toEqual([]);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  expect(await page.evaluate(() => ({}).polluted)).toBeUndefined();
  // The related code's button opens the text it carries, as a code: it is no action.
  const related = dialog(page).locator(".cc-related button");
  await expect(related).toHaveAttribute("data-opens", X("related"));
  await expect(related).not.toHaveAttribute("data-action", /.*/);
  expect(errors).toEqual([]);
});

test("a hostile related code or note code whose text reads like an action opens a card, never logs out or opens a popup", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  const card = {
    ...hostileCard,
    display_code: "I10",
    meter: null,
    sections: [
      { id: "related", content: { type: "codes", codes: [{ system: "icd10cm", display_code: "log-in", title: "x" }, { system: "icd10cm", display_code: "retry", title: "y" }] } },
      { id: "coding_notes", content: { type: "notes", groups: [{ kind: "note", from: null, notes: [{ text: "see register now", codes: [{ start: 4, end: 12, code: "register" }] }] }], seventh: null } },
    ],
  };
  await hostileEndpoint(page, card);
  await plainPage(page, baseURL, '<p><span data-code="I10">I10</span></p>');
  let popups = 0;
  page.on("popup", () => popups++);
  await open(page, "I10");
  await dialog(page).locator(".cc-related button", { hasText: "log-in" }).click();
  // A code to look up, written as the button carried it (not a code at all: the card says so).
  await expect(title(page)).toContainText("log-in");
  await expect(dialog(page).locator(".cc-unavailable")).toContainText("Not a valid code");
  await open(page, "I10");
  await dialog(page).locator(".cc-note-code", { hasText: "register" }).click();
  await page.waitForTimeout(500);
  expect(popups).toBe(0);
  expect(await intruders(page)).toEqual([]);
  expect(errors).toEqual([]);
});

const WRONG = {
  "wrong types (hierarchy a string, billable a string, sections an object)": { ...hostileCard, hierarchy: "x", billable: "yes", sections: { a: 1 } },
  "a card that is a list": [hostileCard],
  "HTML instead of JSON": `<html><body><img src=x onerror="window.__pwned='html'"></body></html>`,
  "a meter with negative and huge numbers": { ...hostileCard, meter: { plan: "guest", remaining: -1, limit: 1e30, free_limit: "5", counted: "yes", account: null } },
  "an unknown system and section id": { ...hostileCard, system: "icd11", sections: [{ id: "evil", content: { type: "html", html: X("html") } }] },
};
for (const [name, body] of Object.entries(WRONG)) {
  test(`a hostile card with ${name}: the card says the answer was unreadable, with Try again, and nothing runs`, async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await hostileEndpoint(page, body);
    await plainPage(page, baseURL, '<p><span data-code="I10">I10</span></p>');
    await open(page, "I10");
    await expect(dialog(page).locator(".cc-problem")).toBeVisible();
    await expect(dialog(page).locator("[data-action=retry]")).toHaveText("Try again");
    expect(await intruders(page)).toEqual([]);
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    expect(errors.filter((e) => !/^console: codecard/.test(e))).toEqual([]);
  });
}

test("a hostile error answer: its message shows as text, a smuggled candidate list never becomes an action", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await hostileEndpoint(page, { error: { kind: "ambiguous_code", message: X("message"), candidates: ["icd10cm", "hcpcs", "icd10cm"] } }, 300);
  await plainPage(page, baseURL, '<p><span data-code="J1100">J1100</span></p>');
  await open(page, "J1100");
  await expect(dialog(page).locator(".cc-problem-message")).toContainText("onerror=");
  expect(await intruders(page)).toEqual([]);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  expect(errors.filter((e) => !/status of 300/.test(e))).toEqual([]);
});

test("a hostile card with 50,000 hierarchy levels, related codes and notes breaks nothing on the page", async ({ page, baseURL }) => {
  // Some 300,000 elements to draw and count: on a loaded machine that alone outlasts the default 30 s.
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  const n = 50000;
  const card = {
    ...hostileCard, display_code: "I10", meter: null,
    hierarchy: Array.from({ length: n }, (_, i) => ({ level: "block", code: "B" + i, title: "level " + i })),
    sections: [
      { id: "related", content: { type: "codes", codes: Array.from({ length: n }, (_, i) => ({ system: "icd10cm", display_code: "R" + i, title: "t" })) } },
      { id: "coding_notes", content: { type: "notes", groups: [{ kind: "note", from: null, notes: Array.from({ length: n }, (_, i) => ({ text: "note E10 " + i, codes: [{ start: 5, end: 8, code: "E10" }] })) }], seventh: null } },
    ],
  };
  await hostileEndpoint(page, card);
  await plainPage(page, baseURL, '<p><span data-code="I10">I10</span> <button id="page-button">page</button></p>');
  await open(page, "I10");
  await expect(dialog(page).locator(".cc-related li")).toHaveCount(n, { timeout: 90_000 });
  await page.keyboard.press("Escape");
  await expect(dialog(page)).toHaveCount(0);
  await page.locator("#page-button").click();
  expect(errors).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// 4. The paywall on the metered server
// ---------------------------------------------------------------------------------------------

const CODES = ["I10", "E11.65", "E11.9"];
const meteredPage = (page, attributes = {}) =>
  thirdPartyPage(page, metered, { scriptBase: metered, endpoint: metered, attributes, body: `<ul>${CODES.map((c) => `<li><span data-code="${c}">${c}</span></li>`).join("")}</ul>` });

test("guest: one card, then the paywall; Log in (by keyboard) opens the endpoint's page in a popup and the card unlocks in place", async ({ page }, info) => {
  const errors = watchErrors(page);
  const email = `rev.${Date.now()}.${info.workerIndex}@clinic.example`;
  await registerAccount(page, metered, email);
  await meteredPage(page);
  await open(page, "I10");
  await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  await expect(dialog(page).locator(".cc-meter")).toContainText("0 code page views remaining");
  await open(page, "E11.65");
  const paywall = dialog(page).locator(".cc-paywall");
  await expect(paywall).toContainText("Register to view this code");
  await expect(paywall.locator("button")).toHaveText(["Log in", "Register free account"]);
  await expect(dialog(page)).not.toContainText("with hyperglycemia");
  await paywall.locator("[data-action=log-in]").focus();
  const [popup] = await Promise.all([page.waitForEvent("popup"), page.keyboard.press("Enter")]);
  await popup.waitForLoadState();
  expect(new URL(popup.url()).origin).toBe(new URL(metered).origin);
  expect(new URL(popup.url()).pathname).toBe("/account/login");
  await logInInPopup(popup, email);
  await expect(dialog(page)).toContainText("Type 2 diabetes mellitus with hyperglycemia");
  await expect(dialog(page).locator(".cc-account-email")).toContainText(email);
  await expect(dialog(page).locator("[data-action=log-out]")).toHaveText("Log out");
  await expect(dialog(page).locator(".cc-paywall")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("Spanish paywall: heading, meter line and both account buttons are in Spanish, and Register opens the popup", async ({ page }) => {
  const errors = watchErrors(page);
  await meteredPage(page, { "data-lang": "es" });
  await open(page, "I10");
  await expect(dialog(page).locator(".cc-meter")).toContainText("0");
  await open(page, "E11.9");
  const paywall = dialog(page).locator(".cc-paywall");
  await expect(paywall.locator("h3")).toHaveText("Regístrese para ver este código");
  await expect(paywall.locator("button")).toHaveText(["Iniciar sesión", "Crear cuenta gratuita"]);
  expect(await dialog(page).innerText()).not.toMatch(/page views? remaining|Guest accounts|Register|Log in|Locked|Available/);
  const [popup] = await Promise.all([page.waitForEvent("popup"), paywall.locator("[data-action=register]").click()]);
  await popup.waitForLoadState();
  expect(new URL(popup.url()).pathname).toBe("/account/register");
  await popup.close();
  expect(errors).toEqual([]);
});

test("keyboard alone on a metered page: focus on the ask button of a card's public part stays in the card when the rest arrives", async ({ page }) => {
  const errors = watchErrors(page);
  const release = await holdLookups(page);
  await meteredPage(page, { "data-ask": "" });
  await page.evaluate(() => document.addEventListener("codecard:ask", (e) => e.preventDefault()));
  // Focus rests on the code (its peek goes), then Enter opens the card: the public part shows.
  await code(page, "I10").focus();
  await page.waitForTimeout(300);
  await page.keyboard.press("Enter");
  await expect(dialog(page).locator(".cc-rest")).toBeVisible();
  let f;
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Tab");
    f = await focused(page);
    if (f.action === "ask") break;
  }
  expect(f.action).toBe("ask");
  release();
  await expect(dialog(page).locator(".cc-meter")).toBeVisible();
  await expect(dialog(page).locator(".cc-rest")).toHaveCount(0);
  const after = await focused(page);
  expect(after, "focus once the rest of the card arrived").toMatchObject({ inCard: true, action: "ask" });
  expect(errors).toEqual([]);
});

// README ("The codes in view"): the batch goes "when the page has settled (no scroll and no change
// of what is in view for 200 ms ...)", and "a reader flicking through a page fetches nothing for
// the codes passed by". Here the card module loads while the reader is still scrolling (keyboard
// focus reaches a code mid-scroll, as the README says loads it).
test("a reader scrolling through a long page when the card module mounts: no batch asks for codes passed by", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  const batches = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname === "/v1/peek" && url.searchParams.get("codes")) batches.push(...url.searchParams.get("codes").split(","));
  });
  const CODES = ["A00.0", "A00.1", "A00.9", "A01.00", "A01.01", "A01.02", "A01.03", "A01.04", "A01.05", "A01.09", "A01.1", "A01.2", "A01.3", "A01.4", "A02.0", "A02.1", "A02.20", "A02.21", "A02.22", "A02.23", "A02.24", "A02.25", "A02.29", "A02.8", "A02.9", "A03.0", "A03.1", "A03.2", "A03.3", "A03.8"];
  const body = CODES.map((c) => `<p style="height:400px;margin:0"><span data-code="${c}">${c}</span></p>`).join("");
  // The card module's files are held until the reader is scrolling: it then mounts mid-scroll.
  let release;
  const held = new Promise((r) => (release = r));
  await page.route(/\/widget\/[^/]+\/./, async (route) => { await held; await route.continue().catch(() => {}); });
  await plainPage(page, baseURL, body, {}, { ready: false });
  await expect(code(page, CODES[0])).toHaveAttribute("data-codecard-ready", "");
  // Scroll steadily for 3 s; 400 ms in, focus reaches the code then in view.
  await page.evaluate((codes) => {
    window.__scrolled = new Promise((done) => {
      const start = performance.now();
      let focusedOne = false;
      const step = () => {
        window.scrollBy(0, 20);
        const t = performance.now() - start;
        if (!focusedOne && t > 400) {
          focusedOne = true;
          const inView = codes.map((c) => document.querySelector(`[data-code="${c}"]`)).find((el) => {
            const r = el.getBoundingClientRect();
            return r.top > 0 && r.bottom < innerHeight;
          });
          inView.focus({ preventScroll: true });
        }
        if (t < 3000) requestAnimationFrame(step);
        else done();
      };
      requestAnimationFrame(step);
    });
  }, CODES);
  await page.waitForTimeout(600);
  release();
  await page.evaluate(() => window.__scrolled);
  await host(page).waitFor({ state: "attached" });
  await page.waitForTimeout(1500);
  const inViewAtEnd = await page.evaluate((codes) =>
    codes.filter((c) => {
      const r = document.querySelector(`[data-code="${c}"]`).getBoundingClientRect();
      return r.bottom > 0 && r.top < innerHeight;
    }), CODES);
  const passedBy = batches.filter((c) => !inViewAtEnd.map((x) => x.replace(".", "")).includes(c.replace(/^icd10cm\//, "").replace(".", "")));
  expect(passedBy, `batched: ${batches.join(",")}; in view at the end: ${inViewAtEnd.join(",")}`).toEqual([]);
  expect(errors).toEqual([]);
});
