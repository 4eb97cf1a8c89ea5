import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it, vi } from "vitest";

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), "utf8");

it("the README's worker pool section shows examples/pool.ts and the output it really prints", async () => {
  const readme = read("../README.md");
  const section = readme.slice(readme.indexOf("## Worker pool"));
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], body: m[2] }));
  expect(blocks[0]).toEqual({ lang: "ts", body: read("../examples/pool.ts") });

  const printed: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(args.join(" ")));
  try {
    await import(new URL("../examples/pool.ts", import.meta.url).href);
  } finally {
    log.mockRestore();
  }
  expect(blocks[1]).toEqual({ lang: "text", body: `${printed.join("\n")}\n` });
});
