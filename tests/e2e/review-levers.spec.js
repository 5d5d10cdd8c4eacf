// The last levers of the card module's size (issue 14), as a reviewer who wrote none of them tried
// to break them: the dialog's keys and presses as plain DOM listeners, the scroll cue and the
// placement class set imperatively, listeners added by effects, the account state dropped with
// the widget, the popover rebuilt in place for a second code, and the short import names of both
// wasm modules (the card, and the search box and code picker).
const { test, expect } = require("@playwright/test");
const { dialog, code, watchErrors, thirdPartyPage, plainPage, focused, frames, registerAccount, logInInPopup, open } = require("./helpers");

const metered = process.env.CODECARD_METERED_URL || "http://127.0.0.1:18081";
const title = (page) => dialog(page).locator("#cc-title");
const cardBody = (page) => dialog(page).locator(".cc-body");
const cue = (page) => dialog(page).locator(".cc-more");
/** A body that scrolls takes focus (tabindex 0) and shows the ↓ cue; one that does not, neither. */
async function expectScrollable(page, scrolls) {
  if (scrolls) {
    await expect(cardBody(page)).toHaveAttribute("tabindex", "0");
    await expect(cue(page)).toBeVisible();
  } else {
    await expect(cardBody(page)).not.toHaveAttribute("tabindex", /.*/);
    await expect(cue(page)).toBeHidden();
  }
}
/** E11.65's card in a 420 px high window: longer than the card can show. */
async function openLongCard(page, baseURL) {
  await page.setViewportSize({ width: 1000, height: 420 });
  await plainPage(page, baseURL, '<p><span data-code="E11.65">E11.65</span></p>');
  await code(page, "E11.65").click();
  await expect(dialog(page)).toContainText("Other codes in this category");
  await expect(cardBody(page)).toHaveAttribute("tabindex", "0");
}

/** Records codecard:open and codecard:close on the document, in order, in window.__events. */
const recordEvents = (page) =>
  page.evaluate(() => {
    window.__events = [];
    for (const type of ["codecard:open", "codecard:close"]) {
      document.addEventListener(type, (e) => window.__events.push(`${type.slice(9)} ${e.detail.code}`));
    }
  });
const events = (page) => page.evaluate(() => window.__events);

/** Counts every metered card lookup (GET /v1/codes/..., not /exists) the page sends. */
function countLookups(page) {
  const seen = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (r.method() === "GET" && /^\/v1\/codes\/(?!exists)/.test(url.pathname)) seen.push(url.pathname);
  });
  return seen;
}

/** The code's and the card's rectangles, in CSS pixels of the viewport. */
const rects = (page, c) =>
  page.evaluate((c) => {
    const r = (el) => { const b = el.getBoundingClientRect(); return { top: b.top, bottom: b.bottom, left: b.left, right: b.right }; };
    const card = document.querySelector("[data-codecard-host]").shadowRoot.querySelector("[role=dialog]");
    return { code: r(document.querySelector(`[data-code="${c}"]`)), card: r(card) };
  }, c);

const dialogClass = (page) => dialog(page).getAttribute("class");
/** Once the card has settled with class `cls`: the rectangles of the card and of code `c`. */
async function placed(page, c, cls) {
  await frames(page);
  await expect.poll(() => dialogClass(page)).toBe(cls);
  return rects(page, c);
}

// ---------------------------------------------------------------------------------------------
// 1. Keyboard: the dialog's keydown listener
// ---------------------------------------------------------------------------------------------

