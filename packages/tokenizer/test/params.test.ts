import { NotSupportedError, ParamError } from "@kindling/core";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONTEXT_CHARS, Tokenizer, TokenizerModel } from "../src/index.js";
import { oneSentence } from "./helpers.js";

async function run(tokenizer: Tokenizer, text: string): Promise<string[]> {
  const model = await tokenizer.fit();
  return model.annotate([oneSentence(text)]).map((t) => t.result);
}

describe("Spark NLP params", () => {
  it("has Spark's defaults", () => {
    const t = new Tokenizer();
    expect(t.getInputCols()).toEqual(["document"]);
    expect(t.getOutputCol()).toBe("token");
    expect(t.getTargetPattern()).toBe("\\S+");
    expect(t.getContextChars()).toEqual([".", ",", ";", ":", "!", "?", "*", "-", "(", ")", '"', "'"]);
    expect(t.getCaseSensitiveExceptions()).toBe(true);
    expect(t.getMinLength()).toBe(0);
    expect(t.getMaxLength()).toBe(99999);
    expect(t.getExceptions()).toEqual([]);
    expect(t.getInfixPatterns()).toEqual([]);
    expect(t.getPrefixPattern()).toBeNull();
    expect(t.getSuffixPattern()).toBeNull();
    expect(t.getSplitPattern()).toBeNull();
    expect(t.getSplitChars()).toEqual([]);
    expect(t.getExceptionsPath()).toBeNull();
  });

  it("targetPattern: Spark's documented example (a class of candidate characters)", async () => {
    const text = "I only consider lowercase characters and NOT UPPERCASED and only the numbers 0,1, to 7 as tokens but not 8 or 9";
    expect(await run(new Tokenizer().setTargetPattern("a-z-0-7"), text)).toEqual(
      "only consider lowercase characters and and only the numbers 0 1 to 7 as tokens but not or".split(" "),
    );
  });

  it("contextChars: only the listed characters are peeled", async () => {
    expect(await run(new Tokenizer().setContextChars([","]), "(PDA), pain.")).toEqual(["(PDA)", ",", "pain."]);
    expect(await run(new Tokenizer().addContextChars("%"), "30%,")).toEqual(["30", "%,"]);
    expect(await run(new Tokenizer().setContextChars([]), "(PDA),")).toEqual(["(PDA),"]);
  });

  it("prefixPattern: each group of the prefix becomes a token", async () => {
    expect(await run(new Tokenizer(), "$100.")).toEqual(["$100", "."]);
    expect(await run(new Tokenizer().setPrefixPattern("\\A([$#]?)"), "$100.")).toEqual(["$", "100", "."]);
  });

  it("suffixPattern: each group of the suffix becomes a token", async () => {
    expect(await run(new Tokenizer(), "pain).")).toEqual(["pain", ")."]);
    expect(await run(new Tokenizer().setSuffixPattern("(\\)?)([.,]?)\\z"), "pain).")).toEqual(["pain", ")", "."]);
  });

  it("accepts Java's \\Q...\\E quoting in patterns, as Spark writes them", async () => {
    expect(await run(new Tokenizer().setPrefixPattern('\\A([\\Q("\\E]*)'), '("pain')).toEqual(['("', "pain"]);
  });

  it("infixPatterns: Spark's documented example (first matching rule wins, one token per group)", async () => {
    const t = new Tokenizer().setInfixPatterns(["([\\p{L}\\w]+'{1})([\\p{L}\\w]+)"]);
    expect(await run(t, "l'une d'un l'un, des l'extrême des l'extreme")).toEqual(["l'", "une", "d'", "un", "l'", "un", ",", "des", "l'", "extrême", "des", "l'", "extreme"]);
  });

  it("addInfixPattern: like Spark's Python API, it replaces the default infix when none was set", async () => {
    const t = new Tokenizer().addInfixPattern("(\\p{L}+)(\\/)(\\p{L}+\\b)").setMinLength(3).setMaxLength(6);
    expect(await run(t, "this is some/text I wrote")).toEqual(["this", "some", "text", "wrote"]);
    t.addInfixPattern("(\\d+)(%)");
    expect(t.getInfixPatterns()).toEqual(["(\\d+)(%)", "(\\p{L}+)(\\/)(\\p{L}+\\b)"]);
    expect(await run(t, "300% some/text")).toEqual(["300", "some", "text"]);
  });

  it("keeps abbreviations whole under custom rules too", async () => {
    const t = new Tokenizer().setInfixPatterns(["(\\p{L}+(?:\\.\\p{L}+)*)"]);
    expect(await run(t, "Dr.")).toEqual(["Dr."]);
    expect(await run(t, "b.i.d.,")).toEqual(["b.i.d.", ","]);
    expect(await run(t, "pain.")).toEqual(["pain", "."]);
  });

  it("splitChars: tokens are split at the characters, which are dropped", async () => {
    expect(await run(new Tokenizer().setSplitChars(["-"]), "mid-LAD 60-year-old")).toEqual(["mid", "LAD", "60", "year", "old"]);
    expect(await run(new Tokenizer().addSplitChars("\\/"), "120/80")).toEqual(["120", "80"]);
  });

  it("splitPattern: Spark's documented example, and it takes priority over splitChars", async () => {
    const text = "Tokens in this-text will#be#split on hashtags-and#dashes";
    expect(await run(new Tokenizer().setSplitPattern("-|#"), text)).toEqual("Tokens in this text will be split on hashtags and dashes".split(" "));
    expect(await run(new Tokenizer().setSplitPattern("/").setSplitChars(["-"]), "a/b-c")).toEqual(["a", "b-c"]);
    expect(await run(new Tokenizer().setSplitPattern("/").setSplitChars(["-"]), "b-c")).toEqual(["b", "c"]);
  });

  it("splitPattern: offsets stay exact with multi-character and zero-width separators", async () => {
    const text = "alpha--beta camelCase";
    const model = await new Tokenizer().setSplitPattern("--|(?=[A-Z])").fit();
    const tokens = model.annotate([oneSentence(text)]);
    expect(tokens.map((t) => t.result)).toEqual(["alpha", "beta", "camel", "Case"]);
    for (const t of tokens) expect(text.slice(t.begin, t.end + 1)).toBe(t.result);
  });

  it("splitPattern: like Java's split, a pattern that only matches at the end does not apply", async () => {
    expect(await run(new Tokenizer().setContextChars([]).setSplitPattern("#"), "tag#")).toEqual(["tag#"]);
    expect(await run(new Tokenizer().setContextChars([]).setSplitPattern("#"), "#tag")).toEqual(["tag"]);
  });

  it("exceptions: kept whole across whitespace, with surrounding punctuation split off", async () => {
    const t = new Tokenizer().setExceptions(["New York", "e\\.g\\."]);
    expect(await run(t, "(New York), e.g., here")).toEqual(["(", "New York", "),", "e.g.", ",", "here"]);
    expect(await run(new Tokenizer(), "New York")).toEqual(["New", "York"]);
  });

  it("exceptions: a match inside a longer token neither splits it nor is kept", async () => {
    const t = new Tokenizer().setExceptions(["mid", "New York"]);
    expect(await run(t, "mid-LAD, New Yorker")).toEqual(["mid-LAD", ",", "New", "Yorker"]);
  });

  it("exceptions: addException appends", async () => {
    const t = new Tokenizer().addException("left main").addException("right coronary artery");
    expect(t.getExceptions()).toEqual(["left main", "right coronary artery"]);
    expect(await run(t, "left main and right coronary artery.")).toEqual(["left main", "and", "right coronary artery", "."]);
  });

  it("caseSensitiveExceptions: false matches exceptions in any case", async () => {
    expect(await run(new Tokenizer().setExceptions(["new york"]), "New York")).toEqual(["New", "York"]);
    expect(await run(new Tokenizer().setExceptions(["new york"]).setCaseSensitiveExceptions(false), "New York")).toEqual(["New York"]);
  });

  it("exceptionsPath: one exception per line, read at fit time", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kindling-tokenizer-"));
    const path = join(dir, "exceptions.txt");
    await writeFile(path, "New York\r\nleft main\n\n");
    const t = new Tokenizer().setExceptionsPath(path).setExceptions(["ST depressions"]);
    const model = await t.fit();
    expect(model.getExceptions()).toEqual(["New York", "left main", "ST depressions"]);
    expect(model.annotate([oneSentence("New York left main ST depressions")]).map((a) => a.result)).toEqual(["New York", "left main", "ST depressions"]);
  });

  it("exceptionsPath: an unreadable file or a bad line fails at fit, naming the param", async () => {
    await expect(new Tokenizer().setExceptionsPath("/nonexistent/exceptions.txt").fit()).rejects.toThrow(/param "exceptionsPath" cannot be read/);
    const dir = await mkdtemp(join(tmpdir(), "kindling-tokenizer-"));
    const path = join(dir, "bad.txt");
    await writeFile(path, "ok\n(unclosed\n");
    await expect(new Tokenizer().setExceptionsPath(path).fit()).rejects.toThrow(/exceptionsPath.*bad line.*\(unclosed/);
    expect(() => new Tokenizer().setExceptionsPath(path, "SPARK")).toThrow(NotSupportedError);
  });

  it("minLength and maxLength filter tokens by length", async () => {
    expect(await run(new Tokenizer().setMinLength(2), "I saw a 60-year-old.")).toEqual(["saw", "60-year-old"]);
    expect(await run(new Tokenizer().setMaxLength(3), "I saw a 60-year-old.")).toEqual(["I", "saw", "a", "."]);
  });
});

