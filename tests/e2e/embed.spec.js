// Embedding that survives any host page: the JS API, events, the custom element, several
// instances, auto-detection, teardown, touch, dark mode, Spanish, isolation, CSP and axe-core.
const { test, expect } = require("@playwright/test");
const { AxeBuilder } = require("@axe-core/playwright");
const { dialog, code, watchErrors, thirdPartyPage } = require("./helpers");

/** Every card dialog on the page (several instances each have their own). */
const dialogs = (page) => page.locator("[data-codecard-host] [role=dialog]");

/** Records codecard's events on the document; read them with `events(page)`. */
async function recordEvents(page) {
  await page.evaluate(() => {
    window.__events = [];
    for (const name of ["codecard:open", "codecard:close", "codecard:paywall", "codecard:ask"]) {
      document.addEventListener(name, (e) => window.__events.push([name, e.detail && e.detail.code, e.target.tagName]));
    }
  });
}
const events = (page) => page.evaluate(() => window.__events);

test.describe("the EHR app page", () => {
  let errors;
  test.beforeEach(async ({ page }) => {
    errors = watchErrors(page);
    await page.goto("/ehr.html");
    await expect(code(page, "E11.65")).toHaveAttribute("data-codecard-ready", "");
  });
  test.afterEach(() => expect(errors).toEqual([]));

  test("<code-card> elements work, also when the app adds them later", async ({ page }) => {
    await expect(page.locator("code-card[code=I10]")).toHaveText("I10"); // filled from its code
    await page.getByRole("button", { name: "Load next encounter" }).click();
    const added = page.locator("code-card[code='E78.5']");
    await expect(added).toHaveAttribute("role", "button");
    await added.click();
    await expect(dialog(page)).toContainText("Hyperlipidemia, unspecified");
  });

  test("keyboard only: Tab to a code in the panel, Enter, Esc returns focus", async ({ page }) => {
    await page.locator("#panel").focus();
    await page.keyboard.press("Tab");
    await expect(page.locator("code-card[code='E11.65']")).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(dialog(page)).toContainText("Type 2 diabetes mellitus with hyperglycemia");
    await page.keyboard.press("Escape");
    await expect(dialog(page)).toHaveCount(0);
    await expect(page.locator("code-card[code='E11.65']")).toBeFocused();
  });

  test("the card follows its code when the transformed panel scrolls, and closes when the code goes", async ({ page }) => {
    for (let i = 0; i < 4; i++) await page.getByRole("button", { name: "Load next encounter" }).click();
    const target = page.locator("code-card[code='83036']");
    await target.click();
    await expect(dialog(page)).toContainText("Hemoglobin A1c");
    const before = await dialog(page).boundingBox();
    await page.locator("#panel").evaluate((panel) => (panel.scrollTop += 60));
    await expect.poll(async () => (await dialog(page).boundingBox()).y).toBeLessThan(before.y - 30);
    const anchorBox = await target.boundingBox();
    const box = await dialog(page).boundingBox();
    expect(Math.abs(box.y - (anchorBox.y + anchorBox.height + 8))).toBeLessThan(3);
    await target.evaluate((el) => el.closest("article").remove());
    await expect(dialog(page)).toHaveCount(0);
  });

  test("the JS API opens and closes a card; events bubble to the document", async ({ page }) => {
    await recordEvents(page);
    await page.evaluate(() => window.CodeCard.open("E11.9", { system: "icd10cm" }));
    await expect(dialog(page)).toContainText("Type 2 diabetes mellitus without complications");
    await page.evaluate(() => window.CodeCard.close());
    await expect(dialog(page)).toHaveCount(0);
    await page.getByRole("button", { name: "Open E11.9 from the JS API" }).click();
    await expect(dialog(page)).toBeVisible();
    await page.keyboard.press("Escape");
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    expect(await events(page)).toEqual([
      ["codecard:open", "E11.9", "SPAN"],
      ["codecard:close", "E11.9", "SPAN"],
      ["codecard:open", "E11.9", "BUTTON"],
      ["codecard:close", "E11.9", "BUTTON"],
      ["codecard:open", "I10", "CODE-CARD"],
    ]);
  });

  test("Ask about this code: a cancelable event, else the configured URL", async ({ page, context }) => {
    await recordEvents(page);
    await code(page, "I10").click();
    const ask = page.locator("[data-codecard-host] .cc-ask button");
    await expect(ask).toHaveText("Ask about this code");
    await page.evaluate(() => document.addEventListener("codecard:ask", (e) => e.preventDefault(), { once: true }));
    await ask.click();
    await expect.poll(() => events(page)).toContainEqual(["codecard:ask", "I10", "CODE-CARD"]);
    expect(context.pages()).toHaveLength(1); // cancelled: nothing opened
    const [tab] = await Promise.all([context.waitForEvent("page"), ask.click()]);
    await tab.waitForLoadState();
    expect(tab.url()).toContain("/ask.html#code=I10&system=icd10cm");
  });

  test("event details are plain objects: the code, its system or null, and the ask URL", async ({ page }) => {
    await page.evaluate(() => {
      window.__details = [];
      for (const name of ["codecard:open", "codecard:close", "codecard:ask"]) {
        document.addEventListener(name, (e) => {
          if (name === "codecard:ask") e.preventDefault();
          window.__details.push([name, Object.getPrototypeOf(e.detail) === Object.prototype, e.detail]);
        });
      }
    });
    await page.evaluate(() => window.CodeCard.open("E11.9"));
    await expect(dialog(page)).toContainText("Type 2 diabetes mellitus without complications");
    await page.evaluate(() => window.CodeCard.close());
    await code(page, "I10").click();
    await page.locator("[data-codecard-host] .cc-ask button").click();
    await expect.poll(() => page.evaluate(() => window.__details.length)).toBe(4);
    expect(await page.evaluate(() => window.__details)).toEqual([
      ["codecard:open", true, { code: "E11.9", system: null }],
      ["codecard:close", true, { code: "E11.9", system: null }],
      ["codecard:open", true, { code: "I10", system: null }],
      ["codecard:ask", true, { code: "I10", system: "icd10cm", url: expect.stringContaining("/ask.html#code=I10&system=icd10cm") }],
    ]);
  });

  test("destroy() removes every trace and stops handling codes", async ({ page }) => {
    await code(page, "I10").click();
    await expect(dialog(page)).toBeVisible();
    await page.getByRole("button", { name: "Remove codecard (teardown)" }).click();
    await expect(page.locator("[data-codecard-host]")).toHaveCount(0);
    await expect(page.locator("[data-codecard-ready], [role=button][aria-haspopup]")).toHaveCount(0);
    expect(await page.evaluate(() => window.CodeCard.instances.length)).toBe(0);
    expect(await page.evaluate(() => document.adoptedStyleSheets.length)).toBe(0);
    await page.locator("code-card[code=I10]").click();
    await page.waitForTimeout(300);
    await expect(page.locator("[data-codecard-host]")).toHaveCount(0);
  });
});

