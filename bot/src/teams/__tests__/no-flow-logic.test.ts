import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ticketCategories, wizard } from '@deskmate/shared';

/**
 * "The wizard's steps exist once": the conversation is the state machine in shared/src/wizard,
 * run by the API's chat service; the Slack and Teams adapters only render the prompt it returns
 * and send back the input a person gave. This test reads the adapters' source (TypeScript AST,
 * tests excluded) and fails if either one starts to know the flow:
 * - a string literal naming a wizard step or a choice value ("summary", "need_help", "skip"…) —
 *   the only way to branch on them, or to fake a choice, is to write them down;
 * - a comparison, switch, lookup or `includes` on a `.step` (echoing the step back is fine);
 * - a call into the machine (`wizard.next`, `start`, `promptFor`, `matchChoice`…).
 * And the machine has exactly one caller in the product: the API's chat service.
 */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const adapters = ['bot/src/slack', 'bot/src/teams'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (name === '__tests__' || name.endsWith('.test.ts')) continue;
    if (statSync(join(root, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** The wizard's protocol words: what any client sends (`{ type: 'back' }`), not steps or answers. */
const inputTypes = new Set(['text', 'choice', 'choices', 'back', 'cancel', 'restart']);
const flowWords = new Set(
  [
    ...wizard.wizardSteps,
    ...Object.values(wizard.summaryValues),
    ...Object.values(wizard.detailsValues),
    wizard.needHelp,
    ...wizard.impacts,
    ...wizard.urgencies,
    ...ticketCategories,
  ].filter((w) => !inputTypes.has(w)),
);
const solvedPrefix = wizard.solvedValue('');
const machine = new Set([
  'next',
  'start',
  'promptFor',
  'summarize',
  'matchChoice',
  'ticketDraft',
  'isFinished',
  'isExpired',
]);

/**
 * Where a literal would branch on the flow or fake an answer: compared, a `case`, a `value` or
 * `step` of an object (a choice), in a list (`['summary', …].includes(…)`), passed to a call.
 * Elsewhere a word is just a word (`requester: 'me'` in a ticket query, a type).
 */
function usedAsFlow(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isBinaryExpression(parent)) return true;
  if (ts.isCaseClause(parent)) return true;
  if (ts.isArrayLiteralExpression(parent) || ts.isCallExpression(parent)) return true;
  if (ts.isPropertyAssignment(parent) && parent.initializer === node) {
    return ts.isIdentifier(parent.name) && ['value', 'step'].includes(parent.name.text);
  }
  return false;
}

const isStep = (node: ts.Node) => ts.isPropertyAccessExpression(node) && node.name.text === 'step';
const where = (file: ts.SourceFile, node: ts.Node) =>
  `${relative(root, file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;

function findings(path: string): string[] {
  const file = ts.createSourceFile(
    join(root, path),
    readFileSync(join(root, path), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && usedAsFlow(node)) {
      if (flowWords.has(node.text)) out.push(`${where(file, node)} names the wizard's "${node.text}"`);
      if (node.text.startsWith(solvedPrefix)) out.push(`${where(file, node)} builds a "solved" choice`);
    }
    if (
      ts.isBinaryExpression(node) &&
      [
        ts.SyntaxKind.EqualsEqualsEqualsToken,
        ts.SyntaxKind.ExclamationEqualsEqualsToken,
        ts.SyntaxKind.EqualsEqualsToken,
        ts.SyntaxKind.ExclamationEqualsToken,
      ].includes(node.operatorToken.kind)
    ) {
      if (isStep(node.left) || isStep(node.right)) out.push(`${where(file, node)} compares a step`);
    }
    if (ts.isSwitchStatement(node) && isStep(node.expression)) out.push(`${where(file, node)} switches on a step`);
    if (ts.isElementAccessExpression(node) && isStep(node.argumentExpression))
      out.push(`${where(file, node)} looks up by step`);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      if (['includes', 'has', 'indexOf', 'get'].includes(method) && node.arguments.some(isStep))
        out.push(`${where(file, node)} tests a step`);
      if (
        ts.isIdentifier(node.expression.expression) &&
        node.expression.expression.text === 'wizard' &&
        machine.has(method)
      ) {
        out.push(`${where(file, node)} runs the wizard itself (wizard.${method})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

describe('Slack and Teams adapters contain no flow logic', () => {
  const files = adapters.flatMap(sourceFiles);

  it('finds the adapters’ source files', () => {
    expect(files.filter((f) => f.startsWith('bot/src/teams')).length).toBeGreaterThan(10);
  });

  it.each(adapters)('%s neither names wizard steps or answers, nor branches on a step, nor runs the machine', (dir) => {
    expect(files.filter((f) => f.startsWith(dir)).flatMap(findings)).toEqual([]);
  });

  it('the check catches flow logic when it is there', () => {
    const sample = join('bot/src/teams/__tests__', 'flow-logic.sample.txt');
    const file = ts.createSourceFile('x.ts', readFileSync(join(root, sample), 'utf8'), ts.ScriptTarget.Latest, true);
    expect(file.statements.length).toBeGreaterThan(0);
    expect(findingsOf(sample)).toEqual([
      `${sample}:2 compares a step`,
      `${sample}:2 names the wizard's "summary"`,
      `${sample}:3 looks up by step`,
      `${sample}:4 names the wizard's "skip"`,
      `${sample}:5 runs the wizard itself (wizard.next)`,
      `${sample}:6 names the wizard's "details"`,
      `${sample}:7 names the wizard's "title"`,
      `${sample}:7 names the wizard's "describe"`,
    ]);
  });

  it('the state machine has one caller in the product: the API’s chat service', () => {
    const callers = ['api/src', 'bot/src', 'admin-ui/src', 'src', 'scripts']
      .flatMap((dir) => sourceFilesDeep(dir))
      .filter((f) => /wizard\.(next|start)\(/.test(readFileSync(join(root, f), 'utf8')));
    expect(callers).toEqual(['api/src/chat/service.ts']);
  });
});

function findingsOf(path: string): string[] {
  return findings(path).map((f) => f.replace(/^.*?(bot\/src)/, '$1'));
}

function sourceFilesDeep(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === '__tests__' || /\.test\.tsx?$/.test(name)) continue;
    if (statSync(join(root, path)).isDirectory()) out.push(...sourceFilesDeep(path));
    else if (/\.(ts|tsx|mjs)$/.test(name)) out.push(path);
  }
  return out;
}
