// Abbreviation dictionaries (lower case, without the final period). They are consulted only for a word that
// directly precedes a period followed by whitespace, so a wrong entry costs at most one missed boundary.

const words = (list: string): ReadonlySet<string> => new Set(list.trim().split(/\s+/));

/**
 * Words after which a period never ends the sentence: titles that precede a name ("Dr. Smith") and
 * connectives that always introduce more text ("e.g. Aspirin", "vs. Placebo").
 */
export const NEVER_FINAL = words(`
  mr mrs ms messrs mmes dr drs prof profs rev hon st sgt capt col gen lt maj adm gov sen rep supt
  vs v eg e.g ie i.e cf viz
`);

/**
 * Abbreviations that may end a sentence: their period is a boundary only when the next word starts with an
 * upper-case letter (or another character that can start a sentence), never before a lower-case word, a digit
 * or punctuation ("approx. 5 mg", "etc., and", "Fig. 2", "81 mg qd. She").
 */
export const GENERAL = words(`
  etc approx appt apt incl esp ca al et seq resp dept univ assoc inc corp co ltd jr sr ed eds est max min mins
  sec secs hr hrs yr yrs mo mos wk wks wt ht temp pt pts hx dx ddx tx rx sx fx abd bilat lat ant post sup inf
  med meds tab tabs cap caps inj susp soln sol oint supp disp sig qty amt cont pos neg hosp admin diag tel ph ext
  no nos nr fig figs p pp vol vols ch chap sect ref refs art eq eqs tbl bldg rm ave blvd rd nb ps ver
  var sp spp subsp ssp cv
  oz lb lbs ft mg mcg ml kg cm mm mmol meq
  bid tid qid qd qod qh qhs hs prn po pr iv im sq subq sl ac pc qam qpm
  jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
`);

/**
 * Lower-case words that do not end a line of prose: a short line ending in one of them was wrapped, not
 * finished ("a 45-year-old man with\nchest pain").
 */
export const LINE_CONTINUING_WORDS = words(`
  a an the and or but nor of to in on at by for from with without as is are was were be been has had have
  that which who whose than then into onto over under after before during while per via his her their its
`);

/** Lower-case words after which a capital and a period are an initial: "seen by J. Smith", "and K. Lee". */
export const NAME_INTRODUCERS = words(`by and with to from of for`);
