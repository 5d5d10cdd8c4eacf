// The foundation end to end: the demo page, the real server, the real wasm card in Chromium.
const { test, expect } = require("@playwright/test");

const { dialog, code, watchErrors, thirdPartyPage, recordFetches } = require("./helpers");

test.describe("demo page", () => {
  let errors;
  test.beforeEach(async ({ page }) => {
    errors = watchErrors(page);
    await page.goto("/");
  });
  test.afterEach(() => expect(errors).toEqual([]));

  test("click a code: the card shows its description; Esc closes it and focus returns", async ({ page }, info) => {
    const i10 = code(page, "I10");
    await expect(i10).toHaveAttribute("role", "button");
    await expect(i10).toHaveAttribute("aria-expanded", "false");
    await i10.click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    await expect(dialog(page)).toContainText("Chapter 9: Diseases of the circulatory system");
    await expect(i10).toHaveAttribute("aria-expanded", "true");
    const shot = info.outputPath("card-I10.png");
    await page.screenshot({ path: shot });
    await info.attach("card-I10", { path: shot, contentType: "image/png" });

    await page.keyboard.press("Escape");
    await expect(dialog(page)).toHaveCount(0);
    await expect(i10).toBeFocused();
    await expect(i10).toHaveAttribute("aria-expanded", "false");
  });

  test("closing a card while its lookup is on the way aborts the request", async ({ page }) => {
    // Record every card request's abort signal.
    await recordFetches(page, "__lookups", "/v1/codes/");
    // Hold the answer back so that the card is closed while it is still loading (and the peek
    // the press starts and the batch of codes in view, which on this unmetered page would show
    // the whole card or its public part at once; the batch goes as soon as the module is
    // mounted, so the hold is in place before the page loads).
    await page.route(/\/v1\/(codes|peek)[/?].*I10/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await route.continue().catch(() => {});
    });
    await page.reload();
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("Looking up");
    await expect.poll(() => page.evaluate(() => window.__lookups.length)).toBe(1);
    expect(await page.evaluate(() => window.__lookups[0].signal.aborted)).toBe(false);
    await page.keyboard.press("Escape");
    await expect(dialog(page)).toHaveCount(0);
    await expect.poll(() => page.evaluate(() => window.__lookups[0].signal.aborted)).toBe(true);
  });

  test("keyboard only: Tab to a code, Enter opens, Tab reaches Close, Enter closes", async ({ page }) => {
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press("Tab");
      if (await page.evaluate(() => document.activeElement?.getAttribute("data-code"))) break;
    }
    const i10 = code(page, "I10");
    await expect(i10).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    // Focus moved into the card (inside the shadow root the document sees the host focused).
    expect(await page.evaluate(() => document.activeElement?.hasAttribute("data-codecard-host"))).toBe(true);
    await page.keyboard.press("Tab");
    const close = page.locator("[data-codecard-host] .cc-close");
    await expect(close).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(dialog(page)).toHaveCount(0);
    await expect(i10).toBeFocused();
  });

  test("a click outside closes the card; the close button too", async ({ page }) => {
    await code(page, "E11.65").click();
    await expect(dialog(page)).toContainText("Type 2 diabetes mellitus with hyperglycemia");
    await page.locator("h1").click();
    await expect(dialog(page)).toHaveCount(0);

    await code(page, "E11.65").click();
    await expect(dialog(page)).toBeVisible();
    await page.locator("[data-codecard-host] .cc-close").click();
    await expect(dialog(page)).toHaveCount(0);
    await expect(code(page, "E11.65")).toBeFocused();
  });

  test("opening a tall card neither scrolls the page nor leaves the viewport", async ({ page }) => {
    const before = await page.evaluate(() => window.scrollY);
    await code(page, "E11.65").click();
    await expect(dialog(page)).toContainText("Other codes in this category");
    expect(await page.evaluate(() => window.scrollY)).toBe(before);
    const box = await dialog(page).boundingBox();
    const viewport = page.viewportSize();
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
  });

  test("many codes share one widget; opening another moves the card", async ({ page }) => {
    // The card opens below its code, so the next code clicked sits above it, in plain sight.
    await code(page, "E78.5").click();
    await expect(dialog(page)).toContainText("Hyperlipidemia, unspecified");
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    await expect(page.locator("[data-codecard-host]")).toHaveCount(1);
    await expect(dialog(page)).toHaveCount(1);
    await expect(code(page, "E78.5")).toHaveAttribute("aria-expanded", "false");
    await expect(code(page, "I10")).toHaveAttribute("aria-expanded", "true");
  });

  test("an ICD-10-PCS code shows its seven axes", async ({ page }) => {
    await code(page, "0DTJ4ZZ").click();
    await expect(dialog(page)).toContainText("Resection of Appendix, Percutaneous Endoscopic Approach");
    await expect(page.locator("[data-codecard-host] .cc-axes tr")).toHaveCount(7);
    await expect(dialog(page)).toContainText("Cutting out or off, without replacement");
  });

  test("a CPT code shows codecard's own summary and no AMA descriptor", async ({ page }) => {
    await code(page, "99214").click();
    await expect(dialog(page)).toContainText("established patient");
    await expect(dialog(page)).toContainText("licensed AMA data file");
    await expect(dialog(page)).toContainText("CPT® is a registered trademark of the American Medical Association");
  });

  test("the card lives in a shadow root the page's CSS cannot reach", async ({ page }) => {
    await page.addStyleTag({ content: "* { color: rgb(255, 0, 0) !important; font-family: Georgia !important; }" });
    await code(page, "I10").click();
    const description = page.locator("[data-codecard-host] .cc-description");
    await expect(description).toContainText("Essential (primary) hypertension");
    expect(await page.evaluate(() => !!document.querySelector("[data-codecard-host]").shadowRoot)).toBe(true);
    const style = await description.evaluate((el) => getComputedStyle(el));
    expect(style.color).not.toBe("rgb(255, 0, 0)");
    expect(style.fontFamily).not.toContain("Georgia");
  });
});