test.describe("keyboard", () => {
  const body = '<p><a href="#before" id="before">before</a> Dx <span data-code="I10">I10</span> <a href="#after" id="after">after</a></p>';
  /** I10's card opened with Enter on its code, the widget's open and close events recorded. */
  const openByKeyboard = async (page, baseURL) => {
    await plainPage(page, baseURL, body);
    await recordEvents(page);
    await code(page, "I10").focus();
    await page.keyboard.press("Enter");
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  };

  test("Tab past the last control closes the card once and moves on to what follows the code", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await openByKeyboard(page, baseURL);
    for (let i = 0; i < 80 && (await dialog(page).count()); i++) await page.keyboard.press("Tab");
    await expect(dialog(page)).toHaveCount(0);
    expect((await focused(page)).id).toBe("after");
    await expect(code(page, "I10")).toHaveAttribute("aria-expanded", "false");
    expect(await events(page)).toEqual(["open I10", "close I10"]);
    expect(errors).toEqual([]);
  });

  test("Shift+Tab from the close button (the first control) closes the card and returns focus to the code", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await openByKeyboard(page, baseURL);
    await page.keyboard.press("Tab");
    expect((await focused(page)).action).toBe("close");
    await page.keyboard.press("Shift+Tab");
    await expect(dialog(page)).toHaveCount(0);
    expect((await focused(page)).code).toBe("I10");
    expect(await events(page)).toEqual(["open I10", "close I10"]);
    expect(errors).toEqual([]);
  });

  test("Shift+Tab straight after opening (focus on the dialog itself) closes the card and returns focus to the code", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await plainPage(page, baseURL, body);
    await code(page, "I10").focus();
    await page.keyboard.press("Enter");
    await expect(dialog(page)).toBeVisible();
    await page.keyboard.press("Shift+Tab");
    await expect(dialog(page)).toHaveCount(0);
    expect((await focused(page)).code).toBe("I10");
    expect(errors).toEqual([]);
  });

  test("Escape closes the card once and returns focus to the code", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await openByKeyboard(page, baseURL);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Escape");
    await expect(dialog(page)).toHaveCount(0);
    expect((await focused(page)).code).toBe("I10");
    expect(await events(page)).toEqual(["open I10", "close I10"]);
    expect(errors).toEqual([]);
  });

  for (const key of ["Enter", "Space"]) {
    test(`${key} on the close button closes the card, returns focus to the code, and the card stays closed`, async ({ page, baseURL }) => {
      const errors = watchErrors(page);
      await openByKeyboard(page, baseURL);
      await page.keyboard.press("Tab");
      expect((await focused(page)).action).toBe("close");
      await page.keyboard.press(key);
      await expect(dialog(page)).toHaveCount(0);
      await page.waitForTimeout(300);
      await expect(dialog(page)).toHaveCount(0);
      expect((await focused(page)).code).toBe("I10");
      expect(await events(page)).toEqual(["open I10", "close I10"]);
      expect(errors).toEqual([]);
    });
  }

  test("after a related code rebuilt the card in place, Tab past its last control still closes it and moves on", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await plainPage(page, baseURL, '<p>Dx <span data-code="E08.9">E08.9</span> <a href="#after" id="after">after</a></p>');
    await recordEvents(page);
    await code(page, "E08.9").focus();
    await page.keyboard.press("Enter");
    const related = dialog(page).locator("[data-section=related] button[data-opens]").first();
    await expect(related).toBeVisible();
    const target = await related.getAttribute("data-opens");
    await related.focus();
    await page.keyboard.press("Enter");
    await expect(title(page)).toContainText(target);
    await expect(dialog(page)).toHaveCount(1);
    for (let i = 0; i < 150 && (await dialog(page).count()); i++) await page.keyboard.press("Tab");
    await expect(dialog(page)).toHaveCount(0);
    expect((await focused(page)).id).toBe("after");
    expect(await events(page)).toEqual(["open E08.9", "close E08.9", `open ${target}`, `close ${target}`]);
    expect(errors).toEqual([]);
  });

  test("Tab through a card whose body scrolls reaches the body itself, then every button, then leaves", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await page.setViewportSize({ width: 1000, height: 420 });
    await plainPage(page, baseURL, '<p>Dx <span data-code="E11.65">E11.65</span> <a href="#after" id="after">after</a></p>');
    await code(page, "E11.65").focus();
    await page.keyboard.press("Enter");
    await expect(dialog(page)).toContainText("Other codes in this category");
    await expect(cardBody(page)).toHaveAttribute("tabindex", "0");
    const seen = [];
    for (let i = 0; i < 150 && (await dialog(page).count()); i++) {
      await page.keyboard.press("Tab");
      const f = await focused(page);
      if (!f.inCard) break;
      seen.push(f.cls === "cc-body" ? "body" : f.action || f.opens);
    }
    expect(seen.slice(0, 2)).toEqual(["close", "body"]);
    await expect(dialog(page)).toHaveCount(0);
    expect((await focused(page)).id).toBe("after");
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. The popover rebuilt in place: related codes and other codes while a card is open
// ---------------------------------------------------------------------------------------------

test.describe("the popover rebuilt in place", () => {
  test("related codes followed five times, one click each: one card, one codecard:open and one lookup per click, the right title", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    const lookups = countLookups(page);
    await plainPage(page, baseURL, '<p>Dx <span data-code="E08.9">E08.9</span></p>');
    await recordEvents(page);
    await open(page, "E08.9");
    await expect(dialog(page).locator("[data-section=related] button[data-opens]").first()).toBeVisible();
    const opened = ["E08.9"];
    for (let i = 0; i < 5; i++) {
      const before = lookups.length;
      const buttons = dialog(page).locator("[data-section=related] button[data-opens]");
      await expect(buttons.first()).toBeVisible();
      // Another code each time: one not opened yet if there is one, else any but the card's own.
      const all = await buttons.evaluateAll((bs) => bs.map((b) => b.getAttribute("data-opens")));
      const current = opened[opened.length - 1];
      const next = all.find((c) => !opened.includes(c)) || all.find((c) => c !== current);
      expect(next, `a related code among ${all.join(",")} (opened: ${opened.join(",")})`).toBeTruthy();
      await dialog(page).locator(`[data-section=related] button[data-opens="${next}"]`).first().click();
      await expect(title(page).locator(".cc-code")).toHaveText(next);
      await expect(title(page).locator(".cc-system")).toHaveText("ICD-10-CM");
      opened.push(next);
      await page.waitForTimeout(200);
      expect(lookups.length - before, `lookups after clicking ${next}`).toBe(1);
      await expect(page.locator("[data-codecard-host]")).toHaveCount(1);
      await expect(dialog(page)).toHaveCount(1);
    }
    const expected = ["open E08.9"];
    for (let i = 1; i < opened.length; i++) expected.push(`close ${opened[i - 1]}`, `open ${opened[i]}`);
    expect(await events(page)).toEqual(expected);
    expect(errors).toEqual([]);
  });

  test("another code on the page clicked while a card is open, back and forth ten times: right title and class, one event pair each", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await page.setViewportSize({ width: 1280, height: 720 });
    const lookups = countLookups(page);
    // One code at the top left, one near the bottom right of the viewport (the card flips above
    // for it): neither card covers the other code.
    await plainPage(page, baseURL, '<p>Top <span data-code="I10">I10</span></p><div style="height: 580px"></div><p style="margin-left: 1100px">Low <span data-code="E11.9">E11.9</span></p>');
    await page.evaluate(() => scrollTo(0, 0));
    await recordEvents(page);
    const plan = [["I10", "Essential (primary) hypertension", "cc-dialog"], ["E11.9", "Type 2 diabetes mellitus without complications", "cc-dialog cc-above"]];
    const expected = [];
    let previous = null;
    for (let i = 0; i < 10; i++) {
      const [c, text, cls] = plan[i % 2];
      const before = lookups.length;
      await code(page, c).click();
      await expect(title(page).locator(".cc-code")).toHaveText(c);
      await expect(dialog(page)).toContainText(text);
      await frames(page);
      await expect.poll(() => dialogClass(page)).toBe(cls);
      const r = await rects(page, c);
      if (cls.includes("cc-above")) expect(r.card.bottom).toBeLessThanOrEqual(r.code.top);
      else expect(r.card.top).toBeGreaterThanOrEqual(r.code.bottom);
      await page.waitForTimeout(100);
      expect(lookups.length - before, `lookups for click ${i} (${c})`).toBeLessThanOrEqual(1);
      await expect(dialog(page)).toHaveCount(1);
      if (previous) expected.push(`close ${previous}`);
      expected.push(`open ${c}`);
      previous = c;
      await expect(code(page, c)).toHaveAttribute("aria-expanded", "true");
      await expect(code(page, plan[(i + 1) % 2][0])).toHaveAttribute("aria-expanded", "false");
    }
    expect(await events(page)).toEqual(expected);
    // One Escape closes the last one, and fires exactly one close.
    await page.keyboard.press("Escape");
    await expect(dialog(page)).toHaveCount(0);
    expect((await events(page)).slice(expected.length)).toEqual([`close ${previous}`]);
    expect((await focused(page)).code).toBe(previous);
    expect(errors).toEqual([]);
  });

  test("after cards rebuilt in place, Try again runs exactly one lookup", async ({ page, baseURL }) => {
    await page.route((url) => url.pathname.startsWith("/v1/peek"), (route) => route.abort());
    let failing = true;
    await page.route(/\/v1\/codes\/[^e]/, (route) => (failing ? route.abort() : route.continue()));
    const lookups = countLookups(page);
    await plainPage(page, baseURL, '<p><span data-code="I10">I10</span> <span data-code="E11.9">E11.9</span> <span data-code="Z79.4">Z79.4</span></p>');
    for (const c of ["I10", "E11.9", "Z79.4", "I10", "E11.9"]) {
      await code(page, c).click();
      await expect(title(page).locator(".cc-code")).toHaveText(c);
      await expect(dialog(page).locator("[data-action=retry]")).toBeVisible();
    }
    await page.waitForTimeout(200);
    const before = lookups.length;
    failing = false;
    await dialog(page).locator("[data-action=retry]").click();
    await expect(dialog(page)).toContainText("Type 2 diabetes mellitus without complications");
    await page.waitForTimeout(500);
    expect(lookups.slice(before)).toHaveLength(1);
    expect(lookups[before]).toMatch(/E11\.?9$/);
  });

  test("after cards rebuilt in place, a press outside returns focus to the open card's code, not an earlier one", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await plainPage(page, baseURL, '<p id="text">Some text. <span data-code="I10">I10</span> <span data-code="E11.9">E11.9</span> <span data-code="Z79.4">Z79.4</span></p><div id="blank" style="height: 300px"></div>');
    await recordEvents(page);
    for (const c of ["I10", "E11.9", "Z79.4"]) {
      await code(page, c).click();
      await expect(title(page).locator(".cc-code")).toHaveText(c);
    }
    await page.locator("#blank").click({ position: { x: 5, y: 250 } });
    await expect(dialog(page)).toHaveCount(0);
    // Given back once the press's own focus change is over (it would otherwise move it to <body>).
    await expect.poll(async () => (await focused(page)).code).toBe("Z79.4");
    expect(await events(page)).toEqual(["open I10", "close I10", "open E11.9", "close E11.9", "open Z79.4", "close Z79.4"]);
    expect(errors).toEqual([]);
  });

  test("after cards rebuilt in place, Escape closes the open card only once and the next click opens one card", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await plainPage(page, baseURL, '<p><span data-code="I10">I10</span> <span data-code="E11.9">E11.9</span></p>');
    for (const c of ["I10", "E11.9", "I10", "E11.9"]) {
      await code(page, c).click();
      await expect(title(page).locator(".cc-code")).toHaveText(c);
    }
    await recordEvents(page);
    await page.keyboard.press("Escape");
    await expect(dialog(page)).toHaveCount(0);
    await code(page, "I10").click();
    await expect(title(page).locator(".cc-code")).toHaveText("I10");
    await page.waitForTimeout(200);
    await expect(dialog(page)).toHaveCount(1);
    expect(await events(page)).toEqual(["close E11.9", "open I10"]);
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. The scroll cue and the placement class, set imperatively
// ---------------------------------------------------------------------------------------------

test.describe("scroll cue", () => {
  test("a long card: the body takes focus and the ↓ cue shows; scrolled to the end the cue hides, scrolled back it shows", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await openLongCard(page, baseURL);
    await expect(cue(page)).toBeVisible();
    await cardBody(page).evaluate((b) => (b.scrollTop = b.scrollHeight));
    await expect(cue(page)).toBeHidden();
    await cardBody(page).evaluate((b) => (b.scrollTop = 0));
    await expect(cue(page)).toBeVisible();
    expect(errors).toEqual([]);
  });

  test("a short card: the body has no tabindex and no cue shows", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await page.setViewportSize({ width: 1280, height: 900 });
    await plainPage(page, baseURL, '<p><span data-code="99214" data-code-system="cpt">99214</span></p>');
    await code(page, "99214").click();
    await expect(dialog(page).locator(".cc-card")).toBeVisible();
    await frames(page);
    expect(await cardBody(page).evaluate((b) => b.scrollHeight - b.clientHeight)).toBeLessThanOrEqual(1);
    await expectScrollable(page, false);
    expect(errors).toEqual([]);
  });

  test("long, then short, then long again in place: tabindex and cue follow each card", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await page.setViewportSize({ width: 1280, height: 900 });
    await plainPage(page, baseURL, '<p><span data-code="E08.9">E08.9</span> <span style="margin-left: 700px" data-code="99214" data-code-system="cpt">99214</span></p>');
    for (const [c, long] of [["E08.9", true], ["99214", false], ["E08.9", true]]) {
      await code(page, c).click();
      await expect(title(page).locator(".cc-code")).toHaveText(c);
      await expect(dialog(page).locator(".cc-card")).toBeVisible();
      if (long) await expect(dialog(page).locator("[data-section=coding_notes]")).toBeVisible();
      await frames(page);
      const hidden = await cardBody(page).evaluate((b) => b.scrollHeight - b.clientHeight);
      expect(hidden > 1, `${c} scrolls (${hidden}px hidden)`).toBe(long);
      await expectScrollable(page, long);
    }
    expect(errors).toEqual([]);
  });

  test("a window made tall enough for the whole card drops the body's tabindex and the cue; made short again, they come back", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await openLongCard(page, baseURL);
    await page.setViewportSize({ width: 1000, height: 2400 });
    await expectScrollable(page, false);
    await page.setViewportSize({ width: 1000, height: 420 });
    await expectScrollable(page, true);
    expect(errors).toEqual([]);
  });
});

