// Embedding as a site owner (issue 11, third review): Trusted Types, the phone sheet on a page that
// cannot scroll its code above it, and printing with a card open.
const { test, expect } = require("@playwright/test");
const { dialog, code, watchErrors, thirdPartyPage, trustedPage, frames } = require("./helpers");

const hostPage = (page, baseURL, options) => thirdPartyPage(page, baseURL, { scriptBase: baseURL, endpoint: baseURL, ...options });
/** The rectangles of the card and of the code `c`, and the card's class. */
const rects = (page, c) =>
  page.evaluate((c) => {
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom };
    };
    const d = document.querySelector("[data-codecard-host]").shadowRoot.querySelector("[role=dialog]");
    return { card: box(d), code: box(document.querySelector(`[data-code="${c}"]`)), className: d.className };
  }, c);

test.describe("1. a page that requires Trusted Types", () => {
  test("the card opens, closes and opens again with no Trusted Types error", async ({ page, baseURL }) => {
    await trustedPage(page, baseURL, `<p>Dx: <span data-code="I10">I10</span> and <span data-code="E11.9">E11.9</span></p>`);
    // The page really enforces it: an HTML string assignment is refused (and reported, before watching).
    expect(await page.evaluate(() => { try { document.body.insertAdjacentHTML("beforeend", "<i></i>"); return "allowed"; } catch (e) { return e.name; } })).toBe("TypeError");
    const errors = watchErrors(page);
    for (const c of ["I10", "E11.9", "I10"]) {
      await code(page, c).click();
      await expect(dialog(page)).toContainText(c === "I10" ? "Essential (primary) hypertension" : "Type 2 diabetes mellitus without complications");
      await page.keyboard.press("Escape");
      await expect(dialog(page)).toHaveCount(0);
    }
    expect(errors).toEqual([]);
  });

  test("a search box works and is destroyed with no Trusted Types error", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await trustedPage(page, baseURL, `<p>Dx: <span data-code="I10">I10</span></p><div data-codecard-search>Search</div>`);
    const field = page.getByRole("combobox", { name: "Search medical codes" });
    await field.fill("hypertension");
    await expect(page.locator("[data-codecard-search] [role=option]").first()).toBeVisible();
    await page.evaluate(() => CodeCard.destroy());
    // Its own content shows again, through a slot.
    await expect(page.getByRole("combobox", { name: "Search medical codes" })).toHaveCount(0);
    expect(await page.locator("[data-codecard-search]").evaluate((e) => !!e.shadowRoot.querySelector("slot"))).toBe(true);
    expect(errors).toEqual([]);
  });
});

test.describe("2. phone: a code the page cannot scroll above the bottom sheet", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  const settle = async (page) => {
    await frames(page);
    await page.waitForTimeout(300);
    await frames(page);
  };

  for (const [name, body] of [
    ["a short page", `<div style="height: 540px"></div><p>Low: <span data-code="E11.65">E11.65</span></p>`],
    ["the very end of a long page", `<div style="height: 2400px"></div><p>Last: <span data-code="E11.65">E11.65</span></p>`],
  ]) {
    test(`the sheet does not cover its code at ${name}`, async ({ page, baseURL }) => {
      await hostPage(page, baseURL, { body });
      await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
      await code(page, "E11.65").tap();
      await expect(dialog(page)).toContainText("Other codes in this category");
      await settle(page);
      const r = await rects(page, "E11.65");
      expect(r.code.top).toBeGreaterThanOrEqual(0);
      expect(r.code.bottom).toBeLessThanOrEqual(844);
      // Above or below the sheet, never under it.
      expect(r.code.bottom <= r.card.top || r.code.top >= r.card.bottom).toBe(true);
      // The sheet is tall enough to read: at least 40% of the screen, or its whole content.
      expect(r.card.bottom - r.card.top).toBeGreaterThan(0.4 * 844 - 1);
      await page.screenshot({ path: test.info().outputPath(`phone-sheet-${name.replace(/ /g, "-")}.png`) });
    });
  }
});

test("3. printing with a card open prints the page, not the card", async ({ page, baseURL }) => {
  await hostPage(page, baseURL, { body: `<p>Dx: <span data-code="I10">I10</span></p>` });
  await code(page, "I10").click();
  await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  await page.emulateMedia({ media: "print" });
  await expect(dialog(page)).toBeHidden();
  await page.emulateMedia({ media: "screen" });
  await expect(dialog(page)).toBeVisible();
});