describe("Kindling additions", () => {
  it("placeholderPatterns: [] gives Spark's splitting; custom patterns are kept whole", async () => {
    expect(await run(new Tokenizer().setPlaceholderPatterns([]), "[** Name **]")).toEqual(["[", "**", "Name", "**", "]"]);
    const t = new Tokenizer().setPlaceholderPatterns(["<[A-Z]+ [A-Z]+>"]);
    expect(t.getPlaceholderPatterns()).toEqual(["<[A-Z]+ [A-Z]+>"]);
    expect(await run(t, "seen by <DOCTOR NAME>.")).toEqual(["seen", "by", "<DOCTOR NAME>", "."]);
  });

  it("placeholders and exceptions combine; overlapping matches keep the earlier, longer one", async () => {
    const t = new Tokenizer().setExceptions(["Name \\*\\*\\] on"]);
    expect(await run(t, "[** Name **] on [NAME]")).toEqual(["[** Name **]", "on", "[NAME]"]);
  });

  it("abbreviations: [] splits titles as Spark does; custom entries keep their period", async () => {
    expect(await run(new Tokenizer().setAbbreviations([]), "Mr. ABC")).toEqual(["Mr", ".", "ABC"]);
    const t = new Tokenizer().setAbbreviations(["mg."]);
    expect(t.getAbbreviations()).toEqual(["mg."]);
    expect(await run(t, "10 mg., Mr.")).toEqual(["10", "mg.", ",", "Mr", "."]);
  });

  it("keepInitialismPeriods: false splits b.i.d. as Spark does", async () => {
    expect(await run(new Tokenizer().setKeepInitialismPeriods(false), "b.i.d. p.o.")).toEqual(["b.i.d", ".", "p.o", "."]);
    expect(new Tokenizer().setKeepInitialismPeriods(false).getKeepInitialismPeriods()).toBe(false);
  });

  it("Tokenizer.sparkCompatible() turns all additions off", async () => {
    const t = Tokenizer.sparkCompatible();
    expect(await run(t, "Mr. ABC b.i.d. [** Name **]")).toEqual(["Mr", ".", "ABC", "b.i.d", ".", "[", "**", "Name", "**", "]"]);
    expect(Tokenizer.sparkCompatible({ minLength: 2 }).getMinLength()).toBe(2);
  });
});