test("several independently configured instances share a page", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await thirdPartyPage(page, baseURL, {
    scriptBase: baseURL,
    endpoint: baseURL,
    body: `<section id="en"><span data-code="I10">I10</span></section>
           <section id="es"><span data-es-code="E11.9" data-code="E11.9">E11.9</span></section>`,
    attributes: { "data-root": "#en" },
  });
  await page.evaluate((endpoint) => {
    window.CodeCard.create({ endpoint, root: "#es", selector: "[data-es-code]", lang: "es", theme: "dark" });
  }, baseURL);
  await expect(page.locator("[data-es-code]")).toHaveAttribute("data-codecard-ready", "");
  await code(page, "I10").click();
  await expect(dialogs(page)).toContainText("Official description");
  await page.keyboard.press("Escape");
  await page.locator("[data-es-code]").click();
  await expect(dialogs(page).last()).toContainText("Descripción oficial");
  await expect(page.locator("[data-codecard-host]")).toHaveCount(2);
  await expect(page.locator("[data-codecard-host][data-theme=dark]")).toHaveCount(1);
  expect(await page.evaluate(() => window.CodeCard.instances.length)).toBe(2);
  expect(errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
});

test.describe("auto-detection", () => {
  test("real codes in plain text become buttons; look-alikes, links and fields do not", async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto("/article.html");
    const auto = page.locator("[data-codecard-auto]");
    await expect(auto.filter({ hasText: "E11.65" })).toHaveAttribute("role", "button");
    const found = await auto.evaluateAll((els) => els.map((e) => `${e.dataset.code}:${e.dataset.codeSystem}`));
    for (const expected of ["E11.9:icd10cm", "E11.65:icd10cm", "E11.22:icd10cm", "83036:cpt", "A4253:hcpcs", "99214:cpt", "G0008:hcpcs", "I21.9:icd10cm"]) {
      expect(found).toContain(expected);
    }
    for (const absent of ["12345:cpt", "Z99.999:icd10cm"]) expect(found).not.toContain(absent);
    await expect(page.locator("a [data-codecard-auto], textarea [data-codecard-auto]")).toHaveCount(0);
    await expect(page.locator("textarea")).toHaveValue("E11.9 typed by you");
    await auto.filter({ hasText: "83036" }).click();
    await expect(dialog(page)).toContainText("Hemoglobin A1c");
    expect(errors).toEqual([]);
  });

  test("text added later is scanned too", async ({ page }) => {
    await page.goto("/article.html");
    await expect(page.locator("[data-codecard-auto]").first()).toBeVisible();
    await page.evaluate(() => {
      const p = document.createElement("p");
      p.textContent = "Update: the discharge summary adds J06.9 and 99284.";
      document.querySelector("article").append(p);
    });
    await expect(page.locator("[data-codecard-auto][data-code='J06.9']")).toHaveAttribute("role", "button");
    await expect(page.locator("[data-codecard-auto][data-code='99284']")).toBeVisible();
  });
});

