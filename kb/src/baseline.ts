import type { TTicketPriority } from '@deskmate/shared';
import { normalize } from './text.js';
import { maxPriority } from './rules.js';

/**
 * The keyword rules Deskmate rated priority with before the policy signals (issue #21), kept
 * unchanged as the keyword-only baseline that `npm run eval:classifier` compares the classifier
 * with: the highest floor any rule sets, medium when none fires. Not used to file tickets.
 */

interface PriorityRule {
  floor: TTicketPriority;
  why: string;
  test: (text: string) => boolean;
}

const re = (pattern: RegExp) => (text: string) => pattern.test(text);

// Many people affected: the whole site, or a count of people.
const broadScope =
  /\b(?:(?:whole|entire) (?:office|company|building|floor|site|organi[sz]ation|org|school|campus|warehouse|department)|everyone|everybody|nobody|no one|all (?:staff|users|employees)|company[\s-]?wide|\d{2,} (?:people|users|staff))\b/;
// A team rather than the whole site.
const teamScope =
  /\b(?:all of us|whole team|(?:my|our) team|multiple (?:people|staff|users)|several (?:people|of us))\b/;
const failure =
  /\b(?:down|offline|outage|no (?:internet|network|wifi|access|email)|cant|cannot|can not|not working|unable|lost|failing|broken|bouncing|locked out|not receiving)\b/;
const cantWork = /\b(?:cant|cannot|can not|unable to) (?:do (?:any|my) )?(?:work|do anything)\b/;
const deadline =
  /\b(?:deadline|due (?:today|at|by)|by \d|before \d|at \d|in (?:an?|one|two|\d+) (?:hours?|minutes?|mins))\b|this afternoon/;

const priorityRules: PriorityRule[] = [
  {
    floor: 'urgent',
    why: 'ransomware',
    test: re(/\bransom(?:ware| note)?\b|\b(?:files|everything) (?:are |is |were |have been )?encrypted\b/),
  },
  { floor: 'urgent', why: 'data breach', test: re(/\b(?:data|security) breach\b|\bbreached\b/) },
  { floor: 'urgent', why: 'hacked', test: re(/\bhacked\b/) },
  { floor: 'urgent', why: 'server down', test: re(/\bservers? (?:is |are )?(?:down|offline)\b/) },
  { floor: 'urgent', why: 'outage', test: re(/\boutage\b/) },
  {
    floor: 'urgent',
    why: 'safety hazard',
    test: re(/\b(?:swollen|bulging|smoke|smoking|sparks?|on fire|smells (?:hot|burning|of burning))\b/),
  },
  { floor: 'urgent', why: 'many people cannot work', test: (t) => broadScope.test(t) && failure.test(t) },
  { floor: 'urgent', why: 'cannot work with a deadline', test: (t) => cantWork.test(t) && deadline.test(t) },
  { floor: 'high', why: 'phishing', test: re(/\bphishing\b(?! (?:awareness|training|simulation|test))/) },
  { floor: 'high', why: 'malware', test: re(/\b(?:malware|virus|trojan|spyware)\b/) },
  {
    floor: 'high',
    why: 'clicked a suspicious link',
    test: re(/\bclicked (?:on )?(?:a |the |an )?(?:\w+ )?(?:link|attachment)\b/),
  },
  {
    floor: 'high',
    why: 'credentials given away',
    test: re(/\bgave (?:them|him|her|someone|away) (?:my )?(?:username|password|code)/),
  },
  { floor: 'high', why: 'sign-in not started by the user', test: re(/\bdidnt (?:request|start|initiate|do)\b/) },
  { floor: 'high', why: 'compromised account', test: re(/\bcompromised\b/) },
  {
    floor: 'high',
    why: 'lost or stolen device',
    test: re(/\bstolen\b|\blost (?:my |our |a )?(?:work |company )?(?:laptop|phone|mobile|device)\b/),
  },
  { floor: 'high', why: 'data sent to the wrong person', test: re(/\bsent\b.*\bto (?:the )?wrong\b/) },
  { floor: 'high', why: 'cannot work', test: re(cantWork) },
  { floor: 'high', why: 'a team cannot work', test: (t) => teamScope.test(t) && failure.test(t) },
  { floor: 'medium', why: 'affects many people', test: re(broadScope) },
];

/** The baseline's priority for a text, with one reason per rule that fired. */
export function keywordPriority(text: string): { priority: TTicketPriority; reasons: string[] } {
  const t = normalize(text);
  let priority: TTicketPriority | undefined;
  const reasons: string[] = [];
  for (const rule of priorityRules) {
    if (!rule.test(t)) continue;
    reasons.push(`keyword rule: ${rule.why} (priority at least ${rule.floor})`);
    priority = priority ? maxPriority(priority, rule.floor) : rule.floor;
  }
  return { priority: priority ?? 'medium', reasons };
}
