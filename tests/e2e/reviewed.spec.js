// Embedding as a site owner on odd pages (issue 11, second review): framework-owned text, the
// <code-card> element, hidden codes, phones, right-to-left pages, the fallback card, CSP without
// 'wasm-unsafe-eval', destroy(), several instances and codes an SPA removes. (The redeploy case is
// tests/http.rs `a_page_of_the_previous_build_still_gets_its_own_files`.)
const path = require("path");
const esbuild = require("esbuild");
const { test, expect } = require("@playwright/test");
const { dialog, code, watchErrors, thirdPartyPage, frames } = require("./helpers");

/** A third-party page (see helpers.js) whose script and endpoint are the unmetered server. */
const hostPage = (page, baseURL, options) => thirdPartyPage(page, baseURL, { scriptBase: baseURL, endpoint: baseURL, ...options });
const cards = (page) => page.locator("[data-codecard-host] [role=dialog]");
/** The rectangle of the card (the loader's fallback card too) and of the code `c`. */
const rects = (page, c) =>
  page.evaluate((c) => {
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    };
    const hosts = [...document.querySelectorAll("[data-codecard-host]")];
    const d = hosts.map((h) => h.shadowRoot.querySelector("[role=dialog]")).find(Boolean);
    return { card: box(d), code: box(document.querySelector(`[data-code="${c}"]`)) };
  }, c);

test.describe("1. auto-detection on a React page", () => {
  const bundle = esbuild.buildSync({
    entryPoints: [path.join(__dirname, "pages", "react-app.jsx")],
    bundle: true,
    write: false,
    format: "iife",
    jsx: "automatic",
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  }).outputFiles[0].text;

  test("React updates and removes the text of a detected code without an error, and the new code is detected", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    const origin = baseURL.replace("127.0.0.1", "localhost");
    await page.route(`${origin}/react-app.js`, (route) => route.fulfill({ contentType: "text/javascript", body: bundle }));
    await hostPage(page, baseURL, { attributes: { "data-autodetect": "" }, body: `<div id="react-root"></div>`, ready: false });
    await page.evaluate((src) => {
      const s = document.createElement("script");
      s.src = src;
      document.head.append(s);
    }, `${origin}/react-app.js`);
    const dx = page.locator("#dx");
    await expect(dx.locator("[data-codecard-auto][data-code='E11.9']")).toHaveAttribute("role", "button");
    await expect(dx).toHaveText("Diagnosis: E11.9 confirmed");
    // React sets the nodeValue of the text node it rendered.
    await page.locator("#change").click();
    await expect(dx).toHaveText("Diagnosis: I10 confirmed");
    await expect(dx.locator("[data-codecard-auto][data-code='I10']")).toHaveAttribute("role", "button");
    await expect(dx.locator("[data-code='E11.9']")).toHaveCount(0);
    await dx.locator("[data-code='I10']").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    // React removes that text node from its parent (the button is under the open card: clicked by script).
    await page.locator("#hide").evaluate((b) => b.click());
    await expect(page.locator("#alive")).toHaveText("hidden");
    await expect(dx).toHaveText("Diagnosis:  confirmed");
    await expect(dialog(page)).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test("a script that keeps a text node sees its own node changed and removed (no framework)", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await hostPage(page, baseURL, { attributes: { "data-autodetect": "" }, body: `<p id="t">Seen for I10 today</p>`, ready: false });
    await page.evaluate(() => (window.kept = document.getElementById("t").firstChild));
    await expect(page.locator("#t [data-code='I10']")).toHaveAttribute("role", "button");
    await page.evaluate(() => (window.kept.nodeValue = "Seen for E11.9 today"));
    await expect(page.locator("#t")).toHaveText("Seen for E11.9 today");
    await expect(page.locator("#t [data-code='E11.9']")).toHaveAttribute("role", "button");
    await page.evaluate(() => window.kept.parentNode.removeChild(window.kept));
    await expect(page.locator("#t")).toHaveText("");
    expect(errors).toEqual([]);
  });
});