test.describe("placement class", () => {
  test("a code near the bottom of the viewport: class cc-dialog cc-above, the card sits above the code", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await page.setViewportSize({ width: 1280, height: 720 });
    await plainPage(page, baseURL, '<div style="height: 640px"></div><p>Dx <span data-code="I10">I10</span></p><div style="height: 400px"></div>');
    await page.evaluate(() => scrollTo(0, 0));
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    const r = await placed(page, "I10", "cc-dialog cc-above");
    expect(r.card.bottom).toBeLessThanOrEqual(r.code.top);
    // Scrolled so that the code is near the top: the card goes below it, and the class follows.
    await page.evaluate(() => scrollTo(0, 560));
    const s = await placed(page, "I10", "cc-dialog");
    expect(s.card.top).toBeGreaterThanOrEqual(s.code.bottom);
    expect(errors).toEqual([]);
  });

  test("a page with body { zoom: 1.5 }: the card opens below its code, not over it, and flips above near the bottom", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await page.setViewportSize({ width: 1280, height: 720 });
    await plainPage(page, baseURL, '<style>body { zoom: 1.5 }</style><p>Dx <span data-code="I10">I10</span></p><div style="height: 360px"></div><p>Low <span data-code="E11.9">E11.9</span></p><div style="height: 600px"></div>');
    await page.evaluate(() => scrollTo(0, 0));
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    let r = await placed(page, "I10", "cc-dialog");
    expect(r.card.top).toBeGreaterThanOrEqual(r.code.bottom);
    expect(r.card.top - r.code.bottom).toBeLessThan(40);
    await code(page, "E11.9").click();
    await expect(title(page).locator(".cc-code")).toHaveText("E11.9");
    await expect(dialog(page)).toContainText("Type 2 diabetes mellitus without complications");
    r = await placed(page, "E11.9", "cc-dialog cc-above");
    expect(r.card.bottom).toBeLessThanOrEqual(r.code.top);
    expect(r.code.top - r.card.bottom).toBeLessThan(40);
    expect(errors).toEqual([]);
  });
});

