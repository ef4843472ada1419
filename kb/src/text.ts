import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { synonymEntries } from './synonyms.js';

/**
 * Text analysis shared by search and the classifier. Documents and queries go through exactly the
 * same steps (phrase rewrites, tokenising, stop words, synonyms, Porter stemming), otherwise a
 * word indexed one way could never be found when typed another way.
 */

// Multi-word spellings folded into one token before splitting, so "wi-fi", "wi fi" and "wifi"
// are one term, and "S:" / "s drive" survive the single-letter stop words (as "sdrive drive").
const phraseRewrites: [RegExp, string][] = [
  [/\bwi[\s-]?fi\b/g, 'wifi'],
  [/\be[\s-]mail/g, 'email'],
  [/\b(?:two|2|multi)[\s-]?(?:factor|step)(?:[\s-]auth\w*)?/g, 'mfa'],
  [/\bone[\s-]drive\b/g, 'onedrive'],
  [/\bshare[\s-]point\b/g, 'sharepoint'],
  [/\b(?:log|sign)(?:ged|ging|s)?[\s-]?(?:in|on|into|onto)s?\b/g, 'signin'],
  [/\bout[\s-]of[\s-](?:the[\s-])?office\b/g, 'outofoffice'],
  [/\bauto(?:matic)?[\s-]?repl(?:y|ies)\b/g, 'autoreply'],
  [/\bset[\s-]up\b/g, 'setup'],
  [/\bmac[\s-]?os(?:[\s-]?x)?\b/g, 'macos'],
  [/\bweb[\s-]cam\b/g, 'webcam'],
  [/\b([b-hj-z]):?\s+drive\b/g, '$1drive drive'],
  // "Can't get into my laptop" is a sign-in problem; getting into a building or a room is not.
  [
    /\bget(?:ting)? (?:into|in to|onto|on to) (?=anything|my |windows|the (?:laptop|computer|pc|mac|system|account|vpn|app|portal)|outlook|teams|email|it\b)/g,
    'signin ',
  ],
  [
    /\b(?:verification|security|one[\s-]?time|signin|sms|text|login|auth(?:entication)?) (?:code|pin|number)s?\b/g,
    'mfa code',
  ],
  [/\bnew (?:joiner|hire|employee|colleague|recruit|team member|staff member)s?\b/g, 'new starter'],
  [/\b(?:team|group|generic|department|departmental|functional) (?:inbox|mailbox)(?:es)?\b/g, 'shared mailbox'],
  [/\bmailing lists?\b/g, 'distribution list'],
  [/\bmeeting[\s-]?rooms?\b/g, 'meetingroom'],
  [/\b(?:acc?ess?|swipe|key|id|door|building|security|proximity|entry) ?cards?\b/g, 'card badge'],
  [/\b([b-hj-z]):(?=[\s\\*)]|$)/g, '$1drive drive'],
  // A file extension typed on its own (".pages", ".dwg") is a question about a file type.
  [/(?:^|\s)\.([a-z][a-z0-9]{1,4})\b/g, ' $1 file type'],
  // Multi-word software and vendor names, and the commonest foreign phrases for the same things.
  [/\b(?:ms|microsoft) project\b/g, 'msproject'],
  [/\bpower[\s-]?bi\b/g, 'powerbi'],
  [/\bvisual studio(?: code)?\b/g, 'vscode'],
  [/\bnotepad\s?\+\+/g, 'notepadplusplus'],
  [/\bmot de passe\b/g, 'password'],
  [/\bmise a jour\b/g, 'update'],
  [/\biniciar sesion\b/g, 'signin'],
  // Symptoms people describe instead of the cause.
  [/\btime[\s-]?zones?\b/g, 'timezone'],
  [/\b(?:an?|one|two|1|2) hours? (?:off|out|early|late|behind|ahead|wrong|difference)\b/g, 'timezone hour'],
  [/\b(?:robotic|robot|garbled|crackly|stuttering|breaking up|cutting out)\b/g, 'choppy'],
  // "Need a proper headset", "can I get a second monitor": asking for equipment, not fixing it.
  [
    /\b(?:need|want|get|order|request|like)(?: (?:a|an|another|some|new|proper|decent|better|second|extra|spare|bigger|wireless|ergonomic|good)){1,3} (?:monitors?|screens?|headsets?|keyboard|mouse|dock|docking station|webcam|charger|adapter|laptop stand)\b/g,
    '$& request',
  ],
];

