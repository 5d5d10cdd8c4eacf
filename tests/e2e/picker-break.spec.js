// The code picker against a reviewer who tried to break it: codes shared by two systems, Enter
// on an unknown code or on stale results, submitting while a check is under way, a typed code
// left unpicked in multiple mode, a picker inside a modal dialog, form reset, IME composition; then
// the list against scrolling, small and right-to-left pages and hostile page CSS, announcements,
// misspelt options, read-only and disabled fields, one event per pick, pasted lists, aria-invalid,
// the query cap, the dark palette, teardown of the stylesheet.
const { test, expect } = require("@playwright/test");

const { watchErrors } = require("./helpers");

const field = (page, id) => page.locator(`#${id}`);
const optionsOf = async (page, id) =>
  page.locator(`#${await field(page, id).getAttribute("aria-controls")} [role=option]`);
const message = (page, id) => field(page, id).evaluate((el) => el.validationMessage);
/** The list's box (the part that shows) and its live region, for field `id`. */
const boxOf = async (page, id) => page.locator(`.cc-pick-box:has(#${await field(page, id).getAttribute("aria-controls")})`);
const liveOf = async (page, id) =>
  page.locator(`[data-codecard-pick]:has(#${await field(page, id).getAttribute("aria-controls")}) [aria-live]`);
