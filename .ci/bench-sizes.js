// Benchmark part 1: what a host page downloads, codecard next to its peers' published npm packages.
// Usage: node .ci/bench-sizes.js OUT.json   (run from the repository root, after build_widget)
// Each peer is fetched with `npm pack` into a temporary directory in this run; the files measured are
// the ones a host page would load (its dist JS bundle and CSS). Sizes are bytes; gzip -9 and brotli 11
// as a CDN or a pre-compressing server would send them.
const fs = require("fs");
const os = require("os");
const path = require("path");
const { execFileSync } = require("child_process");
const chunks = require("./chunks");

const root = path.join(__dirname, "..");
const out = process.argv[2] || "bench-results/sizes.json";

const { compressed: measure, sum } = chunks;

// codecard: the loader is all a page loads before the first interaction; the card module and its
// styles come on intent or idle (the first card); the search box's module only on pages with one.
// As transferred: the build's precompressed copies (.ci/chunks.js).
function ours() {
  const m = chunks.measure();
  const files = m.chunks.flatMap((c) => c.files.map((f) => ({ name: `${f.file} (${c.id})`, ...f })));
  return { files, chunks: m.chunks, before_interaction: m.chunks[0], total: m.firstCard, everything: m.everything };
}

// The peers. `files` are paths inside the npm package; `bundle` builds one file first (for a
// package that ships only CommonJS sources, as autocomplete-lhc does).
const PEERS = [
  { id: "who-ect", name: "WHO ICD-11 ECT", packages: ["@whoicd/icd11ect"], comparable: true,
    files: [["@whoicd/icd11ect", "index.js"], ["@whoicd/icd11ect", "style.css"]],
    note: "index.js is the browser bundle the package documents; style.css its global styles" },
  { id: "wikipedia-preview", name: "Wikipedia Preview", packages: ["wikipedia-preview"], comparable: true,
    files: [["wikipedia-preview", "dist/wikipedia-preview.js"], ["wikipedia-preview", "dist/wikipedia-preview.css"]],
    note: "dist ES module + its stylesheet (source maps not counted)" },
  { id: "autocomplete-lhc", name: "NLM autocomplete-lhc", packages: ["autocomplete-lhc"], comparable: false,
    bundle: ["autocomplete-lhc", "source/index.js"],
    files: [["autocomplete-lhc", "source/auto_completion.css"]],
    note: "the npm package ships CommonJS sources only: source/index.js bundled and minified here with esbuild (IIFE), + its CSS; a search field, not an in-page card" },
  { id: "tippy-popper", name: "tippy.js + @popperjs/core", packages: ["tippy.js", "@popperjs/core"], comparable: false,
    files: [["@popperjs/core", "dist/umd/popper.min.js"], ["tippy.js", "dist/tippy-bundle.umd.min.js"]],
    note: "UMD min builds (the tippy bundle build injects its own CSS); a bare tooltip, no data, lookup or card" },
];

function peers() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "codecard-peers-"));
  try {
    const names = [...new Set(PEERS.flatMap((p) => p.packages))];
    const tarballs = execFileSync("npm", ["pack", "--silent", "--pack-destination", tmp, ...names], { cwd: tmp, encoding: "utf8" })
      .trim().split("\n").map((l) => l.trim()).filter((l) => l.endsWith(".tgz"));
    const dirs = {}, versions = {};
    names.forEach((name, i) => {
      const dir = path.join(tmp, "pkg-" + i);
      fs.mkdirSync(dir);
      execFileSync("tar", ["xzf", path.join(tmp, tarballs[i]), "-C", dir]);
      dirs[name] = path.join(dir, "package");
      versions[name] = JSON.parse(fs.readFileSync(path.join(dirs[name], "package.json"), "utf8")).version;
    });
    return PEERS.map((peer) => {
      const files = [];
      if (peer.bundle) {
        const [pkg, entry] = peer.bundle;
        const outfile = path.join(tmp, peer.id + ".min.js");
        execFileSync(path.join(root, "node_modules/.bin/esbuild"),
          [path.join(dirs[pkg], entry), "--bundle", "--minify", "--format=iife", "--global-name=Def", "--log-level=warning", "--outfile=" + outfile]);
        files.push({ name: `${pkg}/${entry} (esbuild --bundle --minify)`, ...measure(fs.readFileSync(outfile)) });
      }
      for (const [pkg, file] of peer.files) files.push({ name: `${pkg}/${file}`, ...measure(fs.readFileSync(path.join(dirs[pkg], file))) });
      return { ...peer, versions: Object.fromEntries(peer.packages.map((n) => [n, versions[n]])), files, total: sum(files) };
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const result = { unit: "bytes", codecard: ours(), peers: peers() };
const KB = 1000;
result.targets = {
  before_interaction_brotli_max: 5 * KB,
  before_interaction_brotli: result.codecard.before_interaction.brotli,
  before_interaction_met: result.codecard.before_interaction.brotli <= 5 * KB,
  total_gzip: result.codecard.total.gzip,
  below_comparable_peers: result.peers.filter((p) => p.comparable).map((p) => ({ peer: p.name, gzip: p.total.gzip, met: result.codecard.total.gzip < p.total.gzip })),
};
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(result, null, 2));
console.log(`sizes: codecard total ${result.codecard.total.gzip} B gzip; peers: ` + result.peers.map((p) => `${p.name} ${p.total.gzip}`).join(", "));
