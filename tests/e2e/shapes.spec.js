// The loader's auto-detection patterns (the ones src/code.rs declares and checks the loader for)
// against every code of the embedded catalog in its written form. No browser page: Node's RegExp
// is the same ECMAScript engine the loader runs on.
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const { test, expect } = require("@playwright/test");

const DATA = path.join(__dirname, "..", "..", "assets", "data");

/** The written codes of one data file: its `code_dotted` column when it has one, else `code`. */
function codes(file) {
  let text = fs.readFileSync(path.join(DATA, file));
  if (file.endsWith(".gz")) text = zlib.gunzipSync(text);
  const [header, ...rows] = text.toString("utf8").split("\n").filter(Boolean);
  const column = header.split("\t").indexOf(header.includes("code_dotted") ? "code_dotted" : "code");
  return rows.map((row) => row.split("\t")[column]);
}

/** The SHAPES object of the loader's source (src/code.rs's unit tests hold it to the Rust patterns). */
function loaderShapes() {
  const source = fs.readFileSync(path.join(__dirname, "..", "..", "assets", "loader.js"), "utf8");
  const literal = source.match(/var SHAPES = (\{[\s\S]*?\n  \});/);
  expect(literal, "assets/loader.js defines SHAPES").not.toBeNull();
  return new Function(`return ${literal[1]};`)();
}

test("the loader's code patterns match every code of the catalog, written as pages write them", () => {
  const shapes = loaderShapes();
  // Each system's code set is the data file named after it (`icd10cm.tsv.gz`, `cpt-demo.tsv`, ...).
  const files = {};
  for (const file of fs.readdirSync(DATA)) {
    const system = (file.match(/^(icd10cm|icd10pcs|cpt|hcpcs)(-[^.]*)?\.tsv(\.gz)?$/) || [])[1];
    if (system) files[system] = file;
  }
  expect(Object.keys(files).sort()).toEqual(Object.keys(shapes).sort());
  for (const [system, file] of Object.entries(files)) {
    const whole = new RegExp(`^(?:${shapes[system]})$`);
    const all = codes(file);
    expect(all.length).toBeGreaterThan(10);
    const missed = all.filter((c) => !whole.test(c));
    expect(missed.slice(0, 10), `${system}: ${missed.length} of ${all.length} codes not matched`).toEqual([]);
  }
});
