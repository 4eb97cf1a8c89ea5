import { DuckDBDataChunkWriter, type DuckDBAppender, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { OutputError } from "./errors.js";
import { sqlIdentifier, sqlString, type ColumnInfo } from "./sql.js";

/** Spark NLP's Annotation as a native DuckDB type; an annotation column is a list of these. */
export const ANNOTATION_STRUCT_SQL = 'STRUCT(annotatorType VARCHAR, "begin" INTEGER, "end" INTEGER, result VARCHAR, metadata MAP(VARCHAR, VARCHAR), embeddings FLOAT[])';
export const ANNOTATION_LIST_SQL = `${ANNOTATION_STRUCT_SQL}[]`;

/** The flat chunks table: one row per chunk, ready for SQL. */
export function chunkColumns(idType: string): ColumnInfo[] {
  return [
    { name: "id", type: idType },
    { name: "chunk", type: "VARCHAR" },
    { name: "begin", type: "INTEGER" },
    { name: "end", type: "INTEGER" },
    { name: "ner_label", type: "VARCHAR" },
    { name: "confidence", type: "DOUBLE" },
    { name: "sentence", type: "INTEGER" },
  ];
}

/** The errors table: one row per note that was not annotated. */
export function errorColumns(idType: string): ColumnInfo[] {
  return [
    { name: "id", type: idType },
    { name: "row", type: "BIGINT" },
    { name: "message", type: "VARCHAR" },
  ];
}

/**
 * What a run does with an output table that already exists: "fail" (before any work), "replace" it, or "append" its
 * rows to it (the columns must match, checked before any work for tables whose columns are known then).
 */
export const IF_EXISTS = ["fail", "replace", "append"] as const;
export type IfExists = (typeof IF_EXISTS)[number];

/**
 * Where a target's rows are written until the run succeeds. The name is fixed, not random, so that a rerun after
 * a killed process finds the leftover staging table and drops it: reruns restart, they never resume.
 */
export const stagingName = (target: string): string => `${target}__kindling_staging`;

/** A table being filled through the appender under its staging name; `publish` swaps it in under its real name. */
export class StagedTable {
  private constructor(
    readonly target: string,
    private readonly appender: DuckDBAppender,
    private readonly writer: DuckDBDataChunkWriter,
  ) {}

  get staging(): string {
    return stagingName(this.target);
  }

  /** Drops a leftover staging table of an earlier, interrupted run, then creates an empty one. */
  static async create(connection: DuckDBConnection, target: string, columns: readonly ColumnInfo[]): Promise<StagedTable> {
    const staging = sqlIdentifier(stagingName(target));
    await connection.run(`DROP TABLE IF EXISTS ${staging}`);
    await connection.run(`CREATE TABLE ${staging} (${columns.map((c) => `${sqlIdentifier(c.name)} ${c.type}`).join(", ")})`);
    const appender = await connection.createAppender(stagingName(target));
    return new StagedTable(target, appender, DuckDBDataChunkWriter.forAppender(appender));
  }

  append(row: readonly DuckDBValue[]): void {
    this.writer.appendRow(row);
  }

  /** Hands buffered rows to DuckDB, which may write them to disk: memory stays bounded by one batch. */
  flush(): void {
    this.writer.flush();
    this.appender.flushSync();
  }

  close(): void {
    this.flush();
    this.appender.closeSync();
  }

  /** Drops the staging table; used when the run fails, so nothing half-written stays behind. */
  async discard(connection: DuckDBConnection): Promise<void> {
    try {
      this.appender.closeSync();
    } catch {
      // Already closed, or its last flush failed: the rows are discarded with the table either way.
    }
    await connection.run(`DROP TABLE IF EXISTS ${sqlIdentifier(this.staging)}`);
  }
}

/** Those of `names` that already name a table or view in the connection's current schema. */
export async function existingTables(connection: DuckDBConnection, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const result = await connection.runAndReadAll(
    `SELECT table_name FROM information_schema.tables
     WHERE table_catalog = current_database() AND table_schema = current_schema()
       AND lower(table_name) IN (${names.map((n) => sqlString(n.toLowerCase())).join(", ")})`,
  );
  const existing = new Set(result.getRowsJS().map(([name]) => String(name).toLowerCase()));
  return names.filter((n) => existing.has(n.toLowerCase()));
}

/** A table's columns as `name TYPE`, in DuckDB's own spelling of the types (so two tables' lists compare). */
async function columnsOf(connection: DuckDBConnection, table: string): Promise<string[]> {
  const result = await connection.runAndReadAll(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_catalog = current_database() AND table_schema = current_schema() AND lower(table_name) = ${sqlString(table.toLowerCase())}
     ORDER BY ordinal_position`,
  );
  return result.getRowsJS().map(([name, type]) => `${String(name)} ${String(type)}`);
}

/**
 * For `ifExists: "append"`: fails, before any row is written, when `target` exists with other columns than its staging
 * table (the same names and types in any order: rows are appended by name).
 */
export async function checkAppendable(connection: DuckDBConnection, table: StagedTable): Promise<void> {
  const existing = await columnsOf(connection, table.target);
  if (existing.length === 0) return;
  const staged = await columnsOf(connection, table.staging);
  const key = (columns: string[]) => columns.map((c) => c.toLowerCase()).sort().join(", ");
  if (key(existing) !== key(staged)) {
    throw new OutputError(`cannot append to table ${table.target}: it has columns (${existing.join(", ")}), this run writes (${staged.join(", ")})`, {
      existingTables: [table.target],
    });
  }
}

/**
 * Swaps every staged table in under its real name, or appends its rows to the existing table (`ifExists: "append"`),
 * in ONE transaction: other connections see all of the new rows or none, and a failure (a target created meanwhile
 * with `ifExists: "fail"`) leaves every old table as it was.
 */
export async function publish(connection: DuckDBConnection, tables: readonly StagedTable[], ifExists: IfExists): Promise<void> {
  for (const table of tables) table.close();
  await connection.run("BEGIN TRANSACTION");
  try {
    for (const table of tables) {
      const target = sqlIdentifier(table.target);
      if (ifExists === "append" && (await existingTables(connection, [table.target])).length > 0) {
        await connection.run(`INSERT INTO ${target} BY NAME SELECT * FROM ${sqlIdentifier(table.staging)}`);
        await connection.run(`DROP TABLE ${sqlIdentifier(table.staging)}`);
        continue;
      }
      if (ifExists === "replace") await connection.run(`DROP TABLE IF EXISTS ${target}`);
      await connection.run(`ALTER TABLE ${sqlIdentifier(table.staging)} RENAME TO ${target}`);
    }
    await connection.run("COMMIT");
  } catch (e) {
    await connection.run("ROLLBACK");
    throw new OutputError(`cannot publish the output tables ${tables.map((t) => t.target).join(", ")}: ${(e as Error).message}`, { cause: e });
  }
}
