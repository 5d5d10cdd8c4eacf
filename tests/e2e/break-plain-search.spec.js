// The search box and the code picker after their rewrite without Leptos (state in cells, a redraw
// after each change), against pages that call back into them from their own event handlers,
// answers that arrive after teardown, and odd results.
const { test, expect } = require("@playwright/test");
const { AxeBuilder } = require("@axe-core/playwright");

const { dialog, watchErrors, trustedPage } = require("./helpers");

const field = (page, id) => page.locator(`#${id}`);
const optionsOf = async (page, id) =>
  page.locator(`#${await field(page, id).getAttribute("aria-controls")} [role=option]`);

/** www/blank.html with `body`, `script` run before the embed script, and the embed script. */
async function host(page, body, script = "") {
  await page.goto("/blank.html");
  await page.evaluate(
    ([body, script]) => {
      document.querySelector("main").insertAdjacentHTML("beforeend", body);
      window.__picks = [];
      document.addEventListener("codecard:select", (e) => window.__picks.push(e.detail.display_code));
      new Function(script)();
      const loader = document.createElement("script");
      loader.src = "/widget/loader.js";
      loader.dataset.endpoint = "/";
      document.head.append(loader);
    },
    [body, script]
  );
  for (const input of await page.locator("input[data-codecard-picker]").all()) {
    await expect(input).toHaveAttribute("role", "combobox");
  }
}

const form = (fields) => `<form id="f" action="/demo/echo" method="post">${fields}<button>Send</button></form>`;

/** Types `text` into field `id`, waits for an option showing `code`, and picks the first one
 * with the keyboard. */
async function pick(page, id, text, code) {
  await field(page, id).focus();
  await page.keyboard.type(text);
  await expect((await optionsOf(page, id)).filter({ hasText: code }).first()).toBeVisible();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
}

/** The attributes the picker adds to its input (none may stay after teardown). */
const PICKER_ATTRIBUTES = ["role", "aria-expanded", "aria-controls", "aria-autocomplete", "aria-activedescendant", "aria-invalid", "autocomplete", "spellcheck"];
const pickerAttributes = (page, id) =>
  field(page, id).evaluate((el, names) => names.filter((n) => el.hasAttribute(n)), PICKER_ATTRIBUTES);

/** Holds every search request until `release()` is called; `count()` says how many are held. */
async function holdSearches(page) {
  const held = [];
  await page.route("**/v1/search**", (route) => held.push(route));
  return {
    count: () => held.length,
    release: async () => {
      await page.unroute("**/v1/search**");
      for (const route of held.splice(0)) await route.continue().catch(() => {});
    },
  };
}