test("2. changing the code attribute of <code-card> changes its text and its open card", async ({ page, baseURL }) => {
  await hostPage(page, baseURL, { body: `<p>Dx: <code-card code="E11.9"></code-card></p>` });
  const el = page.locator("code-card");
  await expect(el).toHaveText("E11.9");
  await el.click();
  await expect(dialog(page)).toContainText("Type 2 diabetes mellitus without complications");
  await el.evaluate((e) => e.setAttribute("code", "I10"));
  await expect(el).toHaveText("I10");
  await expect(el).toHaveAttribute("data-code", "I10");
  await expect(dialog(page)).toContainText("Essential (primary) hypertension");
});

test("3. a code hidden with display:none while its card is open closes the card", async ({ page, baseURL }) => {
  await hostPage(page, baseURL, { body: `<div id="panel"><p>Dx: <span data-code="I10">I10</span></p></div><p id="other">x</p>` });
  await code(page, "I10").click();
  await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  await page.evaluate(() => (document.querySelector("[data-code='I10']").style.display = "none"));
  await expect(dialog(page)).toHaveCount(0);
  await page.evaluate(() => (document.querySelector("[data-code='I10']").style.display = ""));
  await code(page, "I10").click();
  await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  // Its panel hidden: the same.
  await page.evaluate(() => (document.getElementById("panel").hidden = true));
  await expect(dialog(page)).toHaveCount(0);
});

test.describe("4. phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("the bottom sheet does not cover its code: the page scrolls the code above it", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, {
      body: `<div style="height: 700px"></div><p>Low: <span data-code="E11.65">E11.65</span></p><div style="height: 1600px"></div>`,
    });
    await code(page, "E11.65").tap();
    await expect(dialog(page)).toContainText("Other codes in this category");
    await frames(page);
    await page.waitForTimeout(300);
    await frames(page);
    const r = await rects(page, "E11.65");
    expect(r.code.top).toBeGreaterThanOrEqual(0);
    expect(r.code.bottom).toBeLessThanOrEqual(r.card.top);
    await page.screenshot({ path: test.info().outputPath("phone-sheet-code-visible.png") });
  });
});

test.describe("5. right-to-left page", () => {
  test("the card is laid out left to right on a dir=rtl page", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, { body: `<p>Dx: <span data-code="I10">I10</span></p>` });
    await page.evaluate(() => (document.documentElement.dir = "rtl"));
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    expect(await dialog(page).evaluate((d) => getComputedStyle(d).direction)).toBe("ltr");
    await page.screenshot({ path: test.info().outputPath("rtl-card.png") });
  });

  test("the fallback card of a code in a modal <dialog> takes the pointer: its Try again brings the card", async ({ page, baseURL }) => {
    let down = true;
    await page.route("**/widget/*/codecard.js*", (route) => (down ? route.abort() : route.continue()));
    await hostPage(page, baseURL, { body: `<dialog id="d"><p>Dx: <span data-code="I10">I10</span></p></dialog>` });
    await page.evaluate(() => document.getElementById("d").showModal());
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("cannot be reached");
    down = false;
    // Outside the modal dialog the fallback card would be inert: the click would never reach it.
    await dialog(page).locator("button.r").click({ timeout: 5000 });
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    expect(await page.evaluate(() => document.getElementById("d").open)).toBe(true);
  });

  test("CodeCard.open without an anchor while a modal <dialog> is open: the card takes the pointer, and its close button closes the card only", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, { body: `<dialog id="d"><p>Claim line <button id="look">Look up I10</button></p></dialog>`, ready: false });
    await page.waitForFunction(() => window.CodeCard?.instances?.length === 1);
    await page.evaluate(() => {
      document.getElementById("look").onclick = () => CodeCard.open("I10");
      document.getElementById("d").showModal();
    });
    await page.locator("#look").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    // Outside the modal dialog the card would be inert: its close button would never get the click.
    await dialog(page).locator("[data-action=close]").click({ timeout: 5000 });
    await expect(dialog(page)).toHaveCount(0);
    expect(await page.evaluate(() => document.getElementById("d").open)).toBe(true);
  });

  test("page CSS does not reach the fallback card", async ({ page, baseURL }) => {
    await page.route("**/widget/*/codecard.js*", (route) => route.abort());
    await hostPage(page, baseURL, { body: `<p>Dx: <span data-code="I10">I10</span></p>` });
    await page.evaluate(() => {
      document.documentElement.dir = "rtl";
      const sheet = new CSSStyleSheet();
      sheet.replaceSync("html{letter-spacing:6px;text-transform:uppercase;text-align:center;word-spacing:20px}body>div{opacity:.3;transform:scale(.5)}");
      document.adoptedStyleSheets = [sheet];
    });
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("cannot be reached");
    const style = await dialog(page).evaluate((d) => {
      const p = getComputedStyle(d.querySelector("p"));
      const host = getComputedStyle(d.getRootNode().host);
      return { direction: p.direction, spacing: p.letterSpacing, transform: p.textTransform, align: p.textAlign, opacity: host.opacity, hostTransform: host.transform };
    });
    expect(style).toEqual({ direction: "ltr", spacing: "normal", transform: "none", align: "start", opacity: "1", hostTransform: "none" });
  });
});

