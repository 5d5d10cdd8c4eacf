// Writes the host pages the browser benchmark loads, into DIR/bench/ (DIR is served with --www-dir):
//   codes.html       a visit summary with 40 marked ICD-10-CM codes (clicked in the timings)
//   codes-5000.html  5,000 marked codes (<span data-code=...>) in paragraphs of text
//   text-1mb.html    1 MB of clinical-looking text with codes written in it, nothing marked
//   codes.json       the 40 codes of codes.html: [{code, display}]
// Usage: node .ci/bench-pages.js DIR
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const dir = path.join(process.argv[2], "bench");
fs.mkdirSync(dir, { recursive: true });
const root = path.join(__dirname, "..");
const rows = (file) =>
  zlib.gunzipSync(fs.readFileSync(path.join(root, "assets/data", file))).toString("utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
// ICD-10-CM: code, code_dotted, billable, short, long. ICD-10-PCS: code, billable, short, long, ...
const cm = rows("icd10cm.tsv.gz").filter((r) => r[2] === "1" && !r[6]).map((r) => ({ code: r[1], system: "icd10cm", text: r[4] }));
const pcs = rows("icd10pcs-2025.tsv.gz").map((r) => ({ code: r[0], system: "icd10pcs", text: r[3] }));
const every = (list, n) => Array.from({ length: n }, (_, i) => list[Math.floor((i * list.length) / n)]);
const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const page = (title, body) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <link rel="icon" href="data:,">
  <style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}</style>
</head>
<body>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`;
const span = (c) => `<span data-code="${c.code}" data-code-system="${c.system}">${c.code}</span>`;

const forty = every(cm, 40);
fs.writeFileSync(path.join(dir, "codes.json"), JSON.stringify(forty.map((c) => ({ code: c.code, display: c.code }))));
fs.writeFileSync(path.join(dir, "codes.html"), page("Visit summary (40 codes)",
  forty.map((c) => `<p>${esc(c.text)}: ${span(c)}.</p>`).join("\n")));

const many = [...every(cm, 3000), ...every(pcs, 2000)];
const paragraphs = [];
for (let i = 0; i < many.length; i += 10) {
  paragraphs.push("<p>" + many.slice(i, i + 10).map((c) => `${esc(c.text)} (${span(c)})`).join("; ") + ".</p>");
}
fs.writeFileSync(path.join(dir, "codes-5000.html"), page("5,000 marked codes", paragraphs.join("\n")));

// 1 MB of text: sentences naming codes as written in notes (with dots, no markup).
const parts = [];
let size = 0, i = 0;
const pool = every(cm, 8000);
while (size < 1_000_000) {
  const c = pool[i++ % pool.length];
  const p = `<p>Assessment ${i}: ${esc(c.text)}, coded ${c.code}. Follow up in four weeks; continue current medication and review labs at the next visit.</p>`;
  parts.push(p);
  size += Buffer.byteLength(p);
}
fs.writeFileSync(path.join(dir, "text-1mb.html"), page("1 MB of text, codes not marked", parts.join("\n")));
console.log(`pages: ${dir} (codes.html, codes-5000.html, text-1mb.html: ${parts.length} paragraphs, ${size} bytes of text)`);