describe("param errors", () => {
  it.each([
    ["contextChars", () => new Tokenizer().setContextChars(["ab"]), /contextChars.*exactly one character/],
    ["addContextChars", () => new Tokenizer().addContextChars(""), /contextChars/],
    ["splitChars", () => new Tokenizer().setSplitChars(["--"]), /splitChars/],
    ["prefixPattern anchor", () => new Tokenizer().setPrefixPattern("([(]*)"), /prefixPattern.*must begin with \\A/],
    ["suffixPattern anchor", () => new Tokenizer().setSuffixPattern("([)]*)"), /suffixPattern.*must end with \\z/],
    ["infixPatterns group", () => new Tokenizer().setInfixPatterns(["\\w+"]), /infixPatterns.*regex group/],
    ["infixPatterns regex", () => new Tokenizer().setInfixPatterns(["(\\w+)("]), /infixPatterns.*not a valid regular expression/],
    ["splitPattern regex", () => new Tokenizer().setSplitPattern("[a-"), /splitPattern.*not a valid regular expression/],
    ["exceptions regex", () => new Tokenizer().setExceptions(["(New York"]), /exceptions.*\(New York/],
    ["targetPattern", () => new Tokenizer().setTargetPattern(""), /targetPattern.*non-empty/],
    ["minLength", () => new Tokenizer().setMinLength(-1), /minLength/],
    ["maxLength", () => new Tokenizer().setMaxLength(0), /maxLength/],
    ["abbreviations", () => new Tokenizer().setAbbreviations(["Mr"]), /abbreviations.*must end with "."/],
    ["placeholderPatterns", () => new Tokenizer().setPlaceholderPatterns(["[**"]), /placeholderPatterns/],
    ["caseSensitiveExceptions", () => new Tokenizer({ caseSensitiveExceptions: "yes" as unknown as boolean }), /caseSensitiveExceptions.*boolean/],
    ["unknown option", () => new Tokenizer({ contextchars: [] } as never), /param "contextchars" is unknown/],
  ])("%s is rejected with a ParamError naming the param", (_name, make, message) => {
    expect(make).toThrow(ParamError);
    expect(make).toThrow(message);
  });

  it("rejects maxLength below minLength at fit time", async () => {
    await expect(new Tokenizer().setMinLength(5).setMaxLength(3).fit()).rejects.toThrow(/maxLength.*\(3\) must be at least minLength \(5\)/);
  });

  it("reports a prefix/infix/suffix combination that does not compile at fit time", async () => {
    await expect(new Tokenizer().setPrefixPattern("\\A(?<x>a?)").setInfixPatterns(["(?<x>b)"]).fit()).rejects.toThrow(ParamError);
  });

  it("raises NotSupportedError for Spark params Kindling does not implement", async () => {
    expect(() => new Tokenizer().setLazyAnnotator(true)).toThrow(NotSupportedError);
    expect(() => new Tokenizer({ lazyAnnotator: true } as never)).toThrow(/"lazyAnnotator" is not supported/);
    const model = await new Tokenizer().fit();
    expect(() => model.setRules({})).toThrow(/"rules" is not supported/);
    expect(() => model.setLazyAnnotator(false)).toThrow(NotSupportedError);
  });
});

describe("TokenizerModel", () => {
  it("carries every param of the approach that shaped it, exceptionsPath merged into exceptions", async () => {
    const model = await new Tokenizer().setContextChars([",", "."]).setInfixPatterns(["(\\w+)"]).setPrefixPattern("\\A([(]*)").setSuffixPattern("([).,]*)\\z").fit();
    expect(model).toBeInstanceOf(TokenizerModel);
    expect(model.getContextChars()).toEqual([",", "."]);
    expect(model.getInfixPatterns()).toEqual(["(\\w+)"]);
    expect(model.getPrefixPattern()).toBe("\\A([(]*)");
    expect(model.getSuffixPattern()).toBe("([).,]*)\\z");
    expect(model.paramValues()).not.toHaveProperty("exceptionsPath");
  });

  it("recompiles its rules when a param changes", () => {
    const model = new TokenizerModel();
    const sentence = [oneSentence("mid-LAD lesion")];
    expect(model.annotate(sentence).map((t) => t.result)).toEqual(["mid-LAD", "lesion"]);
    const compiled = model.compiled;
    expect(model.compiled).toBe(compiled);
    model.setSplitChars(["-"]).addSplitChars("\\/");
    expect(model.getSplitChars()).toEqual(["-", "\\/"]);
    expect(model.annotate(sentence).map((t) => t.result)).toEqual(["mid", "LAD", "lesion"]);
    model.setMinLength(4).setMaxLength(5);
    expect([model.getMinLength(), model.getMaxLength()]).toEqual([4, 5]);
    expect(model.annotate(sentence).map((t) => t.result)).toEqual([]);
  });

  it("has Spark's model setters", () => {
    const model = new TokenizerModel()
      .setTargetPattern("a-z")
      .setSplitPattern("x")
      .setExceptions(["ab"])
      .setCaseSensitiveExceptions(false)
      .setPlaceholderPatterns([])
      .setAbbreviations(["ab."])
      .setKeepInitialismPeriods(false);
    expect([model.getTargetPattern(), model.getSplitPattern(), model.getExceptions(), model.getCaseSensitiveExceptions()]).toEqual(["a-z", "x", ["ab"], false]);
    expect([model.getPlaceholderPatterns(), model.getAbbreviations(), model.getKeepInitialismPeriods()]).toEqual([[], ["ab."], false]);
    expect(model.annotate([oneSentence("AB axb")]).map((t) => t.result)).toEqual(["a", "b"]);
  });

  it("exposes the default context chars", () => {
    expect(new TokenizerModel().getContextChars()).toEqual([...DEFAULT_CONTEXT_CHARS]);
  });
});
