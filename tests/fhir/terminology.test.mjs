// The FHIR terminology operations through fhir-kit-client (a FHIR client nobody here wrote),
// every answer validated against the FHIR R4 definitions, error OperationOutcomes included.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CM, CPT, HCPCS, PCS, client, failsWith, param, plainUrl, properties, valid } from "./support.mjs";

let fhir;
before(async () => {
  fhir = client(await plainUrl());
});

describe("metadata and code systems", () => {
  test("the capability statement is valid R4 and names $lookup, $validate-code and $expand", async () => {
    const statement = valid(await fhir.capabilityStatement(), "CapabilityStatement");
    assert.equal(statement.fhirVersion, "4.0.1");
    const ops = statement.rest[0].resource.flatMap((r) => r.operation.map((o) => `${r.type}/$${o.name}`));
    assert.deepEqual(ops, ["CodeSystem/$lookup", "CodeSystem/$validate-code", "ValueSet/$expand", "ValueSet/$validate-code"]);
  });

  test("terminology capabilities list the four system URIs with their loaded releases", async () => {
    const caps = valid(await fhir.request("metadata?mode=terminology"), "TerminologyCapabilities");
    assert.deepEqual(caps.codeSystem.map((s) => s.uri), [CM, PCS, CPT, HCPCS]);
    assert.equal(caps.codeSystem[0].version[0].code, "FY2026 (April 1, 2026 update)");
  });

  test("a code system reads as not-present content with version and count", async () => {
    const cm = valid(await fhir.read({ resourceType: "CodeSystem", id: "icd10cm" }), "CodeSystem");
    assert.deepEqual([cm.url, cm.content, cm.count], [CM, "not-present", 98186]);
    await failsWith(() => fhir.read({ resourceType: "CodeSystem", id: "loinc" }), 404, "not-found");
  });

  test("searching code systems by url gives a valid searchset Bundle", async () => {
    const bundle = valid(await fhir.search({ resourceType: "CodeSystem", searchParams: { url: HCPCS } }), "Bundle");
    assert.equal(bundle.total, 1);
    assert.equal(bundle.entry[0].resource.id, "hcpcs");
    const all = valid(await fhir.search({ resourceType: "CodeSystem", searchParams: { _count: "5" } }), "Bundle");
    assert.equal(all.total, 4);
    assert.equal(all.entry.at(-1).search.mode, "outcome", "the ignored _count is reported");
  });
});

describe("$lookup", () => {
  const lookup = (input, method = "GET") =>
    fhir.operation({ name: "$lookup", resourceType: "CodeSystem", method, input });

  test("E11.9 by GET: display, designations, parent and coding notes", async () => {
    const out = valid(await lookup({ system: CM, code: "E11.9" }), "Parameters");
    assert.equal(param(out, "display").valueString, "Type 2 diabetes mellitus without complications");
    assert.equal(out.parameter.filter((p) => p.name === "designation").length, 2);
    const props = properties(out);
    assert.deepEqual(props.filter(([c]) => c === "parent"), [["parent", "E11"]]);
    assert.ok(props.some(([c, v]) => c === "use-additional-code" && v === "insulin (Z79.4)"), JSON.stringify(props));
  });

  test("E11 by POST with a coding: children, and not selectable", async () => {
    const input = { resourceType: "Parameters", parameter: [{ name: "coding", valueCoding: { system: CM, code: "E11" } }] };
    const out = valid(await lookup(input, "POST"), "Parameters");
    const props = properties(out);
    const children = props.filter(([c]) => c === "child").map(([, v]) => v);
    assert.ok(children.includes("E11.9") && !children.includes("E11.65"), JSON.stringify(children));
    assert.deepEqual(props.find(([c]) => c === "notSelectable"), ["notSelectable", true]);
  });

  test("a CPT® code answers with codecard's summary, never an AMA descriptor", async () => {
    const out = valid(await lookup({ system: CPT, code: "99214" }), "Parameters");
    assert.equal(out.parameter.filter((p) => p.name === "designation").length, 1);
    const note = properties(out).find(([c]) => c === "descriptor-note")[1];
    assert.match(note, /licensed AMA data file/);
  });

  test("errors are valid OperationOutcomes with the right status", async () => {
    await failsWith(() => lookup({ system: CM, code: "E11.99" }), 404, "not-found");
    await failsWith(() => lookup({ system: CM, code: "99214" }), 400, "code-invalid");
    await failsWith(() => lookup({ system: "http://loinc.org", code: "1234-5" }), 400, "not-supported");
    await failsWith(() => lookup({ code: "E11.9" }), 400, "required");
    await failsWith(() => lookup({ system: CM, code: "E11.9", colour: "blue" }), 400, "not-supported");
    await failsWith(() => lookup({ resourceType: "Patient" }, "POST"), 400, "invalid");
  });
});

