#!/usr/bin/env node
// A static PEP 503 ("simple") package index on loopback, for pip inside builds on machines that
// cannot reach PyPI. It builds a pure-Python wheel for each source package given (a folder with
// a pyproject.toml [project] table and the import package under src/), adds any ready *.whl
// files, and serves them:
//   GET /simple/            the project list
//   GET /simple/<name>/     the project's files, each link with #sha256= and data-requires-python
//   GET /files/<wheel>      the wheel (immutable, so pip's HTTP cache keeps it)
//
// Usage: node scripts/pip-index.mjs [--packages DIR]... [--wheels DIR]... [--host 127.0.0.1]
//          [--port 0] [--port-file FILE] [--build-only OUT_DIR] [--quiet]
// Default --packages: examples/dukat/local-packages. Prints the index URL
// (http://HOST:PORT/simple) as the only line on stdout once it listens; requests are logged on
// stderr ("GET /files/x.whl 200"). Stop it with SIGTERM/SIGINT to its pid.
//
// Wheels are deterministic (fixed timestamps, sorted entries): the same sources give the same
// bytes and sha256, so pip's caches stay valid across runs. Only the subset of TOML that
// pyproject [project] tables use here is read: `key = "string"` and one-line string arrays.
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deflateRawSync } from "node:zlib";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function parseArgs(argv) {
  const opts = {
    packages: [],
    wheels: [],
    host: "127.0.0.1",
    port: 0,
    portFile: undefined,
    buildOnly: undefined,
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === "--packages") opts.packages.push(path.resolve(next()));
    else if (a === "--wheels") opts.wheels.push(path.resolve(next()));
    else if (a === "--host") opts.host = next();
    else if (a === "--port") opts.port = Number(next());
    else if (a === "--port-file") opts.portFile = path.resolve(next());
    else if (a === "--build-only") opts.buildOnly = path.resolve(next());
    else if (a === "--quiet") opts.quiet = true;
    else if (a === "-h" || a === "--help") {
      process.stdout.write(
        readFileSync(fileURLToPath(import.meta.url), "utf8")
          .split("\n")
          .slice(1, 16)
          .map((l) => l.replace(/^\/\/ ?/, ""))
          .join("\n") + "\n",
      );
      process.exit(0);
    } else fail(`unknown argument: ${a}`);
  }
  if (opts.packages.length === 0 && opts.wheels.length === 0)
    opts.packages.push(path.join(repoRoot, "examples/dukat/local-packages"));
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) fail(`bad --port: ${opts.port}`);
  return opts;
}

function fail(message) {
  process.stderr.write(`pip-index: ${message}\n`);
  process.exit(2);
}

// --- names (PEP 503 normalisation, PEP 427 file-name escaping) ---
const normalize = (name) => name.toLowerCase().replace(/[-_.]+/g, "-");
const escapeDist = (name) => name.replace(/[^A-Za-z0-9.]+/g, "_").replace(/\./g, "_");

// --- pyproject.toml, the [project] keys we need ---
function readProject(dir) {
  const file = path.join(dir, "pyproject.toml");
  const project = {};
  let section = "";
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1].trim();
      continue;
    }
    if (section !== "project") continue;
    const kv = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
    if (!kv) continue;
    const value = kv[2].trim();
    if (value.startsWith("[")) project[kv[1]] = [...value.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
    else if (value.startsWith('"')) project[kv[1]] = JSON.parse(value);
  }
  for (const key of ["name", "version"]) {
    if (typeof project[key] !== "string") fail(`${file}: [project] ${key} is missing`);
  }
  return project;
}

// --- a deterministic zip (deflate), enough for a wheel ---
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function zip(entries) {
  const DOS_TIME = 0; // 00:00:00
  const DOS_DATE = ((2020 - 1980) << 9) | (1 << 5) | 1; // 2020-01-01
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBuf = Buffer.from(name, "utf8");
    const packed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBuf, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + packed.length;
  }
  const cdSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

// --- a pure-Python wheel from a source package ---
function listFiles(dir, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = path.join(dir, entry.name);
    if (entry.name === "__pycache__" || entry.name.endsWith(".pyc") || entry.name.endsWith(".egg-info"))
      continue;
    if (entry.isDirectory()) out.push(...listFiles(full, base));
    else if (entry.isFile()) out.push(path.relative(base, full).split(path.sep).join("/"));
  }
  return out;
}

const recordHash = (data) => "sha256=" + createHash("sha256").update(data).digest("base64url");

