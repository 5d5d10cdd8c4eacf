// The code picker against a reviewer who tried to break it: codes shared by two systems, Enter
// on an unknown code or on stale results, submitting while a check is under way, a typed code
// left unpicked in multiple mode, a picker inside a modal dialog, form reset, IME composition.
const { test, expect } = require("@playwright/test");

const { watchErrors } = require("./helpers");

const field = (page, id) => page.locator(`#${id}`);
const optionsOf = async (page, id) =>
  page.locator(`#${await field(page, id).getAttribute("aria-controls")} [role=option]`);
const message = (page, id) => field(page, id).evaluate((el) => el.validationMessage);

/** www/blank.html with `body` (a form posting to the demo echo route) and the embed script. */
async function host(page, body) {
  await page.goto("/blank.html");
  await page.evaluate((body) => {
    document.querySelector("main").insertAdjacentHTML("beforeend", body);
    window.__picks = [];
    document.addEventListener("codecard:select", (e) => window.__picks.push([e.detail.display_code, e.detail.system]));
    const script = document.createElement("script");
    script.src = "/widget/loader.js";
    script.dataset.endpoint = "/";
    document.head.append(script);
  }, body);
  for (const input of await page.locator("input[data-codecard-picker]").all()) {
    await expect(input).toHaveAttribute("role", "combobox");
  }
}

const form = (fields) =>
  `<form method="post" action="/demo/echo" id="f">${fields}<button type="submit">Send</button><button type="reset">Clear</button></form>`;

/** The fields the echo route received. */
async function echoed(page) {
  await page.waitForURL("**/demo/echo");
  return JSON.parse(await page.locator("#fields").textContent());
}