test.describe("phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("a tap opens a bottom sheet (cc-sheet) that does not cover its code; another code tapped: a sheet again", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await plainPage(page, baseURL, '<p>Dx <span data-code="I10">I10</span> and <span data-code="E11.9">E11.9</span></p><div style="height: 1600px"></div>');
    await code(page, "I10").tap();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    let r = await placed(page, "I10", "cc-dialog cc-sheet");
    expect(r.code.bottom <= r.card.top || r.code.top >= r.card.bottom).toBe(true);
    expect(r.card.bottom).toBeGreaterThan(800);
    // The other code, tapped while the sheet is open (the sheet may cover it: close first with Close).
    await dialog(page).locator("[data-action=close]").tap();
    await expect(dialog(page)).toHaveCount(0);
    await code(page, "E11.9").tap();
    await expect(title(page).locator(".cc-code")).toHaveText("E11.9");
    r = await placed(page, "E11.9", "cc-dialog cc-sheet");
    expect(r.code.bottom <= r.card.top || r.code.top >= r.card.bottom).toBe(true);
    expect(errors).toEqual([]);
  });

  test("a code at the very end of a page the sheet would cover: the sheet moves to the top (cc-sheet cc-sheet-top) and leaves the code visible", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await plainPage(page, baseURL, '<div style="height: 2400px"></div><p>Last: <span data-code="E11.65">E11.65</span></p>');
    await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
    await code(page, "E11.65").tap();
    await expect(dialog(page)).toContainText("Other codes in this category");
    await frames(page);
    await page.waitForTimeout(300);
    const r = await placed(page, "E11.65", "cc-dialog cc-sheet cc-sheet-top");
    expect(r.code.top).toBeGreaterThanOrEqual(r.card.bottom);
    expect(r.code.bottom).toBeLessThanOrEqual(844);
    // A sheet that scrolls keeps its cue.
    if (await cardBody(page).evaluate((b) => b.scrollHeight - b.clientHeight > 1)) await expectScrollable(page, true);
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. destroy() and create(): the account state and its popup listener
// ---------------------------------------------------------------------------------------------

test("a log-in popup's session after destroy() does nothing and throws nothing; a new instance's log-in unlocks its card", async ({ page }, info) => {
  const errors = watchErrors(page);
  const email = `lever.${Date.now()}.${info.workerIndex}@clinic.example`;
  await registerAccount(page, metered, email);
  const body = `<ul>${["I10", "E11.65", "E11.9"].map((c) => `<li><span data-code="${c}">${c}</span></li>`).join("")}</ul>`;
  await thirdPartyPage(page, metered, { scriptBase: metered, endpoint: metered, body });
  const sessions = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith(":session")));

  // A guest's one view, then the paywall; Log in opens the popup.
  await open(page, "I10");
  await expect(dialog(page).locator(".cc-meter")).toContainText("0 code page views remaining");
  await open(page, "E11.65");
  const paywall = dialog(page).locator(".cc-paywall");
  await expect(paywall).toBeVisible();
  const [first] = await Promise.all([page.waitForEvent("popup"), paywall.locator("[data-action=log-in]").click()]);
  await first.waitForLoadState();

  // The widget goes before the popup answers; the popup's session reaches the page anyway.
  await page.evaluate(() => {
    window.__messages = 0;
    window.addEventListener("message", (e) => e.data && e.data.type === "codecard:session" && window.__messages++);
    CodeCard.destroy();
  });
  await expect(page.locator("[data-codecard-host]")).toHaveCount(0);
  await logInInPopup(first, email);
  await expect.poll(() => page.evaluate(() => window.__messages)).toBe(1);
  await page.waitForTimeout(300);
  expect(await sessions(), "the destroyed widget stored no session").toEqual([]);
  await expect(page.locator("[data-codecard-host]")).toHaveCount(0);
  expect(errors).toEqual([]);
  if (!first.isClosed()) await first.close();

  // A new instance: still a guest with no views left; its Log in works and unlocks its card.
  await page.evaluate((endpoint) => CodeCard.create({ endpoint }), metered);
  await expect(code(page, "E11.65")).toHaveAttribute("data-codecard-ready", "");
  await code(page, "E11.65").click();
  await expect(dialog(page).locator(".cc-paywall")).toBeVisible();
  const [second] = await Promise.all([page.waitForEvent("popup"), dialog(page).locator(".cc-paywall [data-action=log-in]").click()]);
  await second.waitForLoadState();
  await logInInPopup(second, email);
  await expect(dialog(page)).toContainText("Type 2 diabetes mellitus with hyperglycemia");
  await expect(dialog(page).locator(".cc-account-email")).toContainText(email);
  expect(await sessions()).toHaveLength(1);
  await expect(page.locator("[data-codecard-host]")).toHaveCount(1);
  expect(errors).toEqual([]);
});

