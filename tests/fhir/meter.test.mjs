// The meter on $lookup, through fhir-kit-client against the metered server: a lookup is a view,
// a guest's answer carries none of the gated text, and past the quota only the code and its
// title remain. Every answer is validated against the FHIR R4 definitions.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { CM, Client, client, failsWith, meteredUrl, param, valid } from "./support.mjs";

let base;
before(async () => {
  base = await meteredUrl();
});

const lookup = (fhir, code) =>
  fhir.operation({ name: "$lookup", resourceType: "CodeSystem", method: "GET", input: { system: CM, code } });

test("a guest's lookup is a view, without the hierarchy or notes, then the paywall", async () => {
  const guest = client(base);
  const first = valid(await lookup(guest, "E11.9"), "Parameters");
  const token = Client.httpFor(first).response.headers.get("x-codecard-visitor-token");
  assert.ok(token, "a new guest gets a visitor token");
  const raw = JSON.stringify(first);
  for (const gated of ['"parent"', '"child"', "Z79.4", "Written at"]) assert.ok(!raw.includes(gated), `${gated} in ${raw}`);
  const issues = valid(param(first, "issues").resource, "OperationOutcome");
  assert.equal(issues.issue[0].code, "suppressed");

  guest.bearerToken = token;
  const second = valid(await lookup(guest, "I10"), "Parameters");
  assert.equal(param(second, "display").valueString, "Essential (primary) hypertension");
  // Past the quota: the public title only (a designation may repeat it), no parent, no short form.
  assert.ok(!second.parameter.some((p) => p.name === "property" && p.part[0].valueCode === "parent"));
  const designations = second.parameter.filter((p) => p.name === "designation");
  assert.ok(designations.every((d) => JSON.stringify(d).includes("Essential (primary) hypertension")), JSON.stringify(designations));
  assert.match(param(second, "issues").resource.issue[0].details.text, /Code views left this period: 0 of 1 \(guest plan\)\./);
});

test("a forged bearer token is a 401 OperationOutcome", async () => {
  const forged = client(base, { bearerToken: "g.forged.token" });
  await failsWith(() => lookup(forged, "E11.9"), 401, "login");
});
