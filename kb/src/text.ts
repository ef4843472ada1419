import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';

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
  [/\b([b-hj-z]):(?=[\s\\*)]|$)/g, '$1drive drive'],
];

// Word-level synonyms: each key is replaced by the listed terms, on both sides of the index.
// Listing the key itself keeps it (a narrower word that should also match its broader one).
const synonymEntries: [string[], string[]][] = [
  [['pwd', 'pw', 'passwd', 'pword', 'pswd'], ['password']],
  [['wireless', 'wlan'], ['wifi']],
  [['2fa', 'tfa', '2sv', 'otp'], ['mfa']],
  [['authenticator'], ['authenticator', 'mfa']],
  [['computer', 'computers', 'pc', 'pcs', 'notebook'], ['laptop']],
  [
    ['macbook', 'macbooks'],
    ['laptop', 'macos'],
  ],
  [['mac', 'osx'], ['macos']],
  [
    ['iphone', 'iphones'],
    ['iphone', 'phone'],
  ],
  [['android'], ['android', 'phone']],
  [['mobile', 'cell', 'cellphone', 'smartphone'], ['phone']],
  [['mail', 'mails'], ['email']],
  [['mic', 'mics'], ['microphone']],
  [['webcam', 'cam'], ['camera']],
  [['headphones', 'earphones', 'earbuds', 'airpods'], ['headset']],
  [['sound'], ['audio']],
  [['license', 'licenses', 'licensed', 'licence', 'licences', 'licenced', 'licensing'], ['licence']],
  [
    ['unlicensed', 'unlicenced'],
    ['unlicensed', 'licence'],
  ],
  [['sluggish', 'laggy', 'lag', 'lagging'], ['slow']],
  [['frozen'], ['freeze']],
  [['theft', 'nicked'], ['stolen']],
  // Porter keeps agent nouns apart ("leaver" vs "leaving"); people use both for the same thing.
  [['leaver', 'leavers'], ['leave']],
  [['copier', 'photocopier', 'mfp'], ['printer']],
  [['ooo'], ['outofoffice']],
  [['cert', 'certs'], ['certificate']],
  [['acct'], ['account']],
  [['administrator', 'administrators'], ['admin']],
  [['application', 'applications', 'program', 'programs', 'programme', 'programmes'], ['app']],
  [['bt'], ['bluetooth']],
  [['trackpad'], ['touchpad']],
];
const synonyms = new Map<string, string[]>();
for (const [words, replacement] of synonymEntries) for (const w of words) synonyms.set(w, replacement);

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
  hi hello hey thanks thank cheers please pls plz help need needs needed want wanted wanting try trying
  tried keep keeps kept im ive id youre dont doesnt didnt isnt arent wasnt cant couldnt wont shouldnt
  just really anyone someone somebody anybody something anything know think bit lot today yesterday
  tomorrow morning afternoon ok okay guys etc whats thats theres hows wheres use using able unable
  go going seems seem says say saying sure thing things stuff issue issues problem problems
  anymore ever every either even though already yet`
    .split(/\s+/)
    .filter(Boolean),
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
  let out = text.toLowerCase().replace(/['’`]/g, '');
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
function stem(token: string): string {
  let s = stemCache.get(token);
  if (s === undefined) {
    s = PorterStemmer.stem(token);
    // The cache is bounded so a flood of unique junk queries cannot grow memory without limit.
    if (stemCache.size < 50_000) stemCache.set(token, s);
  }
  return s;
}

function makeProcessTerm(stopWords: Set<string>): (token: string) => string[] | null {
  return (token) => {
    if (stopWords.has(token)) return null;
    const mapped = synonyms.get(token) ?? [token];
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
