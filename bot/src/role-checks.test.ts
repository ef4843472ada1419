import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * "The bots do not pre-check roles: they ask, and the API decides" (#17). This test reads the
 * bots' source (TypeScript AST, tests excluded) and lists every place that reads a person's role
 * (a call to a role helper from shared/roles.ts, or `.role`), by file and enclosing function. The
 * list is pinned: each entry chooses what to show or where a message may go, none decides whether
 * someone may act. A new role check in a bot fails here; the fix is to ask the API and render its
 * refusal (`refusedRole`), as the triage card's buttons and the card's thread do.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const roleHelpers = new Set(['isAgent', 'isAdmin', 'isRequester', 'hasRole', 'outranks']);

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

/** The name of the function a node is in (a declaration, a method, or the variable an arrow is kept in). */
function enclosing(node: ts.Node): string {
  const isFunction = (n: ts.Node | undefined) => !!n && (ts.isArrowFunction(n) || ts.isFunctionExpression(n));
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name) return n.name.getText();
    if (ts.isVariableDeclaration(n) && isFunction(n.initializer) && ts.isIdentifier(n.name)) return n.name.text;
    if (ts.isPropertyAssignment(n) && isFunction(n.initializer) && ts.isIdentifier(n.name)) return n.name.text;
  }
  return '(top level)';
}

/** Each place in a source text that reads a role: `name of the function: what it reads`. */
export function roleReads(fileName: string, text: string): string[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && roleHelpers.has(node.expression.text))
      out.push(`${enclosing(node)}: ${node.expression.text}()`);
    else if (ts.isPropertyAccessExpression(node) && node.name.text === 'role' && !ts.isCallExpression(node.parent))
      // A role read to hand to a helper is counted once, at the helper.
      out.push(`${enclosing(node)}: .role`);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

const everyRoleRead = () =>
  ['bot/src']
    .flatMap(sourceFiles)
    .flatMap((path) =>
      roleReads(path, readFileSync(join(root, path), 'utf8')).map(
        (read) => `${relative(root, join(root, path))} ${read}`,
      ),
    );

describe('the bots read roles only to choose what to show', () => {
  it('reads a role in these places only, none of them deciding whether someone may act', () => {
    expect(everyRoleRead().sort()).toEqual(
      [
        // Which view of a ticket card to draw (agent's buttons, the requester's, none).
        'bot/src/teams/handlers/triage.ts viewFor: isAgent()',
        // An agent's App Home also lists what is assigned to them.
        'bot/src/slack/events/home.ts onHomeOpened: isAgent()',
        // A notification's words and links (console or portal); internal content for agents only.
        'bot/src/slack/render/notification.ts notificationBlocks: isAgent()',
        'bot/src/slack/render/notification.ts dmNotification: isAgent()',
        // Requester isolation, by construction: no internal content planned for a requester's DM.
        'bot/src/slack/sender.ts plan: isAgent()',
        'bot/src/teams/plan.ts planTeamsDeliveries: isAgent()',
        'bot/src/teams/plan.ts planTeamsDeliveries: .role',
      ].sort(),
    );
  });

  it('the triage card’s buttons, menus and forms read no role: the API decides', () => {
    const triage = everyRoleRead().filter(
      (r) =>
        r.startsWith('bot/src/slack/actions/') ||
        r.startsWith('bot/src/slack/views/') ||
        /teams\/handlers\/triage\.ts (onTriage|perform)/.test(r),
    );
    expect(triage).toEqual([]);
  });

  it('the reading catches a role check when it is there', () => {
    const sample = `
      export async function onClick(me: User) {
        if (!isAgent(me)) return refuse();
        const admin = me.role === 'admin';
      }
      const allowed = (u: User) => hasRole(u.role, 'agent');`;
    expect(roleReads('sample.ts', sample)).toEqual(['onClick: isAgent()', 'onClick: .role', 'allowed: hasRole()']);
  });
});