test("destroy() with a card open, then create(): the new instance opens one card per click, Escape closes it, no errors", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p><span data-code="I10">I10</span> <span data-code="E08.9">E08.9</span></p>');
  await open(page, "E08.9");
  await expect(dialog(page).locator("[data-section=related] button[data-opens]").first()).toBeVisible();
  await page.evaluate(() => CodeCard.destroy());
  await expect(page.locator("[data-codecard-host]")).toHaveCount(0);
  // Keys and presses after destroy reach nothing of ours.
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  await page.mouse.click(5, 5);
  await recordEvents(page);
  for (let round = 0; round < 3; round++) {
    await page.evaluate((endpoint) => CodeCard.create({ endpoint }), baseURL);
    await expect(code(page, "E08.9")).toHaveAttribute("data-codecard-ready", "");
    await page.evaluate(() => (window.__events = []));
    await code(page, "E08.9").click();
    await expect(title(page).locator(".cc-code")).toHaveText("E08.9");
    const related = dialog(page).locator("[data-section=related] button[data-opens]").first();
    const target = await related.getAttribute("data-opens");
    await related.click();
    await expect(title(page).locator(".cc-code")).toHaveText(target);
    await expect(dialog(page)).toHaveCount(1);
    await page.keyboard.press("Escape");
    await expect(dialog(page)).toHaveCount(0);
    expect(await events(page)).toEqual(["open E08.9", "close E08.9", `open ${target}`, `close ${target}`]);
    await page.evaluate(() => CodeCard.destroy());
    await expect(page.locator("[data-codecard-host]")).toHaveCount(0);
  }
  expect(errors).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// 5. The other module (search box and code picker), whose names short-imports rewrote too
// ---------------------------------------------------------------------------------------------

test("search box: type a query, pick a result, its card opens; a second query's result rebuilds the card in place", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/search.html");
  const input = page.locator("[data-codecard-search] input[role=combobox]");
  const options = page.locator("[data-codecard-search] [role=option]");
  await expect(page.locator("[data-codecard-search]")).toHaveAttribute("data-codecard-search-ready", "");
  await recordEvents(page);
  await input.fill("bedsore");
  await expect(options.first()).toBeVisible();
  const first = await options.first().locator(".cc-search-code").textContent();
  await input.press("ArrowDown");
  await input.press("Enter");
  await expect(title(page).locator(".cc-code")).toHaveText(first);
  await expect(dialog(page)).toContainText(/pressure ulcer/i);
  await input.fill("hypertension");
  await expect(options.first()).toBeVisible();
  await expect(options.first().locator(".cc-search-code")).not.toHaveText(first);
  const second = await options.first().locator(".cc-search-code").textContent();
  // The keyboard: the open card may cover the list.
  await input.press("ArrowDown");
  await input.press("Enter");
  await expect(title(page).locator(".cc-code")).toHaveText(second);
  await expect(dialog(page)).toHaveCount(1);
  expect(await events(page)).toEqual([`open ${first}`, `close ${first}`, `open ${second}`]);
  await page.keyboard.press("Escape");
  await expect(dialog(page)).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("code picker: type a code, pick it into the field, and its open-card button opens its card", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/picker.html");
  const dx = page.locator("#dx");
  await expect(dx).toHaveAttribute("role", "combobox");
  await dx.focus();
  await page.keyboard.type("E11.9");
  const list = page.locator(`#${await dx.getAttribute("aria-controls")}`);
  await expect(list.locator("[role=option]").filter({ hasText: "E11.9" }).first()).toBeVisible();
  const openCard = page.locator(".cc-pick-open").first();
  await expect(openCard).toBeVisible();
  await openCard.click();
  await expect(dialog(page)).toBeVisible();
  await expect(title(page).locator(".cc-code")).toHaveText(/E11\.9/);
  await page.keyboard.press("Escape");
  await expect(dialog(page)).toHaveCount(0);
  await dx.focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(dx).toHaveValue("E11.9");
  expect(errors).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// 6. More edges of the same levers
// ---------------------------------------------------------------------------------------------

test("keyboard: while the card is still looking up (only the close button), Tab from it closes the card and moves on; Shift+Tab returns", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await page.route((url) => url.pathname.startsWith("/v1/peek"), (route) => route.abort());
  let release;
  const held = new Promise((r) => (release = r));
  await page.route(/\/v1\/codes\/[^e]/, async (route) => { await held; await route.continue().catch(() => {}); });
  await plainPage(page, baseURL, '<p>Dx <span data-code="I10">I10</span> <a href="#after" id="after">after</a></p>');
  await code(page, "I10").focus();
  await page.keyboard.press("Enter");
  await expect(dialog(page)).toContainText("I10");
  await page.keyboard.press("Tab");
  expect((await focused(page)).action).toBe("close");
  await page.keyboard.press("Tab");
  await expect(dialog(page)).toHaveCount(0);
  expect((await focused(page)).id).toBe("after");
  await page.keyboard.press("Shift+Tab");
  expect((await focused(page)).code).toBe("I10");
  await page.keyboard.press("Enter");
  await expect(dialog(page)).toBeVisible();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Shift+Tab");
  await expect(dialog(page)).toHaveCount(0);
  expect((await focused(page)).code).toBe("I10");
  release();
  await page.waitForTimeout(300);
  await expect(dialog(page)).toHaveCount(0);
  expect(errors.filter((e) => !e.includes("net::ERR_FAILED"))).toEqual([]);
});

test("keyboard: a related code opened with Enter, then Shift+Tab from the new card's close button returns to the page's code", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p>Dx <span data-code="E08.9">E08.9</span></p>');
  await code(page, "E08.9").focus();
  await page.keyboard.press("Enter");
  const related = dialog(page).locator("[data-section=related] button[data-opens]").first();
  await expect(related).toBeVisible();
  const target = await related.getAttribute("data-opens");
  await related.focus();
  await page.keyboard.press("Enter");
  await expect(title(page).locator(".cc-code")).toHaveText(target);
  await dialog(page).locator("[data-action=close]").focus();
  await page.keyboard.press("Shift+Tab");
  await expect(dialog(page)).toHaveCount(0);
  expect((await focused(page)).code).toBe("E08.9");
  await expect(code(page, "E08.9")).toHaveAttribute("aria-expanded", "false");
  expect(errors).toEqual([]);
});

test("a code clicked twice quickly, then a third time: closed, then open again with one card and one event each", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p>Dx <span data-code="I10">I10</span></p>');
  await recordEvents(page);
  await code(page, "I10").click();
  await code(page, "I10").click();
  await expect(dialog(page)).toHaveCount(0);
  await code(page, "I10").click();
  await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  await page.waitForTimeout(200);
  await expect(dialog(page)).toHaveCount(1);
  expect(await events(page)).toEqual(["open I10", "close I10", "open I10"]);
  expect(errors).toEqual([]);
});