describe("$validate-code", () => {
  const validate = (input, resourceType = "CodeSystem") =>
    fhir.operation({ name: "$validate-code", resourceType, method: "GET", input });

  test("a code as ICD-10-CM writes it is valid and comes with its display", async () => {
    const out = valid(await validate({ url: CM, code: "E11.9" }), "Parameters");
    assert.equal(param(out, "result").valueBoolean, true);
    assert.equal(param(out, "display").valueString, "Type 2 diabetes mellitus without complications");
  });

  test("a wrong display is result false with a message and the right display", async () => {
    const out = valid(await validate({ url: CM, code: "E11.9", display: "Diabetes" }), "Parameters");
    assert.equal(param(out, "result").valueBoolean, false);
    assert.match(param(out, "message").valueString, /Wrong display/);
    assert.equal(param(out, "display").valueString, "Type 2 diabetes mellitus without complications");
  });

  test("unknown, malformed and undotted codes are result false with a message", async () => {
    for (const code of ["E11.99", "hello", "E119"]) {
      const out = valid(await validate({ url: CM, code }), "Parameters");
      assert.equal(param(out, "result").valueBoolean, false, code);
      assert.ok(param(out, "message").valueString.length > 0);
    }
  });

  test("a CPT® display other than codecard's summary is result true with an informational issue: no licensed text to judge it by", async () => {
    const ama = "Office or other outpatient visit for the evaluation and management of an established patient";
    const out = valid(await validate({ url: CPT, code: "99214", display: ama }), "Parameters");
    assert.equal(param(out, "result").valueBoolean, true);
    const issue = valid(param(out, "issues").resource, "OperationOutcome").issue[0];
    assert.deepEqual([issue.severity, issue.code], ["information", "informational"]);
    assert.match(issue.details.text, /not checked/);
  });

  test("at the instance level (CodeSystem/icd10cm/$validate-code) the id names the system", async () => {
    const input = { code: "E11.9" };
    const out = valid(await fhir.operation({ name: "$validate-code", resourceType: "CodeSystem", id: "icd10cm", method: "GET", input }), "Parameters");
    assert.equal(param(out, "result").valueBoolean, true);
  });

  test("asked for XML, the answer is a 406 OperationOutcome", async () => {
    await failsWith(() => fhir.request(`ValueSet/$expand?url=${CM}?fhir_vs&count=1&_format=xml`), 406, "not-supported");
  });

  test("ValueSet/$validate-code checks the implicit all-codes value set", async () => {
    const yes = valid(await validate({ url: `${PCS}?fhir_vs`, system: PCS, code: "0DTJ4ZZ" }, "ValueSet"), "Parameters");
    assert.equal(param(yes, "result").valueBoolean, true);
    await failsWith(() => validate({ url: "http://example.org/ValueSet/x", code: "A" }, "ValueSet"), 400, "not-supported");
  });
});

describe("$expand", () => {
  const expand = (input, method = "GET") => fhir.operation({ name: "$expand", resourceType: "ValueSet", method, input });

  test("filter, count and offset page through the search ranking", async () => {
    const url = `${CM}?fhir_vs`;
    const first = valid(await expand({ url, filter: "asthma", count: 5 }), "ValueSet");
    const second = valid(await expand({ url, filter: "asthma", count: 5, offset: 5 }), "ValueSet");
    assert.equal(first.expansion.total, second.expansion.total);
    assert.equal(second.expansion.offset, 5);
    assert.equal(first.expansion.contains.length, 5);
    const contains = first.expansion.contains;
    // The search ranking: titles naming asthma first; the Alphabetic Index may add codes whose
    // title does not (laryngeal spasm is indexed under "Asthma").
    assert.ok(contains.every((c) => c.system === CM), JSON.stringify(contains));
    assert.ok(/asthma/i.test(contains[0].display) && contains.filter((c) => /asthma/i.test(c.display)).length >= 3, JSON.stringify(contains));
    const overlap = first.expansion.contains.filter((a) => second.expansion.contains.some((b) => b.code === a.code));
    assert.deepEqual(overlap, []);
  });

  test("without a filter: every current code in code order; POST answers the same", async () => {
    const input = { resourceType: "Parameters", parameter: [{ name: "url", valueUri: `${HCPCS}?fhir_vs` }, { name: "count", valueInteger: 3 }] };
    const posted = valid(await expand(input, "POST"), "ValueSet");
    const got = valid(await expand({ url: `${HCPCS}?fhir_vs`, count: 3 }), "ValueSet");
    assert.deepEqual(posted.expansion.contains, got.expansion.contains);
    const codes = got.expansion.contains.map((c) => c.code);
    assert.deepEqual(codes, [...codes].sort());
  });

  test("bad parameters are 400 OperationOutcomes", async () => {
    await failsWith(() => expand({ filter: "flu" }), 400, "required");
    await failsWith(() => expand({ url: `${CM}?fhir_vs`, count: 5000 }), 400, "value");
    await failsWith(() => expand({ url: `${CM}?fhir_vs`, filter: "a".repeat(201) }), 400, "too-long");
    await failsWith(() => expand({ url: "http://snomed.info/sct?fhir_vs" }), 400, "not-supported");
  });
});
