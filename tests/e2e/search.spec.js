// The search box on www/search.html, keyboard only: an ARIA combobox whose results open the card.
const { test, expect } = require("@playwright/test");

const { dialog, watchErrors, recordFetches } = require("./helpers");

const box = (page) => page.locator("[data-codecard-search]");
const input = (page) => page.locator("[data-codecard-search] input[role=combobox]");
const list = (page) => page.locator("[data-codecard-search] [role=listbox]");
const options = (page) => page.locator("[data-codecard-search] [role=option]");
const status = (page) => page.locator("[data-codecard-search] [role=status]");

/** Tabs from the top of the page until the search field has focus. */
async function tabToSearch(page) {
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Tab");
    if (await input(page).evaluate((el) => el.getRootNode().activeElement === el)) return;
  }
  throw new Error("the search field is not reachable with Tab");
}

/** Types "asthma" into the field while the search route refuses connections, until the status
 * line says so; returns what brings the route back. */
async function asthmaWhileDown(page) {
  const down = (route) => route.abort("connectionrefused");
  await page.route(/\/v1\/search\?/, down);
  await tabToSearch(page);
  await page.keyboard.type("asthma");
  await expect(status(page)).toHaveText("The code lookup service cannot be reached right now.");
  return () => page.unroute(/\/v1\/search\?/, down);
}

