import { LightPipeline } from "@kindling/core";
import { Command, CommanderError } from "commander";
import { readFile } from "node:fs/promises";
import { ruleBasedPipeline } from "./pipelines.js";

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: Io = {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
};

/** One JSON line per sentence, with its tokens: offsets are UTF-16 indices into the input, `end` inclusive. */
async function annotateText(text: string, io: Io): Promise<void> {
  const light = new LightPipeline(await ruleBasedPipeline());
  const row = await light.fullAnnotate(text);
  const sentences = row.sentence ?? [];
  const tokens = row.token ?? [];
  sentences.forEach((s, index) => {
    const own = tokens.filter((t) => t.begin >= s.begin && t.end <= s.end);
    io.out(
      JSON.stringify({
        sentence: index,
        begin: s.begin,
        end: s.end,
        text: s.result,
        tokens: own.map((t) => ({ token: t.result, begin: t.begin, end: t.end })),
      }),
    );
  });
}

export function buildProgram(io: Io = defaultIo): Command {
  const program = new Command("kindling")
    .description("Clinical NLP pipelines in TypeScript: Spark NLP's clinical NER pipeline over Arrow tables")
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  program
    .command("annotate")
    .description("Annotate text: prints one JSON line per sentence with its tokens")
    .option("-t, --text <text>", "the text to annotate")
    .option("-f, --file <path>", "read the text from a file (UTF-8)")
    .action(async (options: { text?: string; file?: string }) => {
      if (options.text === undefined && options.file === undefined) {
        throw new CommanderError(2, "kindling.usage", "annotate needs --text or --file");
      }
      const text = options.text ?? (await readFile(options.file!, "utf8"));
      await annotateText(text, io);
    });
  return program;
}

/** Runs the CLI and returns the exit code (tests call this directly). */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0) return 0;
      if (e.code === "kindling.usage") io.err(`error: ${e.message}`);
      return e.exitCode || 2;
    }
    io.err(`kindling: ${(e as Error).message}`);
    return 1;
  }
}
