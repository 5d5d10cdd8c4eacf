// What the FHIR client tests share: the endpoints (the real binary, started here unless
// .ci/test passes CODECARD_URL and CODECARD_METERED_URL), a fhir-kit-client per endpoint, and
// validation of every resource against the FHIR R4 definitions (npm `fhir`).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { after } from "node:test";
import { Client } from "fhir-kit-client";
import { Fhir } from "fhir";

const root = new URL("../../", import.meta.url).pathname;
const started = [];

after(() => {
  for (const { child, dir } of started) {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

// Starts target/release/codecard on a free loopback port with a fresh database.
async function startServer(flags) {
  const dir = mkdtempSync(join(tmpdir(), "codecard-fhir-"));
  const child = spawn(
    join(root, "target/release/codecard"),
    ["serve", "--addr", "127.0.0.1:0", "--db", join(dir, "codecard.db"), ...flags],
    { cwd: root, stdio: ["ignore", "ignore", "pipe"] },
  );
  started.push({ child, dir });
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 30_000);
    child.stderr.on("data", (chunk) => {
      log += chunk;
      const found = log.match(/serving on (http:\/\/[^/\s]+)\//);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited (${code}):\n${log}`)));
  });
}

let plain;
let metered;

// The endpoint without the meter.
export async function plainUrl() {
  plain ??= process.env.CODECARD_URL ? Promise.resolve(process.env.CODECARD_URL) : startServer(["--no-meter"]);
  return plain;
}

// The endpoint metered as in production (new guests per address raised: every test guest
// comes from 127.0.0.1).
export async function meteredUrl() {
  metered ??= process.env.CODECARD_METERED_URL
    ? Promise.resolve(process.env.CODECARD_METERED_URL)
    : startServer(["--new-guests-per-ip", "100000"]);
  return metered;
}

// A fhir-kit-client on `base`'s /fhir.
export function client(base, options = {}) {
  return new Client({ baseUrl: `${base}/fhir`, ...options });
}

export const CM = "http://hl7.org/fhir/sid/icd-10-cm";
export const PCS = "http://www.cms.gov/Medicare/Coding/ICD10";
export const CPT = "http://www.ama-assn.org/go/cpt";
export const HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";

const validator = new Fhir();

// Asserts that `resource` is a valid FHIR R4 resource of type `type`: no error and no warning
// (an unexpected property is a warning) from the validator.
export function valid(resource, type) {
  assert.equal(resource.resourceType, type, JSON.stringify(resource));
  const result = validator.validate(resource);
  const problems = result.messages.filter((m) => m.severity === "error" || m.severity === "warning");
  assert.deepEqual(problems, [], `${type} is not valid FHIR R4: ${JSON.stringify(resource).slice(0, 2000)}`);
  assert.equal(result.valid, true);
  return resource;
}

// Runs `call`, which must fail with `status`; the body must be a valid OperationOutcome whose
// first issue has `code`. Returns the outcome.
export async function failsWith(call, status, code) {
  let error;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  assert.ok(error?.response, `expected HTTP ${status}, got ${error ?? "a success"}`);
  assert.equal(error.response.status, status, JSON.stringify(error.response.data));
  const outcome = valid(error.response.data, "OperationOutcome");
  assert.equal(outcome.issue[0].code, code, JSON.stringify(outcome));
  assert.ok(outcome.issue[0].details.text.length > 0);
  return outcome;
}

// The value of output parameter `name` of a Parameters resource.
export function param(parameters, name) {
  return parameters.parameter.find((p) => p.name === name);
}

// The properties of a $lookup answer as [code, value] pairs.
export function properties(parameters) {
  return parameters.parameter
    .filter((p) => p.name === "property")
    .map((p) => {
      const code = p.part.find((x) => x.name === "code").valueCode;
      const value = p.part.find((x) => x.name === "value");
      return [code, value.valueCode ?? value.valueString ?? value.valueBoolean];
    });
}

export { Client };
