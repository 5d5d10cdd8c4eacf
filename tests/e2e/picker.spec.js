// The code picker on www/picker.html and www/picker-controlled.html: page inputs marked
// data-codecard-picker become search comboboxes that pick codes into a real form, which is then
// submitted natively to the demo's echo route (`codecard serve --demo-echo`).
const path = require("path");
const { test, expect } = require("@playwright/test");
const { AxeBuilder } = require("@axe-core/playwright");

const { dialog, watchErrors } = require("./helpers");

const field = (page, id) => page.locator(`#${id}`);
/** The listbox an input controls (in the page's DOM, named by its aria-controls). */
const listOf = async (page, id) => page.locator(`#${await field(page, id).getAttribute("aria-controls")}`);
const optionsOf = async (page, id) => (await listOf(page, id)).locator("[role=option]");
const chips = (page) => page.locator("[data-codecard-chips] li");

async function ready(page, path) {
  await page.goto(path);
  await expect(page.locator("input[data-codecard-picker]").first()).toHaveAttribute("role", "combobox");
}

/** Types `text` into field `id` and waits until an option shows `code`. */
/** Adds `html` (a field `#id`) to the claim form and starts it with CodeCard.picker(field,
 * `options`), in the same task: before the loader's observer sees the new input. */
const pickerByApi = (page, id, html, options) => page.evaluate(([id, html, options]) => {
  document.getElementById("claim").insertAdjacentHTML("beforeend", html);
  return window.CodeCard.picker(document.getElementById(id), options);
}, [id, html, options]);

async function search(page, id, text, code) {
  await field(page, id).focus();
  await page.keyboard.type(text);
  await expect((await optionsOf(page, id)).filter({ hasText: code }).first()).toBeVisible();
}

/** The fields the echo route received, after the form was submitted. */
async function submitted(page) {
  await Promise.all([page.waitForURL("**/demo/echo"), page.getByRole("button", { name: "Submit claim" }).click()]);
  return JSON.parse(await page.locator("#fields").textContent());
}