test.describe("embedded on another site", () => {
  test("a third-party origin embeds the widget with one script tag", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await thirdPartyPage(page, baseURL, {
      scriptBase: baseURL,
      endpoint: baseURL,
      body: `<p>Diagnosis: <span data-code="e11.9">e11.9</span>, <span data-code="Z99.999">Z99.999</span>,
             <span data-code="E11..9">E11..9</span></p>`,
    });
    await code(page, "e11.9").click();
    await expect(dialog(page)).toContainText("Type 2 diabetes mellitus without complications");
    await code(page, "Z99.999").click();
    await expect(dialog(page)).toContainText("Code not found");
    await expect(dialog(page)).toContainText("Z99.999 is not a code in ICD-10-CM.");
    await code(page, "E11..9").click();
    await expect(dialog(page)).toContainText("Not a valid code");
    // The 404 of the unknown code is a network-level console message Chromium always logs.
    expect(errors.filter((e) => !e.includes("404"))).toEqual([]);
  });

  test("an endpoint that is down: the card says so, the page keeps working", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await thirdPartyPage(page, baseURL, {
      scriptBase: baseURL,
      endpoint: "http://127.0.0.1:9",
      body: `<button id="own">Page button</button><p><span data-code="I10">I10</span></p>`,
    });
    await page.evaluate(() => document.querySelector("#own").addEventListener("click", (e) => (e.target.textContent = "clicked")));
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("The code lookup service cannot be reached right now.");
    await expect(page.locator("[data-codecard-host] .cc-problem button")).toHaveText("Try again");
    await page.locator("#own").click();
    await expect(page.locator("#own")).toHaveText("clicked");
    await expect(dialog(page)).toHaveCount(0);
    expect(errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });

  test("a widget server that is down leaves the page untouched", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await thirdPartyPage(page, baseURL, {
      scriptBase: "http://127.0.0.1:9",
      endpoint: "http://127.0.0.1:9",
      body: `<p><span data-code="I10">I10</span></p>`,
      ready: false,
    });
    await code(page, "I10").click();
    await expect(page.locator("h1")).toHaveText("Blank host page");
    await expect(page.locator("[data-codecard-host]")).toHaveCount(0);
    expect(errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });

  test("an endpoint that answers garbage gets a clear message and a retry", async ({ page, baseURL }) => {
    // The card, its peek (the public part fetched on the press) and the batch of codes in view
    // alike, until the retry.
    let broken = true;
    await page.route(/\/v1\/(codes|peek)[/?][^e]/, (route) =>
      broken
        ? route.fulfill({ status: 502, contentType: "text/html", body: "<html><h1>502 Bad Gateway</h1></html>" })
        : route.continue()
    );
    await thirdPartyPage(page, baseURL, { scriptBase: baseURL, endpoint: baseURL, body: `<span data-code="I10">I10</span>` });
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("sent an answer the card cannot read (HTTP 502)");
    broken = false;
    await page.locator("[data-codecard-host] .cc-problem button").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  });

  test("a slow endpoint hits the deadline from data-timeout", async ({ page, baseURL }) => {
    // The card, its peek and the batch of codes in view alike.
    await page.route(/\/v1\/(codes|peek)[/?][^e]/, async (route) => {
      await new Promise((r) => setTimeout(r, 4000));
      await route.continue().catch(() => {});
    });
    await thirdPartyPage(page, baseURL, {
      scriptBase: baseURL,
      endpoint: baseURL,
      attributes: { "data-timeout": "1000" },
      body: `<span data-code="I10">I10</span>`,
    });
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("Looking up I10");
    await expect(dialog(page)).toContainText("did not answer within 1 second.");
  });
});