test.describe("touch", () => {
  test.use({ viewport: { width: 390, height: 780 }, hasTouch: true, isMobile: true });

  test("a tap opens a bottom sheet; a touch that starts a scroll opens nothing", async ({ page }) => {
    await page.goto("/");
    await expect(code(page, "I10")).toHaveAttribute("data-codecard-ready", "");
    // A scroll starts with touchstart and touchmove on whatever is under the finger, and ends
    // without a click: the card opens on click (tap) only, never on touchstart.
    const target = code(page, "99214");
    await target.dispatchEvent("touchstart", { touches: [], bubbles: true });
    await target.dispatchEvent("touchmove", { touches: [], bubbles: true });
    await target.dispatchEvent("touchend", { touches: [], bubbles: true });
    await page.waitForTimeout(500);
    await expect(dialog(page)).toHaveCount(0);

    await code(page, "E11.65").tap();
    await expect(dialog(page)).toContainText("Type 2 diabetes mellitus with hyperglycemia");
    await expect(dialog(page)).toHaveClass(/cc-sheet/);
    await page.screenshot({ path: test.info().outputPath("bottom-sheet.png") });
    const sheet = await dialog(page).boundingBox();
    expect(Math.round(sheet.y + sheet.height)).toBe(780);
    expect(Math.round(sheet.width)).toBe(390);
  });
});

test.describe("theming and language", () => {
  test("dark mode follows the system unless the site forces a theme", async ({ page, baseURL }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/");
    await code(page, "I10").click();
    const background = () => dialog(page).evaluate((d) => getComputedStyle(d).backgroundColor);
    await expect.poll(background).toBe("rgb(30, 35, 41)");
    await page.screenshot({ path: test.info().outputPath("dark.png") });

    await thirdPartyPage(page, baseURL, {
      scriptBase: baseURL,
      endpoint: baseURL,
      attributes: { "data-theme": "light" },
      body: `<span data-code="I10">I10</span>`,
    });
    await code(page, "I10").click();
    await expect.poll(background).toBe("rgb(255, 255, 255)");
  });

  test("theme variables from the page reach into the card", async ({ page }) => {
    await page.goto("/");
    await page.addStyleTag({ content: ":root { --codecard-accent: rgb(200, 0, 100); --codecard-radius: 2px; }" });
    await code(page, "E11.65").click();
    await expect(dialog(page)).toContainText("hyperglycemia");
    expect(await dialog(page).evaluate((d) => getComputedStyle(d).borderTopLeftRadius)).toBe("2px");
    const link = page.locator("[data-codecard-host] .cc-link").first();
    expect(await link.evaluate((l) => getComputedStyle(l).color)).toBe("rgb(200, 0, 100)");
  });

  test("Spanish by data-lang, and by the browser's language", async ({ page, baseURL, browser }) => {
    await thirdPartyPage(page, baseURL, {
      scriptBase: baseURL,
      endpoint: baseURL,
      attributes: { "data-lang": "es" },
      body: `<span data-code="E11.9">E11.9</span> <span data-code="Z99.999">Z99.999</span>`,
    });
    await code(page, "E11.9").click();
    await expect(dialog(page)).toContainText("Descripción oficial");
    await expect(page.locator("[data-codecard-host] .cc-close")).toHaveAttribute("aria-label", "Cerrar");
    await code(page, "Z99.999").click();
    await expect(dialog(page)).toContainText("Código no encontrado");

    const spanish = await browser.newContext({ locale: "es-MX" });
    const other = await spanish.newPage();
    await other.goto(baseURL + "/");
    await code(other, "I10").click();
    await expect(dialog(other)).toContainText("Dónde se clasifica");
    await spanish.close();
  });
});