test.describe("6. the card follows its code when the page scrolls", () => {
  const body = `<div style="height: 200px"></div><p>Dx: <span data-code="I10">I10</span></p><div style="height: 2000px"></div>`;
  const follows = async (page) => {
    const before = await rects(page, "I10");
    await page.mouse.wheel(0, 120);
    await expect.poll(() => page.evaluate(() => scrollY)).toBeGreaterThan(100);
    await frames(page);
    const after = await rects(page, "I10");
    expect(after.code.top).toBeLessThan(before.code.top - 100);
    expect(Math.abs(after.card.top - after.code.bottom - (before.card.top - before.code.bottom))).toBeLessThan(1);
  };

  for (const popover of [true, false]) {
    test(`the fallback card (the card module cannot be loaded)${popover ? "" : " in a browser without the Popover API"}`, async ({ page, baseURL }) => {
      if (!popover) await page.addInitScript(() => delete HTMLElement.prototype.showPopover);
      await page.route("**/widget/*/codecard.js*", (route) => route.abort());
      await hostPage(page, baseURL, { body });
      await code(page, "I10").click();
      await expect(dialog(page)).toContainText("cannot be reached");
      await follows(page);
    });
  }

  test("the card in a browser without the Popover API", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await page.addInitScript(() => delete HTMLElement.prototype.showPopover);
    await hostPage(page, baseURL, { body });
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    await follows(page);
    expect(errors).toEqual([]);
  });
});

test("7. a CSP without 'wasm-unsafe-eval' is reported as the page's security policy, not as the service down", async ({ page, baseURL }) => {
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  await hostPage(page, baseURL, {
    csp: `default-src 'none'; script-src 'self' ${baseURL}; style-src 'self'; connect-src 'self' ${baseURL}`,
    body: `<p>Dx: <span data-code="I10">I10</span></p>`,
  });
  await code(page, "I10").click();
  await expect(dialog(page)).toContainText("This page's security policy blocks the code lookup.");
  await expect(dialog(page)).not.toContainText("cannot be reached");
  expect(warnings.join("\n")).toContain("'wasm-unsafe-eval'");
  await page.screenshot({ path: test.info().outputPath("csp-blocks-wasm.png") });
});

test.describe("9. destroy()", () => {
  test("with a card open leaves the code as it found it and no card", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, { body: `<p>Dx: <span data-code="I10">I10</span></p>` });
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    await page.evaluate(() => window.CodeCard.destroy());
    await page.waitForTimeout(300);
    expect(await code(page, "I10").evaluate((e) => e.outerHTML)).toBe(`<span data-code="I10">I10</span>`);
    await expect(page.locator("[data-codecard-host]")).toHaveCount(0);
  });

  // A page's own handler of the card's events may tear the widget down (an SPA leaving the view).
  for (const [event, how] of [
    ["codecard:open", "a click opening the card"],
    ["codecard:close", "CodeCard.close()"],
    ["codecard:close", "Esc"],
  ]) {
    test(`from a handler of ${event} (${how}) throws nothing and leaves the code as it found it, no card and no instance`, async ({ page, baseURL }) => {
      const errors = watchErrors(page);
      await hostPage(page, baseURL, { body: `<p>Dx: <span data-code="I10">I10</span></p>` });
      if (event === "codecard:close") {
        await code(page, "I10").click();
        await expect(dialog(page)).toContainText("Essential (primary) hypertension");
      }
      await page.evaluate((event) => document.addEventListener(event, () => window.CodeCard.destroy()), event);
      if (how === "Esc") await page.keyboard.press("Escape");
      else if (how === "CodeCard.close()") await page.evaluate(() => window.CodeCard.close());
      else await code(page, "I10").click();
      await expect(page.locator("[data-codecard-host]")).toHaveCount(0);
      expect(await page.evaluate(() => window.CodeCard.instances.length)).toBe(0);
      expect(await code(page, "I10").evaluate((e) => e.outerHTML)).toBe(`<span data-code="I10">I10</span>`);
      expect(errors).toEqual([]);
    });
  }

  test("while the card module is still loading leaves no card behind", async ({ page, baseURL }) => {
    let release;
    const held = new Promise((r) => (release = r));
    await page.route("**/widget/*/codecard_bg.wasm", async (route) => {
      await held;
      await route.continue();
    });
    await hostPage(page, baseURL, { body: `<p>Dx: <span data-code="I10">I10</span></p>` });
    await code(page, "I10").click();
    await page.evaluate(() => window.CodeCard.destroy());
    release();
    await page.waitForTimeout(1500);
    await expect(page.locator("[data-codecard-host]")).toHaveCount(0);
    expect(await code(page, "I10").evaluate((e) => e.outerHTML)).toBe(`<span data-code="I10">I10</span>`);
  });
});