test.describe("plain-state search box and picker under re-entrant pages", () => {
  let errors;
  test.beforeEach(async ({ page }) => {
    errors = watchErrors(page);
  });
  test.afterEach(() => expect(errors).toEqual([]));

  test("a page that moves focus on from the picker's change event gets one codecard:select per pick (the blur checks nothing again)", async ({ page }) => {
    await host(
      page,
      form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm"><label for="next">Next</label><input id="next">'),
      `document.addEventListener("change", (e) => e.target.id === "dx" && document.getElementById("next").focus());`
    );
    await pick(page, "dx", "E11.9", "E11.9");
    await expect(field(page, "dx")).toHaveValue("E11.9");
    await expect(field(page, "next")).toBeFocused();
    // A second (checking) round trip would come back well within this.
    await page.waitForTimeout(1000);
    expect(await page.evaluate(() => window.__picks)).toEqual(["E11.9"]);
    await expect(field(page, "dx")).not.toHaveAttribute("aria-invalid", "true");
  });

  test("CodeCard.destroy() from a codecard:select handler leaves the input with none of the picker's attributes", async ({ page }) => {
    await host(
      page,
      form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">'),
      `document.addEventListener("codecard:select", () => window.CodeCard.destroy());`
    );
    await pick(page, "dx", "E11.9", "E11.9");
    await expect(field(page, "dx")).toHaveValue("E11.9");
    await expect(page.locator("[data-codecard-pick]")).toHaveCount(0);
    expect(await pickerAttributes(page, "dx")).toEqual([]);
  });

  test("CodeCard.destroy() from the change event of a pick: no codecard:select on the given-back input", async ({ page }) => {
    await host(
      page,
      form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">'),
      `document.addEventListener("change", (e) => e.target.id === "dx" && window.CodeCard.destroy());`
    );
    await pick(page, "dx", "E11.9", "E11.9");
    await expect(page.locator("[data-codecard-pick]")).toHaveCount(0);
    expect(await page.evaluate(() => window.__picks)).toEqual([]);
    expect(await pickerAttributes(page, "dx")).toEqual([]);
  });

  test("a check answered after CodeCard.destroy() writes nothing: no value, no validity, no event, no attribute", async ({ page }) => {
    await host(
      page,
      form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm"><label for="other">Other</label><input id="other" name="other" data-codecard-picker="icd10cm"><label for="next">Next</label><input id="next">')
    );
    const searches = await holdSearches(page);
    // A known code written in lower case (a check rewrites it) and an unknown one (a check marks it invalid).
    await field(page, "dx").fill("e119");
    await field(page, "other").fill("E11.999");
    await field(page, "next").focus();
    await expect.poll(searches.count).toBeGreaterThanOrEqual(2);
    await page.evaluate(() => window.CodeCard.destroy());
    await searches.release();
    await page.waitForTimeout(1000);
    await expect(field(page, "dx")).toHaveValue("e119");
    expect(await page.evaluate(() => window.__picks)).toEqual([]);
    for (const id of ["dx", "other"]) {
      expect(await pickerAttributes(page, id)).toEqual([]);
      expect(await field(page, id).evaluate((el) => el.validationMessage)).toBe("");
    }
  });

  test("typing then CodeCard.destroy() while the search is debounced or in flight draws nothing afterwards", async ({ page }) => {
    await host(
      page,
      `<label for="dx">Dx</label><input id="dx" data-codecard-picker="icd10cm"><div data-codecard-search></div>`
    );
    await expect(page.locator("[data-codecard-search] >> input[type=search]")).toBeVisible();
    await field(page, "dx").focus();
    await page.keyboard.type("diab");
    await page.locator("[data-codecard-search] >> input[type=search]").focus();
    await page.keyboard.type("diab");
    await page.evaluate(() => window.CodeCard.destroy());
    await page.waitForTimeout(1000);
    expect(await pickerAttributes(page, "dx")).toEqual([]);
    await expect(page.locator("[data-codecard-pick]")).toHaveCount(0);
    await expect(page.locator("[data-codecard-search] >> input[type=search]")).toHaveCount(0);
  });

  test("after the form is reset, ArrowDown in the emptied field lists nothing and chooses no option", async ({ page }) => {
    await host(page, form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">'));
    await field(page, "dx").focus();
    await page.keyboard.type("diabetes");
    await expect((await optionsOf(page, "dx")).first()).toBeVisible();
    await page.evaluate(() => document.getElementById("f").reset());
    await expect(field(page, "dx")).toHaveValue("");
    await page.keyboard.press("ArrowDown");
    await expect(field(page, "dx")).toHaveAttribute("aria-expanded", "false");
    await expect(field(page, "dx")).not.toHaveAttribute("aria-activedescendant", /./);
    await expect((await optionsOf(page, "dx")).first()).toBeHidden();
  });

  test("after the form is reset, a multiple picker's emptied field lists nothing on ArrowDown", async ({ page }) => {
    await host(page, form('<label for="more">More</label><input id="more" name="more" data-codecard-picker="icd10cm" data-multiple>'));
    await pick(page, "more", "I10", "I10");
    await page.keyboard.type("diabetes");
    await expect((await optionsOf(page, "more")).first()).toBeVisible();
    await page.evaluate(() => document.getElementById("f").reset());
    await expect(page.locator("[data-codecard-chips] li")).toHaveCount(0);
    await page.keyboard.press("ArrowDown");
    await expect(field(page, "more")).toHaveAttribute("aria-expanded", "false");
    await page.keyboard.press("Enter");
    await expect(page.locator("[data-codecard-chips] li")).toHaveCount(0);
  });

  test("a reset the page cancels (its own confirm said no) keeps the chips, the value and the message", async ({ page }) => {
    await host(
      page,
      form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm"><label for="more">More</label><input id="more" name="more" data-codecard-picker="icd10cm" data-multiple>')
    );
    // Added after the pickers started: the page's handler runs after theirs.
    await page.evaluate(() => document.getElementById("f").addEventListener("reset", (e) => e.preventDefault()));
    await pick(page, "more", "I10", "I10");
    await field(page, "dx").fill("E11.999");
    await field(page, "more").focus();
    await expect(field(page, "dx")).toHaveAttribute("aria-invalid", "true");
    await page.evaluate(() => document.getElementById("f").reset());
    await page.waitForTimeout(300);
    await expect(page.locator("[data-codecard-chips] li")).toHaveText([/I10/]);
    await expect(field(page, "dx")).toHaveValue("E11.999");
    await expect(field(page, "dx")).toHaveAttribute("aria-invalid", "true");
    expect(await field(page, "dx").evaluate((el) => el.validationMessage)).not.toBe("");
  });

  test("a customized built-in input whose attribute callback fires input when an ARIA attribute changes lists, checks and picks (no re-entrant trap)", async ({ page }) => {
    await host(
      page,
      form('<label for="dx">Dx</label><input is="dx-input" id="dx" name="dx" data-codecard-picker="icd10cm"><label for="next">Next</label><input id="next">'),
      `customElements.define("dx-input", class extends HTMLInputElement {
         static observedAttributes = ["aria-expanded", "aria-activedescendant", "aria-invalid", "aria-describedby"];
         attributeChangedCallback(name, old, value) {
           // A design system that tells its wrapper: on the same element, synchronously.
           if (old !== value) this.dispatchEvent(new Event("input", { bubbles: true }));
         }
       }, { extends: "input" });`
    );
    await field(page, "dx").focus();
    await page.keyboard.type("diabetes");
    await expect((await optionsOf(page, "dx")).first()).toBeVisible();
    await expect(field(page, "dx")).toHaveAttribute("aria-expanded", "true");
    await page.keyboard.press("Control+a");
    await page.keyboard.type("E11.999");
    await field(page, "next").focus();
    await expect(field(page, "dx")).toHaveAttribute("aria-invalid", "true");
    await field(page, "dx").focus();
    await page.keyboard.press("Control+a");
    await page.keyboard.type("E11.9");
    await expect((await optionsOf(page, "dx")).filter({ hasText: "E11.9" }).first()).toBeVisible();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect(field(page, "dx")).toHaveValue("E11.9");
    await expect(field(page, "dx")).not.toHaveAttribute("aria-invalid", "true");
    await expect.poll(() => page.evaluate(() => window.__picks)).toEqual(["E11.9"]);
  });

  test("an input event the page fires without changing the value (a form library touching its fields) keeps the field's message and the keyboard's option", async ({ page }) => {
    await host(page, form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm"><label for="next">Next</label><input id="next">'));
    const touch = () => field(page, "dx").evaluate((el) => el.dispatchEvent(new Event("input", { bubbles: true })));
    await field(page, "dx").fill("E11.999");
    await field(page, "next").focus();
    await expect(field(page, "dx")).toHaveAttribute("aria-invalid", "true");
    await touch();
    await expect(field(page, "dx")).toHaveAttribute("aria-invalid", "true");
    expect(await field(page, "dx").evaluate((el) => el.validationMessage)).not.toBe("");
    await field(page, "dx").fill("");
    await field(page, "dx").focus();
    await page.keyboard.type("diabetes");
    await expect((await optionsOf(page, "dx")).first()).toBeVisible();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await touch();
    await expect(field(page, "dx")).toHaveAttribute("aria-activedescendant", /-option-1$/);
  });

  test("Escape while the search box's request is in flight: its answer, once released, shows nothing", async ({ page }) => {
    await host(page, "<div data-codecard-search></div>");
    const search = page.locator("[data-codecard-search] >> input[type=search]");
    const searches = await holdSearches(page);
    await search.focus();
    await page.keyboard.type("asthma");
    await expect.poll(searches.count).toBe(1);
    await page.keyboard.press("Escape");
    await searches.release();
    await page.waitForTimeout(500);
    await expect(search).toHaveValue("");
    await expect(search).toHaveAttribute("aria-expanded", "false");
    await expect(page.locator("[data-codecard-search] >> [role=option]")).toHaveCount(0);
    await expect(page.locator("[data-codecard-search] >> [role=status]")).toHaveText("");
  });

  test("results that arrive after the page disabled the field's fieldset open no list", async ({ page }) => {
    await host(page, form('<fieldset id="fs"><legend>Diagnosis</legend><label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm"></fieldset>'));
    const searches = await holdSearches(page);
    await field(page, "dx").focus();
    await page.keyboard.type("diabetes");
    await expect.poll(searches.count).toBeGreaterThanOrEqual(1);
    await page.evaluate(() => { document.getElementById("fs").disabled = true; });
    await searches.release();
    await page.waitForTimeout(500);
    await expect(field(page, "dx")).toHaveAttribute("aria-expanded", "false");
    await expect((await optionsOf(page, "dx")).first()).toBeHidden();
  });

  test("a page that submits its form from codecard:select submits the chip just picked (required met by it)", async ({ page }) => {
    await host(
      page,
      form('<label for="more">More</label><input id="more" name="more" required data-codecard-picker="icd10cm" data-multiple>'),
      `document.addEventListener("codecard:select", () => document.getElementById("f").requestSubmit());`
    );
    await pick(page, "more", "I10", "I10");
    await page.waitForURL("**/demo/echo");
    expect(JSON.parse(await page.locator("#fields").textContent())).toEqual([["more", "I10"]]);
  });

  test("a page that saves its form on the picker's change event saves the chips as they are after the pick or removal", async ({ page }) => {
    await host(
      page,
      form('<label for="more">More</label><input id="more" name="more" data-codecard-picker="icd10cm" data-multiple>'),
      `window.__saved = [];
       document.addEventListener("change", (e) => e.target.id === "more" && window.__saved.push(new FormData(document.getElementById("f")).getAll("more")));`
    );
    await pick(page, "more", "I10", "I10");
    await expect.poll(() => page.evaluate(() => window.__saved.at(-1))).toEqual(["I10"]);
    await pick(page, "more", "E11.9", "E11.9");
    await expect.poll(() => page.evaluate(() => window.__saved.at(-1))).toEqual(["I10", "E11.9"]);
    await page.locator("[data-codecard-chips] li").first().getByRole("button").click();
    await expect(page.locator("[data-codecard-chips] li")).toHaveCount(1);
    expect(await page.evaluate(() => window.__saved.at(-1))).toEqual(["E11.9"]);
  });
});

test("under require-trusted-types-for 'script' the search box lists marked results, and the picker lists and picks, with no violation", async ({ page, baseURL }) => {
  const errors = watchErrors(page);
  await trustedPage(
    page,
    baseURL,
    '<p><span data-code="I10">I10</span></p><div data-codecard-search></div><form><label for="dx">Dx</label><input id="dx" data-codecard-picker="icd10cm" data-multiple></form>'
  );
  const search = page.locator("[data-codecard-search] >> input[type=search]");
  await search.fill("diabetes");
  const option = page.locator("[data-codecard-search] >> [role=option]").first();
  await expect(option).toBeVisible();
  await expect(option.locator("mark").first()).toBeVisible();
  await expect(field(page, "dx")).toHaveAttribute("role", "combobox");
  await field(page, "dx").focus();
  await page.keyboard.type("E11.9");
  await expect((await optionsOf(page, "dx")).filter({ hasText: "E11.9" }).first()).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("[data-codecard-chips] li")).toHaveText([/E11\.9/]);
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
  expect(errors).toEqual([]);
});

test("search results with markup, emoji and overlapping, reversed or out-of-range highlights are drawn as text, marks on whole characters", async ({ page }) => {
  const errors = watchErrors(page);
  const title = "<img src=x onerror=window.__owned=1>😷 Fièvre 🦠 fever";
  await page.route("**/v1/search**", (route) =>
    route.fulfill({
      contentType: "application/json",
      body: JSON.stringify({
        query: "fever",
        total: 1,
        offset: 0,
        limit: 20,
        complete: true,
        results: [{
          code: "R509", display_code: "R50.9", system: "icd10cm", billable: true, title,
          // "😷" (one character, two UTF-16 units), "Fièvre", a span inside "Fièvre", one reversed, one past the end, "fever".
          highlights: [{ start: 36, end: 37 }, { start: 38, end: 44 }, { start: 39, end: 41 }, { start: 44, end: 40 }, { start: 47, end: 52 }, { start: 60, end: 70 }],
          via: "<b>Index</b>",
        }],
      }),
    })
  );
  await host(page, "<div data-codecard-search></div>");
  const search = page.locator("[data-codecard-search] >> input[type=search]");
  await search.fill("fever");
  const option = page.locator("[data-codecard-search] >> [role=option]");
  await expect(option).toHaveCount(1);
  await expect(option.locator(".cc-search-title")).toHaveText(title);
  await expect(option.locator("mark")).toHaveText(["😷", "Fièvre", "fever"]);
  await expect(option.locator("img")).toHaveCount(0);
  expect(await page.evaluate(() => window.__owned)).toBeUndefined();
  expect(errors).toEqual([]);
});

/** Holds the search requests whose URL matches `pattern` until the function returned is called. */
async function holdMatching(page, pattern) {
  const held = [];
  await page.route(pattern, (route) => held.push(route));
  return async () => {
    await page.unroute(pattern);
    for (const route of held.splice(0)) await route.continue().catch(() => {});
  };
}

test.describe("search box and picker, a coder typing on before the new results are in", () => {
  const input = (page) => page.locator("[data-codecard-search] input[role=combobox]");
  const options = (page) => page.locator("[data-codecard-search] [role=option]");
  /** /search.html with "diabetes" typed and its results listed. */
  async function diabetesListed(page) {
    await page.goto("/search.html");
    await input(page).focus();
    await page.keyboard.type("diabetes");
    await expect(options(page).first()).toBeVisible();
  }
  /** Types " insipidus" with its search held, presses Enter, then lets the search answer. */
  async function enterBeforeInsipidusIsIn(page) {
    const release = await holdMatching(page, /\/v1\/search\?.*insipidus/);
    await page.keyboard.type(" insipidus");
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
    await expect(dialog(page)).toHaveCount(0);
    await release();
    await expect(options(page).first()).toContainText(/insipidus/i);
    await expect(dialog(page)).toHaveCount(0);
  }
  let errors;
  test.beforeEach(async ({ page }) => {
    errors = watchErrors(page);
  });
  test.afterEach(() => expect(errors).toEqual([]));

  test("search box: Enter before the new text's results are in opens no card of the previous text's results; the next Enter opens the new first", async ({ page }) => {
    await diabetesListed(page);
    await enterBeforeInsipidusIsIn(page);
    const first = await options(page).first().locator(".cc-search-code").textContent();
    await page.keyboard.press("Enter");
    await expect(dialog(page).locator(".cc-code")).toHaveText(first);
  });

  test("search box: Enter after the new text's search failed opens no card of the previous text's results", async ({ page }) => {
    await diabetesListed(page);
    await page.route(/\/v1\/search\?.*insipidus/, (route) => route.abort("connectionrefused"));
    await page.keyboard.type(" insipidus");
    await expect(page.locator("[data-codecard-search] [role=status]")).not.toHaveText(/codes? found|Searching/);
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
    await expect(dialog(page)).toHaveCount(0);
    // (Chromium's own console line for the refused request is not ours.)
    errors.splice(0, errors.length, ...errors.filter((e) => !e.includes("Failed to load resource")));
  });

  test("search box: typing on after arrowing to a result drops the choice, and Enter opens nothing of the previous list", async ({ page }) => {
    await diabetesListed(page);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await expect(input(page)).toHaveAttribute("aria-activedescendant", "cc-search-option-1");
    await enterBeforeInsipidusIsIn(page);
    await expect(input(page)).not.toHaveAttribute("aria-activedescendant", "cc-search-option-1");
  });

  test("picker: typing on after arrowing to a result drops the choice, and Enter picks nothing of the previous list", async ({ page }) => {
    await host(page, form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">'));
    await field(page, "dx").focus();
    await page.keyboard.type("diabetes");
    await expect((await optionsOf(page, "dx")).first()).toBeVisible();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await expect(field(page, "dx")).toHaveAttribute("aria-activedescendant", /-option-1$/);
    const release = await holdMatching(page, /\/v1\/search\?.*insipidus/);
    await page.keyboard.type(" insipidus");
    await expect(field(page, "dx")).not.toHaveAttribute("aria-activedescendant", /./);
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
    await release();
    await expect((await optionsOf(page, "dx")).first()).toContainText(/insipidus/i);
    await expect(field(page, "dx")).toHaveValue("diabetes insipidus");
    expect(await page.evaluate(() => window.__picks)).toEqual([]);
  });
});

test("axe-core finds no violations with a header's children offered in a picker, a read-only field's message shown, and the search box's list open on an active option", async ({ page }) => {
  const errors = watchErrors(page);
  const violations = async () =>
    (await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze()).violations.map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`
    );
  await host(
    page,
    `<h1>Claim</h1><div data-codecard-search></div>` +
      form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm"><label for="ro">Locked</label><input id="ro" name="ro" data-codecard-picker="icd10cm">')
  );
  // A read-only field holding an unknown code, submitted: its message shows under it.
  await field(page, "ro").fill("E11.999");
  await field(page, "ro").evaluate((el) => el.setAttribute("readonly", ""));
  await page.locator("#f button").click();
  await expect(page.locator("[data-codecard-pick] .cc-pick-message:not([hidden])")).toHaveCount(1);
  // A header picked where only billable codes go: its children are offered, with a note.
  await field(page, "dx").focus();
  await page.keyboard.type("E11.6");
  await expect((await optionsOf(page, "dx")).filter({ hasText: "E11.6" }).first()).toBeVisible();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(page.locator("[data-codecard-pick] .cc-pick-note")).toBeVisible();
  await expect(field(page, "dx")).toHaveAttribute("aria-expanded", "true");
  expect(await violations()).toEqual([]);
  const search = page.locator("[data-codecard-search] >> input[type=search]");
  await search.focus();
  await page.keyboard.type("asthma");
  await expect(page.locator("[data-codecard-search] >> [role=option]").first()).toBeVisible();
  await page.keyboard.press("ArrowDown");
  await expect(search).toHaveAttribute("aria-activedescendant", "cc-search-option-0");
  expect(await violations()).toEqual([]);
  expect(errors).toEqual([]);
});

test("keys that belong to an IME composition (Enter, arrows, Escape) are left to it by the search box and the picker", async ({ page }) => {
  const errors = watchErrors(page);
  await host(page, '<div data-codecard-search></div><form><label for="dx">Dx</label><input id="dx" data-codecard-picker="icd10cm"></form>');
  const composing = (locator, key) =>
    locator.evaluate((el, key) => el.dispatchEvent(new KeyboardEvent("keydown", { key, isComposing: true, bubbles: true, composed: true, cancelable: true })), key);
  const search = page.locator("[data-codecard-search] >> input[type=search]");
  await search.focus();
  await page.keyboard.type("asthma");
  await expect(page.locator("[data-codecard-search] >> [role=option]").first()).toBeVisible();
  expect(await composing(search, "ArrowDown")).toBe(true);
  expect(await composing(search, "Enter")).toBe(true);
  expect(await composing(search, "Escape")).toBe(true);
  await page.waitForTimeout(300);
  await expect(dialog(page)).toHaveCount(0);
  await expect(search).toHaveValue("asthma");
  await expect(search).not.toHaveAttribute("aria-activedescendant", /./);

  await field(page, "dx").focus();
  await page.keyboard.type("I10");
  await expect((await optionsOf(page, "dx")).first()).toBeVisible();
  expect(await composing(field(page, "dx"), "ArrowDown")).toBe(true);
  expect(await composing(field(page, "dx"), "Escape")).toBe(true);
  await expect(field(page, "dx")).not.toHaveAttribute("aria-activedescendant", /./);
  await expect(field(page, "dx")).toHaveAttribute("aria-expanded", "true");
  expect(errors).toEqual([]);
});