test("a search box and codes on one third-party page: a code's card, then a search result's card, then the code's again: one card at a time", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await plainPage(page, baseURL, '<p>Dx <span data-code="I10">I10</span></p><div data-codecard-search data-label="Search codes"></div><div style="height: 600px"></div>');
  const input = page.locator("[data-codecard-search] input[role=combobox]");
  await expect(input).toBeVisible();
  await recordEvents(page);
  await code(page, "I10").click();
  await expect(title(page).locator(".cc-code")).toHaveText("I10");
  await input.fill("E11.9");
  await expect(page.locator("[data-codecard-search] [role=option]").first()).toBeVisible();
  await input.press("ArrowDown");
  await input.press("Enter");
  await expect(dialog(page)).toHaveCount(1);
  await expect(title(page).locator(".cc-code")).toHaveText("E11.9");
  await expect(code(page, "I10")).toHaveAttribute("aria-expanded", "false");
  await code(page, "I10").click();
  await expect(dialog(page)).toHaveCount(1);
  await expect(title(page).locator(".cc-code")).toHaveText("I10");
  await page.keyboard.press("Escape");
  await expect(dialog(page)).toHaveCount(0);
  expect((await events(page)).filter((e) => e.endsWith("I10"))).toEqual(["open I10", "close I10", "open I10", "close I10"]);
  expect(errors).toEqual([]);
});

