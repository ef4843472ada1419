// natural ships no declarations for its deep module paths. We import those paths (not the
// package root, which loads dotenv and takes ~0.5 s), so we declare the little we use here.

declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: {
    stem(token: string): string;
    tokenizeAndStem(text: string, keepStops?: boolean): string[];
  };
  export default PorterStemmer;
}

declare module 'natural/lib/natural/classifiers/bayes_classifier.js' {
  /** Anything with `tokenizeAndStem` can stand in for natural's stemmer. */
  export interface NaturalTokenizer {
    stem(token: string): string;
    tokenizeAndStem(text: string, keepStops?: boolean): string[];
  }
  export interface NaturalClassification {
    label: string;
    value: number;
  }
  export default class BayesClassifier {
    constructor(stemmer?: NaturalTokenizer, smoothing?: number);
    addDocument(text: string | string[], label: string): void;
    train(): void;
    classify(text: string | string[]): string;
    getClassifications(text: string | string[]): NaturalClassification[];
    /** Revives a classifier from its JSON (what JSON.stringify of a trained one gives). */
    static restore(classifier: unknown, stemmer?: NaturalTokenizer): BayesClassifier;
  }
}