test.describe("search box", () => {
  let errors;
  test.beforeEach(async ({ page }) => {
    errors = watchErrors(page);
    await page.goto("/search.html");
    await expect(box(page)).toHaveAttribute("data-codecard-search-ready", "");
    await expect(input(page)).toBeVisible();
  });
  test.afterEach(() => expect(errors).toEqual([]));

  test("type, arrow to a result, Enter opens its card, Esc closes it, Esc clears", async ({ page }, info) => {
    await tabToSearch(page);
    await expect(input(page)).toHaveAttribute("aria-expanded", "false");
    // "Bedsore — see Ulcer, pressure, by site": the category L89.9 after its unspecified child
    // L89.90 (what goes on a claim when no site or stage is named), then the codes under it.
    await page.keyboard.type("bedsore");
    await expect(status(page)).toContainText("codes found");
    await expect(list(page)).toBeVisible();
    await expect(input(page)).toHaveAttribute("aria-expanded", "true");
    await expect(options(page).first().locator(".cc-search-code")).toHaveText("L89.90");
    await expect(options(page).nth(1).locator(".cc-search-code")).toHaveText("L89.9");
    // The Index found it: the row says which entry, since its title has none of the words.
    await expect(options(page).first().locator(".cc-search-via")).toHaveText("from the index: Bedsore, see Ulcer, pressure");

    await page.keyboard.press("ArrowDown");
    await expect(input(page)).toHaveAttribute("aria-activedescendant", "cc-search-option-0");
    await expect(options(page).nth(0)).toHaveAttribute("aria-selected", "true");
    await page.keyboard.press("ArrowDown");
    await expect(input(page)).toHaveAttribute("aria-activedescendant", "cc-search-option-1");
    await page.keyboard.press("ArrowUp");
    await expect(options(page).nth(0)).toHaveAttribute("aria-selected", "true");
    const code = await options(page).nth(0).locator(".cc-search-code").textContent();

    await page.keyboard.press("Enter");
    await expect(dialog(page)).toBeVisible();
    await expect(dialog(page).locator(".cc-code")).toHaveText(code);
    await expect(dialog(page)).toContainText(/pressure ulcer/i);
    const shot = info.outputPath("search-bedsore.png");
    await page.screenshot({ path: shot });
    await info.attach("search", { path: shot, contentType: "image/png" });

    await page.keyboard.press("Escape");
    await expect(dialog(page)).toHaveCount(0);
    await expect(input(page)).toBeFocused();
    await expect(input(page)).toHaveValue("bedsore");

    await page.keyboard.press("Escape");
    await expect(input(page)).toHaveValue("");
    await expect(list(page)).toBeHidden();
    await expect(input(page)).toHaveAttribute("aria-expanded", "false");
  });

  test("codes in any form; filters by system and billable, from the keyboard", async ({ page }) => {
    await tabToSearch(page);
    await page.keyboard.type("e119");
    await expect(options(page).first().locator(".cc-search-code")).toHaveText("E11.9");
    await expect(status(page)).toContainText("1 code found.");

    await page.keyboard.press("Escape");
    await page.keyboard.type("E11");
    await expect(options(page).first().locator(".cc-search-code")).toHaveText("E11");
    await expect(options(page).first()).toContainText("header");

    // Tab to the system filter and the billable toggle; the open query reruns with them.
    await page.keyboard.press("Tab");
    const select = page.locator("[data-codecard-search] select");
    await expect(select).toBeFocused();
    await page.keyboard.press("ArrowDown"); // All systems → ICD-10-CM
    await expect(select).toHaveValue("icd10cm");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    await expect(page.locator("[data-codecard-search] input[type=checkbox]")).toBeChecked();
    await expect(options(page).first().locator(".cc-search-code")).toHaveText("E11.8");
    await expect(options(page).filter({ hasText: "header" })).toHaveCount(0);
  });

  test("a search that cannot reach the endpoint says so in the status line; the next search that does clears it", async ({ page }) => {
    const backUp = await asthmaWhileDown(page);
    await expect(box(page).locator(".cc-search")).toHaveAttribute("aria-busy", "false");
    await backUp();
    await page.keyboard.type(" unspecified");
    await expect(status(page)).toContainText("codes found");
    await expect(options(page).filter({ hasText: "J45.909" })).toHaveCount(1);
    // (Chromium's own console line for each refused request is not ours: anything else is.)
    errors.splice(0, errors.length, ...errors.filter((e) => !e.includes("Failed to load resource")));
  });

  test("after a search that could not reach the endpoint, Enter on the same text searches it again", async ({ page }) => {
    await (await asthmaWhileDown(page))();
    await page.keyboard.press("Enter");
    await expect(status(page)).toContainText("codes found");
    await expect(options(page).first()).toBeVisible();
    await expect(dialog(page)).toHaveCount(0);
    errors.splice(0, errors.length, ...errors.filter((e) => !e.includes("Failed to load resource")));
  });

  test("focus leaving the search box closes its list; the filters keep it open; focus back in shows it again", async ({ page }) => {
    await tabToSearch(page);
    await page.keyboard.type("asthma");
    await expect(options(page).first()).toBeVisible();
    await page.keyboard.press("Tab");
    await expect(page.locator("[data-codecard-search] select")).toBeFocused();
    await expect(list(page)).toBeVisible();
    await page.keyboard.press("Tab");
    await expect(page.locator("[data-codecard-search] input[type=checkbox]")).toBeFocused();
    await expect(list(page)).toBeVisible();
    // The next Tab leaves the box: the list is no Tab stop of its own.
    await page.keyboard.press("Tab");
    expect(await box(page).evaluate((host) => host.shadowRoot.activeElement)).toBeNull();
    await expect(input(page)).toHaveAttribute("aria-expanded", "false");
    await expect(list(page)).toBeHidden();
    await input(page).focus();
    await expect(input(page)).toHaveAttribute("aria-expanded", "true");
    await expect(options(page).first()).toBeVisible();
  });

  test("previous results stay while the next query loads; a stale request is aborted", async ({ page }) => {
    // Record every search request's abort signal.
    await recordFetches(page, "__searches", "/v1/search");
    await page.reload();
    await expect(box(page)).toHaveAttribute("data-codecard-search-ready", "");
    // Hold the first query's answer back, so the next keystrokes overtake it.
    await page.route(/\/v1\/search\?q=asth&/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await route.continue().catch(() => {});
    });
    await tabToSearch(page);
    await page.keyboard.type("asth");
    await expect(status(page)).toContainText("Searching");
    await expect.poll(() => page.evaluate(() => window.__searches.length)).toBe(1);
    await page.keyboard.type("ma");
    await expect(options(page).filter({ hasText: "J45.909" })).toHaveCount(1);
    const aborted = () =>
      page.evaluate(() => window.__searches.filter((s) => /q=asth&/.test(s.url)).map((s) => s.signal && s.signal.aborted));
    expect(await aborted()).toEqual([true]);
    // When the held answer would have arrived, the newer results are still the ones shown.
    await page.waitForTimeout(2700);
    await expect(options(page).filter({ hasText: "J45.909" })).toHaveCount(1);
    await expect(input(page)).toHaveValue("asthma");

    // Type more: the asthma results stay on screen until the new ones replace them.
    await page.route(/\/v1\/search\?q=asthma%20unsp/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.continue();
    });
    await page.keyboard.type(" unsp");
    await expect(status(page)).toContainText("Searching");
    await expect(list(page)).toBeVisible();
    await expect(options(page).filter({ hasText: "J45.909" })).toHaveCount(1);
    await expect(status(page)).toContainText("codes found");
    await expect(options(page).first()).toContainText(/unspecified/i);
  });
});