test.describe("isolation", () => {
  test("a hostile stylesheet changes neither the card nor its place", async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto("/hostile.html");
    for (const c of ["E11.65", "I10"]) {
      await code(page, c).click();
      await expect(dialog(page)).toContainText(c === "I10" ? "Essential (primary) hypertension" : "hyperglycemia");
      const d = dialog(page);
      await expect(d).toBeVisible();
      expect(await d.evaluate((el) => el.matches(":popover-open"))).toBe(true); // the top layer
      const style = await d.evaluate((el) => {
        const s = getComputedStyle(el.querySelector(".cc-description"));
        return { font: s.fontFamily, size: s.fontSize, transform: s.textTransform, color: s.color };
      });
      expect(style.font).not.toContain("Comic");
      expect(style.size).toBe("15px");
      expect(style.transform).toBe("none");
      expect(style.color).not.toBe("rgb(204, 0, 0)");
      // Nothing of the page covers the card, not even z-index 2147483647.
      const box = await d.boundingBox();
      const onTop = await page.evaluate(
        ([x, y]) => document.elementFromPoint(x, y)?.hasAttribute("data-codecard-host"),
        [box.x + box.width / 2, box.y + Math.min(box.height - 5, 60)]
      );
      expect(onTop).toBe(true);
      await page.screenshot({ path: test.info().outputPath(`hostile-${c}.png`) });
      const viewport = page.viewportSize();
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      await page.keyboard.press("Escape");
    }
    expect(errors).toEqual([]);
  });

  test("a strict Content-Security-Policy page works without violations", async ({ page }) => {
    const errors = watchErrors(page);
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto("/csp.html");
    await code(page, "E11.9").click();
    await expect(dialog(page)).toContainText("Type 2 diabetes mellitus without complications");
    await expect(dialog(page)).toHaveCSS("position", "fixed"); // the stylesheet applied
    expect(await page.evaluate(() => window.__violations)).toEqual([]);
    expect(errors).toEqual([]);
  });
});

test.describe("accessibility (axe-core, WCAG 2.2 AA)", () => {
  const violations = async (page) => {
    const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`);
  };
  for (const path of ["/", "/article.html", "/ehr.html", "/csp.html"]) {
    test(`${path} has no violations, with a card open too`, async ({ page }) => {
      await page.goto(path);
      const first = page.locator("[data-codecard-ready]").first();
      await expect(first).toBeVisible();
      expect(await violations(page)).toEqual([]);
      await first.click();
      await expect(dialog(page)).not.toContainText("Looking up");
      expect(await violations(page)).toEqual([]);
    });
  }

  test("/search.html has no violations, with results and a card open too", async ({ page }) => {
    await page.goto("/search.html");
    const input = page.locator("[data-codecard-search] input[role=combobox]");
    await expect(input).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await input.fill("diabetes type 2");
    await expect(page.locator("[data-codecard-search] [role=option]").first()).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect(dialog(page)).not.toContainText("Looking up");
    expect(await violations(page)).toEqual([]);
  });
});

test("a mistyped script attribute disables codecard, not the page", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await thirdPartyPage(page, baseURL, {
    scriptBase: baseURL,
    endpoint: baseURL,
    attributes: { "data-root": "#not a [valid selector" },
    body: `<span data-code="I10">I10</span>`,
    ready: false,
  });
  await expect.poll(() => page.evaluate(() => !!window.CodeCard)).toBe(true);
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => window.CodeCard.instances.length)).toBe(0);
  expect(errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
});

test("the loader and the card module cause no layout shift on the host page", async ({ page }) => {
  await page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shifts.push(entry.value);
    }).observe({ type: "layout-shift", buffered: true });
  });
  await page.goto("/article.html");
  await expect(page.locator("[data-codecard-auto]").first()).toBeVisible(); // codes detected and marked
  await expect(page.locator("[data-codecard-host]")).toHaveCount(1, { timeout: 15_000 }); // module started on idle
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => window.__shifts)).toEqual([]);
});

test("destroy() also removes search boxes and shows the page's own content again", async ({ page }) => {
  await page.goto("/search.html");
  const input = page.locator("[data-codecard-search] input[role=combobox]");
  await expect(input).toBeVisible();
  await expect(page.getByText("Code search needs JavaScript.")).toBeHidden();
  await page.evaluate(() => window.CodeCard.destroy());
  await expect(input).toHaveCount(0);
  await expect(page.getByText("Code search needs JavaScript.")).toBeVisible();
  await expect(page.locator("[data-codecard-search-ready]")).toHaveCount(0);
});