/** A guest on the metered server spends its one view on I10, meets the paywall on E11.65 and
 * presses Log in there: the log-in popup, loaded. */
async function logInPopupOfAGuestWithNoViewsLeft(page) {
  await thirdPartyPage(page, metered, { scriptBase: metered, endpoint: metered, body: '<p><span data-code="I10">I10</span> <span data-code="E11.65">E11.65</span></p>' });
  await open(page, "I10");
  await expect(dialog(page).locator(".cc-meter")).toBeVisible();
  await open(page, "E11.65");
  const [popup] = await Promise.all([page.waitForEvent("popup"), dialog(page).locator(".cc-paywall [data-action=log-in]").click()]);
  await popup.waitForLoadState();
  return popup;
}

test("destroy() while a log-out is on its way: nothing throws when it answers", async ({ page }, info) => {
  const errors = watchErrors(page);
  const email = `lever.out.${Date.now()}.${info.workerIndex}@clinic.example`;
  await registerAccount(page, metered, email);
  const popup = await logInPopupOfAGuestWithNoViewsLeft(page);
  await logInInPopup(popup, email);
  await expect(dialog(page).locator("[data-action=log-out]")).toBeVisible();
  let release;
  const held = new Promise((r) => (release = r));
  await page.route("**/v1/account/logout", async (route) => { await held; await route.continue().catch(() => {}); });
  await dialog(page).locator("[data-action=log-out]").click();
  await page.evaluate(() => CodeCard.destroy());
  release();
  await page.waitForTimeout(700);
  await expect(page.locator("[data-codecard-host]")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("a popup opened by a destroyed instance, answering once a new instance runs, logs nothing in: the new card stays behind its paywall", async ({ page }, info) => {
  const errors = watchErrors(page);
  const email = `lever.new.${Date.now()}.${info.workerIndex}@clinic.example`;
  await registerAccount(page, metered, email);
  const popup = await logInPopupOfAGuestWithNoViewsLeft(page);
  await page.evaluate(() => CodeCard.destroy());
  await page.evaluate((endpoint) => CodeCard.create({ endpoint }), metered);
  await expect(code(page, "E11.65")).toHaveAttribute("data-codecard-ready", "");
  await code(page, "E11.65").click();
  await expect(dialog(page).locator(".cc-paywall")).toBeVisible();
  await logInInPopup(popup, email);
  await page.waitForTimeout(700);
  await expect(dialog(page).locator(".cc-paywall")).toBeVisible();
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith(":session")))).toEqual([]);
  expect(errors).toEqual([]);
});

