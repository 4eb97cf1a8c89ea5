import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { DEFAULT_MAX_TEXT_LENGTH } from "@kindling/duckdb";
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { annotateTable, annotateText, UsageError, type AnnotateTableOptions } from "./annotate.js";
import { INPUT_FORMATS } from "./input.js";
import { processIo, type Io } from "./io.js";
import { OUTPUT_FORMATS } from "./output.js";
import { PIPELINE_NAMES } from "./pipelines.js";

export type { Io } from "./io.js";

/** The annotate command's flags: a table run's options (its input is the argument), or a text and where it comes from. */
interface AnnotateFlags extends Omit<AnnotateTableOptions, "input" | "model" | "workers"> {
  text?: string;
  file?: string;
  workers: number;
}

// Each worker holds one batch's annotations at a time: 64 notes keep two workers well under 1 GB with little loss of
// speed (docs/benchmarks/pipeline.md; tools/bench/pipeline.mjs has the measurements).
const DEFAULT_BATCH_SIZE = 64;
// One worker per core, one ONNX Runtime thread each: measured best on 2 cores (docs/benchmarks/pipeline.md).
const DEFAULT_WORKERS = Math.max(1, availableParallelism());

/** A commander argument parser for integers of at least `min` ("" is no integer, though Number("") is 0). */
function integerFrom(min: number, what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`must be ${what}.`);
    return n;
  };
}

const positiveInt = integerFrom(1, "a positive integer");
const nonNegativeInt = integerFrom(0, "a non-negative integer");

const ANNOTATE_HELP = `
Output (JSON lines; begin/end are UTF-16 offsets into the note's text, end inclusive,
so text.slice(begin, end + 1) === chunk):
  --pipeline ner     one line per chunk:
                     {"chunk","begin","end","ner_label","confidence","sentence"}
                     confidence: mean of the chunk's token confidences;
                     sentence: 0-based index of the chunk's sentence in the note
  --pipeline tokens  one line per sentence: {"sentence","begin","end","text","tokens"}
  With an input table every line starts with "id": the --id-column value, or the
  note's 0-based row number. Null or empty texts give no lines.

Input tables are read with DuckDB, in batches: .jsonl/.ndjson/.json, .csv/.tsv,
.parquet (text files may be gzip-compressed: notes.csv.gz), a table of a DuckDB
database (notes.duckdb --table notes); or an Arrow IPC stream on stdin
(--input-format arrow -). The text column must hold strings (or nulls).

Outputs, by --output's extension or --output-format: JSON lines (default, also
stdout), .csv, .parquet, a DuckDB table (--output notes.duckdb --table chunks;
errors in the table chunks_errors) or an Arrow IPC stream (--output-format arrow,
"-" for stdout). Output files appear only when the run succeeds.

Rows that cannot be annotated (a non-string text value, a text over
--max-text-length, a malformed CSV or JSON line) become error records, on stderr
or in --errors; every other row is kept. --max-errors n fails the run once there
are more than n of them.

The progress bar (rate, ETA) and the closing summary (notes, tokens, chunks,
errors, seconds) go to stderr; stdout carries only the output.

Examples:
  $ kindling annotate --text "Severe chest pain, treated with aspirin."
  $ kindling annotate notes.jsonl --id-column id --text-column text --output chunks.jsonl
  $ kindling annotate mtsamples.csv.gz --text-column transcription --id-column note_id --output chunks.parquet
  $ kindling annotate notes.duckdb --table notes --id-column id --output notes.duckdb --output-table chunks
  $ other-engine | kindling annotate --input-format arrow - --output-format arrow - | other-engine
  $ kindling annotate --pipeline tokens --file note.txt`;

