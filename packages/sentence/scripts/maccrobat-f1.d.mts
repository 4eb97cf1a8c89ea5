export declare const MACCROBAT_DIR: string;

export interface BoundaryScore {
  gold: number;
  predicted: number;
  correct: number;
  precision: number;
  recall: number;
  f1: number;
  exactSentences: number;
  goldSentences: number;
  /** Context of each wrong boundary: "file: …text before ‖ text after…". */
  falsePositives: string[];
  falseNegatives: string[];
}

export declare function scoreMaccrobat(detect: (text: string) => readonly { begin: number; end: number }[], dir?: string): BoundaryScore;