test.describe("10. one card at a time, page-wide", () => {
  const body = `<p id="a">A: <span data-code="I10">I10</span></p><p id="b" style="margin-left: 700px">B: <span data-code="E11.9">E11.9</span></p>`;

  test("two instances over separate parts of the page", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, { attributes: { "data-root": "#a" }, body });
    await page.evaluate((endpoint) => window.CodeCard.create({ endpoint, root: "#b" }), baseURL);
    await expect(code(page, "E11.9")).toHaveAttribute("data-codecard-ready", "");
    await code(page, "I10").click();
    await expect(cards(page)).toContainText("Essential (primary) hypertension");
    await code(page, "E11.9").click();
    await expect(cards(page).filter({ hasText: "Type 2 diabetes mellitus" })).toHaveCount(1);
    await expect(cards(page)).toHaveCount(1);
    await expect(code(page, "I10")).toHaveAttribute("aria-expanded", "false");
    await expect(cards(page)).toBeFocused();
  });

  test("two instances over the same codes", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, { body });
    await page.evaluate((endpoint) => window.CodeCard.create({ endpoint, root: "#b" }), baseURL);
    await code(page, "E11.9").click();
    await expect(cards(page).first()).toContainText("Type 2 diabetes mellitus");
    await page.waitForTimeout(300);
    await expect(cards(page)).toHaveCount(1);
  });
});

test.describe("11. an SPA removes the code whose card is open", () => {
  test("the card closes and focus goes to the nearest focusable container, not <body>", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, {
      body: `<section id="list" tabindex="-1" aria-label="Problems"><p id="row">Dx: <span data-code="I10">I10</span></p></section>`,
    });
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    await page.evaluate(() => document.getElementById("row").remove());
    await expect(dialog(page)).toHaveCount(0);
    await expect(page.locator("#list")).toBeFocused();
  });

  test("a card opened from a page control gives focus back to that control", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, {
      body: `<button id="show">Show</button><p id="row">Dx: <span data-code="I10">I10</span></p>`,
    });
    await page.locator("#show").evaluate((b) => b.addEventListener("click", () => window.CodeCard.open("I10", { anchor: "[data-code='I10']" })));
    await page.locator("#show").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    await page.evaluate(() => document.getElementById("row").remove());
    await expect(dialog(page)).toHaveCount(0);
    await expect(page.locator("#show")).toBeFocused();
  });

  test("focus the reader put elsewhere on the page stays there", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, {
      body: `<section id="list" tabindex="-1"><p id="row">Dx: <span data-code="I10">I10</span></p></section><input id="field">`,
    });
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
    await page.evaluate(() => {
      document.getElementById("field").focus();
      document.getElementById("row").remove();
    });
    await expect(dialog(page)).toHaveCount(0);
    await expect(page.locator("#field")).toBeFocused();
  });
});

