export { DEFAULT_LIMITS, findDefinitions, isShortForm, longFormStart, type Definition, type ShortFormLimits } from "./definitions.js";
export { ABBREVIATION_OF, AbbreviationPropagator, PACKAGE_NAME, type AbbreviationPropagatorParams } from "./propagator.js";