const synonyms = new Map<string, string[]>();
/** Every word the synonym map knows (spelling correction may correct a typo to one of them). */
export const synonymWords: ReadonlySet<string> = new Set(synonymEntries.flatMap(([words]) => words));
// '__self__' keeps the word itself beside the broader term it maps to.
for (const [words, replacement] of synonymEntries)
  for (const w of words)
    synonyms.set(
      w,
      replacement.map((r) => (r === '__self__' ? w : r)),
    );

// Words that carry no meaning for finding an article. Chat filler ("hi", "pls", "anyone") is
// included because people type it into a chat box and it would otherwise match article prose.
const searchStopWords = new Set(
  `a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9
  about above after again all also am an and another any are as at be because been before being below
  between both but by came can cannot come could did do does doing during each few for from further get
  gets getting got has had have having he her here him his how if in into is it its itself like make many
  me might more most much must my myself never no not now of on only or other our ours out over own said
  same see she should since so some still such take than that the their theirs them then there these they
  this those through to too under until up very was way we well were what where when which while who whom
  with would why you your yours yourself
  hi hello hey thanks thank cheers sorry please pls plz help need needs needed want wanted wanting try trying
  tried keep keeps kept im ive id youre dont doesnt didnt isnt arent wasnt cant couldnt wont shouldnt
  just really anyone someone somebody anybody something anything know think bit lot today yesterday
  tomorrow morning afternoon ok okay guys etc whats thats theres hows wheres use using able unable
  go going seems seem says say saying sure thing things stuff issue issues problem problems
  anymore ever every either even though already yet per via
  day days week weeks weekend weekends month months year years tonight ago
  monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays fridays
  january february march april june july august september october november december
  lol haha hahaha omg btw fyi yay congrats congratulations birthday bday lunch dinner breakfast pizza cake
  drinks party weather sunny recipe joke jokes payday payslip payslips salary salaries wage wages pension
  pensions bonus vacation vacations annual allowance entitlement
  la ne pas il lo gli della delle dei degli con non che una uno mio mia oggi anche sono
  el las del por para que esta este hoy tambien muy pero
  les une est avec pour mes dans aujourdhui aussi
  der und ist nicht ein eine mein meine heute auch bei
  nao uma meu minha tambem
  het een niet mijn vandaag ook`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Words that mark a message as being about something other than IT: pay and leave (HR), food,
 * celebrations, sales chatter, thanks; and the things IT words are said of in jest (a brain that
 * needs a reboot, a coffee machine that is offline, the ethernet of one's soul). A message with one of them needs two IT words matched
 * before it gets an article ("when do we get paid this month" brushes the licence article's
 * "paid software"; "my expenses app crashes" is still answered).
 */
export const offTopicWords: ReadonlySet<string> = new Set(
  `payday payslip payslips salary salaries wage wages pension pensions bonus bonuses vacation vacations
  holiday holidays annual allowance entitlement paid pay expenses expense mileage reimbursement
  birthday bday congrats congratulations lunch dinner breakfast pizza sushi cake tea drinks party
  weather rain sunny football recipe joke jokes thanks thank ty cheers appreciated sorted nvm
  nevermind lol haha deal deals revenue pipeline forecast quarter quarterly target targets kpi kpis hr
  overtime rota appraisal appraisals candidate recruiter dental gym canteen fridge microwave dishwasher
  toilet toilets plumber cleaner heating umbrella coat plants stamps stairs aider tax taxes budget
  budgets receipts football rugby cricket tennis golf netflix christmas xmas easter dinner breakfast
  sandwich biscuits snacks farewell wedding engaged retirement dog cat pet kids nursery traffic snow
  son daughter husband wife mum dad funny story cute lovely awesome amazing weekend plans mate intern
  interns
  soul souls brain brains heart hearts mind minds mood feelings emotions sleepy tired hungover hangover
  motivation relationship boyfriend girlfriend marriage kettle toaster oven fridge
  vending shirt trousers laundry stain poem song lyrics movie film sitcom novel horoscope
  chair chairs sofa sofas couch carpet carpets curtains radiator radiators sink sinks plumbing ceiling
  furniture`
    .split(/\s+/)
    .filter(Boolean),
);

/** The same words as search terms (stemmed): they never count as evidence for an article. */
export const offTopicTerms: ReadonlySet<string> = new Set([...offTopicWords].map((w) => PorterStemmer.stem(w)));

/**
 * Everyday words that articles use but that say nothing IT on their own ("work from home on
 * fridays", "who left the umbrella in the meeting room"). A search hit needs at least one query
 * word outside this list, otherwise small talk that brushes an article's prose would be answered.
 */
export const genericSearchTerms: ReadonlySet<string> = new Set(
  `work works working worked home house office offices floor floors room rooms kitchen building
  people person everyone everybody manager managers colleague colleagues client clients customer
  customers boss friend friends good great bad nice happy sad new old big small little hot cold best
  better come coming came move moving moved bring love like look looks looking left right time times
  number numbers last next meet meeting meetings call calls send sent team book booking conference job
  launch train late early key keys table event trip bank holiday holidays parental maternity paternity
  sick first set plan plans test tests testing red blue green yellow orange purple pink tip tips advice
  idea ideas suggestion suggestions outside inside`
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => PorterStemmer.stem(w)),
);

/** The classifier keeps words that signal scope and severity ("all", "cant", "nobody", "down"). */
const classifierStopWords = new Set(
  `a an the i me my myself we our you your it its this that these those to of in on at for and or is are
  was were be been am with from by as so just please pls plz hi hello hey thanks thank cheers there
  has have had do does did he she his her they them their im ive id`
    .split(/\s+/)
    .filter(Boolean),
);

/** Lower-cases, drops apostrophes ("can't" -> "cant") and folds multi-word spellings. */
export function normalize(text: string): string {
  // Accents folded ("zurücksetzen", "contraseña"), otherwise the tokeniser would split the word.
  let out = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    // French and Italian elide an article into the next word ("l'ordinateur", "dell'ufficio").
    .replace(/\b(?:l|d|dell|nell|all|dall|sull|qu)['’](?=[a-z]{3})/g, ' ')
    .replace(/['’`]/g, '');
  for (const [pattern, replacement] of phraseRewrites) out = out.replace(pattern, replacement);
  return out;
}

/** Splits normalised text into raw tokens (no stop-word removal or stemming yet). */
export function tokenize(text: string): string[] {
  return normalize(text)
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

const stemCache = new Map<string, string>();
/** Porter's stem of a token, cached (search, the classifier and the topic model share it). */
export function stem(token: string): string {
  let s = stemCache.get(token);
  if (s === undefined) {
    s = PorterStemmer.stem(token);
    // The cache is bounded so a flood of unique junk queries cannot grow memory without limit.
    if (stemCache.size < 50_000) stemCache.set(token, s);
  }
  return s;
}

// Error codes people paste: Windows Update and setup codes (0x8024…, 0x800f…, 0x8007…, 0xc190…) and
// Entra ID sign-in codes (AADSTS50076) name their family, whatever the exact number.
function errorCodeFamily(token: string): string[] | undefined {
  if (/^0x(?:8024|800f|8007|c190)[0-9a-f]{3,4}$/.test(token)) return [token, 'windows', 'update', 'error'];
  if (/^aadsts\d+$/.test(token)) return [token, 'aadsts'];
  return undefined;
}

function makeProcessTerm(stopWords: Set<string>): (token: string) => string[] | null {
  return (token) => {
    if (stopWords.has(token)) return null;
    const mapped = synonyms.get(token) ?? errorCodeFamily(token) ?? [token];
    return mapped.map(stem);
  };
}

/** MiniSearch's processTerm for search: stop words out, synonyms in, then stemmed. */
export const processSearchTerm = makeProcessTerm(searchStopWords);
const processClassifierTerm = makeProcessTerm(classifierStopWords);

/** The terms search sees for a piece of text (used for snippets and for counting query terms). */
export function analyzeForSearch(text: string): string[] {
  return tokenize(text).flatMap((t) => processSearchTerm(t) ?? []);
}

/** The terms the classifier sees: stemmed words, keeping severity words search would drop. */
export function analyzeForClassifier(text: string): string[] {
  return tokenize(text).flatMap((t) => processClassifierTerm(t) ?? []);
}

/**
 * What any device or app does or suffers ("restart", "update", "offline", "crash"): IT words, but
 * said of brains, coffee machines and moods too. They tell which article fits only beside a word
 * that names the thing (see search.ts).
 */
export const weakSearchTerms: ReadonlySet<string> = new Set(
  `restart reboot update updates upgrade install installed connect connected connection disconnect
  disconnected offline online crash crashes crashing reset sync setup broken stuck fail failed failing
  error errors down work working run running open opening close load loading start starting stop
  stopped`
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((w) => processSearchTerm(w) ?? []),
);
