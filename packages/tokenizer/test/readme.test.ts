import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it, vi } from "vitest";

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), "utf8");

it("the README opens with examples/quickstart.ts and the output it really prints", async () => {
  const blocks = [...read("../README.md").matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], body: m[2] }));
  expect(blocks[0]).toEqual({ lang: "ts", body: read("../examples/quickstart.ts") });

  const printed: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(args.join(" ")));
  try {
    await import("../examples/quickstart.js");
  } finally {
    log.mockRestore();
  }
  expect(blocks[1]).toEqual({ lang: "text", body: `${printed.join("\n")}\n` });
});
