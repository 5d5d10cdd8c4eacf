// Shortens the names a wasm-bindgen module imports from its JS glue, in both files: wasm-bindgen
// names each import after its JS function plus a 16-digit hash (`__wbg_instanceof_PointerEvent_
// cfcc1acd3e7efc24`), some two hundred of them, written once in the wasm's import section and once
// as a key of the glue's import object; the hashes do not compress. Each becomes `_` and its index
// in base 36, the import module `./NAME_bg.js` becomes `m`; so do the exported closure adapters,
// named with a crate hash too. The other exports keep their names (entry points, allocator). Run by build_widget after wasm-opt and before esbuild; fails loudly on
// anything it does not expect, rather than writing a module that would not link.
// Usage: node .ci/short-imports.js pkg/NAME_bg.wasm pkg/NAME.js
const fs = require("fs");

const [wasmPath, jsPath] = process.argv.slice(2);
const bytes = fs.readFileSync(wasmPath);
let js = fs.readFileSync(jsPath, "utf8");

function leb(buf, at) {
  let value = 0, shift = 0, byte;
  do {
    byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}
function toLeb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}
const name = (text) => { const b = Buffer.from(text, "utf8"); return Buffer.concat([toLeb(b.length), b]); };

// The end of an import's description (its kind byte at `at`).
function descEnd(buf, at) {
  const kind = buf[at++];
  const limits = (p) => {
    const flags = buf[p++];
    if (flags > 1) throw Error(`short-imports: limits flag ${flags} not handled`);
    [, p] = leb(buf, p);
    if (flags === 1) [, p] = leb(buf, p);
    return p;
  };
  switch (kind) {
    case 0x00: return leb(buf, at)[1]; // function: its type
    case 0x01: { // table: a plain reference type, then limits
      if (buf[at] !== 0x70 && buf[at] !== 0x6f) throw Error("short-imports: table type not handled");
      return limits(at + 1);
    }
    case 0x02: return limits(at); // memory
    case 0x03: { // global: a plain value type and mutability
      if (buf[at] < 0x6f || buf[at] > 0x7f) throw Error("short-imports: global type not handled");
      return at + 2;
    }
    default: throw Error(`short-imports: import kind ${kind} not handled`);
  }
}

if (bytes.readUInt32LE(0) !== 0x6d736100) throw Error(`short-imports: ${wasmPath} is no wasm module`);
const exported = new Set(WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name));
let renamed = 0, source = null;

// A name (its length, then UTF-8) at `p`: the text and where it ends.
function readName(p) {
  const [length, from] = leb(bytes, p);
  return [bytes.subarray(from, from + length).toString("utf8"), from + length];
}

// Section `id` (a vector of entries from `start` to `end`) rewritten entry by entry: `entry(i, p)`
// gives entry i's new bytes and where the old one ended.
function rewrite(id, start, end, entry) {
  let [count, p] = leb(bytes, start);
  const entries = [toLeb(count)];
  for (let i = 0; i < count; i++) {
    let written;
    [written, p] = entry(i, p);
    entries.push(written);
  }
  if (p !== end) throw Error(`short-imports: section ${id} did not end where it said`);
  const body = Buffer.concat(entries);
  return Buffer.concat([Buffer.from([id]), toLeb(body.length), body]);
}

// Imports: every name the glue holds and does not also read as an export.
function importEntry(i, p) {
  let from, field;
  [from, p] = readName(p);
  [field, p] = readName(p);
  const desc = bytes.subarray(p, (p = descEnd(bytes, p)));
  if (source === null) source = from;
  if (from !== source) throw Error(`short-imports: imports from ${source} and ${from}`);
  const word = new RegExp(`\\b${field.replace(/\$/g, "\\$")}\\b`, "g");
  let short = field;
  if (!exported.has(field) && word.test(js)) {
    short = "_" + i.toString(36);
    js = js.replace(word, short);
    renamed++;
  }
  return [Buffer.concat([name("m"), name(short), desc]), p];
}

// Exports: only the closure adapters wasm-bindgen names with a crate hash (the glue alone calls
// them); the entry points and the allocator keep their names.
function exportEntry(i, p) {
  let field;
  [field, p] = readName(p);
  const kind = bytes[p];
  const [index, next] = leb(bytes, p + 1);
  let short = field;
  if (/[0-9a-f]{16}/.test(field)) {
    const word = new RegExp(`\\b${field}\\b`, "g");
    if (js.match(word)?.length !== 1) throw Error(`short-imports: export ${field} is not named once in ${jsPath}`);
    short = "_x" + i.toString(36);
    js = js.replace(word, short);
    renamed++;
  }
  return [Buffer.concat([name(short), Buffer.from([kind]), toLeb(index)]), next];
}

const out = [bytes.subarray(0, 8)];
for (let at = 8; at < bytes.length; ) {
  const id = bytes[at];
  const [size, start] = leb(bytes, at + 1);
  const end = start + size;
  if (id === 2) out.push(rewrite(id, start, end, importEntry));
  else if (id === 7) out.push(rewrite(id, start, end, exportEntry));
  else out.push(bytes.subarray(at, end));
  at = end;
}
const quoted = JSON.stringify(source);
if (!source || js.split(quoted).length !== 2) throw Error(`short-imports: ${quoted} is not named once in ${jsPath}`);
js = js.replace(quoted, '"m"');
const wasm = Buffer.concat(out);
new WebAssembly.Module(wasm); // still a valid module
fs.writeFileSync(wasmPath, wasm);
fs.writeFileSync(jsPath, js);
console.error(`short-imports: ${renamed} import and export names shortened in ${wasmPath} and ${jsPath}`);