const rect = (locator) => locator.evaluate((el) => el.getBoundingClientRect().toJSON());

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

  test("multiple mode: a press on Send held while the typed code would become a chip still submits it (no chip moves the button mid-click)", async ({ page }) => {
    await host(
      page,
      form('<label for="more">More</label><input id="more" name="more" required data-codecard-picker="icd10cm" data-multiple>')
    );
    await field(page, "more").fill("i10");
    await page.keyboard.press("Escape");
    const send = await page.getByRole("button", { name: "Send" }).boundingBox();
    await page.mouse.move(send.x + send.width / 2, send.y + send.height / 2);
    await page.mouse.down();
    await page.waitForTimeout(500); // a slow press: a check on blur would have answered by now
    await page.mouse.up();
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
  test("M2: the list follows its input when a panel scrolls or the window resizes, and closes once the input is scrolled out of view", async ({ page }) => {
    await page.setViewportSize({ width: 900, height: 700 });
    await host(
      page,
      '<div id="panel" style="height:300px;overflow:auto;margin:0 auto;width:80%"><div style="height:120px"></div>' +
        '<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm" style="margin-left:30%">' +
        '<div style="height:1200px"></div></div>'
    );
    await field(page, "dx").focus();
    await page.keyboard.type("diabetes");
    const box = await boxOf(page, "dx");
    await expect(box).toBeVisible();
    const follows = async () => {
      const [input, list] = [await rect(field(page, "dx")), await rect(box)];
      return [Math.round(list.left - input.left), Math.round(list.top - input.bottom) <= 3 && list.top >= input.bottom];
    };
    await expect.poll(follows).toEqual([0, true]);

    await page.locator("#panel").evaluate((el) => (el.scrollTop = 60));
    await expect.poll(follows).toEqual([0, true]);
    await page.setViewportSize({ width: 700, height: 700 });
    await expect.poll(follows).toEqual([0, true]);

    await page.locator("#panel").evaluate((el) => (el.scrollTop = 400));
    await expect(field(page, "dx")).toHaveAttribute("aria-expanded", "false");
    await expect(box).toBeHidden();
  });

  test("M3: on a 360x640 phone the list fits the screen; on a right-to-left page it is anchored to the input's right edge; the page's text-align does not leak in", async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 640 });
    await host(
      page,
      '<div style="text-align:center"><label for="dx">Dx</label>' +
        '<input id="dx" name="dx" data-codecard-picker="icd10cm" style="margin-left:150px;width:180px"></div>'
    );
    await field(page, "dx").focus();
    await page.keyboard.type("diabetes");
    const box = await boxOf(page, "dx");
    await expect(box).toBeVisible();
    const list = await rect(box);
    expect(list.left).toBeGreaterThanOrEqual(0);
    expect(list.right).toBeLessThanOrEqual(360);
    expect(list.bottom).toBeLessThanOrEqual(640);
    // Polled: a later answer to the typing may redraw the options under the first read (a
    // detached element has no computed style).
    const title = box.locator(".cc-pick-title").first();
    await expect.poll(() => title.evaluate((el) => getComputedStyle(el).textAlign)).toMatch(/^(start|left)$/);

    await page.setViewportSize({ width: 1000, height: 700 });
    await host(
      page,
      '<div dir="rtl"><label for="rtl">Dx</label><input id="rtl" name="rtl" data-codecard-picker="icd10cm" style="width:400px;margin-right:200px"></div>'
    );
    await field(page, "rtl").focus();
    await page.keyboard.type("diabetes");
    const rtl = await boxOf(page, "rtl");
    await expect(rtl).toBeVisible();
    await expect.poll(async () => Math.round((await rect(rtl)).right - (await rect(field(page, "rtl"))).right)).toBe(0);
  });

  test("a list with too little room under its input, and more above it, opens above the input", async ({ page }) => {
    await page.setViewportSize({ width: 900, height: 700 });
    await host(
      page,
      '<div style="height:520px"></div><label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">' +
        '<div style="height:1200px"></div>'
    );
    // The input's bottom about 120 px above the viewport's: less than the list wants.
    await field(page, "dx").evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().bottom + window.scrollY - 580));
    await field(page, "dx").focus();
    await page.keyboard.type("diabetes");
    const box = await boxOf(page, "dx");
    await expect(box).toBeVisible();
    await expect(await optionsOf(page, "dx")).toHaveCount(8);
    const [input, list] = [await rect(field(page, "dx")), await rect(box)];
    expect(list.bottom).toBeLessThanOrEqual(input.top + 3);
    expect(list.height).toBeGreaterThan(200);
    expect(list.top).toBeGreaterThanOrEqual(0);
  });

  test("M4: adding and removing a chip and being offered a header's children are announced politely, in English and Spanish", async ({ page }) => {
    await host(page, form('<label for="more">More</label><input id="more" name="more" data-codecard-picker="icd10cm" data-multiple>'));
    await field(page, "more").focus();
    await page.keyboard.type("I10");
    await expect((await optionsOf(page, "more")).first()).toBeVisible();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    const live = await liveOf(page, "more");
    await expect(live).toHaveAttribute("aria-live", "polite");
    await expect(live).toHaveText(/I10 .*added/);
    await page.getByRole("button", { name: /Remove I10/ }).click();
    await expect(live).toHaveText(/I10 .*removed/);
    await page.keyboard.type("E11");
    await expect((await optionsOf(page, "more")).filter({ hasText: /^E11\b/ }).first()).toBeVisible();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect(live).toHaveText(/E11 is a category header/);

    await page.evaluate(() => window.CodeCard.destroy());
    await page.goto("/blank.html");
    await page.evaluate(() => {
      document.querySelector("main").insertAdjacentHTML("beforeend", '<label for="es">Dx</label><input id="es" data-codecard-picker="icd10cm" data-multiple>');
      const script = document.createElement("script");
      script.src = "/widget/loader.js";
      script.dataset.endpoint = "/";
      script.dataset.lang = "es";
      document.head.append(script);
    });
    await expect(field(page, "es")).toHaveAttribute("role", "combobox");
    await field(page, "es").fill("i10");
    await field(page, "es").blur();
    await expect(await liveOf(page, "es")).toHaveText(/I10 .*añadido/);
  });

  test("M7: a misspelt system is a console error and the field stays a plain input; a bad data-limit is a warning and the default", async ({ page }) => {
    const logged = [];
    page.on("console", (m) => logged.push([m.type(), m.text()]));
    await page.goto("/blank.html");
    await page.evaluate(() => {
      document.querySelector("main").insertAdjacentHTML(
        "beforeend",
        '<label for="typo">Dx</label><input id="typo" data-codecard-picker="icd10xm">' +
          '<label for="neg">Dx</label><input id="neg" data-codecard-picker="icd10cm" data-limit="-3">' +
          '<label for="word">Dx</label><input id="word" data-codecard-picker="icd10cm" data-limit="ten">'
      );
      const script = document.createElement("script");
      script.src = "/widget/loader.js";
      script.dataset.endpoint = "/";
      document.head.append(script);
    });
    for (const id of ["neg", "word"]) await expect(field(page, id)).toHaveAttribute("role", "combobox");
    await expect.poll(() => logged.filter(([type, text]) => type === "error" && /icd10xm/.test(text)).length).toBe(1);
    // The error is expected here: it is what this test checks.
    errors.length = 0;
    await expect(field(page, "typo")).not.toHaveAttribute("role", /./);
    await field(page, "typo").fill("diabetes");
    await page.waitForTimeout(500);
    await expect(page.locator("[role=listbox] [role=option]")).toHaveCount(0);

    for (const [id, limit] of [["neg", "-3"], ["word", "ten"]]) {
      expect(logged.some(([type, text]) => type === "warning" && text.includes(`"${limit}"`))).toBe(true);
      await field(page, id).focus();
      await page.keyboard.type("diabetes");
      await expect(await optionsOf(page, id)).toHaveCount(8);
      await field(page, id).fill("");
    }
  });

  test("M8: a hostile page stylesheet does not reach the list or the chips", async ({ page }) => {
    await host(
      page,
      form('<label for="more">More</label><input id="more" name="more" data-codecard-picker="icd10cm" data-multiple>') +
        "<style>li{display:inline!important;color:white!important;padding:40px!important} button{all:unset}" +
        " ul{margin:60px!important} *{font-size:40px!important} div,p{background:red!important}" +
        " li::before{content:'X'}</style>"
    );
    await field(page, "more").fill("i10");
    await field(page, "more").blur();
    const chip = page.locator("[data-codecard-chips] li").first();
    await expect(chip).toBeVisible();
    const remove = chip.getByRole("button");
    expect(await remove.evaluate((el) => [getComputedStyle(el).width, getComputedStyle(el).cursor, getComputedStyle(el).fontSize])).toEqual(["28px", "pointer", "18px"]);
    expect(await chip.evaluate((el) => [getComputedStyle(el).display, getComputedStyle(el).fontSize])).toEqual(["flex", "14px"]);

    await field(page, "more").focus();
    await page.keyboard.type("diabetes");
    const option = (await optionsOf(page, "more")).first();
    await expect(option).toBeVisible();
    const look = await option.evaluate((el) => {
      const s = getComputedStyle(el);
      const box = getComputedStyle(el.closest(".cc-pick-box"));
      return [s.display, s.color, s.fontSize, s.paddingTop, getComputedStyle(el, "::before").content, box.backgroundColor];
    });
    expect(look).toEqual(["flex", "rgb(28, 36, 48)", "15px", "6px", "none", "rgb(255, 255, 255)"]);
  });

  test("M9: a readonly or disabled picker opens nothing, picks nothing, keeps its chips and value; without the attribute it works again", async ({ page }) => {
    await host(
      page,
      form(
        '<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">' +
          '<label for="more">More</label><input id="more" name="more" data-codecard-picker="icd10cm" data-multiple>'
      )
    );
    await field(page, "more").fill("i10");
    await field(page, "more").blur();
    await expect(page.locator("[data-codecard-chips] li")).toHaveCount(1);
    await page.evaluate(() => window.__picks.splice(0));

    // Read-only: the chip stays (Backspace, its button), a typed-in value is not normalised.
    await page.evaluate(() => {
      for (const id of ["dx", "more"]) document.getElementById(id).readOnly = true;
      document.getElementById("dx").value = "e119";
    });
    await field(page, "more").focus();
    await page.keyboard.press("Backspace");
    await expect(page.locator("[data-codecard-chips] li")).toHaveCount(1);
    await page.locator("[data-codecard-chips] li button").dispatchEvent("click");
    await expect(page.locator("[data-codecard-chips] li")).toHaveCount(1);
    await field(page, "dx").focus();
    await field(page, "dx").blur();
    await page.waitForTimeout(400);
    await expect(field(page, "dx")).toHaveValue("e119");

    // A page that writes the field and says so does not open the list either.
    await page.evaluate(() => {
      const dx = document.getElementById("dx");
      dx.value = "diabetes";
      dx.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await page.waitForTimeout(500);
    await field(page, "dx").focus();
    await page.keyboard.press("ArrowDown");
    await expect(field(page, "dx")).toHaveAttribute("aria-expanded", "false");
    await expect(field(page, "dx")).not.toHaveAttribute("aria-activedescendant", /./);

    // Disabled: the chip's button is disabled too.
    await page.evaluate(() => {
      document.getElementById("more").readOnly = false;
      document.getElementById("more").disabled = true;
    });
    await expect(page.locator("[data-codecard-chips] li button")).toBeDisabled();
    await expect(page.locator("input[type=hidden][name=more]")).toBeDisabled();
    expect(await page.evaluate(() => window.__picks)).toEqual([]);

    // The attributes gone, the picker works.
    await page.evaluate(() => {
      document.getElementById("dx").readOnly = false;
      document.getElementById("more").disabled = false;
    });
    await field(page, "dx").fill("");
    await field(page, "dx").focus();
    await page.keyboard.type("I10");
    await expect((await optionsOf(page, "dx")).first()).toBeVisible();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect(field(page, "dx")).toHaveValue("I10");
    await page.locator("[data-codecard-chips] li button").click();
    await expect(page.locator("[data-codecard-chips] li")).toHaveCount(0);
  });
  test("L: codecard:select fires once when a code typed in its written form is checked by a blur and a submit at once", async ({ page }) => {
    await page.route("**/v1/search**", async (route) => {
      await new Promise((r) => setTimeout(r, 300));
      await route.continue();
    });
    await host(page, form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">'));
    // Counted where the submit's navigation does not lose the count.
    await page.evaluate(() =>
      document.addEventListener("codecard:select", (e) =>
        sessionStorage.setItem("picks", (sessionStorage.getItem("picks") || "") + e.detail.display_code + ";")
      )
    );
    await field(page, "dx").focus();
    await page.keyboard.type("E11.9");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Send" }).click();
    expect(await echoed(page)).toEqual([["dx", "E11.9"]]);
    expect(await page.evaluate(() => sessionStorage.getItem("picks"))).toBe("E11.9;");
  });

  test("L: a text longer than the search route's 200-character cap is searched cut to the cap, never refused", async ({ page }) => {
    const searched = [];
    page.on("response", (r) => /\/v1\/search/.test(r.url()) && searched.push([new URL(r.url()).searchParams.get("q").length, r.status()]));
    await host(page, form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">'));
    await field(page, "dx").fill("diabetes ".repeat(30));
    await expect((await optionsOf(page, "dx")).first()).toBeVisible();
    expect(searched).toEqual([[200, 200]]);
  });

  test("L: a pasted list of codes in a multiple picker becomes one chip per known code; the unknown ones stay, reported", async ({ page }) => {
    await host(page, form('<label for="more">More</label><input id="more" name="more" data-codecard-picker="icd10cm" data-multiple>'));
    await field(page, "more").focus();
    await page.evaluate(() => {
      const more = document.getElementById("more");
      const data = new DataTransfer();
      data.setData("text/plain", "E11.9, i10; E11.99");
      more.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await expect(page.locator("[data-codecard-chips] li")).toHaveText([/E11\.9/, /I10/]);
    await expect(field(page, "more")).toHaveValue("E11.99");
    await expect.poll(() => message(page, "more")).toBe("“E11.99” is not a code in ICD-10-CM.");
    expect(await page.evaluate(() => window.__picks)).toEqual([["E11.9", "icd10cm"], ["I10", "icd10cm"]]);
  });

  test("L: an invalid field is aria-invalid and described by its message", async ({ page }) => {
    await host(page, form('<p id="hint">A diagnosis</p><label for="dx">Dx</label><input id="dx" name="dx" aria-describedby="hint" data-codecard-picker="icd10cm">'));
    await field(page, "dx").fill("E11.99");
    await field(page, "dx").blur();
    await expect(field(page, "dx")).toHaveAttribute("aria-invalid", "true");
    await expect(field(page, "dx")).toHaveAccessibleDescription("A diagnosis “E11.99” is not a code in ICD-10-CM.");
    await field(page, "dx").fill("e119");
    await field(page, "dx").blur();
    await expect(field(page, "dx")).toHaveValue("E11.9");
    await expect(field(page, "dx")).not.toHaveAttribute("aria-invalid", /./);
    await expect(field(page, "dx")).toHaveAttribute("aria-describedby", "hint");
  });

  test("L: destroy takes the picker's stylesheet off the document", async ({ page }) => {
    await host(page, form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">'));
    const ours = () =>
      page.evaluate(() => document.adoptedStyleSheets.filter((s) => [...s.cssRules].some((r) => r.cssText.includes("data-codecard-pick"))).length);
    expect(await ours()).toBe(1);
    await page.evaluate(() => window.CodeCard.destroy());
    expect(await ours()).toBe(0);
  });
  test("L: the list takes the dark palette when the page prefers dark", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await host(page, form('<label for="dx">Dx</label><input id="dx" name="dx" data-codecard-picker="icd10cm">'));
    await field(page, "dx").focus();
    await page.keyboard.type("diabetes");
    const box = await boxOf(page, "dx");
    await expect(box).toBeVisible();
    expect(await box.evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color])).toEqual([
      "rgb(29, 35, 43)",
      "rgb(230, 235, 241)",
    ]);
  });
});
