// Playwright end-to-end tests: the demo pages in Debian's Chromium against the real server.
// `.ci/test` starts target/release/codecard and passes its address in CODECARD_URL; run alone,
// this config starts the server itself (after `bash .ci/demo` or `.ci/test` has built it).
const { defineConfig } = require("@playwright/test");

const external = process.env.CODECARD_URL;
// Run alone, two servers: one without the meter (card and embedding specs), one metered as in
// production (paywall spec). Each starts on a fresh database.
const port = Number(process.env.CODECARD_E2E_PORT || 18080);
const baseURL = external || `http://127.0.0.1:${port}`;
const server = (p, flags) => ({
  command: `rm -f test-results/e2e-${p}.db* && mkdir -p test-results && CODECARD_LOG=info,codecard::access=off target/release/codecard serve --addr 127.0.0.1:${p} --db test-results/e2e-${p}.db ${flags}`,
  url: `http://127.0.0.1:${p}/v1/health`,
  reuseExistingServer: false,
  timeout: 30_000,
});
if (!external) process.env.CODECARD_METERED_URL = `http://127.0.0.1:${port + 1}`;

module.exports = defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    },
    trace: "off",
    screenshot: "only-on-failure",
  },
  webServer: external ? undefined : [server(port, "--no-meter --demo-echo"), server(port + 1, "--new-guests-per-ip 100000 --registrations-per-hour 100000")],
});
