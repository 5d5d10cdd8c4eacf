// Embedding on hostile pages (issue 11): strict CSP, placement edge cases, phones with and without a
// viewport tag, the card module failing to load, focus after outside clicks and Tab, the card's
// small print, and auto-detection of every code shape. Each case leaves a screenshot in test-results/.
const { test, expect } = require("@playwright/test");
const { AxeBuilder } = require("@axe-core/playwright");
const { dialog, code, watchErrors, thirdPartyPage, frames } = require("./helpers");

const metered = process.env.CODECARD_METERED_URL || "http://127.0.0.1:18081";

/** A third-party page (see helpers.js) whose script and endpoint are the unmetered server. */
const hostPage = (page, baseURL, options) => thirdPartyPage(page, baseURL, { scriptBase: baseURL, endpoint: baseURL, ...options });

/** The rectangles of the card and of the code, in CSS pixels of the layout viewport. */
const rects = (page, c) =>
  page.evaluate((c) => {
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    };
    const d = document.querySelector("[data-codecard-host]").shadowRoot.querySelector("[role=dialog]");
    return { card: box(d), code: box(document.querySelector(`[data-code="${c}"]`)) };
  }, c);
const intersect = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
/** axe-core's WCAG 2.2 AA violations on the page, as "rule: targets". */
const violations = async (page) => {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`);
};

test("1. under style-src 'self' the card is fully styled (endpoint only in script-src and connect-src)", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await hostPage(page, baseURL, {
    // The page's own inline script (the test's page.evaluate) is not subject to it; the embed
    // script is admitted by origin, as a site would admit it.
    csp: `default-src 'none'; script-src 'self' ${baseURL} 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ${baseURL}; img-src 'self' data:`,
    body: `<p>Diagnosis: <span data-code="E11.65">E11.65</span></p>`,
  });
  await code(page, "E11.65").click();
  await expect(dialog(page)).toContainText("Type 2 diabetes mellitus with hyperglycemia");
  const style = await dialog(page).evaluate((d) => {
    const s = getComputedStyle(d);
    const root = getComputedStyle(d.parentElement);
    return {
      position: s.position,
      radius: s.borderTopLeftRadius,
      width: d.getBoundingClientRect().width,
      lineHeight: root.lineHeight,
      description: getComputedStyle(d.querySelector(".cc-description")).fontSize,
    };
  });
  expect(style).toEqual({ position: "fixed", radius: "10px", width: 400, lineHeight: "20.3px", description: "15px" });
  const box = await dialog(page).boundingBox();
  expect(box.y + box.height).toBeLessThanOrEqual(page.viewportSize().height);
  await page.screenshot({ path: test.info().outputPath("strict-csp.png") });
  expect(await violations(page)).toEqual([]);
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
  expect(errors).toEqual([]);
});

test("2. a card flipped above its code never covers it, also when it grows", async ({ page, baseURL }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await hostPage(page, baseURL, {
    body: `<div style="height: 640px"></div><p>Low on the page: <span data-code="E11.65">E11.65</span></p>`,
  });
  await code(page, "E11.65").click();
  await expect(dialog(page)).toContainText("Other codes in this category");
  await frames(page);
  let r = await rects(page, "E11.65");
  expect(r.card.bottom).toBeLessThanOrEqual(r.code.top);
  expect(intersect(r.card, r.code)).toBe(false);
  // Content that grows after placement (a section unlocking, a font arriving).
  await dialog(page).evaluate((d) => {
    const more = document.createElement("div");
    more.style.height = "240px";
    d.querySelector(".cc-body").append(more);
  });
  await frames(page);
  r = await rects(page, "E11.65");
  expect(intersect(r.card, r.code)).toBe(false);
  expect(r.card.top).toBeGreaterThanOrEqual(0);
  await page.screenshot({ path: test.info().outputPath("flipped-above.png") });
});

test("3. a code scrolled out of its panel closes its card instead of leaving it off-screen", async ({ page, baseURL }) => {
  await hostPage(page, baseURL, {
    body: `<div id="panel" style="height: 160px; overflow: auto; border: 1px solid">
             <div style="height: 40px"></div><span data-code="I10">I10</span><div style="height: 1200px"></div>
           </div>`,
  });
  await code(page, "I10").click();
  await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  await page.locator("#panel").evaluate((p) => (p.scrollTop = 20));
  await frames(page);
  await expect(dialog(page)).toBeVisible(); // still visible in the panel: the card stays
  await page.locator("#panel").evaluate((p) => (p.scrollTop = 200));
  await expect(dialog(page)).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("clipped-anchor.png") });
  await expect(code(page, "I10")).toBeFocused();
  expect(await page.locator("#panel").evaluate((p) => p.scrollTop)).toBe(200); // focus did not scroll it back
});

test.describe("phones", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });

  /** The sheet and its close button lie inside the visual viewport; its text reads at 14 px or more. */
  async function checkSheet(page, name) {
    await expect(dialog(page)).toHaveClass(/cc-sheet/);
    await frames(page);
    const m = await dialog(page).evaluate((d) => {
      const vv = window.visualViewport;
      const r = (el) => el.getBoundingClientRect();
      const text = d.querySelector(".cc-description");
      return {
        vv: { left: vv.offsetLeft, top: vv.offsetTop, right: vv.offsetLeft + vv.width, bottom: vv.offsetTop + vv.height },
        sheet: r(d).toJSON(),
        close: r(d.querySelector(".cc-close")).toJSON(),
        // Rendered size: computed size × the element's effective CSS zoom × the pinch scale.
        textPx: parseFloat(getComputedStyle(text).fontSize) * text.currentCSSZoom * vv.scale,
      };
    });
    await page.screenshot({ path: test.info().outputPath(name) });
    for (const box of [m.sheet, m.close]) {
      expect(box.left).toBeGreaterThanOrEqual(m.vv.left - 1);
      expect(box.right).toBeLessThanOrEqual(m.vv.right + 1);
      expect(box.top).toBeGreaterThanOrEqual(m.vv.top - 1);
      expect(box.bottom).toBeLessThanOrEqual(m.vv.bottom + 1);
    }
    expect(m.sheet.right - m.sheet.left).toBeGreaterThan((m.vv.right - m.vv.left) * 0.95);
    expect(m.textPx).toBeGreaterThanOrEqual(14);
  }

  test("4. the bottom sheet fits the visual viewport of a page 35 px wider than the phone", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, {
      body: `<div style="width: 425px; height: 20px; background: #ccc">a wide table</div><p><span data-code="E11.65">E11.65</span></p>`,
    });
    await code(page, "E11.65").tap();
    await expect(dialog(page)).toContainText("hyperglycemia");
    await checkSheet(page, "sheet-overflowing-page.png");
  });

  test("5. without a viewport tag, a phone still gets a readable bottom sheet", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, { file: "no-viewport.html", body: `<p>Old clinic page: <span data-code="E11.65">E11.65</span></p>` });
    expect(await page.evaluate(() => window.innerWidth)).toBeGreaterThan(900); // the desktop-sized layout viewport
    await code(page, "E11.65").tap();
    await expect(dialog(page)).toContainText("hyperglycemia");
    await checkSheet(page, "sheet-no-viewport-tag.png");
    expect(await violations(page)).toEqual([]);
  });
});

test.describe("6. the card module cannot be loaded", () => {
  for (const [lang, words] of [
    ["en", { says: "The code lookup service cannot be reached right now.", retry: "Try again" }],
    ["es", { says: "No se puede acceder al servicio de códigos en este momento.", retry: "Reintentar" }],
  ]) {
    test(`a click and Enter still open a small card that says so, with ${words.retry} (${lang})`, async ({ page, baseURL }) => {
      const errors = watchErrors(page);
      await page.route("**/widget/*/codecard.js*", (route) => route.abort());
      await hostPage(page, baseURL, {
        attributes: { "data-lang": lang },
        body: `<p><span data-code="I10">I10</span> <a id="after" href="#x">after</a></p>`,
      });
      await code(page, "I10").click();
      await expect(dialog(page)).toContainText(words.says);
      const retry = page.locator("[data-codecard-host] [role=dialog] button", { hasText: words.retry });
      await expect(retry).toBeFocused();
      await page.screenshot({ path: test.info().outputPath(`module-down-${lang}.png`) });
      expect(await violations(page)).toEqual([]);
      await page.keyboard.press("Escape");
      await expect(dialog(page)).toHaveCount(0);
      await expect(code(page, "I10")).toBeFocused();
      await page.keyboard.press("Enter");
      await expect(dialog(page)).toContainText(words.says);
      // The service is back: Try again opens the real card.
      await page.unroute("**/widget/*/codecard.js*");
      await retry.click();
      await expect(dialog(page)).toContainText("Essential (primary) hypertension");
      await expect(dialog(page)).toHaveCount(1);
      expect(errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
    });
  }
});

test.describe("focus", () => {
  const body = `<p><button id="before">before</button> <span data-code="I10">I10</span>
                <a id="after" href="#x">after</a></p><p id="plain">Plain text far from the code.</p>`;

  test("7. a click outside returns focus to the code; a click on a control keeps it there", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, { body });
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    await page.locator("#plain").click();
    await expect(dialog(page)).toHaveCount(0);
    await expect(code(page, "I10")).toBeFocused();
    await page.screenshot({ path: test.info().outputPath("outside-click.png") });
    await code(page, "I10").click();
    await expect(dialog(page)).toBeVisible();
    await page.locator("#before").click();
    await expect(dialog(page)).toHaveCount(0);
    await expect(page.locator("#before")).toBeFocused();
  });

  test("8. Tab past the card's last control closes it and goes on after the code; Shift+Tab before its first returns to the code", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, { body });
    await page.locator("#before").focus();
    await page.keyboard.press("Tab");
    await expect(code(page, "I10")).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    const inCard = () => page.evaluate(() => document.activeElement?.hasAttribute("data-codecard-host"));
    let presses = 0;
    while ((await inCard()) && presses < 40) {
      await page.keyboard.press("Tab");
      presses += 1;
    }
    expect(presses).toBeGreaterThan(1);
    await expect(dialog(page)).toHaveCount(0);
    await expect(page.locator("#after")).toBeFocused();
    await page.screenshot({ path: test.info().outputPath("tab-past-card.png") });

    await code(page, "I10").focus();
    await page.keyboard.press("Enter");
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    await page.keyboard.press("Shift+Tab");
    await expect(dialog(page)).toHaveCount(0);
    await expect(code(page, "I10")).toBeFocused();
  });
});

test.describe("9. the card's small print", () => {
  test("the title names the system for every code, and the badges do not repeat it", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, {
      body: `<span data-code="E11.9">E11.9</span> <span data-code="99214" data-code-system="cpt">99214</span>
             <span data-code="0DTJ4ZZ">0DTJ4ZZ</span>`,
    });
    for (const [c, label] of [["E11.9", "ICD-10-CM"], ["99214", "CPT®"], ["0DTJ4ZZ", "ICD-10-PCS"]]) {
      await code(page, c).click();
      await expect(dialog(page).locator(".cc-card")).toBeVisible();
      await expect(dialog(page).locator(".cc-title")).toHaveText(`${c}${label}`);
      await expect(dialog(page).locator(".cc-meta")).not.toContainText(label);
      await page.keyboard.press("Escape");
    }
  });

  test("a card taller than the viewport scrolls under its header, with a cue while more is below", async ({ page, baseURL }) => {
    await page.setViewportSize({ width: 1000, height: 420 });
    await hostPage(page, baseURL, { body: `<span data-code="E11.65">E11.65</span>` });
    await code(page, "E11.65").click();
    await expect(dialog(page)).toContainText("Other codes in this category");
    const body = dialog(page).locator(".cc-body");
    expect(await body.evaluate((b) => b.scrollHeight > b.clientHeight + 50)).toBe(true);
    const cue = dialog(page).locator(".cc-more");
    await expect(cue).toBeVisible();
    await page.screenshot({ path: test.info().outputPath("scroll-cue.png") });
    await body.evaluate((b) => (b.scrollTop = b.scrollHeight));
    await expect(cue).toBeHidden();
    await expect(dialog(page).locator(".cc-close")).toBeInViewport();
  });

  test("locked sections: the paywall text once, listing their titles", async ({ browser }) => {
    const context = await browser.newContext(); // a fresh guest
    const page = await context.newPage();
    await thirdPartyPage(page, metered, { scriptBase: metered, endpoint: metered, body: `<span data-code="E11.65">E11.65</span>` });
    await code(page, "E11.65").click();
    await expect(dialog(page)).toContainText("Type 2 diabetes mellitus with hyperglycemia");
    // The title may be the peek's; the paywall text comes with the metered lookup's answer.
    await expect(dialog(page).locator(".cc-rest")).toHaveCount(0);
    await expect(dialog(page)).toContainText("Register to view content");
    const text = await dialog(page).evaluate((d) => d.textContent);
    expect(text.split("Register to view content").length - 1).toBe(1);
    expect(text.split("Create a free account to unlock").length - 1).toBe(1);
    const locked = dialog(page).locator(".cc-locked");
    await expect(locked).toContainText("Where it belongs");
    await expect(locked).toContainText("Other codes in this category");
    await page.screenshot({ path: test.info().outputPath("locked-once.png") });
    await context.close();
  });
});

test.describe("10. codes, words and settings everywhere", () => {
  test("ICD-10-CM U codes are auto-detected", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, {
      attributes: { "data-autodetect": "" },
      body: `<p>Assessment: COVID-19 (U07.1), later post COVID-19 condition U09.9; E11.9 too.</p>`,
    });
    for (const c of ["U07.1", "U09.9"]) {
      await expect(page.locator(`[data-codecard-auto][data-code='${c}']`)).toHaveAttribute("role", "button");
    }
    await page.locator("[data-codecard-auto][data-code='U07.1']").click();
    await expect(dialog(page)).toContainText("COVID-19");
    await page.screenshot({ path: test.info().outputPath("u-codes.png") });
  });

  test("data-theme and data-lang reach the search box", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, {
      attributes: { "data-theme": "dark", "data-lang": "es" },
      body: `<div data-codecard-search></div>`,
      ready: false,
    });
    const input = page.locator("[data-codecard-search] input[role=combobox]");
    await expect(input).toBeVisible();
    await expect(input).toHaveAttribute("placeholder", /^Código o palabras/);
    await expect(page.locator("[data-codecard-search] label").first()).toHaveText("Buscar códigos médicos");
    await expect(page.locator("[data-codecard-search] select option").first()).toHaveText("Todos los sistemas");
    await expect(page.locator("[data-codecard-search] .cc-search-billable")).toContainText("Solo facturables");
    expect(await input.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(30, 35, 41)");
    await input.fill("diabetes tipo");
    await input.fill("diabetes type 2");
    await expect(page.locator("[data-codecard-search] [role=status]")).toContainText("códigos");
    await page.screenshot({ path: test.info().outputPath("search-es-dark.png") });
    expect(await violations(page)).toEqual([]);
  });

  test("the Spanish meter says how many more views a free account gives", async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await thirdPartyPage(page, metered, {
      scriptBase: metered,
      endpoint: metered,
      attributes: { "data-lang": "es" },
      body: `<span data-code="I10">I10</span>`,
    });
    await code(page, "I10").click();
    await expect(dialog(page).locator(".cc-meter")).toContainText("Cree una cuenta gratuita para obtener 5 consultas más.");
    await context.close();
  });
});