function buildWheel(pkgDir) {
  const project = readProject(pkgDir);
  const dist = escapeDist(project.name);
  const distInfo = `${dist}-${project.version}.dist-info`;
  const srcRoot = path.join(pkgDir, "src");
  const entries = listFiles(srcRoot).map((rel) => ({
    name: rel,
    data: readFileSync(path.join(srcRoot, rel)),
  }));
  const metadata = [
    "Metadata-Version: 2.1",
    `Name: ${project.name}`,
    `Version: ${project.version}`,
    ...(project.description ? [`Summary: ${project.description}`] : []),
    ...(project["requires-python"] ? [`Requires-Python: ${project["requires-python"]}`] : []),
    ...(project.dependencies ?? []).map((d) => `Requires-Dist: ${d}`),
    "",
  ].join("\n");
  const wheelFile = [
    "Wheel-Version: 1.0",
    "Generator: kiln pip-index",
    "Root-Is-Purelib: true",
    "Tag: py3-none-any",
    "",
  ].join("\n");
  entries.push({ name: `${distInfo}/METADATA`, data: Buffer.from(metadata) });
  entries.push({ name: `${distInfo}/WHEEL`, data: Buffer.from(wheelFile) });
  const record = entries
    .map((e) => `${e.name},${recordHash(e.data)},${e.data.length}`)
    .concat(`${distInfo}/RECORD,,`, "")
    .join("\n");
  entries.push({ name: `${distInfo}/RECORD`, data: Buffer.from(record) });
  return {
    project: project.name,
    requiresPython: project["requires-python"],
    file: `${dist}-${project.version}-py3-none-any.whl`,
    data: zip(entries),
  };
}

function collectWheels(opts) {
  const wheels = [];
  for (const root of opts.packages) {
    const dirs = statSync(path.join(root, "pyproject.toml"), { throwIfNoEntry: false })
      ? [root]
      : readdirSync(root, { withFileTypes: true })
          .filter(
            (d) =>
              d.isDirectory() &&
              statSync(path.join(root, d.name, "pyproject.toml"), { throwIfNoEntry: false }),
          )
          .map((d) => path.join(root, d.name))
          .sort();
    for (const dir of dirs) wheels.push(buildWheel(dir));
  }
  for (const dir of opts.wheels) {
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith(".whl"))
      .sort()) {
      wheels.push({ project: name.split("-")[0], file: name, data: readFileSync(path.join(dir, name)) });
    }
  }
  if (wheels.length === 0) fail("no packages found");
  return wheels.map((w) => ({
    ...w,
    key: normalize(w.project),
    sha256: createHash("sha256").update(w.data).digest("hex"),
  }));
}

// --- the index ---
const escapeHtml = (s) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const page = (title, links) =>
  `<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.0"><title>${escapeHtml(title)}</title></head><body>\n${links.join("<br>\n")}\n</body></html>\n`;

function serve(opts, wheels) {
  const byFile = new Map(wheels.map((w) => [w.file, w]));
  const projects = [...new Set(wheels.map((w) => w.key))].sort();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://index");
    let status = 200;
    let body;
    let type = "text/html; charset=utf-8";
    let cache = "max-age=60";
    const simple = /^\/simple\/(?:([^/]+)\/?)?$/.exec(url.pathname);
    const file = /^\/files\/([^/]+)$/.exec(url.pathname);
    if (url.pathname === "/simple") {
      status = 301;
      res.setHeader("Location", "/simple/");
    } else if (simple && !simple[1]) {
      body = page(
        "Simple index",
        projects.map((p) => `<a href="${p}/">${p}</a>`),
      );
    } else if (simple && simple[1] !== normalize(simple[1])) {
      status = 301;
      res.setHeader("Location", `/simple/${normalize(simple[1])}/`);
    } else if (simple && projects.includes(simple[1])) {
      const links = wheels
        .filter((w) => w.key === simple[1])
        .map((w) => {
          const rp = w.requiresPython ? ` data-requires-python="${escapeHtml(w.requiresPython)}"` : "";
          return `<a href="../../files/${w.file}#sha256=${w.sha256}"${rp}>${w.file}</a>`;
        });
      body = page(`Links for ${simple[1]}`, links);
    } else if (file && byFile.has(file[1])) {
      body = byFile.get(file[1]).data;
      type = "application/octet-stream";
      cache = "public, max-age=31536000, immutable";
    } else {
      status = 404;
      body = "not found\n";
      type = "text/plain";
    }
    if (!opts.quiet) process.stderr.write(`${req.method} ${url.pathname} ${status}\n`);
    res.statusCode = status;
    res.setHeader("Content-Type", type);
    res.setHeader("Cache-Control", cache);
    res.end(req.method === "HEAD" ? undefined : body);
  });
  server.on("error", (err) => fail(`cannot listen on ${opts.host}:${opts.port}: ${err.message}`));
  server.listen(opts.port, opts.host, () => {
    const { port } = server.address();
    if (opts.portFile) writeFileSync(opts.portFile, `${port}\n`);
    process.stdout.write(`http://${opts.host}:${port}/simple\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

const opts = parseArgs(process.argv.slice(2));
const wheels = collectWheels(opts);
if (opts.buildOnly) {
  mkdirSync(opts.buildOnly, { recursive: true });
  for (const w of wheels) writeFileSync(path.join(opts.buildOnly, w.file), w.data);
  process.stdout.write(wheels.map((w) => path.join(opts.buildOnly, w.file)).join("\n") + "\n");
} else {
  serve(opts, wheels);
}
