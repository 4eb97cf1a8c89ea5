import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { readFile } from "node:fs/promises";
import { annotateTable, annotateText } from "./annotate.js";
import { INPUT_FORMATS, type InputFormat } from "./input.js";
import { processIo, type Io } from "./io.js";
import { PIPELINE_NAMES, type PipelineName } from "./pipelines.js";

export type { Io } from "./io.js";

interface AnnotateFlags {
  text?: string;
  file?: string;
  pipeline: PipelineName;
  output?: string;
  idColumn?: string;
  textColumn: string;
  inputFormat?: InputFormat;
  batchSize: number;
  progress?: boolean;
}

// Larger batches give the NER model fuller, better length-bucketed ONNX Runtime calls; 128 notes stay well under 1 GB.
const DEFAULT_BATCH_SIZE = 128;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer.");
  return n;
}

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
.parquet (text files may be gzip-compressed: notes.csv.gz). The text column must
hold strings (or nulls); anything else is an error naming the row.

The progress bar and the closing summary (notes, chunks, seconds) go to stderr;
stdout carries only JSON lines.

Examples:
  $ kindling annotate --text "Severe chest pain, treated with aspirin."
  $ kindling annotate notes.jsonl --id-column id --text-column text --output chunks.jsonl
  $ kindling annotate mtsamples.csv.gz --text-column transcription --id-column note_id > chunks.jsonl
  $ kindling annotate --pipeline tokens --file note.txt`;

export function buildProgram(io: Io = processIo): Command {
  const program = new Command("kindling")
    .description("Clinical NER from the shell: Spark NLP's clinical NER pipeline (DocumentAssembler → SentenceDetector → Tokenizer → WordEmbeddingsModel → MedicalNerModel → NerConverter) in TypeScript")
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride()
    .addHelpText("after", `\nRun "kindling annotate --help" for the input formats and the output lines.`);

  const tableOnly = ["text", "file"];
  program
    .command("annotate")
    .summary("annotate a text, a text file or a table of notes; prints JSON lines")
    .description(
      "Annotate clinical text with the model card's NER pipeline (shipped open models embeddings_clinical_open and ner_clinical_open). " +
        "Give exactly one of: --text, --file, or an input table.",
    )
    .argument("[input]", "a table of notes: .jsonl/.ndjson, .csv or .parquet (optionally .gz)")
    .option("-t, --text <text>", "the text to annotate")
    .option("-f, --file <path>", "read one text from a file (UTF-8)")
    .addOption(new Option("-p, --pipeline <name>", "ner: chunks with labels; tokens: sentences and their tokens").choices(PIPELINE_NAMES).default("ner"))
    .option("-o, --output <path>", 'write the JSON lines to a file ("-": stdout)', "-")
    .addOption(new Option("--id-column <name>", "input table column copied into each line as \"id\" (default: the 0-based row number)").conflicts(tableOnly))
    .addOption(new Option("--text-column <name>", "input table column holding the note text").default("text").conflicts(tableOnly))
    .addOption(new Option("--input-format <format>", "input table format, instead of guessing from the file name").choices(INPUT_FORMATS).conflicts(tableOnly))
    .addOption(new Option("--batch-size <n>", "notes per pipeline batch").argParser(positiveInt).default(DEFAULT_BATCH_SIZE).conflicts(tableOnly))
    .addOption(new Option("--progress", "show a progress bar on stderr (default: only when stderr is a terminal)").conflicts(tableOnly))
    .addOption(new Option("--no-progress", "never show the progress bar"))
    .addHelpText("after", ANNOTATE_HELP)
    .action(async (input: string | undefined, flags: AnnotateFlags, command: Command) => {
      const given = [flags.text !== undefined, flags.file !== undefined, input !== undefined].filter(Boolean).length;
      if (given !== 1) {
        command.error(`error: annotate needs exactly one of --text, --file or an input table${given ? "" : ' (see "kindling annotate --help")'}`, {
          exitCode: 2,
          code: "kindling.usage",
        });
      }
      if (input !== undefined) {
        await annotateTable({ ...flags, input }, io);
        return;
      }
      const text = flags.text ?? (await readFile(flags.file!, "utf8"));
      await annotateText(text, flags, io);
    });
  return program;
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
    io.err(`kindling: ${(e as Error).message}`);
    return 1;
  }
}