test.describe("phone, page without a viewport tag", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("the sheet (cc-sheet) reads at 14 px or more, and a related code tapped rebuilds it as a sheet", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await plainPage(page, baseURL, '<p>Dx <span data-code="E08.9">E08.9</span></p><div style="height: 1600px"></div>', {}, { file: "no-viewport.html" });
    await code(page, "E08.9").tap();
    await expect(dialog(page).locator("[data-section=related]")).toBeVisible();
    await frames(page);
    await expect.poll(() => dialogClass(page)).toMatch(/^cc-dialog cc-sheet/);
    const size = () => dialog(page).locator(".cc-body p").first().evaluate((p) => Math.round(parseFloat(getComputedStyle(p).fontSize) * (p.currentCSSZoom || 1) * visualViewport.scale * 100) / 100); // the zoom is written to 4 decimals
    await expect.poll(size).toBeGreaterThanOrEqual(14);
    const related = dialog(page).locator("[data-section=related] button[data-opens]").first();
    const target = await related.getAttribute("data-opens");
    await related.tap();
    await expect(title(page).locator(".cc-code")).toHaveText(target);
    await frames(page);
    await expect.poll(() => dialogClass(page)).toMatch(/^cc-dialog cc-sheet/);
    // The related card's body is drawn again when its rest arrives: a paragraph measured as it is
    // replaced has no computed style, so the size is read until it is one.
    await expect.poll(size).toBeGreaterThanOrEqual(14);
    expect(errors).toEqual([]);
  });
});