test.describe("code picker under attack", () => {
  let errors;
  test.beforeEach(async ({ page }) => {
    errors = watchErrors(page);
  });
  test.afterEach(() => expect(errors).toEqual([]));

  test("H1: a code typed as HCPCS writes it in an all-systems picker stays HCPCS (J1100 is not J11.00)", async ({ page }) => {
    await host(page, form('<label for="any">Code</label><input id="any" name="any" data-codecard-picker=""><input id="next">'));
    await field(page, "any").focus();
    await page.keyboard.type("J1100");
    await page.keyboard.press("Tab");
    await expect.poll(() => page.evaluate(() => window.__picks)).toEqual([["J1100", "hcpcs"]]);
    await expect(field(page, "any")).toHaveValue("J1100");

    // Written the ICD-10-CM way, it is the ICD-10-CM code.
    await field(page, "any").fill("J11.00");
    await field(page, "any").press("Tab");
    await expect.poll(() => page.evaluate(() => window.__picks.at(-1))).toEqual(["J11.00", "icd10cm"]);
  });

  test("H2: an unknown code typed then Enter is refused, not replaced by a fuzzy hit", async ({ page }) => {
    await host(page, form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">'));
    await field(page, "dx").focus();
    await page.keyboard.type("E11.99");
    await expect((await optionsOf(page, "dx")).first()).toBeVisible();
    await page.keyboard.press("Enter");
    await expect.poll(() => message(page, "dx")).toBe("“E11.99” is not a code in ICD-10-CM.");
    await expect(field(page, "dx")).toHaveValue("E11.99");
    expect(await page.evaluate(() => window.__picks)).toEqual([]);
    await expect(page).toHaveURL(/blank\.html$/);
  });

  test("H3: Enter right after fast typing never picks the previous text's results", async ({ page }) => {
    await host(page, form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">'));
    await field(page, "dx").focus();
    await page.keyboard.type("diabetes");
    await expect((await optionsOf(page, "dx")).first()).toBeVisible();
    await page.keyboard.press("Control+a");
    await page.keyboard.press("Backspace");
    await page.keyboard.type("I10");
    await page.keyboard.press("Enter");
    await expect(field(page, "dx")).toHaveValue("I10");
    await expect.poll(() => page.evaluate(() => window.__picks)).toEqual([["I10", "icd10cm"]]);
  });

  test("H4: Submit while the blur check is still under way waits for it (unknown code blocked, known one normalised)", async ({ page }) => {
    await page.route("**/v1/search**", async (route) => {
      await new Promise((r) => setTimeout(r, 250));
      await route.continue();
    });
    await host(page, form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">'));
    await field(page, "dx").focus();
    await page.keyboard.type("E11.99");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => message(page, "dx")).toBe("“E11.99” is not a code in ICD-10-CM.");
    await page.waitForTimeout(600);
    await expect(page).toHaveURL(/blank\.html$/);

    // Enter with the list closed (implicit submission) is checked too, and a known code goes through.
    await field(page, "dx").fill("e119");
    await field(page, "dx").press("Escape");
    await field(page, "dx").press("Enter");
    expect(await echoed(page)).toEqual([["dx", "E11.9"]]);
  });

  test("H5: multiple mode: a typed code left unpicked becomes a chip before submit; required holds with no chip", async ({ page }) => {
    await host(
      page,
      form('<label for="more">More</label><input id="more" name="more" required data-codecard-picker="icd10cm" data-multiple>')
    );
    await field(page, "more").focus();
    await page.keyboard.type("sugar");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => message(page, "more")).not.toBe("");
    await page.waitForTimeout(400);
    await expect(page).toHaveURL(/blank\.html$/);

    await field(page, "more").fill("i10");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Send" }).click();
    expect(await echoed(page)).toEqual([["more", "I10"]]);
  });

  test("H6: in a modal dialog the list can be used with the mouse", async ({ page }) => {
    await host(
      page,
      '<dialog id="d"><form method="dialog"><label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm"></form></dialog>'
    );
    await page.evaluate(() => document.getElementById("d").showModal());
    await field(page, "dx").focus();
    await page.keyboard.type("I10");
    const option = (await optionsOf(page, "dx")).filter({ hasText: "I10" }).first();
    await expect(option).toBeVisible();
    await option.click({ timeout: 3000 });
    await expect(field(page, "dx")).toHaveValue("I10");
  });

  test("H7: an input the page removes takes its list, live region, chips and their hidden inputs with it", async ({ page }) => {
    await host(
      page,
      form('<p id="slot"><label for="more">More</label><input id="more" name="more" data-codecard-picker="icd10cm" data-multiple></p>')
    );
    await field(page, "more").fill("i10");
    await field(page, "more").blur();
    await expect(page.locator("[data-codecard-chips] li")).toHaveCount(1);
    // A framework re-renders the field: the old input goes, a new one comes.
    await page.evaluate(() => {
      document.getElementById("slot").innerHTML =
        '<label for="more">More</label><input id="more" name="more" data-codecard-picker="icd10cm" data-multiple>';
    });
    await expect(field(page, "more")).toHaveAttribute("role", "combobox");
    await expect(page.locator("[data-codecard-pick]")).toHaveCount(1);
    await expect(page.locator("[data-codecard-chips]")).toHaveCount(1);
    await expect(page.locator("input[type=hidden][name=more]")).toHaveCount(0);
    await page.getByRole("button", { name: "Send" }).click();
    expect(await echoed(page)).toEqual([]);
  });

  test("M5: the active option is scrolled into view in a long list", async ({ page }) => {
    await host(page, form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm" data-limit="40">'));
    await field(page, "dx").focus();
    await page.keyboard.type("diabetes");
    await expect(await optionsOf(page, "dx")).toHaveCount(40);
    for (let i = 0; i < 30; i++) await page.keyboard.press("ArrowDown");
    const id = await field(page, "dx").getAttribute("aria-activedescendant");
    const inside = await page.evaluate((id) => {
      const option = document.getElementById(id).getBoundingClientRect();
      const box = document.getElementById(id).closest(".cc-pick-box").getBoundingClientRect();
      return option.top >= box.top && option.bottom <= box.bottom;
    }, id);
    expect(inside).toBe(true);
  });

  test("M6: an input outside its form (form= attribute) still submits its chips", async ({ page }) => {
    await host(
      page,
      '<form method="post" action="/demo/echo" id="f"><button type="submit">Send</button></form>' +
        '<label for="more">More</label><input id="more" name="more" form="f" data-codecard-picker="icd10cm" data-multiple>'
    );
    await field(page, "more").fill("i10");
    await field(page, "more").blur();
    await expect(page.locator("[data-codecard-chips] li")).toHaveCount(1);
    await page.getByRole("button", { name: "Send" }).click();
    expect(await echoed(page)).toEqual([["more", "I10"]]);
  });

  test("M1: form reset clears the validity message and the chips", async ({ page }) => {
    await host(
      page,
      form(
        '<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">' +
          '<label for="more">More</label><input id="more" name="more" data-codecard-picker="icd10cm" data-multiple>'
      )
    );
    await field(page, "dx").fill("sugar");
    await field(page, "dx").blur();
    await expect.poll(() => message(page, "dx")).not.toBe("");
    await field(page, "more").fill("i10");
    await field(page, "more").blur();
    await expect(page.locator("[data-codecard-chips] li")).toHaveCount(1);

    await page.getByRole("button", { name: "Clear" }).click();
    await expect.poll(() => message(page, "dx")).toBe("");
    await expect(page.locator("[data-codecard-chips] li")).toHaveCount(0);
    await page.getByRole("button", { name: "Send" }).click();
    expect(await echoed(page)).toEqual([["dx", ""]]);
  });

  test("L5: Enter that ends an IME composition picks nothing", async ({ page }) => {
    await host(page, form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">'));
    await field(page, "dx").focus();
    await page.keyboard.type("I10");
    await expect((await optionsOf(page, "dx")).first()).toBeVisible();
    await field(page, "dx").evaluate((el) =>
      el.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", isComposing: true, bubbles: true, cancelable: true }))
    );
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.__picks)).toEqual([]);
    await expect(field(page, "dx")).toHaveAttribute("aria-expanded", "true");
  });
});
