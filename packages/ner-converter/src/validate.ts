import { check } from "@kindling/core";

/** Param validators: each returns a problem to report, or undefined. */

export const isStringList = check.stringList;

export const isBoolean = (v: boolean): string | undefined => (typeof v === "boolean" ? undefined : `must be true or false, got ${JSON.stringify(v)}`);

export const isFiniteNumber = (v: number): string | undefined => (typeof v === "number" && Number.isFinite(v) ? undefined : `must be a finite number, got ${JSON.stringify(v)}`);

export const isLabelMap = (v: Readonly<Record<string, string>>): string | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((label) => typeof label === "string")
    ? undefined
    : `must map labels to labels ({"OLD": "NEW"}), got ${JSON.stringify(v)}`;
