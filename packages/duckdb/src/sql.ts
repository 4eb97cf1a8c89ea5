/** A SQL string literal. */
export const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** A quoted SQL identifier: any table or column name, reserved words and odd characters included. */
export const sqlIdentifier = (s: string): string => `"${s.replaceAll('"', '""')}"`;

/** A column as DuckDB describes it: its name and its type as SQL (`VARCHAR`, `INTEGER`, `STRUCT(...)`). */
export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
}