async function violations(page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`);
}

test.describe("code picker", () => {
  let errors;
  test.beforeEach(async ({ page }) => {
    errors = watchErrors(page);
  });
  test.afterEach(() => expect(errors).toEqual([]));

  test("single and multiple codes picked into a real form are what it submits natively", async ({ page }) => {
    await ready(page, "/picker.html");
    await page.evaluate(() => {
      window.__events = [];
      for (const type of ["input", "change", "codecard:select"]) {
        document.getElementById("claim").addEventListener(type, (e) =>
          window.__events.push([type, e.target.id, type === "codecard:select" ? e.detail : e.target.value])
        );
      }
    });
    await search(page, "dx", "E11.9", "E11.9");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect(field(page, "dx")).toHaveValue("E11.9");
    await expect(await listOf(page, "dx")).toBeHidden();

    // Multiple: one by keyboard, one by a click; the typed text is cleared after each.
    await search(page, "more", "I10", "I10");
    await page.keyboard.press("Enter");
    await search(page, "more", "E78.5", "E78.5");
    await (await optionsOf(page, "more")).filter({ hasText: "E78.5" }).first().click();
    await expect(chips(page)).toHaveText([/I10/, /E78\.5/]);
    await expect(field(page, "more")).toHaveValue("");

    const events = await page.evaluate(() => window.__events);
    const picks = events.filter((e) => e[0] === "codecard:select").map((e) => e[2]);
    expect(picks[0]).toEqual({
      code: "E119",
      display_code: "E11.9",
      system: "icd10cm",
      title: "Type 2 diabetes mellitus without complications",
      coding: { system: "http://hl7.org/fhir/sid/icd-10-cm", code: "E11.9", display: "Type 2 diabetes mellitus without complications" },
    });
    expect(picks.map((p) => p.display_code)).toEqual(["E11.9", "I10", "E78.5"]);
    // The page heard input and change with the picked value, as if it had been typed.
    expect(events).toContainEqual(["input", "dx", "E11.9"]);
    expect(events).toContainEqual(["change", "dx", "E11.9"]);

    expect(await submitted(page)).toEqual([
      ["patient", "Maria Delgado"],
      ["dx", "E11.9"],
      ["more", "I10"],
      ["more", "E78.5"],
      ["proc", ""],
    ]);
  });

  test("the label still names the field, and required still blocks an empty form", async ({ page }) => {
    await ready(page, "/picker.html");
    await expect(page.getByRole("combobox", { name: "Principal diagnosis (ICD-10-CM)" })).toHaveId("dx");
    await page.getByRole("button", { name: "Submit claim" }).click();
    expect(await field(page, "dx").evaluate((el) => el.validity.valueMissing)).toBe(true);
    await expect(page).toHaveURL(/picker\.html$/);
  });

  test("keyboard only: Tab in, arrows and Enter pick, Tab reaches a chip, Enter and Backspace remove chips", async ({ page }) => {
    await ready(page, "/picker.html");
    await page.locator("#patient").focus();
    await page.keyboard.press("Tab");
    await expect(field(page, "dx")).toBeFocused();
    await page.keyboard.type("type 2 diabetes");
    await expect((await optionsOf(page, "dx")).first()).toBeVisible();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    const active = await field(page, "dx").getAttribute("aria-activedescendant");
    const option = page.locator(`[id="${active}"]`);
    await expect(option).toHaveAttribute("role", "option");
    await expect(option).toHaveAttribute("aria-selected", "true");
    const chosen = await option.locator(".cc-pick-code").textContent();
    await page.keyboard.press("Enter");
    await expect(field(page, "dx")).toHaveValue(chosen);
    await expect(field(page, "dx")).toHaveAttribute("aria-expanded", "false");

    await page.keyboard.press("Tab");
    await expect(field(page, "more")).toBeFocused();
    await page.keyboard.type("I10");
    await expect((await optionsOf(page, "more")).first()).toContainText("I10");
    await page.keyboard.press("Enter"); // no arrow: the first result
    await page.keyboard.type("E78.5");
    await expect((await optionsOf(page, "more")).first()).toContainText("E78.5");
    await page.keyboard.press("Enter");
    await expect(chips(page)).toHaveCount(2);

    await page.keyboard.press("Tab");
    const remove = page.getByRole("button", { name: "Remove I10 Essential (primary) hypertension" });
    await expect(remove).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(chips(page)).toHaveText([/E78\.5/]);
    await expect(field(page, "more")).toBeFocused();
    await page.keyboard.press("Backspace");
    await expect(chips(page)).toHaveCount(0);
    await expect(page.locator("input[type=hidden][name=more]")).toHaveCount(0);
  });

  test("Alt+Enter, or the details button, opens the card first without picking", async ({ page }) => {
    await ready(page, "/picker.html");
    const picks = [];
    await page.exposeFunction("__picked", (code) => picks.push(code));
    await page.evaluate(() => document.addEventListener("codecard:select", (e) => window.__picked(e.detail.display_code)));
    await search(page, "dx", "E11.9", "E11.9");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Alt+Enter");
    await expect(dialog(page)).toContainText("Type 2 diabetes mellitus without complications");
    await page.keyboard.press("Escape");
    await expect(dialog(page)).toHaveCount(0);
    await expect(field(page, "dx")).toBeFocused();
    await expect(field(page, "dx")).toHaveValue("E11.9"); // as typed: nothing picked yet
    expect(picks).toEqual([]);

    await field(page, "dx").fill("");
    await search(page, "dx", "I10", "I10");
    await page.locator("[data-codecard-pick] .cc-pick-open").filter({ hasText: "I10" }).click();
    await expect(dialog(page)).toContainText("Essential (primary) hypertension");
  });

  test("a category header is refused with the reason, and its billable codes are offered", async ({ page }) => {
    await ready(page, "/picker.html");
    await search(page, "dx", "E11", "E11");
    const first = (await optionsOf(page, "dx")).first();
    await expect(first).toContainText("header");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect(page.locator("[data-codecard-pick] .cc-pick-note")).toHaveText(
      "E11 is a category header and cannot go on a claim. Billable codes under it:"
    );
    await expect(field(page, "dx")).toHaveValue("E11");
    await expect((await optionsOf(page, "dx")).first()).toContainText("E11.");
    const codes = await (await optionsOf(page, "dx")).locator(".cc-pick-code").allTextContents();
    expect(codes.length).toBeGreaterThan(3);
    for (const c of codes) expect(c).toMatch(/^E11\.\w+$/);
    await expect((await optionsOf(page, "dx")).locator(".cc-pick-tag")).toHaveCount(0);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect(field(page, "dx")).toHaveValue(codes[0]);
  });

  test("typed codes: normalised on blur when they exist, otherwise the field is invalid, without spending a view", async ({ page }) => {
    const cards = [];
    page.on("request", (r) => /\/v1\/codes\//.test(r.url()) && cards.push(r.url()));
    await ready(page, "/picker.html");
    const dx = field(page, "dx");
    const message = () => dx.evaluate((el) => el.validationMessage);
    await dx.fill("e119");
    await dx.blur();
    await expect(dx).toHaveValue("E11.9");
    expect(await message()).toBe("");

    await dx.fill("E11");
    await dx.blur();
    await expect.poll(message).toBe(
      "E11 is a category header: it cannot go on a claim. Pick one of the more specific codes under it."
    );
    await page.getByRole("button", { name: "Submit claim" }).click();
    await expect(page).toHaveURL(/picker\.html$/);

    await dx.fill("E11.99");
    await dx.blur();
    await expect.poll(message).toBe("“E11.99” is not a code in ICD-10-CM.");
    await dx.fill("sugar");
    await dx.blur();
    await expect.poll(message).toBe("“sugar” is not a code. Type a code or words, then pick a code from the list.");

    // Another field, another system: a HCPCS code typed in lower case is written as HCPCS writes it.
    await field(page, "proc").fill("j1100");
    await field(page, "proc").blur();
    await expect(field(page, "proc")).toHaveValue("J1100");
    expect(cards).toEqual([]);
  });

  test("validation messages in Spanish", async ({ page }) => {
    await page.goto("/blank.html");
    await page.evaluate(() => {
      document.querySelector("main").insertAdjacentHTML(
        "beforeend",
        '<form><label for="dx">Diagnóstico</label><input id="dx" name="dx" data-codecard-picker="icd10cm"></form>'
      );
      const script = document.createElement("script");
      script.src = "/widget/loader.js";
      script.dataset.endpoint = "/";
      script.dataset.lang = "es";
      document.head.append(script);
    });
    const dx = field(page, "dx");
    await expect(dx).toHaveAttribute("role", "combobox");
    const message = () => dx.evaluate((el) => el.validationMessage);
    await dx.fill("E11");
    await dx.blur();
    await expect.poll(message).toBe(
      "E11 es un encabezado de categoría: no se puede facturar. Elija uno de los códigos más específicos que contiene."
    );
    await dx.fill("E11.99");
    await dx.blur();
    await expect.poll(message).toBe("«E11.99» no es un código de ICD-10-CM.");
  });

  test("a controlled input (state re-rendered from input events) keeps the picked and the normalised code", async ({ page }) => {
    await ready(page, "/picker-controlled.html");
    await search(page, "cdx", "I10", "I10");
    await page.keyboard.press("Enter");
    await expect(page.locator("#state")).toHaveText('"I10"');
    await page.getByRole("button", { name: "Re-render" }).click();
    await expect(field(page, "cdx")).toHaveValue("I10");

    await field(page, "cdx").fill("e119");
    await field(page, "cdx").blur();
    await expect(page.locator("#state")).toHaveText('"E11.9"');
    await page.getByRole("button", { name: "Re-render" }).click();
    await expect(field(page, "cdx")).toHaveValue("E11.9");
  });

  test("CodeCard.picker(input, options): limit caps the list, billable false takes a header, destroy gives the input back", async ({ page }) => {
    await ready(page, "/picker.html");
    await pickerByApi(page, "api", '<p><label for="api">Category (API)</label><input id="api" name="api"></p>',
      { system: "icd10cm", billable: false, limit: 3 });
    await expect(field(page, "api")).toHaveAttribute("role", "combobox");
    await search(page, "api", "E11", "E11");
    await expect(await optionsOf(page, "api")).toHaveCount(3);
    await page.keyboard.press("Enter");
    await expect(field(page, "api")).toHaveValue("E11");
    expect(await field(page, "api").evaluate((el) => el.validationMessage)).toBe("");

    await page.evaluate(() => window.CodeCard.destroy());
    for (const id of ["api", "dx", "more"]) {
      await expect(field(page, id)).not.toHaveAttribute("role", /./);
      await expect(field(page, id)).not.toHaveAttribute("aria-controls", /./);
    }
    await expect(field(page, "more")).toHaveAttribute("name", "more");
    await expect(page.locator("[data-codecard-pick], [data-codecard-chips]")).toHaveCount(0);
  });

  test("CodeCard.picker options win over the input's data- attributes, an empty system falls back to data-codecard-picker", async ({ page }) => {
    await ready(page, "/picker.html");
    await pickerByApi(page, "opt",
      '<p><label for="opt">Transport</label><input id="opt" name="opt" data-codecard-picker="hcpcs" data-multiple data-limit="4"></p>',
      { multiple: false, system: "", limit: "1" });
    // "a042" is ICD-10-CM A04.2 first in every system; in HCPCS, A0428 then A0429.
    await search(page, "opt", "a042", "A0428");
    await expect(await optionsOf(page, "opt")).toHaveCount(1);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    // Not multiple: the code in the field itself, no chips.
    await expect(field(page, "opt")).toHaveValue("A0428");
    await expect(page.locator("#opt + [data-codecard-chips]")).toHaveCount(0);
  });

  test("axe-core finds no violations, with the list open and chips present", async ({ page }) => {
    await ready(page, "/picker.html");
    expect(await violations(page)).toEqual([]);
    await search(page, "more", "I10", "I10");
    await page.keyboard.press("Enter");
    await search(page, "dx", "diabetes", "E11");
    await page.keyboard.press("ArrowDown");
    await expect(field(page, "dx")).toHaveAttribute("aria-expanded", "true");
    expect(await violations(page)).toEqual([]);
  });
});

test("a React 18 controlled input: the pick reaches React's state through onChange", async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto("/picker-react.html");
  // The UMD builds the npm packages ship (not in their "exports", so found from package.json).
  const umd = (pkg, file) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "umd", file);
  await page.addScriptTag({ path: umd("react", "react.production.min.js") });
  await page.addScriptTag({ path: umd("react-dom", "react-dom.production.min.js") });
  await page.evaluate(() => window.startReactForm());
  await expect(field(page, "rdx")).toHaveAttribute("role", "combobox");
  await search(page, "rdx", "I10", "I10");
  await page.keyboard.press("Enter");
  await expect(page.locator("#react-state")).toHaveText('"I10"');
  // The coding comes from a native codecard:select listener, which React 18 renders in a later
  // task than the onChange it renders at once: wait for it rather than read it once.
  await expect.poll(async () => JSON.parse((await page.locator("#react-coding").textContent()) || "null")).toEqual({
    system: "http://hl7.org/fhir/sid/icd-10-cm",
    code: "I10",
    display: "Essential (primary) hypertension",
  });
  await expect(field(page, "rdx")).toHaveValue("I10");

  // Typed, not picked: normalised on blur, and React hears that too.
  await field(page, "rdx").fill("e119");
  await expect(page.locator("#react-state")).toHaveText('"e119"');
  await field(page, "rdx").blur();
  await expect(page.locator("#react-state")).toHaveText('"E11.9"');
  expect(errors).toEqual([]);
});
