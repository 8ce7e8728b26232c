// Lint throughput on a generated corpus of realistic Dockerfiles, in-process.
// Baseline measured in the same run: plain dockerfile-ast parsing of the same corpus.
// Run: npm run build && node bench/lint-throughput.mjs [count]
import { DockerfileParser } from "dockerfile-ast";
import os from "node:os";
import { lintDockerfile } from "../dist/core/lint/lint.js";

const COUNT = Number(process.argv[2] ?? 4000);
const TARGET = 10000; // Dockerfiles per second (issue #16: still ≥ 10,000 with the install-order rules)

let seed = 12345;
const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const some = (xs, n) => xs.filter(() => rand() < n / xs.length);

const APT = [
  "curl",
  "ca-certificates",
  "git",
  "jq",
  "less",
  "procps",
  "build-essential",
  "libpq-dev",
  "tini",
  "gnupg",
];
const PY = ["flask", "requests", "numpy", "gunicorn", "pydantic", "sqlalchemy"];
const NPM = ["express", "left-pad", "typescript", "zod"];

const templates = [
  () => `FROM node:20-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends ${some(APT, 3).join(" ") || "curl"} \\
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
USER node
CMD ["node", "server.js"]
`,
  () => `# syntax=docker/dockerfile:1
ARG PYTHON=3.12
FROM python:\${PYTHON}-slim AS build
ENV PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update
RUN apt-get install -y gcc ${pick(APT)}
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt ${some(PY, 2).join(" ")}

FROM python:\${PYTHON}-slim
COPY --from=build /wheels /wheels
RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir /wheels/*
COPY . /app
WORKDIR /app
CMD ["gunicorn", "app:app"]
`,
  () => `FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
`,
  () => `FROM alpine:3.20
RUN apk add --no-cache ${some(["curl", "bash", "git", "openssl", "tzdata"], 2).join(" ") || "curl"}
RUN addgroup -S app && adduser -S -G app -u 1001 app
USER app
WORKDIR /home/app
COPY --chown=app:app . .
RUN pip3 install --user ${pick(PY)}
`,
  () => `FROM debian:bookworm
ENV DEBIAN_FRONTEND=noninteractive
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\
    --mount=type=cache,target=/var/lib/apt,sharing=locked \\
    rm -f /etc/apt/apt.conf.d/docker-clean && \\
    apt-get update && apt-get install -y --no-install-recommends ${some(APT, 4).join(" ") || "git"}
RUN <<EOF
set -eux
useradd -m -u 1000 dev
echo done
EOF
USER dev
RUN --mount=type=cache,target=/home/dev/.npm,uid=1000 npm install -g ${pick(NPM)}
`,
  () => `FROM node:20 AS deps
WORKDIR /app
COPY . .
RUN yarn install --frozen-lockfile && yarn cache clean
FROM node:20
ONBUILD RUN npm ci
COPY --from=deps /app/node_modules ./node_modules
RUN corepack enable && pnpm install --frozen-lockfile
# kiln-ignore: npm-cache-mount
RUN npm install -g ${pick(NPM)}
`,
  () => `FROM rust:1.79 AS build
WORKDIR /src
COPY . .
RUN cargo build --release
FROM maven:3-eclipse-temurin-21 AS java
RUN mvn -B -q dependency:go-offline
RUN ./gradlew build --no-daemon
FROM debian:bookworm-slim
COPY --from=build /src/target/release/app /usr/local/bin/app
RUN apt-get update && apt-get install -y ${pick(APT)} && apt-get clean
`,
];

const corpus = Array.from({ length: COUNT }, () => pick(templates)());
const bytes = corpus.reduce((n, t) => n + t.length, 0);

function measure(fn) {
  // warm up, then the best of three rounds
  for (let i = 0; i < Math.min(500, corpus.length); i++) fn(corpus[i]);
  let best = Infinity;
  let bestCpu = Infinity;
  let sink = 0;
  for (let round = 0; round < 3; round++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (const text of corpus) sink += fn(text);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6);
  }
  // CPU time too: on a shared machine the wall clock mostly measures the other processes
  return { seconds: best, perSecond: corpus.length / best, perCpuSecond: corpus.length / bestCpu, sink };
}

const base = measure((t) => DockerfileParser.parse(t).getInstructions().length);
const kiln = measure(
  (t) => lintDockerfile(t, { path: "Dockerfile", contextFiles: ["package.json", "src"] }).length,
);
const findings = corpus.reduce((n, t) => n + lintDockerfile(t, { path: "Dockerfile" }).length, 0);

console.log(`corpus: ${corpus.length} Dockerfiles, ${(bytes / 1024).toFixed(0)} KiB, ${findings} findings`);
console.log(`baseline dockerfile-ast parse: ${base.perSecond.toFixed(0)} Dockerfiles/s`);
console.log(`kiln lint (all rules):         ${kiln.perSecond.toFixed(0)} Dockerfiles/s`);
console.log(
  `per CPU-second: kiln ${kiln.perCpuSecond.toFixed(0)}, baseline ${base.perCpuSecond.toFixed(0)} Dockerfiles (load average ${os.loadavg()[0].toFixed(1)})`,
);
console.log(
  `ratio kiln/baseline: ${(kiln.perSecond / base.perSecond).toFixed(2)} (kiln takes ${(base.perSecond / kiln.perSecond).toFixed(2)}x the parse time)`,
);
console.log(`target ${TARGET} Dockerfiles/s: ${kiln.perSecond >= TARGET ? "met" : "NOT met"}`);
process.exitCode = kiln.perSecond >= TARGET ? 0 : 1;
