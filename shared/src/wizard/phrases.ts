import type { TTicketCategory } from '../domain.js';
import { normalize } from './matching.js';
import type { TImpact, TUrgency } from './schemas.js';

/** The words people type instead of pressing buttons. Written normalized: no apostrophes. */

const greeting =
  /^(?:hi|hello|hey|hiya|heya|howdy|yo|hola|greetings|morning|afternoon|evening|good (?:morning|afternoon|evening|day))(?: (?:there|again|all|team|everyone|folks|deskmate|bot))?$/;

/** "hi", "Hello there!", "good morning": a greeting and nothing else. */
export function isGreeting(text: string): boolean {
  return greeting.test(normalize(text));
}

const commands: Readonly<Record<'back' | 'cancel' | 'restart', readonly string[]>> = {
  back: ['back', 'go back', 'previous', 'previous step', 'undo'],
  cancel: ['cancel', 'quit', 'stop', 'exit', 'abort', 'never mind', 'nevermind', 'forget it', 'cancel ticket'],
  restart: ['start over', 'restart', 'start again', 'begin again', 'reset', 'start from scratch'],
};

/** A whole message that is a navigation command ("back", "cancel", "start over"), or null. */
export function textCommand(text: string): 'back' | 'cancel' | 'restart' | null {
  const typed = normalize(text);
  for (const [command, phrases] of Object.entries(commands)) {
    if (phrases.includes(typed)) return command as 'back' | 'cancel' | 'restart';
  }
  return null;
}

export const solvedPhrases = [
  'yes',
  'yep',
  'yeah',
  'yup',
  'solved',
  'solved it',
  'fixed',
  'fixed it',
  'that fixed it',
  'it worked',
  'that worked',
  'worked',
  'works',
  'works now',
  'thanks',
  'thank you',
  'thx',
  'ty',
  'helped',
  'that helped',
  'helps',
  'helpful',
  'perfect',
  'great',
  'all good',
  'resolved',
  'sorted',
  'sorted it',
];

export const needHelpPhrases = [
  'no',
  'nope',
  'nah',
  'need help',
  'still need help',
  'i need help',
  'help',
  'still broken',
  'still not working',
  'still doesnt work',
  'not working',
  'didnt help',
  'did not help',
  'doesnt help',
  'not helpful',
  'didnt work',
  'did not work',
  'doesnt work',
  'not solved',
  'not fixed',
  'didnt fix',
  'did not fix',
  'no luck',
  'not really',
  'none of these',
  'none of them',
  'open a ticket',
  'create a ticket',
  'raise a ticket',
  'talk to someone',
  'a human',
  'an agent',
];

/** "Yes" at the category step accepts the suggested category. */
export const acceptPhrases = [
  'yes',
  'yep',
  'yeah',
  'yup',
  'ok',
  'okay',
  'sure',
  'correct',
  'right',
  'thats right',
  'thats it',
  'looks right',
  'sounds right',
  'exactly',
];

export const categoryPhrases: Readonly<Record<TTicketCategory, readonly string[]>> = {
  access: [
    'password',
    'passwords',
    'login',
    'log in',
    'logon',
    'sign in',
    'signin',
    'locked out',
    'account',
    'permission',
    'permissions',
    'mfa',
    '2fa',
    'two factor',
    'authenticator',
    'sso',
  ],
  network: ['wifi', 'wi fi', 'wireless', 'internet', 'vpn', 'connection', 'connectivity', 'ethernet', 'dns', 'offline'],
  hardware: [
    'laptop',
    'computer',
    'pc',
    'desktop',
    'monitor',
    'screen',
    'keyboard',
    'mouse',
    'printer',
    'printing',
    'dock',
    'headset',
    'battery',
    'charger',
    'device',
    'webcam',
  ],
  software: ['app', 'apps', 'application', 'program', 'install', 'license', 'licence', 'update', 'crash', 'crashes'],
  email: ['e mail', 'mail', 'outlook', 'inbox', 'calendar', 'mailbox', 'gmail'],
  security: ['phishing', 'virus', 'malware', 'spam', 'suspicious', 'hacked', 'scam', 'ransomware', 'lost laptop'],
  onboarding: ['onboarding', 'offboarding', 'new hire', 'new starter', 'new employee', 'joiner', 'leaver', 'first day'],
  other: ['other', 'not sure', 'dont know', 'unsure', 'none of these'],
};

export const impactPhrases: Readonly<Record<TImpact, readonly string[]>> = {
  me: ['just me', 'only me', 'me only', 'myself', 'just myself', 'only i', 'just for me', 'only for me'],
  team: [
    'team',
    'my team',
    'our team',
    'department',
    'my department',
    'a few people',
    'several people',
    'some people',
    'colleagues',
    'coworkers',
  ],
  many: [
    'everyone',
    'everybody',
    'whole office',
    'entire office',
    'the office',
    'whole company',
    'entire company',
    'company wide',
    'all of us',
    'many people',
    'lots of people',
    'all users',
    'nobody',
    'no one',
  ],
};

export const urgencyPhrases: Readonly<Record<TUrgency, readonly string[]>> = {
  can_wait: [
    'can wait',
    'not urgent',
    'no rush',
    'no hurry',
    'whenever',
    'low priority',
    'not a big deal',
    'minor',
    'later',
  ],
  slowed: [
    'slow',
    'slowing',
    'slowing me down',
    'slows me down',
    'slowed down',
    'annoying',
    'workaround',
    'can still work',
    'i can work',
    'inconvenient',
  ],
  blocked: [
    'cant work',
    'cannot work',
    'can not work',
    'unable to work',
    'blocked',
    'urgent',
    'asap',
    'stuck',
    'critical',
    'emergency',
    'cant do anything',
    'cant do my job',
    'nobody can work',
    'no one can work',
  ],
};

export const detailsSkipPhrases = [
  'skip',
  'no',
  'nope',
  'none',
  'nothing',
  'nothing else',
  'no thanks',
  'n a',
  'na',
  'thats all',
  'thats it',
  'no details',
  'not really',
  'all good',
];

export const detailsKeepPhrases = ['keep', 'skip', 'no', 'nope', 'no change', 'no changes', 'same', 'leave it'];
export const detailsRemovePhrases = ['remove', 'delete', 'clear', 'remove them', 'no details'];

export const summaryPhrases: Readonly<Record<string, readonly string[]>> = {
  confirm: [
    'yes',
    'yep',
    'ok',
    'okay',
    'looks good',
    'lgtm',
    'submit',
    'send',
    'send it',
    'create',
    'create it',
    'create ticket',
    'go',
    'go ahead',
    'correct',
    'all good',
    'sure',
    'do it',
  ],
  edit_title: ['title', 'change title', 'change the title', 'rename', 'subject'],
  edit_description: ['description', 'change description', 'change the description', 'describe again'],
  edit_category: ['category', 'change category', 'change the category', 'wrong category'],
  edit_impact: ['impact', 'urgency', 'priority', 'change priority', 'change the priority', 'how bad', 'severity'],
  edit_details: ['details', 'add details', 'more details', 'change details', 'change the details'],
};
