import { describe, expect, it } from 'vitest';
import { ticketCategories, ticketPriorities } from '@deskmate/shared';
import { classifierFingerprint, createClassifier, restoreClassifier, trainClassifier } from './classifier.js';

// Words no shipped example or article uses: what the model says of them comes from the extra examples.
const novel = 'the quillograph on the fourth landing keeps blinking amber';

describe('training on a desk’s own examples', () => {
  const shipped = createClassifier();
  const before = shipped.classify(novel);
  const priority = ticketPriorities.find((p) => p !== before.priority && p !== 'urgent')!;
  const category = ticketCategories.find((c) => c !== before.category && c !== 'security')!;

  it('extra examples teach the labels they carry, and only those', () => {
    const onlyPriority = createClassifier({
      extraExamples: [1, 2, 3].map((i) => ({ text: `${novel} again ${i}`, priority })),
    }).classify(novel);
    expect(onlyPriority.priority).toBe(priority);
    expect(onlyPriority.category).toBe(before.category);

    const both = createClassifier({
      extraExamples: [1, 2, 3].map((i) => ({ text: `${novel} again ${i}`, priority, category })),
    }).classify(novel);
    expect(both).toMatchObject({ priority, category });
  });

  it('a trained model survives JSON with its keys reordered, and classifies as before', () => {
    const trained = trainClassifier({ extraExamples: [{ text: novel, priority, category }] });
    // PostgreSQL's jsonb sorts object keys: sort them everywhere to be sure order is not relied on.
    const sortKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sortKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([k, x]) => [k, sortKeys(x)]),
            )
          : v;
    const stored = JSON.parse(JSON.stringify(sortKeys(trained.model))) as unknown;
    const restored = restoreClassifier(stored);
    expect(restored).not.toBeNull();
    for (const text of [novel, 'vpn keeps dropping', 'my laptop screen is cracked', 'how do I add a printer']) {
      expect(restored!.classify(text)).toEqual(trained.classify(text));
    }
    expect(restored!.classify(novel)).toMatchObject({ priority, category });
  });

  it('a stored model of another format or other shipped data is not restored', () => {
    const { model } = trainClassifier();
    expect(model.fingerprint).toBe(classifierFingerprint());
    expect(restoreClassifier({ ...model, format: 'bayes-0' })).toBeNull();
    expect(restoreClassifier({ ...model, fingerprint: 'trained-on-an-older-release' })).toBeNull();
    expect(restoreClassifier(null)).toBeNull();
    expect(restoreClassifier(model)).not.toBeNull();
  });
});
