// The account popup opened by a page that is not the widget: it names where the session should
// go in the popup's address, so the popup must hand a session only to one exact origin, show that
// origin as the browser parsed it, and refuse anything else before a password is sent.
const { test, expect } = require("@playwright/test");
const { watchErrors } = require("./helpers");

const metered = process.env.CODECARD_METERED_URL;
// A page on an origin of its own, served by the test (the name never resolves).
const stranger = "http://stranger.test";

/** Opens the stranger's page, which records every message it receives. */
async function strangerPage(page) {
  await page.route(`${stranger}/**`, (route) =>
    route.fulfill({ contentType: "text/html", body: "<!doctype html><title>stranger</title><main></main>" })
  );
  await page.goto(`${stranger}/`);
  await page.evaluate(() => {
    window.received = [];
    window.addEventListener("message", (event) => window.received.push({ origin: event.origin, data: event.data }));
  });
}

/** The stranger opens the endpoint's registration page in a popup, naming `origin`. */
async function openAccountPage(page, origin) {
  const [popup] = await Promise.all([
    page.waitForEvent("popup"),
    page.evaluate(
      (url) => window.open(url, "codecard-account", "popup,width=480,height=660"),
      `${metered}/account/register#origin=${encodeURIComponent(origin)}`
    ),
  ]);
  await popup.waitForLoadState();
  return popup;
}

for (const named of ["*", `${stranger} (your clinic)`, `${stranger}/path`, "javascript:alert(1)"]) {
  test(`the account page refuses to log in for ${JSON.stringify(named)}, which is not one exact origin`, async ({ page }) => {
    await strangerPage(page);
    const popup = await openAccountPage(page, named);
    const errors = watchErrors(popup);
    await expect(popup.locator("#message")).toContainText("not a web site");
    await expect(popup.getByRole("button", { name: "Register free account" })).toBeDisabled();
    await expect(popup.locator("#for")).toBeHidden();
    await expect(popup.locator("body")).not.toContainText("your clinic");

    // Even a submission forced past the disabled button sends nothing.
    const posts = [];
    popup.on("request", (request) => request.method() === "POST" && posts.push(request.url()));
    await popup.getByLabel("Email").fill("ana@clinic.example");
    await popup.getByLabel("Password").fill("correct horse battery");
    await popup.evaluate(() => document.getElementById("form").requestSubmit());
    await popup.waitForTimeout(500);
    expect(posts).toEqual([]);
    expect(await page.evaluate(() => window.received)).toEqual([]);
    expect(errors).toEqual([]);
  });
}

test("the account page shows the exact origin it hands the session to, and hands it only there", async ({ page }, info) => {
  await strangerPage(page);
  const popup = await openAccountPage(page, stranger);
  await expect(popup.locator("#site")).toHaveText(stranger);
  await expect(popup.locator("#for")).toBeVisible();
  await popup.getByLabel("Email").fill(`ana.${Date.now()}.${info.workerIndex}@clinic.example`);
  await popup.getByLabel("Password").fill("correct horse battery");
  await popup.getByRole("button", { name: "Register free account" }).click();
  await expect.poll(() => page.evaluate(() => window.received.length)).toBe(1);
  const [message] = await page.evaluate(() => window.received);
  expect(message.origin).toBe(new URL(metered).origin);
  expect(message.data.type).toBe("codecard:session");

  // The session is bound to the stranger's origin: sent from any other page, it is refused.
  const token = message.data.session.token;
  const from = (origin) =>
    page.request.get(`${metered}/v1/codes/I10`, { headers: { Authorization: `Bearer ${token}`, Origin: origin } });
  expect((await from(stranger)).status()).toBe(200);
  expect((await from("http://elsewhere.test")).status()).toBe(401);
});
