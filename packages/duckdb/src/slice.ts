import type { DuckDBConnection } from "@duckdb/node-api";

const ASTRAL = "[\\x{10000}-\\x{10FFFF}]";
/** A noncharacter put after each astral character, so that each code point counts as many as its UTF-16 units. */
const PAD = "\u{FDD0}";

/**
 * `kindling_slice(text, begin, end)`: the part of `text` that Kindling's offsets name, exactly JavaScript's
 * `text.slice(begin, end + 1)`. Kindling's offsets count UTF-16 code units, DuckDB's `substring` counts code points:
 * they differ after every character outside the Basic Multilingual Plane (emoji, some CJK), which takes two UTF-16
 * units. Texts without such characters take `substring` directly; the others get a pad character after each astral
 * character, are cut with `substring`, and lose the pads again. Offsets that split a surrogate pair (Kindling never
 * writes them) give U+FDD0 in place of the half character.
 */
export const SLICE_MACRO_BODY = `CASE
  WHEN NOT regexp_matches(text, '${ASTRAL}') THEN substring(text, "begin" + 1, "end" - "begin" + 1)
  ELSE regexp_replace(
    substring(regexp_replace(text, '(${ASTRAL})', '\\1${PAD}', 'g'), "begin" + 1, "end" - "begin" + 1),
    '(${ASTRAL})${PAD}', '\\1', 'g')
END`;

export interface SliceMacroOptions {
  /**
   * Store the macro in the database (default false): it then outlives the connection and every client that opens
   * the file, the DuckDB shell included, can call it. A temporary macro exists only on this connection.
   */
  persistent?: boolean;
  /** Macro name (default "kindling_slice"). */
  name?: string;
}

/** The CREATE MACRO statement `installSliceMacro` runs, for pasting into other clients. */
export function sliceMacroSql(options: SliceMacroOptions = {}): string {
  const name = options.name ?? "kindling_slice";
  return `CREATE OR REPLACE ${options.persistent ? "" : "TEMP "}MACRO "${name.replaceAll('"', '""')}"(text, "begin", "end") AS ${SLICE_MACRO_BODY}`;
}

/** Installs `kindling_slice(text, begin, end)` (see `SLICE_MACRO_BODY`) on the connection. */
export async function installSliceMacro(connection: DuckDBConnection, options: SliceMacroOptions = {}): Promise<void> {
  await connection.run(sliceMacroSql(options));
}
