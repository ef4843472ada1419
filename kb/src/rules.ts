import { ticketPriorities, type TTicketCategory, type TTicketPriority } from '@deskmate/shared';
import { normalize } from './text.js';

/**
 * Keyword rules. For priority they are a floor under the model: a message that says "ransomware"
 * or "the whole office is down" must never be filed as low because the model was unsure. For
 * category they name the obvious cases; on their own they are the baseline the model must beat.
 * Patterns run on normalised text (lower case, apostrophes dropped: "can't" is "cant").
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

const rank = (p: TTicketPriority) => ticketPriorities.indexOf(p);

export function maxPriority(a: TTicketPriority, b: TTicketPriority): TTicketPriority {
  return rank(a) >= rank(b) ? a : b;
}

export interface TPriorityFloor {
  floor: TTicketPriority | undefined;
  reasons: string[];
}

/** The highest floor any rule sets for this text, with one reason per rule that fired. */
export function priorityFloor(text: string): TPriorityFloor {
  const t = normalize(text);
  let floor: TTicketPriority | undefined;
  const reasons: string[] = [];
  for (const rule of priorityRules) {
    if (!rule.test(t)) continue;
    reasons.push(`rule: ${rule.why} (priority at least ${rule.floor})`);
    floor = floor ? maxPriority(floor, rule.floor) : rule.floor;
  }
  return { floor, reasons };
}

// Incidents belong to the security queue whatever else the message mentions.
const securityIncident =
  /\b(?:phishing|ransom\w*|malware|virus|hacked|breach\w*|stolen|compromised|scam|spoofed|suspicious)\b/;

/** True when the text reports a security incident: the category must then be security. */
export function isSecurityIncident(text: string): boolean {
  return securityIncident.test(normalize(text));
}

// Order matters on a tie: the more specific queues come first.
// (Patterns see normalised text: "log in" is "signin", "S: drive" is "sdrive", "wi-fi" is "wifi".)
const categoryKeywords: [TTicketCategory, RegExp][] = [
  ['security', securityIncident],
  ['security', /\b(?:password manager|bitwarden|1password|lastpass|spam|encryption)\b/],
  [
    'onboarding',
    /\b(?:new (?:starter|hire|joiner|employee)|onboard\w*|offboard\w*|leaver|leaving|last day|intern|starts? (?:on )?monday)\b/,
  ],
  ['email', /\b(?:email|emails|outlook|mailbox|inbox|calendar|outofoffice|autoreply|distribution list|signature)\b/],
  ['network', /\b(?:vpn|wifi|wireless|internet|network|firewall|dns|ethernet|anyconnect|globalprotect)\b/],
  [
    'access',
    /\b(?:password|locked out|account|mfa|authenticator|access|permissions?|signin|shared drive|[a-z]drive)\b/,
  ],
  [
    'hardware',
    /\b(?:printer|print|monitor|screen|keyboard|mouse|dock|docking|battery|charger|headset|webcam|toner|paper|scanner|laptop|projector|display)\b/,
  ],
  [
    'software',
    /\b(?:install|licence|license|teams|zoom|slack|excel|word|office|onedrive|crash\w*|update|app|software|adobe)\b/,
  ],
  ['other', /\b(?:backup|restore|deleted)\b/],
];

const globalCategoryKeywords = categoryKeywords.map(([c, p]) => [c, new RegExp(p.source, 'g')] as const);

/** Category by keyword count alone (ties go to the earlier entry); undefined when nothing matches. */
export function categoryByKeywords(text: string): TTicketCategory | undefined {
  const t = normalize(text);
  let best: TTicketCategory | undefined;
  let bestHits = 0;
  const hits = new Map<TTicketCategory, number>();
  for (const [category, pattern] of globalCategoryKeywords) {
    const count = (t.match(pattern) ?? []).length + (hits.get(category) ?? 0);
    hits.set(category, count);
    if (count > bestHits) {
      best = category;
      bestHits = count;
    }
  }
  return best;
}

// A message that opens like a question or a polite request is usually a how-to or an ask.
const requestOpening = /^\s*(?:how|can|could|please|where|what|which|when|is|do|would|need)\b/;

/**
 * The rules' verdicts as extra features for the model ("RULE_floor_high", "RULE_cat_network"), so
 * it learns how far to trust each one instead of us hard-coding it.
 */
export function ruleFeatures(text: string): string[] {
  const features: string[] = [];
  const { floor } = priorityFloor(text);
  if (floor) features.push(`RULE_floor_${floor}`);
  const category = categoryByKeywords(text);
  if (category) features.push(`RULE_cat_${category}`);
  if (isSecurityIncident(text)) features.push('RULE_security_incident');
  if (requestOpening.test(normalize(text))) features.push('RULE_request');
  return features;
}
