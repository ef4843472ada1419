import { ticketPriorities, type TTicketCategory, type TTicketPriority } from '@deskmate/shared';
import { normalize } from './text.js';
import { decidePriority } from './policy.js';
import { readSignals, type TSignals } from './signals.js';

/**
 * Rules of thumb. For priority, the floor that a requester's own choice is never taken below (a
 * ransomware note or a whole office offline is not low because someone said so); it comes from the
 * priority policy (policy.ts). For category, keywords that name the obvious cases; on their own
 * they are the category baseline the model must beat.
 * Patterns run on normalised text (lower case, apostrophes dropped: "can't" is "cant").
 */

const rank = (p: TTicketPriority) => ticketPriorities.indexOf(p);

export function maxPriority(a: TTicketPriority, b: TTicketPriority): TTicketPriority {
  return rank(a) >= rank(b) ? a : b;
}

export interface TPriorityFloor {
  floor: TTicketPriority | undefined;
  reasons: string[];
}

/**
 * The lowest priority the policy allows whatever anyone says: urgent for a security incident, a
 * safety hazard or many people blocked; high for one person who says they cannot work at all.
 * Narrower than the classifier on purpose: it overrides a person's own answer. `signals`: the
 * text's, when the caller has read them already.
 */
export function priorityFloor(text: string, signals: TSignals = readSignals(text)): TPriorityFloor {
  const decision = decidePriority(signals);
  if (decision.priority === 'urgent') return { floor: 'urgent', reasons: decision.reasons };
  const firm = [...(signals.fired.get('blocked') ?? []), ...(signals.fired.get('hazard') ?? [])].filter(
    (why) => why === 'cannot work at all' || why === 'damaged battery',
  );
  if (firm.length > 0) return { floor: 'high', reasons: firm.map((why) => `policy: ${why} (high)`) };
  return { floor: undefined, reasons: [] };
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

/**
 * The category rules' verdicts as extra features for the category model ("RULE_cat_network"), so
 * it learns how far to trust each one instead of us hard-coding it.
 */
export function ruleFeatures(text: string): string[] {
  const features: string[] = [];
  const category = categoryByKeywords(text);
  if (category) features.push(`RULE_cat_${category}`);
  if (isSecurityIncident(text)) features.push('RULE_security_incident');
  return features;
}
