// Loads a generated 300-service compose file in-process (dist/) and prints the time, next to a
// baseline measured in the same run: plain `yaml.parse` of the same file.
// Usage: npm run build && node bench/compose-load.mjs [services=300] [runs=5]
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { execFileSync } from "node:child_process";
import { parse, parseDocument } from "yaml";

const count = Number(process.argv[2] ?? 300);
const runs = Number(process.argv[3] ?? 5);
const TARGET_MS = 200;

function generate(n) {
  const lines = [
    "x-common: &common",
    "  restart: unless-stopped",
    "  environment:",
    "    LOG_LEVEL: ${LOG_LEVEL:-info}",
    "    REGION: eu",
    "x-build: &build",
    "  context: ./ctx",
    "  args:",
    "    - BASE_IMAGE=${BASE_IMAGE:-kiln-local/busybox:latest}",
    "services:",
  ];
  for (let i = 0; i < n; i++) {
    lines.push(`  svc${i}:`, "    <<: *common");
    if (i % 3 === 0) lines.push(`    image: registry.example.com/svc${i}:\${TAG:-latest}`);
    else if (i % 3 === 1) lines.push("    build: *build");
    else
      lines.push(
        "    build:",
        "      <<: *build",
        `      target: stage${i % 5}`,
        "      cache_from: [type=local,src=/tmp/c]",
      );
    lines.push(
      "    volumes:",
      `      - data${i % 10}:/data`,
      "      - ./src:/src:ro",
      "    ports:",
      `      - "${8000 + i}:80"`,
    );
    if (i > 0) lines.push("    depends_on:", `      - svc${i - 1}`);
    if (i % 7 === 0) lines.push("    profiles: [extra]");
  }
  lines.push("volumes:");
  for (let v = 0; v < 10; v++) lines.push(`  data${v}: {}`);
  return `${lines.join("\n")}\n`;
}

const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-bench-compose-"));
try {
  mkdirSync(path.join(dir, "ctx"));
  writeFileSync(path.join(dir, "ctx", "Dockerfile"), "FROM kiln-local/busybox:latest\n");
  const file = path.join(dir, "compose.yaml");
  writeFileSync(file, generate(count));

  // the cold floor: a fresh process parsing the same file with yaml's parseDocument, once
  const yamlUrl = import.meta.resolve("yaml");
  const coldFloor = Number(
    execFileSync(process.execPath, [
      "--input-type=module",
      "-e",
      `import { readFileSync } from "node:fs"; const { parseDocument } = await import(${JSON.stringify(yamlUrl)}); const t = performance.now(); parseDocument(readFileSync(${JSON.stringify(file)}, "utf8")); console.log(performance.now() - t);`,
    ]).toString(),
  );

  const t0 = performance.now();
  const { loadProject } = await import("../dist/adapters/project-loader.js");
  const importMs = performance.now() - t0;

  const t1 = performance.now();
  const first = await loadProject({ projectDir: dir, env: { PATH: process.env.PATH } });
  const firstMs = performance.now() - t1;

  const times = [];
  const baseline = [];
  const docOnly = [];
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    parse(readFileSync(file, "utf8"), { maxAliasCount: -1 });
    baseline.push(performance.now() - t);
    t = performance.now();
    parseDocument(readFileSync(file, "utf8"));
    docOnly.push(performance.now() - t);
    t = performance.now();
    await loadProject({ projectDir: dir, env: { PATH: process.env.PATH } });
    times.push(performance.now() - t);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const warm = median(times);
  const base = median(baseline);
  console.log(
    `services: ${first.allServices.length} (${first.services.length} enabled), file ${Math.round(readFileSync(file).length / 1024)} KiB`,
  );
  console.log(`import kiln modules:        ${importMs.toFixed(1)} ms`);
  console.log(
    `loadProject, first (cold):  ${firstMs.toFixed(1)} ms   (first call: loads the precompiled schema validator, JIT cold)`,
  );
  console.log(`parseDocument, first (cold, fresh process): ${coldFloor.toFixed(1)} ms   (the cold floor)`);
  console.log(`loadProject, warm median:   ${warm.toFixed(1)} ms`);
  const doc = median(docOnly);
  console.log(
    `baseline yaml.parse median: ${base.toFixed(1)} ms   (to plain JS; resolves each alias by a document walk)`,
  );
  console.log(
    `baseline parseDocument median: ${doc.toFixed(1)} ms   (syntax tree only: the floor for any yaml-based loader)`,
  );
  console.log(
    `ratio warm loadProject / yaml.parse: ${(warm / base).toFixed(2)}x, / parseDocument: ${(warm / doc).toFixed(2)}x`,
  );
  console.log(`ratio cold loadProject / cold parseDocument: ${(firstMs / coldFloor).toFixed(2)}x`);
  console.log(
    `load average: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${os.cpus().length} cores`,
  );
  console.log(`target < ${TARGET_MS} ms (cold): ${firstMs < TARGET_MS ? "PASS" : "FAIL"}`);
  if (firstMs >= TARGET_MS) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
