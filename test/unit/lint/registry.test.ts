import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RULES, findRule } from "../../../src/core/lint/rules/index.js";
import { repoRoot } from "../../helpers/kiln.js";
import { df, fired } from "./helpers.js";

const ISSUE_IDS = [
  "apt-cache-mount",
  "apt-docker-clean",
  "apt-update-split",
  "pip-cache-mount",
  "pip-no-cache-dir-with-mount",
  "uv-cache-mount",
  "npm-cache-mount",
  "yarn-cache-mount",
  "pnpm-cache-mount",
  "go-cache-mount",
  "cargo-cache-mount",
  "maven-cache-mount",
  "gradle-cache-mount",
  "apk-cache-mount",
  "gem-cache-mount",
  "conda-cache-mount",
  "nvm-cache-mount",
  "copy-before-install",
  "dockerignore-missing",
  "cache-mount-id-collision",
  "build-tools-in-final-stage",
];

describe("the rule registry", () => {
  it("has exactly the rules of the issue, each in its own file", () => {
    expect(RULES.map((r) => r.id).sort()).toEqual([...ISSUE_IDS].sort());
    const files = readdirSync(path.join(repoRoot, "src", "core", "lint", "rules")).filter(
      (f) => f !== "index.ts",
    );
    expect(files.map((f) => f.replace(/\.ts$/, "")).sort()).toEqual([...ISSUE_IDS].sort());
  });
  it("every rule explains itself", () => {
    for (const r of RULES) {
      expect(r.summary.length, r.id).toBeGreaterThan(20);
      expect(r.explain.length, r.id).toBeGreaterThan(200);
      expect(findRule(r.id)).toBe(r);
    }
  });
  it("mvn/gradle version checks download nothing", () => {
    expect(fired(df("FROM maven:3", "RUN mvn --version"), "maven-cache-mount")).toEqual([]);
    expect(fired(df("FROM gradle:8", "RUN gradle --version"), "gradle-cache-mount")).toEqual([]);
  });
});
