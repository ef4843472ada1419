import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ticketCategories, ticketPriorities, type TTicketPriority } from '@deskmate/shared';
import { classifyByRules, createClassifier, loadLabelledExamples, type TLabelledExample } from './classifier.js';
import { priorityFloor } from './rules.js';

const classifier = createClassifier();
const rank = (p: TTicketPriority) => ticketPriorities.indexOf(p);

describe('the labelled training set', () => {
  it('has at least 320 examples covering every priority and category', () => {
    const examples = loadLabelledExamples();
    expect(examples.length).toBeGreaterThanOrEqual(320);
    expect(new Set(examples.map((e) => e.priority))).toEqual(new Set(ticketPriorities));
    expect(new Set(examples.map((e) => e.category))).toEqual(new Set(ticketCategories));
  });

  it('rejects a bad line, naming the file and line number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-labelled-'));
    try {
      const file = join(dir, 'labelled.jsonl');
      writeFileSync(file, '{"text":"vpn down","priority":"high","category":"network"}\n{"text":"x","priority":"p9"}\n');
      expect(() => loadLabelledExamples(file)).toThrow(/labelled\.jsonl:2: /);
      writeFileSync(file, '{"text":"vpn down",\n');
      expect(() => loadLabelledExamples(file)).toThrow(/labelled\.jsonl:1: not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('classify', () => {
  it('treats a whole-office outage as urgent or high, in the network category', () => {
    const c = classifier.classify('the whole office has no internet');
    expect(['urgent', 'high']).toContain(c.priority);
    expect(c.category).toBe('network');
  });

  it('treats phishing as a security matter: urgent once someone acted on it, medium when only reported', () => {
    const acted = classifier.classify('I clicked a phishing link and typed my password');
    expect(acted).toMatchObject({ priority: 'urgent', category: 'security' });
    const reported = classifier.classify('I got a phishing email pretending to be our bank');
    expect(reported).toMatchObject({ priority: 'medium', category: 'security' });
  });

  it('treats a how-to question as low', () => {
    expect(classifier.classify('how do I change my desktop background').priority).toBe('low');
    expect(classifier.classify('how do I set up an out of office reply').priority).toBe('low');
  });

  it('says why, naming the signal and the policy rule that set the priority', () => {
    const c = classifier.classify('ransomware note on my screen, files are encrypted');
    expect(c.priority).toBe('urgent');
    expect(c.reasons).toContain('signal: incident (ransomware)');
    expect(c.reasons).toContain('policy: security incident: ransomware (urgent)');
  });

  it('names the model when the signals leave the priority open', () => {
    const c = classifier.classify('the scanner on floor 2 is broken');
    expect(['medium', 'high']).toContain(c.priority);
    expect(c.reasons.some((r) => r.startsWith('model: priority') && r.endsWith('among medium, high'))).toBe(true);
  });

  it('gives a confidence between 0 and 1', () => {
    const c = classifier.classify('my second monitor is not detected');
    expect(c.confidence).toBeGreaterThan(0);
    expect(c.confidence).toBeLessThanOrEqual(1);
    expect(c.category).toBe('hardware');
  });

  it('is deterministic: the same text gives the same answer from separately trained classifiers', () => {
    const examples = loadLabelledExamples();
    const a = createClassifier({ examples });
    const b = createClassifier({ examples: [...examples] });
    for (const text of ['vpn drops every hour', 'printer jam on floor 3', 'new starter on monday']) {
      expect(a.classify(text)).toEqual(b.classify(text));
      expect(a.classify(text)).toEqual(a.classify(text));
    }
  });
});

describe('the keyword floor', () => {
  // A model that has only ever seen low-priority tickets: whatever it says, rules must win.
  const lowOnly: TLabelledExample[] = [
    { text: 'how do I change my wallpaper', priority: 'low', category: 'other' },
    { text: 'can I get a second monitor', priority: 'low', category: 'hardware' },
    { text: 'please add me to the mailing list', priority: 'low', category: 'email' },
  ];
  const naive = createClassifier({ examples: lowOnly, articles: [] });

  it.each([
    ['everyone on floor 2 cannot print, the print server is down', 'urgent'],
    ['outage on the crm', 'urgent'],
    ['we have had a data breach', 'urgent'],
    ['ransomware on the file share', 'urgent'],
    ['my account was hacked', 'urgent'],
    ['I cant work, my laptop is dead and the report is due at 3', 'high'],
    ['I clicked a phishing link', 'urgent'],
    ['I cannot work, my laptop will not start', 'high'],
    ['my work phone was stolen', 'high'],
  ] as const)('raises "%s" to at least %s', (text, floor) => {
    expect(rank(naive.classify(text).priority)).toBeGreaterThanOrEqual(rank(floor));
  });

  it('leaves the model only the choices the policy leaves open', () => {
    const highOnly = createClassifier({
      examples: [
        { text: 'the scanner is broken', priority: 'high', category: 'hardware' },
        { text: 'my headset is not working', priority: 'high', category: 'hardware' },
      ],
      articles: [],
    });
    // Nothing in "the scanner is broken" says blocked or degraded: the model picks (high here).
    expect(highOnly.classify('the scanner is broken').priority).toBe('high');
    // A request is low by the policy, whatever the model learnt; a model cannot make it urgent.
    const urgentOnly = createClassifier({
      examples: lowOnly.map((e) => ({ ...e, priority: 'urgent' as const })),
      articles: [],
    });
    expect(urgentOnly.classify('can I get a second monitor').priority).toBe('low');
  });

  it('does not fire on a request that merely mentions security training', () => {
    expect(priorityFloor('can we run a phishing awareness training').floor).toBeUndefined();
    expect(priorityFloor('how do I change my desktop background').floor).toBeUndefined();
  });

  it('is the whole of the baseline: medium and other when no rule fires', () => {
    expect(classifyByRules('hello there')).toMatchObject({ priority: 'medium', category: 'other' });
    expect(classifyByRules('the vpn is down for everyone')).toMatchObject({ priority: 'urgent', category: 'network' });
  });
});
