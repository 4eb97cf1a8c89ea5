// Prints one line for the whole monorepo from each package's vitest JSON report:
// "Tests: N passed, N failed" (the form CI reads), and fails if a package ran no test.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const roots = ["packages", "apps", "tools"];
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const root of roots) {
  if (!existsSync(root)) continue;
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    if (!existsSync(join(dir, "package.json"))) continue;
    // Packages without a test script (fixtures, tools) have nothing to report.
    if (!JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).scripts?.test) continue;
    const report = join(dir, "test-results", "vitest.json");
    if (!existsSync(report)) {
      missing.push(dir);
      continue;
    }
    const r = JSON.parse(readFileSync(report, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numFailedTestSuites ?? 0);
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`  ${dir} (${r.numPassedTests} ok, ${r.numFailedTests} failing)`);
  }
}
// pytest's JUnit report (tools/train), when CI ran the Python toolchain.
const junit = join("tools", "train", "test-results", "junit.xml");
if (existsSync(junit)) {
  const suite = readFileSync(junit, "utf8").match(/<testsuite\b[^>]*>/)?.[0] ?? "";
  const count = (name) => Number(suite.match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
  const failing = count("failures") + count("errors");
  passed += count("tests") - failing - count("skipped");
  failed += failing;
  skipped += count("skipped");
  console.log(`  tools/train pytest (${count("tests") - failing - count("skipped")} ok, ${failing} failing)`);
}
for (const dir of missing) console.log(`${dir}: no test report (its tests did not run)`);
failed += missing.length;
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || skipped > 0 || passed === 0 ? 1 : 0);
