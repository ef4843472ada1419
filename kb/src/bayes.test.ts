import { describe, expect, it } from 'vitest';
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import { classifications } from './bayes.js';
import { loadLabelledExamples } from './classifier.js';
import { analyzeForClassifier } from './text.js';

describe('scoring', () => {
  it('gives exactly what natural gives, from the tokens instead of the whole vocabulary', () => {
    const examples = loadLabelledExamples();
    for (const label of ['priority', 'category'] as const) {
      const model = new BayesClassifier();
      for (const e of examples) model.addDocument(analyzeForClassifier(e.text), e[label]);
      model.train();
      let compared = 0;
      for (const e of examples.slice(0, 200)) {
        // Repeated words, words the model never saw, and numbers (keys a JS object orders first).
        const tokens = [
          ...analyzeForClassifier(e.text),
          'zzunseen',
          '365',
          ...analyzeForClassifier(e.text).slice(0, 2),
        ];
        expect(classifications(model, tokens)).toEqual(model.getClassifications(tokens));
        compared++;
      }
      expect(compared).toBe(Math.min(200, examples.length));
      // After more training, the vocabulary is read again.
      model.addDocument(['zzunseen', 'brandnewword'], examples[0]![label]);
      model.train();
      expect(classifications(model, ['zzunseen', 'vpn'])).toEqual(model.getClassifications(['zzunseen', 'vpn']));
    }
  });
});