export function buildProgram(io: Io = processIo): Command {
  const program = new Command("kindling")
    .description("Clinical NER from the shell: Spark NLP's clinical NER pipeline (DocumentAssembler → SentenceDetector → Tokenizer → WordEmbeddingsModel → MedicalNerModel → NerConverter) in TypeScript")
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .addHelpText("after", `\nRun "kindling annotate --help" for the input formats and the output lines.`);

  const tableOnly = ["text", "file"];
  const tableOption = (option: Option) => option.conflicts(tableOnly);
  program
    .command("annotate")
    .summary("annotate a text, a text file or a table of notes")
    .description(
      "Annotate clinical text with the model card's NER pipeline (shipped open models embeddings_clinical_open and ner_clinical_open). " +
        "Give exactly one of: --text, --file, or an input table.",
    )
    .argument("[input]", 'a table of notes: .jsonl/.ndjson/.json or .csv/.tsv (each also gzipped, e.g. .csv.gz), .parquet, .duckdb/.db, .arrow/.arrows, or "-" for an Arrow stream on stdin')
    .argument("[output]", 'where the output goes, as --output ("-": stdout)')
    .option("-t, --text <text>", "the text to annotate")
    .option("-f, --file <path>", "read one text from a file (UTF-8)")
    .addOption(new Option("-p, --pipeline <name>", "ner: chunks with labels; tokens: sentences and their tokens").choices(PIPELINE_NAMES).default("ner"))
    .option("-o, --output <path>", 'where the output goes ("-": stdout)', "-")
    .addOption(tableOption(new Option("--output-format <format>", "output format, instead of guessing from --output's extension").choices(OUTPUT_FORMATS)))
    .addOption(tableOption(new Option("--id-column <name>", "input table column copied into each line as \"id\" (default: the 0-based row number)")))
    .addOption(tableOption(new Option("--text-column <name>", "input table column holding the note text").default("text")))
    .addOption(tableOption(new Option("--input-format <format>", "input table format, instead of guessing from the file name").choices(INPUT_FORMATS)))
    .addOption(tableOption(new Option("--table <name>", "the DuckDB table: of a DuckDB input, else of a DuckDB --output")))
    .addOption(tableOption(new Option("--output-table <name>", "the DuckDB --output table when the input is a DuckDB table too (default: chunks)")))
    .addOption(tableOption(new Option("--batch-size <n>", "notes per pipeline batch").argParser(positiveInt).default(DEFAULT_BATCH_SIZE)))
    .addOption(
      tableOption(new Option("--max-text-length <n>", "longer texts (UTF-16 code units) become error records instead of being annotated").argParser(positiveInt).default(DEFAULT_MAX_TEXT_LENGTH)),
    )
    .addOption(
      tableOption(
        new Option("--max-errors <n>", "fail the run (exit code 1, nothing written) once more than n notes could not be annotated (default: no limit)").argParser(
          nonNegativeInt,
        ),
      ),
    )
    .addOption(tableOption(new Option("--errors <path>", "write error records as JSON lines {id, row, message} to this file (default: stderr)")))
    .addOption(tableOption(new Option("--replace", "replace an existing DuckDB --output table (default: fail if it exists)")))
    .addOption(tableOption(new Option("--append", "add the chunks and error records to existing DuckDB --output tables (their columns must match)")))
    .addOption(tableOption(new Option("--workers <n>", "worker threads, each running the pipeline with its own ONNX Runtime session (1: the main thread)").argParser(positiveInt).default(DEFAULT_WORKERS)))
    .addOption(tableOption(new Option("--intra-op-threads <n>", "ONNX Runtime intra-op threads per pipeline").argParser(positiveInt)))
    .option("--ner-model <dir>", "a Kindling NER model directory to tag with (default: the shipped ner_clinical_open), e.g. one tools/train exported")
    .option("--embeddings <dir>", "word vectors for --ner-model (default: <dir>/embeddings if it exists, else the shipped embeddings_clinical_open)")
    .option("--head <name>", "tag with this multi-task head of the NER model (see MedicalNerModel.getHeads())")
    .option("--abbreviations", 'label a defined abbreviation like its long form throughout the note: "contrast-induced nephropathy (CIN)" makes a later "CIN" a PROBLEM too (AbbreviationPropagator)')
    .addOption(tableOption(new Option("--progress", "show a progress bar on stderr (default: only when stderr is a terminal)")))
    .addOption(new Option("--no-progress", "never show the progress bar"))
    .addHelpText("after", ANNOTATE_HELP)
    .action(async (input: string | undefined, output: string | undefined, flags: AnnotateFlags, command: Command) => {
      const given = [flags.text !== undefined, flags.file !== undefined, input !== undefined].filter(Boolean).length;
      if (given !== 1) {
        command.error(`error: annotate needs exactly one of --text, --file or an input table${given ? "" : ' (see "kindling annotate --help")'}`, {
          exitCode: 2,
          code: "kindling.usage",
        });
      }
      if (output !== undefined) {
        if (command.getOptionValueSource("output") === "cli") command.error("error: give the output either as an argument or with --output, not both", { exitCode: 2, code: "kindling.usage" });
        flags.output = output;
      }
      if (input !== undefined) {
        await annotateTable({ ...flags, input }, io);
        return;
      }
      const text = flags.text ?? (await readUtf8(flags.file!));
      await annotateText(text, flags, io);
    });
  return program;
}

/** A text file as UTF-8; invalid bytes fail naming the file and the byte, instead of becoming U+FFFD in the note. */
async function readUtf8(path: string): Promise<string> {
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`${path}: cannot read it (${e.code ?? e.message})`);
  });
  try {
    // ignoreBOM keeps a byte-order mark as U+FEFF, so offsets count it as every other input format does.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new Error(`${path}: not valid UTF-8 at byte ${firstInvalidByte(bytes)}; convert it first (e.g. iconv -f latin1 -t utf-8)`);
  }
}

/** Where UTF-8 first breaks: found by bisecting for the shortest invalid prefix (a cut-off last character is not invalid). */
function firstInvalidByte(bytes: Uint8Array): number {
  const valid = (length: number) => {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let [good, bad] = [0, bytes.length];
  while (bad - good > 1) {
    const mid = (good + bad) >>> 1;
    if (valid(mid)) good = mid;
    else bad = mid;
  }
  // The byte that broke it may end a sequence that began earlier ("\xE9 " fails at the space): where the valid
  // prefix's last, unfinished character starts.
  const decoded = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, bad - 1), { stream: true });
  return Math.min(Buffer.byteLength(decoded, "utf8"), bad - 1);
}

/** Runs the CLI and returns the exit code: 0, 1 for a failed run, 2 for a usage error (tests call this directly). */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0) return 0;
      // Commander has already printed its message.
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}`);
      return 2;
    }
    io.err(`kindling: ${(e as Error).message}`);
    return 1;
  }
}