test.describe("siblings", () => {
  test("a search box of one instance opening a card closes another instance's card", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, {
      attributes: { "data-root": "#a" },
      body: `<p id="a">A: <span data-code="I10">I10</span></p><div id="b" style="margin-left: 700px"><div data-codecard-search></div></div>`,
    });
    await page.evaluate((endpoint) => window.CodeCard.create({ endpoint, root: "#b" }), baseURL);
    const input = page.locator("[data-codecard-search] input[role=combobox]");
    await expect(input).toBeVisible();
    await code(page, "I10").click();
    await expect(cards(page)).toContainText("Essential (primary) hypertension");
    await input.fill("heart attack");
    await page.locator("[data-codecard-search] [role=option]").filter({ hasText: "I21.9" }).click();
    await expect(cards(page).filter({ hasText: "Acute myocardial infarction" })).toHaveCount(1);
    await expect(cards(page)).toHaveCount(1);
    await expect(code(page, "I10")).toHaveAttribute("aria-expanded", "false");
  });

  test("a data-code changed under its open card: the card shows the new code", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, { body: `<p>Dx: <span id="c" data-code="E11.9">the diagnosis</span></p>` });
    await page.locator("#c").click();
    await expect(dialog(page)).toContainText("Type 2 diabetes mellitus");
    await page.evaluate(() => (document.getElementById("c").dataset.code = "I10"));
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  });

  test("an element given a data-code later becomes a code", async ({ page, baseURL }) => {
    await hostPage(page, baseURL, { body: `<p>Dx: <span data-code="E11.9">E11.9</span> <span id="later">I10</span></p>` });
    await page.evaluate(() => (document.getElementById("later").dataset.code = "I10"));
    await expect(page.locator("#later")).toHaveAttribute("role", "button");
    await page.locator("#later").click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  });

  test("the fallback card of a code low in the viewport sits above it, not over it", async ({ page, baseURL }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.route("**/widget/*/codecard.js*", (route) => route.abort());
    await hostPage(page, baseURL, { body: `<div style="height: 640px"></div><p>Dx: <span data-code="I10">I10</span></p>` });
    await page.evaluate(() => scrollTo(0, 0));
    await code(page, "I10").click();
    await expect(dialog(page)).toContainText("cannot be reached");
    const r = await rects(page, "I10");
    expect(r.card.bottom).toBeLessThanOrEqual(r.code.top);
  });

  test("destroy() while auto-detection is marking codes leaves the text as it was", async ({ page, baseURL }) => {
    const text = Array.from({ length: 400 }, (_, i) => `Seen ${i}: E11.9 and I10.`).join(" ");
    await hostPage(page, baseURL, { attributes: { "data-autodetect": "" }, body: `<div id="t">${text.split(". ").map((t) => `<p>${t}.</p>`).join("")}</div>`, ready: false });
    const before = await page.locator("#t").evaluate((e) => e.textContent);
    await expect(page.locator("#t [data-codecard-auto]").first()).toBeAttached();
    await page.evaluate(() => window.CodeCard.destroy());
    await page.waitForTimeout(500);
    await expect(page.locator("#t [data-codecard-auto]")).toHaveCount(0);
    expect(await page.locator("#t").evaluate((e) => e.textContent)).toBe(before);
    expect(await page.locator("#t p").evaluateAll((ps) => ps.every((p) => p.childNodes.length === 1))).toBe(true);
  });
});

test.describe("a page's own window.CodeCard", () => {
  const body = `<p>Diagnosis <span data-code="E11.9">E11.9</span></p>`;
  const opens = async (page) => {
    await code(page, "E11.9").click();
    await expect(dialog(page)).toContainText("Type 2 diabetes mellitus");
  };

  test("defined by the page first is left alone, and codes still open their card", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await page.addInitScript(() => {
      window.CodeCard = function CodeCard() {
        return "page component";
      };
    });
    await hostPage(page, baseURL, { body });
    await opens(page);
    expect(await page.evaluate(() => typeof window.CodeCard === "function" && window.CodeCard())).toBe("page component");
    expect(errors).toEqual([]);
  });

  test("set by the page after the loader started does not break a click", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await hostPage(page, baseURL, { body });
    await page.evaluate(() => {
      window.CodeCard = { render() {} };
    });
    await opens(page);
    await page.keyboard.press("Escape");
    await expect(dialog(page)).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test("read-only on the page: the loader starts without throwing", async ({ page, baseURL }) => {
    const errors = watchErrors(page);
    await page.addInitScript(() => {
      Object.defineProperty(window, "CodeCard", { value: {}, writable: false });
    });
    await hostPage(page, baseURL, { body });
    await opens(page);
    expect(errors).toEqual([]);
  });
});
