// jsonSource tells DuckDB's unreadable lone-surrogate lines from readable ones by the line's escapes: a property test
// over any UTF-16 text, written the way JSON.stringify writes it and with every code unit escaped.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loneSurrogateEscape } from "../src/files.js";
import { isWellFormed } from "./helpers.js";

/** Any UTF-16 code units, weighted towards surrogates, backslashes and the letters of an escape. */
const utf16 = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0xd800, max: 0xdfff }),
      fc.constantFrom(..."\\ud83dc0\"".split("").map((c) => c.charCodeAt(0))),
      fc.integer({ min: 0, max: 0xffff }),
    ),
    { maxLength: 24 },
  )
  .map((units) => String.fromCharCode(...units));

/** A JSON string literal with every code unit outside printable ASCII as a \uXXXX escape, surrogates included. */
function escapeEveryUnit(text: string): string {
  const units = [...Array(text.length).keys()].map((i) => {
    const c = text.charCodeAt(i);
    if (c === 0x5c) return "\\\\";
    if (c === 0x22) return '\\"';
    return c < 0x20 || c >= 0x7f ? `\\u${c.toString(16).padStart(4, "0")}` : text[i];
  });
  return `"${units.join("")}"`;
}

describe("loneSurrogateEscape", () => {
  it("finds an escape exactly when the text has a lone surrogate, in keys and values, however the JSON is written", () => {
    fc.assert(
      fc.property(utf16, utf16, (key, value) => {
        const lone = !isWellFormed(key) || !isWellFormed(value);
        expect(loneSurrogateEscape(JSON.stringify({ [key]: value, text: "x" })) !== undefined).toBe(lone);
        expect(loneSurrogateEscape(`{${escapeEveryUnit(key)}:${escapeEveryUnit(value)}}`) !== undefined).toBe(lone);
      }),
      { numRuns: 2000 },
    );
  });

  it("names the first lone escape as written", () => {
    expect(loneSurrogateEscape(String.raw`{"a":"\ud83d\ude00 \uDC00"}`)).toBe("\\udc00");
    expect(loneSurrogateEscape(String.raw`{"a":"\\ud83d","b":"\ud83d"}`)).toBe("\\ud83d");
    expect(loneSurrogateEscape(String.raw`{"a":"\\ud83d\\udc00"}`)).toBeUndefined();
  });
});
