import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

// The package's layers, lowest first. A module may import modules of its own folder and of lower layers,
// never of a higher one or of another folder on its own layer: dependencies point one way.
const LAYERS: readonly (readonly string[])[] = [
  ["errors.ts", "generated"],
  ["map-database-error.ts", "package-file.ts", "config", "embedded"],
  ["connection"],
  ["migrate"],
  ["client"],
  ["letters", "roles", "importer"],
  ["monitoring", "catalogue"],
  ["index.ts"],
  ["cli"],
];

const SRC = join(import.meta.dirname, "../../src");

/** Every source module (relative to src/, generated client excluded) and the modules it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (folder: string): void => {
    for (const entry of readdirSync(join(SRC, folder), { withFileTypes: true })) {
      const path = folder === "" ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        if (path !== "generated") visit(path);
      } else if (path.endsWith(".ts")) {
        const text = readFileSync(join(SRC, path), "utf8");
        const specifiers = [...text.matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g)].map((match) => match[1]!);
        graph.set(path, specifiers.map((specifier) => normalize(join(dirname(path), specifier)).split("\\").join("/")));
      }
    }
  };
  visit("");
  return graph;
}

/** The unit a module belongs to: its top folder under src/, or its own name at the top level. */
const unitOf = (module: string): string => module.split("/")[0]!;
const layerOf = (module: string): number => LAYERS.findIndex((layer) => layer.includes(unitOf(module)));

describe("architecture", () => {
  const graph = importGraph();

  it("places every module in a layer", () => {
    expect([...graph.keys()].filter((module) => layerOf(module) === -1)).toEqual([]);
  });

  it("imports only from its own folder or a lower layer", () => {
    const upward = [...graph].flatMap(([module, imports]) =>
      imports
        .filter((target) => unitOf(target) !== unitOf(module) && !(layerOf(target) < layerOf(module)))
        .map((target) => `${module} -> ${relative(".", target)}`),
    );
    expect(upward).toEqual([]);
  });

  it("has no import cycle between modules", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const walk = (module: string, path: string[]): void => {
      if (state.get(module) === "done") return;
      if (state.get(module) === "open") {
        cycles.push([...path.slice(path.indexOf(module)), module].join(" -> "));
        return;
      }
      state.set(module, "open");
      for (const target of graph.get(module) ?? []) if (graph.has(target)) walk(target, [...path, module]);
      state.set(module, "done");
    };
    for (const module of graph.keys()) walk(module, []);
    expect(cycles).toEqual([]);
  });
});
