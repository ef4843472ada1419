import { normalize } from './text.js';

/**
 * What a ticket says about the two axes of the priority policy (impact x urgency), read from its
 * wording. Each signal is a small set of named patterns so that a classification can say which
 * one fired. They run on normalised text (lower case, apostrophes dropped: "can't" is "cant",
 * "log in" is "signin", "wi-fi" is "wifi").
 *
 * The policy (issue #21, ITIL impact x urgency):
 * - urgent: many people blocked, or a security incident;
 * - high: one person fully blocked, or a deadline today;
 * - medium: degraded, a workaround exists;
 * - low: a request, a question, or cosmetic.
 */
export type TSignal =
  | 'incident'
  | 'hazard'
  | 'suspectedIncident'
  | 'many'
  | 'justMe'
  | 'sharedOutage'
  | 'blocked'
  | 'deadline'
  | 'degraded'
  | 'failure'
  | 'request'
  | 'question'
  | 'cosmetic'
  | 'noImpact'
  | 'hypothetical'
  | 'future';

interface Pattern {
  why: string;
  re: RegExp;
}

const p = (why: string, re: RegExp): Pattern => ({ why, re });

// Words of a few tokens between two parts of a phrase: "clicked [on the dodgy] link".
const gap = (n: number) => `(?:[a-z0-9]+ ){0,${n}}`;
const cant = String.raw`(?:cant|cannot|can not|couldnt|could not|unable to|not able to|no way to)`;
const device = String.raw`(?:laptop|laptops|computer|computers|pc|pcs|macbook|mac|ipad|tablet|phone|phones|mobile|iphone|android|device|devices|work bag|laptop bag|bag|usb stick|usb drive|hard drive|backpack)`;

/** "What do I do if the VPN is down next week?": a question about something that has not happened. */
const hypotheticalPatterns: Pattern[] = [
  p(
    'asks about what might happen',
    /\bwhat (?:should|do|would|happens|can) (?:i|we|you)? ?(?:do )?(?:if|when|in case)\b|\bwhat if\b|\bin case\b|\b(?:if|when|should) (?:\w+ ){1,12}(?:what|who|how) (?:do|should|would|can|is|are) (?:i|we|the)\b|\bjust (?:wondering|curious|asking)\b|\bfor (?:the )?future\b|\bnot (?:an issue|a problem|happening) (?:now|yet|at the moment|right now)\b|\bhypothetical\w*\b/,
  ),
];

/** A message that only asks about an incident ("what do I do if…", "haven't got one") reports none. */
const hypothetical = new RegExp(
  [
    String.raw`\bwhat (?:should|do|would|happens) (?:i|we|you)? ?(?:do )?(?:if|when)\b`,
    String.raw`\bwhat if\b`,
    String.raw`\bin case\b`,
    String.raw`\bjust (?:wondering|curious|asking)\b`,
    String.raw`\bfor (?:the )?future\b`,
    String.raw`\bhavent (?:got|had|received|clicked|opened)\b`,
    String.raw`\b(?:didnt|did not|never) (?:click|open|reply|respond|enter|download|answer|type)\b`,
    String.raw`\bhow (?:do|can|should|would) (?:i|we|you) (?:report|know|tell|spot|check|recogni[sz]e|protect|avoid|prevent|stop)\b`,
    String.raw`\b(?:what (?:is|are|does|do) (?:a |an |the )?(?:\w+ ){0,2}(?:mean|fatigue|phishing|ransomware|malware|breach)|whats (?:a |an )?(?:mfa fatigue|phishing|ransomware|malware)|explain|tell me about|any (?:tips|advice))\b`,
    String.raw`\b(?:awareness|training|simulation|policy|course)\b`,
    String.raw`\bnot (?:an issue|a problem) (?:now|yet)\b`,
  ].join('|'),
);

// The lure of a phishing message, or words people use when they suspect one.
const lure = String.raw`(?:phish\w*|suspicious|weird|strange|odd|dodgy|fake|scam\w*|spoof\w*|unknown|unexpected|random|parcel|delivery|courier|dhl|ups|fedex|invoice|voicemail|docusign|shared (?:a )?(?:document|file)|mailbox (?:is |was )?full|verify|unusual|looked (?:real|legit\w*|genuine)|probably (?:nothing|fine)|prize|gift ?cards?|urgent payment|bank details)`;

const incidentPatterns: Pattern[] = [
  p(
    'ransomware',
    /\bransom\w*|\bbitcoin\b|\bpay (?:\w+ ){0,2}(?:in |with )?(?:crypto\w*|bitcoin|btc|monero)\b|\b(?:files|documents|everything|data) (?:\w+ ){0,3}(?:locked|encrypted)\b.*\bpay\b|\b(?:files?|everything|documents?|drive|folders?|data) (?:\w+ ){0,4}encrypted\b|\.\w+ extension\b.*\b(?:readme|pay|ransom)/,
  ),
  p(
    'malware',
    /\b(?:malware|trojan|spyware|keylogger|viruses|worm|cryptominer|rootkit|emotet|qakbot|qbot|lockbit|wannacry|mimikatz|cobalt strike|infostealer|threat detected|threats? found)\b|\bvirus\b(?! scan| check)/,
  ),
  p(
    'antivirus cannot clean it',
    /\b(?:defender|antivirus|anti-virus|av|sophos|crowdstrike|sentinelone|mcafee|norton|eset|malwarebytes|security software)\b.*\b(?:found|finding|finds|detected|detecting|detects|alert\w*|flagg\w*|threat\w*)\b.*\b(?:cant|cannot|couldnt|unable to|wont|failed to|keeps?|again|still)\b/,
  ),
  p('infected', /\b(?:is|are|got|been|was|were|computer|pc|laptop) infected\b|\binfected with\b/),
  p(
    'hacked or compromised',
    /\b(?:hacked|hacker|hackers|compromised|breach\w*|leaked|data leak|intrusion|defaced)\b|\b(?:password|passwords|credentials|data|details)\b.*\b(?:found in|appeared in|part of|exposed in) (?:a |the )?(?:leak|dump|breach)\b/,
  ),
  p(
    'credentials given away',
    new RegExp(
      String.raw`\b(?:pretending|pretended|claiming|claimed|posing as|said (?:they|he|she) (?:was|were) from)\b.*\b(?:gave|given|handed|told|read out)\b(?: \w+){0,3} (?:theirs|his|hers|them|their (?:\w+ )?(?:signin|password|details|code)s?)(?: out| over| away)?\b|` +
        String.raw`\b(?:replied|responded|answered)\b(?: \w+){0,6} with (?:my |our |the )?(?:\w+ )?(?:password|passcode|credentials|signin|bank details|card details|username)\b.*|\b(?:gave|given|give|told|read out|entered|typed|put|put in|submitted|shared|sent|replied with|responded with|answered with|filled in|handed over) (?:them |him |her |it |the caller |someone )?(?:my |our |the )?${gap(2)}(?:password|passcode|credentials|login details|signin details|signin|username|mfa code|code|codes|pin|one[\s-]time code|verification code|bank details)\b.*\b(?:${lure}|caller|called|phoned|rang|pretending|claiming|said (?:they|he|she) (?:was|were) from|from it|link)\b` +
        String.raw`|\b(?:caller|called|phoned|rang|pretending|claiming|said (?:they|he|she) (?:was|were) from)\b.*\b(?:gave|told|read out|entered|typed|shared)\b.*\b(?:password|code|credentials|details|pin)\b`,
    ),
  ),
  p(
    'acted on a phishing message',
    new RegExp(
      String.raw`\b(?:clicked|clicking|opened|tapped|followed|scanned|downloaded|ran|enabled) (?:on )?${gap(4)}(?:link|links|attachment|attachments|file|zip|pdf|document|doc|html file|button|qr code|macros?|content|editing)\b.*\b${lure}\b` +
        String.raw`|\b(?:clicked|clicking|opened|tapped|followed|downloaded) (?:on )?(?:a |an |the |that |this )?${lure} (?:\w+ )?(?:link|links|attachment|attachments|file|email|mail|message|text|invoice|document)\b` +
        String.raw`|\b${lure}\b.*\b(?:clicked|clicking|opened|tapped|followed|scanned|downloaded|enabled) (?:on )?${gap(4)}(?:link|links|attachment|attachments|file|button|qr code|macros?|content|editing)\b` +
        String.raw`|\b(?:clicked|clicking|opened|tapped|followed|scanned) (?:on )?${gap(4)}(?:link|links|attachment|attachments|attached|file|html|pdf|document|button|qr code)\b.*\b(?:entered|typed|put in|put|gave|filled in|submitted|signed in|logged in|signin)\b(?: \w+){0,4} (?:password|passcode|credentials|details|signin|email and password|code|pin)\b` +
        String.raw`|\b(?:signin|signed in|logged in|entered|typed|put in|put|filled in)\b(?: \w+){0,5} (?:on|into|in|at) (?:the |a |that |this |their |some )?(?:\w+ )?(?:page|site|website|form|link)\b.*\b(?:${lure}|linked|pretend\w*|claim\w*|said (?:it|they) (?:was|were) from)\b` +
        String.raw`|\b(?:${lure}|a text|an email|a message|a link)\b.*\b(?:signin|signed in|logged in|entered|typed|put in|put|filled in)\b(?: \w+){0,5} (?:on|into|in|at) (?:the |a |that |this |their |some )?(?:\w+ )?(?:page|site|website|form|link)\b` +
        String.raw`|\b(?:qr code|link|email|text|sms|poster|popup|pop up|site|website|message)\b.*\basked (?:me )?(?:for|to enter|to type|to put in) (?:\w+ ){0,3}(?:signin|password|login|details|credentials|code)\b.*\b(?:put|entered|typed|gave|did)\b|\benabled? (?:the )?macros\b|\bit asked (?:for )?(?:me )?(?:for |to )?${gap(2)}(?:signin|password|login|details|credentials)\b.*\b(?:put|entered|typed|gave)\b`,
    ),
  ),
  p(
    'people entered their details after a lure',
    new RegExp(
      String.raw`\b(?:${lure}|asking (?:us|me|people|everyone|staff|them) to (?:signin|update|verify|confirm|enter|reset)|(?:looking|lookalike|look-alike) (?:page|site|website|signin)|link (?:goes|went|led|leads|takes you) to)\b.*\b(?:i|we|he|she|they|someone|people|staff|colleagues|a few|some|several|both|\w+ and \w+)(?: both| all| have| had| already| then| also){0,2} (?:put|entered|typed|filled in|gave|submitted|input) (?:in )?(?:their|his|her|my|our) (?:\w+ )?(?:details|passwords?|credentials|signins?|bank details|card details|codes?)\b`,
    ),
  ),
  p(
    'installed what a stranger asked for',
    /\b(?:asked|ask|asks|told|tell|got|wanted|want) me to (?:install|download|run|open)\b.*\b(?:i did|did it|i installed|i ran|ive installed|which i did|and i did|i have|i let)\b/,
  ),
  p(
    'a caller connected to the computer',
    /\b(?:let|allowed|gave) (?:them|him|her|someone|the caller|a stranger|the guy) (?:to )?(?:connect|log ?on|get on|get into|access|control|remote)\b(?: \w+){0,3} (?:my )?(?:computer|pc|laptop|screen|machine)?|\b(?:call|called|phoned|rang|caller|pretending|claiming)\b.*\b(?:they|he|she) (?:installed|downloaded|connected|took control|remoted in|logged on)\b/,
  ),
  p(
    'remote control tool for a caller',
    /\b(?:teamviewer|anydesk|quick ?assist|screenconnect|logmein|supremo|ultraviewer|remote (?:access|control|support) (?:app|tool|software))\b.*\b(?:called|call|caller|phoned|rang|support|pretend\w*|claim\w*|asked|ask|told|scam\w*)\b|\b(?:called|call|caller|phoned|rang|pretend\w*|claim\w*)\b.*\b(?:teamviewer|anydesk|quick ?assist|screenconnect|logmein|supremo|ultraviewer)\b/,
  ),
  p(
    'someone else using the account',
    /\b(?:someone|somebody|a stranger|an attacker)(?: \w+){0,3} (?:using|used|opened|read|reading|went into|went through|looked at|accessed|accessing|signin|logged into|logging into|signed into|got into|getting into|in|inside|reading|sending from) my (?:account|mailbox|email|login|credentials|onedrive|teams|computer|laptop)\b/,
  ),
  p('MFA fatigue', /\bmfa (?:fatigue|bombing|spam)\b/),
  p(
    'a secret published',
    /\b(?:pushed|committed|posted|pasted|published|uploaded|leaked|exposed|checked in)\b(?: \w+){0,5} (?:access keys?|api keys?|secret keys?|secrets|tokens?|private keys?|ssh keys?|credentials|passwords?|connection strings?)\b(?: \w+){0,6} (?:public|github|gitlab|bitbucket|pastebin|repo|repository|stack overflow|internet|forum)\b/,
  ),
  p(
    'someone else has the login',
    /\b(?:got hold of|stole|stolen|obtained|guessed|found out)\b(?: \w+){0,3} (?:signin|signins|password|passwords|credentials|account details)\b.*\b(?:changing|changed|accessing|accessed|sending|sent|deleting|deleted|reading|signin|using (?:it|them)|editing|edited)\b/,
  ),
  p(
    "other people's data exposed",
    /\bother (?:peoples?|childrens?|children|pupils?|patients?|customers?|students?|staffs?|users?|clients?|parents?|families|employees?|tenants?|residents?)\b(?: \w+){0,6} (?:are |is |were |was )?(?:showing|visible|shown|exposed|appearing|available|accessible|displayed)\b|\bcan see (?:other|everyone(?:s| elses)|all the) (?:\w+ )?(?:peoples?|patients?|customers?|students?|pupils?|staff|users?|clients?|employees?|tenants?|residents?)(?:s)? (?:\w+ )?(?:data|details|records|notes|addresses|files|results|grades|salaries|payslips|medical)\b/,
  ),
  p(
    'remote access given',
    /\b(?:gave|give|let|allowed|granted) (?:them |him |her |someone |the caller )?(?:remote )?(?:access|control)\b.*\b(?:remote|screen|computer|laptop|pc)|\b(?:installed|downloaded|let them install) (?:\w+ ){0,3}(?:anydesk|teamviewer|remote (?:access|support|desktop) (?:app|tool|software))|\bremote access\b.*\b(?:caller|called|phoned|rang|pretending|claiming|support scam)\b/,
  ),
  p(
    'sign-in not started by the user',
    /\b(?:didnt|did not|wasnt|was not|never|not) (?:me|request|requested|start|started|initiate|initiated|trigger|triggered|make|made|try|tried|attempt|attempted|do)\b.*\b(?:prompts?|requests?|codes?|signin|signins|login|approve|approval|notification|mfa|text|sms)\b|\b(?:prompts?|requests?|codes?|notifications?|approvals?|texts?|sms)\b.*\b(?:didnt|did not|never|wasnt|was not) (?:request|start|initiate|trigger|make|try|attempt|do|me)\b|\b(?:approved?|accepted|pressed approve|tapped approve|hit approve)\b.*\b(?:by (?:accident|mistake)|accidentally)\b|\baccidentally (?:approved?|accepted|tapped approve|pressed approve)\b/,
  ),
  p(
    'sign-in from somewhere unknown',
    /\b(?:signin|signins|signed in|signed into|logged in|logged into|logins?|access(?:ed)?|activity|someone (?:\w+ ){0,2}in(?:to)? my (?:account|mailbox|email))\b.*\bfrom (?:another|a different|an unknown|unknown|a foreign|a strange|an unusual|overseas|abroad|russia|china|nigeria|brazil|north korea|iran)\b|\b(?:unusual|suspicious|unrecogni[sz]ed|strange) (?:signin|signins|login|logins|sign[\s-]in activity|activity|location)\b|\bimpossible travel\b|\bfrom (?:a |an )?(?:device|computer|phone|browser|location|ip|place|country) (?:i|we) (?:dont|do not|didnt|did not|have never) (?:own|recogni[sz]e|know|use|been)|\b(?:unrecogni[sz]ed|unknown) (?:device|ip|location|browser)\b|\b(?:signin|signins|login|logins|logged in|signed in|access)\b (?:\w+ ){0,3}from\b.*\b(?:im in|i am in|i was in|im based in|i live in|wasnt me|not me|never been|ive never|i was asleep|i was in bed|i was sleeping|i was at home|i was on (?:holiday|leave))\b|\bsecurity alert\b.*\b(?:signin|login|logged|signed)\b|\b(?:signin|login|logged|signed)\b.*\bsecurity alert\b/,
  ),
  p(
    "mail sent in the user's name",
    /\b(?:emails?|messages?|mails?)\b.*\b(?:i|we) (?:didnt|did not|never) (?:send|sent|write|wrote)\b|\b(?:sending|sent|sends) (?:out )?(?:spam|phishing|junk)\b|\bspamming\b|\b(?:account|email|mailbox|address|name|teams|login)\b (?:\w+ ){0,2}(?:was|is|has been|have been|being|got) used to (?:send|email|message|log|sign|access|pay)\b|\b(?:forwarding|forward|inbox|mailbox|outlook) rules?\b.*\b(?:forward\w*|redirect\w*|delet\w*|mov\w*)\b.*\b(?:never|didnt|did not|not me|dont recogni[sz]e|unknown|gmail|hotmail|external|outside|some (?:\w+ )?address)\b|\brules? (?:\w+ ){0,2}(?:forwarding|redirecting)\b.*\b(?:never|didnt|did not|not me|dont recogni[sz]e|unknown|gmail|hotmail|external|outside|some (?:\w+ )?address)\b/,
  ),
  p(
    'data sent to the wrong place',
    /\bsent\b.*\b(?:to (?:the |a )?wrong|wrong (?:person|people|recipient|recipients|customer|client|supplier|address|email|contact|company))\b|\b(?:wrong|incorrect|unintended) recipients?\b|\b(?:sent|emailed|forwarded|shared|uploaded|attached)\b.*\b(?:by mistake|accidentally|in error)\b.*\b(?:external|outside|customer|client|supplier|public|personal|salar\w*|bank details|passport|patient|payroll|confidential|personal data)\b|\b(?:accidentally|by mistake|in error) (?:sent|emailed|forwarded|shared|uploaded|replied all|cc(?:d|ed))\b.*\b(?:external|outside|customer|client|supplier|public|personal|salar\w*|bank|passport|patient|payroll|confidential|everyone|all staff|contract)\b/,
  ),
  p(
    'addresses exposed',
    /\bcc(?:d|ed)?\b.*\binstead of bcc\b|\b(?:should have|forgot to) (?:\w+ ){0,2}bcc|\b(?:addresses|details|data|names|records|numbers) (?:were |was |got |are )?exposed\b|\bexposed (?:\w+ ){0,3}(?:addresses|details|data|names|records)\b/,
  ),
  p(
    'data visible to the wrong people',
    /\b(?:uploaded|shared|posted|published|sent|attached|put)\b.*\b(?:visible|accessible|available|viewable|exposed|open) to (?:other|others|everyone|anyone|the public|all|external|outside|customers|clients|bidders|suppliers|the internet|the whole)\b|\b(?:visible|accessible|viewable|exposed) to (?:other|others|everyone|anyone|the public|external|outside|customers|clients|bidders|suppliers|the internet)\b.*\b(?:by mistake|accidentally|instead of|wrong|shouldnt|should not)\b/,
  ),
  p(
    'confidential data shown on a shared screen',
    /\bshar(?:ed|ing) (?:my |the )?screen\b.*\b(?:external|customers?|clients?|public|webinar|suppliers?|candidates?|\d+ people)\b.*\b(?:customer|personal|confidential|salar\w*|patient|database|passwords?|bank|payroll|hr)\b/,
  ),
  p(
    'confidential data published',
    /\b(?:published|posted|uploaded|put up|put online|tweeted)\b.*\b(?:salar\w*|personal|customer|customers|patient|confidential|staff|employee|client|passwords?|bank|payroll|medical)\b.*\b(?:website|online|public\w*|internet|social media|twitter|linkedin|facebook|instagram|web ?site|forum)\b/,
  ),
  p(
    'data sent in place of something else',
    /\b(?:sent|emailed|forwarded|shared|uploaded|attached)\b.*\b(?:bank details|customers?|clients?|personal|salar\w*|patients?|confidential|passports?|payroll|employee|staff|medical|card)\b.*\binstead of\b|\b(?:sent|emailed|forwarded|shared)\b.*\bto (?:a |an |the |our |another )?(?:supplier|customer|client|external|recruiter|agency|partner|different|other)\b.*\b(?:instead of|by mistake|accidentally|in error)\b/,
  ),
  p(
    'data sent to many instead of one',
    /\b(?:sent|emailed|forwarded|shared|mailed|posted)\b.*\bto (?:all|every|everyone|everybody|the whole|the entire) (?:\w+ ){0,8}instead of (?:just |only )?(?:one|a single|the one|him|her|them|that|me)\b/,
  ),
  p(
    'signed in on a public computer and left it',
    /\b(?:signin|signed in|logged in)\b(?: \w+){0,6} (?:public|shared|hotel|library|internet cafe|business cent(?:re|er)|someone elses|a friends|borrowed|kiosk)\b.*\b(?:forgot|didnt|did not|never) (?:to )?(?:log ?out|sign ?out|logout|signout)\b/,
  ),
  p(
    'lost storage with data',
    /\b(?:usb|memory stick|flash drive|thumb drive|external (?:hard )?drive|sd card)\b.*\b(?:lost|cant find|cannot find|missing|misplaced|dropped it somewhere)\b|\b(?:lost|cant find|misplaced)\b.*\b(?:usb|memory stick|flash drive|thumb drive|external (?:hard )?drive|sd card)\b/,
  ),
  p(
    'data exposed publicly',
    /\b(?:public(?:ly)?(?: link| share| bucket)?|anyone with the link|open to the internet|shared with everyone|indexed by google)\b.*\b(?:personal|customer|patient|client|salar\w*|confidential|names|passport|bank|medical|employee|staff data|records|data)\b|\b(?:personal|customer|patient|client|confidential|employee) (?:data|records|details|information|names)\b.*\b(?:public(?:ly)?|exposed|anyone with the link|online|posted)\b/,
  ),
  p(
    'confidential data put into an outside service',
    /\b(?:uploaded|pasted|put|copied|sent|forwarded|shared)\b.*\b(?:confidential|customer|customers|client|clients|personal|board pack|patient|patients|salar\w*|contracts?|source code|passwords|employee|staff|payroll|hr|medical|bank)\b.*\b(?:chatgpt|gpt|gemini|claude|ai tool|ai chatbot|public ai|pastebin|personal (?:email|gmail|dropbox|drive|account)|gmail|wetransfer)\b|\b(?:chatgpt|gemini|ai tool|public ai|pastebin|personal (?:email|gmail|dropbox))\b.*\b(?:uploaded|pasted|put|copied|sent)\b.*\b(?:confidential|customer data|client data|personal data|board pack|patient|salar\w*|contracts?|source code|passwords)\b/,
  ),
  p(
    'lost or stolen device',
    new RegExp(
      String.raw`\b(?:stolen|stole|steal|nicked|robbed|burgl\w*|snatched|break[\s-]?in|broke into)\b` +
        String.raw`|\b(?:lost|misplaced|cant find) (?:my |our |a |the |his |her |their )?(?:(?!access|connection|signal|power|data|files|contacts|charger|the|password)[a-z]+ ){0,4}${device}\b` +
        String.raw`|\b${device}s? (?:was |were |is |are |has been |have been |got )?(?:lost|missing|taken|gone missing)\b` +
        String.raw`|\bleft (?:my |our |a |the )?(?:work |company |office )?${device} (?:on (?:the |a )?(?:train|bus|tube|plane|flight|subway|metro|tram)|in (?:a |an |the )?(?:taxi|cab|uber|lyft|car park|restaurant|bar|pub|hotel lobby)|at (?:the )?(?:airport|station|bar|pub|restaurant|cafe|conference|gym))` +
        String.raw`|\b(?:someone|somebody|thieves|a man|a guy|a woman|a stranger|a visitor) (?:\w+ ){0,4}(?:took|taken|walked off with|grabbed|swiped|snatched)\b(?: \w+){0,4} ${device}\b`,
    ),
  ),
  p(
    'unknown USB device plugged in',
    /\b(?:usb|memory stick|thumb drive|flash drive)\b.*\b(?:found|unknown|random|car ?park|street|not ours|free|giveaway|goodie|trade show|conference|swag|in the post|unexpected|promotional)\b|\bfound (?:a |an )?(?:usb|memory stick|thumb drive|flash drive)/,
  ),
  p(
    'someone else controlling the computer',
    /\b(?:mouse|cursor|pointer|keyboard|windows|programs|apps|tabs|text)\b.*\b(?:by (?:it|them)sel(?:f|ves)|on (?:its|their) own)\b.*\b(?:mov\w*|typ\w*|open\w*|click\w*)|\b(?:mov\w*|typ\w*|open\w*|click\w*) (?:\w+ ){0,2}(?:by (?:it|them)sel(?:f|ves)|on (?:its|their) own)\b(?=.*\b(?:mouse|cursor|pointer|windows|programs|tabs|typing)\b)/,
  ),
  p(
    'scareware or extortion on screen',
    /\b(?:locked by (?:the )?(?:fbi|police)|call (?:microsoft|apple|windows) support|your (?:computer|pc|files) (?:is|are|has been|have been) (?:infected|locked|encrypted)|pay to unlock)\b/,
  ),
  p(
    'acted on an impersonation',
    /\b(?:sent|paid|gave|replied|transferred|bought|shared|forwarded|emailed)\b.*\b(?:turns? out|turned out|realised|realized|found out)\b.*\b(?:wasnt|was not|werent|were not|not) (?:really |actually )?(?:him|her|them|the \w+|from|real|genuine|legit\w*)\b/,
  ),
  p(
    'paid to a changed or unknown account',
    /\b(?:paid|transferred|wired|sent (?:the )?(?:money|payment|funds))\b.*\b(?:different|changed|new|unknown|wrong|fake|spoofed|lookalike|look-alike|slightly different) (?:\w+ )?(?:email|address|bank|account|domain|details|sender)\b|\b(?:different|changed|new|unknown|fake|spoofed|lookalike|slightly different) (?:\w+ )?(?:email|address|bank|account|domain|details|sender)\b.*\b(?:paid|transferred|wired|went to)\b/,
  ),
  p(
    'paid what an executive asked for by email',
    /\b(?:email|mail|message|text|whatsapp|teams message|call)\b.*\b(?:ceo|boss|director|cfo|md|managing director|finance director|president|owner|chairman)\b.*\b(?:ask\w*|request\w*|wanted|told)\b.*\b(?:payment|transfer|gift ?cards?|wire|money|invoice|funds)\b.*\b(?:sent|paid|transferred|bought|wired|purchased|made the payment)\b/,
  ),
  p(
    'paid or acted on a scam',
    /\b(?:paid|transferred|bought|purchased|wired|sent the money|changed (?:the |their )?bank details)\b.*\b(?:scam\w*|fake|fraud\w*|impersonat\w*|spoof\w*|gift ?cards?|new bank details|not (?:really|actually) (?:from|the))\b|\b(?:gift ?cards?)\b.*\b(?:bought|purchased|sent (?:the )?codes)\b/,
  ),
  p(
    'intruder',
    /(?=.*\b(?:not been told|hadnt been told|werent told|wasnt told|no one told|nobody told|not expected|wasnt expected|werent expecting|no appointment|nobody booked|no one booked|without checking|didnt check|no id|not sure if|suspicious|odd|strange|dodgy)\b)\b(?:man|woman|guy|someone|somebody|person|visitor|engineer|contractor|bloke|lady)\b(?: \w+){0,6} (?:saying|said|claiming|claimed|told us) (?:he|she|they) (?:was|were) from\b.*\b(?:let (?:him|her|them) (?:in|into|through|go)|went (?:in|into|through)|was in there|were in there|got in|into the (?:back|server|comms|store) ?room)\b|\b(?:unknown|strange|unauthori[sz]ed|unescorted) (?:person|man|woman|guy|people|visitor|visitors)\b.*\b(?:server room|comms room|data cent(?:er|re)|network cupboard|office)\b/,
  ),
  p(
    'access kept after leaving',
    /\b(?:ex[\s-]?employee|former employee|terminated|dismissed|fired|sacked)\b.*\b(?:still (?:has|have|can)|access|threaten\w*|delet\w*)\b|\b(?:ex[\s-]?|former |previous |old )(?:contractor|consultant|colleague|staff member|member of staff|intern|temp|freelancer|developer|manager|partner|director|agency worker)s?\b.*\b(?:pushed|logged in|signed in|signin|accessed|downloaded|deleted|changed)\b|\bstill (?:has|have|had|got) (?:\w+ ){0,2}access\b.*\b(?:left|leaver|ex[\s-]|former)\b.*\b(?:pushed|logged in|signed in|signin|accessed|downloaded|deleted|changed|used)\b/,
  ),
];

// Danger to people: fire and smoke for everyone around, a battery that may catch fire for its owner.
const hazardPatterns: Pattern[] = [
  p(
    'fire or smoke',
    /\b(?:smoke|smoking|sparks?|sparking|on fire|flames?|burning smell|smells? (?:of )?burning|electric shock|shocked me)\b/,
  ),
  p(
    'damaged battery',
    /\b(?:swollen|swelling|bulging|bloated|puffed up|expanding) (?:\w+ ){0,2}(?:battery|batteries|case|laptop|phone)?|\bbattery (?:\w+ ){0,3}(?:swollen|swelling|bulging|bloated|puffed|expanding|leaking)\b|\bsmells? (?:hot|like burning)\b/,
  ),
];

// Security words that, on their own, may be a question ("is this a virus?") rather than a report.
const suspicionPatterns: Pattern[] = [
  p(
    'phishing reported',
    /\bphish\w*|\bscam\w*|\bspoof\w*|\b(?:suspicious|weird|strange|dodgy|fake|odd) (?:email|mail|message|text|sms|call|link|attachment|invoice)\b|\b(?:email|mail|message|text|sms|call)\b (?:\w+ ){0,6}(?:parcel|delivery|gift ?cards?|prize|verify (?:my|your) account|mailbox (?:is )?full|password (?:expir\w*|reset))\b/,
  ),
];

const manyPatterns: Pattern[] = [
  p(
    'everyone',
    /\b(?:everyone|everybody|every one|we all|(?:agents|staff|users|people|employees|colleagues|nurses|teachers|students|pupils|drivers|reps|engineers|operators|cashiers|members|devices|pcs|laptops|computers|phones|printers|tills|screens|doors|readers|scanners) (?:\w+ )?all\b|(?:tills|terminals|handhelds|scanners|kiosks|cameras|gates|screens|computers|pcs|laptops|phones|printers|tablets|radios|checkouts|registers|card machines|card readers|pin pads|workstations|machines|devices|displays)(?: \w+){0,4} (?:have|are|were|had|went|seem|seem to have) all\b|(?:we|they) (?:both|all) (?:have|cant|get|see)|(?:nobody|no one|noone|none of (?:us|the|our|them))(?= (?:[a-z0-9]+ ){0,6}(?:can|could|is able|are able|has|have|gets?|getting|is getting|receiv\w*|works?|is working|access\w*|signin|print\w*|connect\w*|see|hear|open|send|sends|use|in|on|at|of|from))|for anyone|for any of (?:the|us|our|them)|(?:to|for|in|at|from) any (?:store|shop|branch|site|ward|office|school|depot|hotel|location)\b|anyone (?:else )?(?:in|on|at) (?:the|our)|(?:every|each) (?:till|register|pc|computer|laptop|machine|device|desk|printer|screen|phone|door|classroom|room|site|store|branch|user|one of (?:us|them)|single (?:person|user|pc|computer|machine))|all (?:of us|of them|staff|users|employees|agents|remote|computers|pcs|laptops|phones|printers|doors|devices|screens|machines|desks|tills|registers|scanners|sites|offices|branches|stores|shops|rooms|meeting rooms|classrooms|students|teachers|trainees|new starters|clients|customers|colleagues)|all (?:of )?(?:the|our) (?:\w+ )?(?:people|staff|users|employees|agents|computers|pcs|laptops|phones|printers|doors|devices|screens|machines|desks|tills|registers|scanners|sites|offices|branches|stores|shops|rooms|meeting rooms|classrooms|students|pupils|teachers|trainees|new starters|clients|customers|colleagues|team|teams|department|office|floor|class|members|nurses|drivers|engineers))\b/,
  ),
  p(
    'a whole group or place',
    /\b(?:the whole of|all of) (?:the |our )?(?:accounts|finance|sales|hr|marketing|legal|support|it|ops|operations|engineering|dispatch|reception|payroll|warehouse|ward|school|office|floor|team|department|site|building|branch|company)\b|\b(?:whole|entire|full) (?:[a-z0-9]+ )?(?:office|company|building|floor|site|organi[sz]ation|org|school|campus|warehouse|department|dept|team|branch|plant|factory|store|shop|clinic|call cent(?:er|re)|sales team|support team|class|group|region|country|network|company's|depot|yard|hotel|restaurant|ward|unit|line|fleet|hospital|practice|surgery|library|registry|faculty|trust|estate|lab|chain)|\bthe whole of (?!(?:my|his|her|their|your|this|that|it)\b)(?!(?:the |my |this |that |our )?(?:day|today|morning|afternoon|evening|week|weekend|month|year|night|time|document|file|report|thing|page|email|message|list|sheet|spreadsheet|folder|text|screen)\b)(?:the |our )?[a-z0-9]+|\b(?:company|org|organi[sz]ation|site|office|building|campus|department|team)[\s-]?wide\b|\bacross (?:the |all )?(?:company|office|site|building|floor|campus|org|teams|offices|sites)\b/,
  ),
  p(
    'a number of people',
    /\b\d+[\s-]?(?:person|people|seat|user|staff)\b|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|dozens?|several|multiple|many|lots of|loads of|a few|a bunch of|half (?:the|of the|of us)|most (?:of|people)) (?:of us|of them|people|persons|users|staff|agents|colleagues|employees|trainees|students|pupils|graduates|new starters|starters|nurses|doctors|engineers|drivers|teachers|members|remote staff|devs|developers|workers|pcs|laptops|computers|machines|devices|desks|rooms|sites|offices|teams|people in|stores|shops|branches|vans|trucks|lorries|vehicles|operators|pickers|cashiers|wards|classrooms)\b|\ball \d+ (?:of (?:the |our )?)?(?:stores|shops|branches|sites|offices|wards|schools|classrooms|rooms|depots|hotels|warehouses|users|staff|people|agents|tills|registers|vans|trucks|lorries|operators|students|pupils|patients|guests|customers)\b|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten) of us\b/,
  ),
  p(
    'two places at once',
    /\b(?:neither|both|either of the|none of the) (?:of (?:the |our )?)?(?:clinics?|sites?|branches|branch|offices?|stores?|shops?|wards?|schools?|depots?|locations?|warehouses?|buildings?|practices?|surgeries|surgery|labs?|hotels?|campuses|campus|floors?|terminals?|gates|plants?|homes|care homes|theatres|studios)\b/,
  ),
  p(
    'a service people depend on held up',
    /\b(?:flights?|departures?|sailings?|vessels?|ships?|deliveries|shipments|loads|trucks|lorries|ambulances|[a-z]{2}\d{3,4}) (?:\w+ ){0,3}(?:delayed|held up|held|grounded|cancelled|canceled|missed) (?:because|due to|as a result|cos|coz|by it|by this)\b|\blocked (?:them|us|everyone|everybody|customers|users|members) (?:all )?out\b|\b(?:loaders|pickers|packers|drivers|agents|cashiers|nurses|carers|operators|clerks|handlers|crews|porters|dispatchers|controllers|tellers|receptionists|technicians|teachers|staff) (?:\w+ ){0,2}(?:cant|cannot|can not|are unable|unable to|have no way)\b/,
  ),
  p(
    'a team or department',
    /\b(?:our|my|the) (?:team|department|dept|office|branch|floor|unit|ward|class|shift|site|store|shop|call cent(?:er|re)|contact cent(?:er|re)|warehouse|depot|clinic|lab|school|classroom|reception|front desk|sales floor|helpdesk|service desk|factory|plant|kitchen staff)(?:s)? (?!manager|managers|lead|leader|head|admin|administrator|coordinator|supervisor|assistant)(?:\w+ ){0,3}(?:cant|cannot|can not|unable|is down|are down|has no|have no|lost|(?<!at )all|are all|is offline|are offline|went offline|has gone|have gone)\b|\b(?:nobody|no one|none of us|everyone|all of us) (?:in|on|at|from) \w+|\b(?:in|for) (?:the )?(?:finance|hr|sales|accounts|legal|marketing|support|payroll|it|ops|operations|warehouse|reception|front desk|call cent(?:er|re)|dispatch|logistics|engineering|customer service) (?:team|department|dept)\b/,
  ),
  p(
    'customers cannot be served',
    /\b(?:customers|clients|patients|students|guests|callers|shoppers) (?:\w+ ){0,3}(?:cant|cannot|can not|unable|are waiting|waiting|queuing|queueing|stuck|turned away)\b|\b(?:cant|cannot|unable to) (?:take|process|accept) (?:any )?(?:payments|orders|calls|bookings|card payments)\b|\bqueues? (?:out(?: of)? the door|outside|(?:is |are )?(?:forming|building|growing))\b|\bqueu\w*(?: [a-z0-9]+){0,5} (?:out(?: of)? the door|in the (?:lobby|foyer|shop|store|corridor|waiting room)|at (?:the )?(?:desk|reception|counter|tills?|gate|gatehouse)|onto the (?:main )?road|outside)\b|\b(?:traffic|queues?|gatehouse|gate|lobby|reception|lorries|trucks|vans|cars|calls|orders|patients|customers) (?:is |are )?backing up\b|\b(?:trucks|lorries|vans|drivers|guests|customers|patients|students|callers|operators|pickers|staff|workers) (?:\w+ ){0,3}(?:queuing|queueing|waiting around|sat in|sitting in|sat around|sitting around|standing around|stood around|idle|turning up)\b|\b(?:cant|cannot|unable to) (?:check|book|sign|admit|serve) (?:anyone|anybody|any (?:guests|patients|customers|students|visitors)|guests|patients|customers) in\b/,
  ),
];

// "Others are fine", "only me": one person, whatever else the text says about colleagues.
const justMePatterns: Pattern[] = [
  p(
    'only this person',
    /(?<!not |isnt |its not |not only |not just )\b(?:only (?:me|mine|for me|on my|my)|just (?:me|mine|my (?:laptop|pc|machine|account))|(?:others|other people|everyone else|everybody else|colleagues|my colleagues|my team|the rest of (?:the |my )?team|rest of the office|people around me|my neighbou?rs?|coworkers|co-workers)(?: \w+){0,4} (?:are |is |seem |seems |look |looks )?(?:fine|ok|okay|working|unaffected|not affected|have no (?:problem|issue)s?)|no one else|nobody else|(?:others|colleagues|everyone else) (?:can|could)\b)/,
  ),
  p(
    'others ask the writer about it',
    /\b(?:everyone|everybody|people|colleagues) (?:keeps?|kept|have been|are) (?:asking|telling) me (?:(?:why|what|about|if|whether|how) (?:\w+ ){0,3})?my\b/,
  ),
];

// A shared service stated as down, with no "for me": people other than the writer are blocked.
const sharedOutagePatterns: Pattern[] = [
  p(
    'production stopped',
    /(?<!phone |telephone |internet |broadband |fibre |land )\b(?:production|(?:the |our )?(?:packing |production |assembly |picking |bottling |sorting )?line(?: \d+)?|packing|picking|dispatch) (?:has |have |is |are |was |were )?(?:stopped|halted|at a standstill|ground to a halt)\b(?! working| responding| ringing| connecting)/,
  ),
  p(
    'an online service down',
    /(?<!my |our )\b(?:citrix|sharepoint|teams|slack|zoom|outlook|m365|office 365|o365|microsoft 365|salesforce|jira|confluence|okta|workday|servicenow|zendesk|hubspot|google workspace|gmail)\b (?:is |are |seems |seem |appears |looks )?(?:to be )?(?:down|having an outage)\b(?! for me| on my| again for me)/,
  ),
  p(
    'shared service down',
    /\b(?:server|servers|website|web site|site|system|systems|network|internet|email|exchange|erp|crm|sap|database|db|portal|intranet|phone system|phone lines|phones|wifi|file share|shared drive|fileserver|file server|payroll system|till system|pos|ticketing system|booking system|domain|dns|active directory|ad|vpn gateway)\b (?:\w+ ){0,2}(?:is |are |has |have |went |gone |seems |seem |looks |appears )?(?:down|offline|unreachable|not responding)\b(?! for me| on my)|\boutage\b|\b(?:503|502|504)\b|\b(?:main|phone|telephone|incoming|customer) lines?\b(?: \w+){0,3} (?:are |is )?(?:dead|down|not working|silent|no dial tone)|\bswitchboard\b(?: \w+){0,3} (?:is )?(?:dead|down|not working)|\b(?:server room|comms room|data cent(?:er|re)|network cupboard|comms cupboard|server rack)\b.*\b(?:hot|heat|temperature|alarm|aircon|air con|air conditioning|cooling|power|ups|water|leak\w*|flood\w*|beep\w*)\b|\b(?:power cut|power outage|blackout|no power in the (?:building|office))\b/,
  ),
];

const blockedPatterns: Pattern[] = [
  p(
    'cannot work at all',
    new RegExp(
      String.raw`\b${cant} (?:do |get |start )?(?:any |my )?(?:work|job|anything|any work|a thing)\b|\b(?:nothing else to work (?:on|with)|no (?:other )?(?:device|laptop|computer|pc|machine) to (?:work|use)|no (?:device|laptop|computer|pc) (?:today|at all|to work)|(?:is|was) my whole job|all (?:of )?my work is|my (?:whole|entire) (?:job|day|work)|the only (?:thing|system|tool|app|printer|laptop|one) (?:i|we) (?:use|have|can use|need)|i only (?:use|work (?:in|on|with))|(?:completely|totally|fully) (?:blocked|stuck|locked out|down|dead)|dead in the water|stopped me working|nothing (?:else )?to work (?:on|with)|nothing (?:\w+ )?(?:accepts|takes|recogni[sz]es|lets me|will let me|lets me in)|too many (?:wrong |failed |incorrect |bad )?(?:attempts|tries|pin attempts|password attempts)|(?:wont|doesnt|will not|does not|isnt) respond(?:ing)? (?:to anything|at all)|(?:completely|totally|fully) (?:frozen|froze|unresponsive|stuck|dead|broken|locked)|everything (?:\w+ ){0,2}(?:says|shows|gives|is|comes up) (?:\w+ ){0,3}(?:not authori[sz]ed|unauthori[sz]ed|denied|blocked|locked|not allowed|an error)|(?:wont|doesnt|cant|cannot|will not|does not|never) get (?:\w+ )?past (?:the )?|(?:wont|will not|doesnt|does not) let me (?:\w+ )?(?:signin|in|get in|access|use|unlock|work|do anything)|(?:need|use|needed|rely on) (?:it|this|that|the vpn|vpn) for (?:everything|all (?:of )?my work|my (?:whole|entire) job|my job|work)\b|(?:cant|cannot|can not|unable to) use (?:it|the (?:laptop|computer|pc|mac|macbook)|my (?:laptop|computer|pc|mac|macbook)|this (?:laptop|computer|pc|mac|macbook))(?: at all)?(?:[.!,]|$)|(?:laptop|macbook|mac|computer|pc|my|the) screen (?:is |stays |went |goes |just |has gone |turned )?(?:completely |totally |all |just )?(?:black|blank|dark)(?! (?:on|in|for) (?:the |my )?(?:second|external|other))|(?:is|are|makes up) (?:most|all|half|the main part|the bulk) of my (?:day|job|work|role)|(?:thats|that is|its|it is|which is) (?:all|everything) (?:i|we) (?:use|need|do|work (?:on|in|with))|(?:am|im) (?:completely )?(?:stuck|blocked)|everything i (?:need|use|do|work on) is (?:on|in|inside|behind|through|via)|there(?:s| is) no (?:laptop|computer|pc|device|account|login|desk|machine)|(?:has|have) no (?:laptop|computer|pc|device|account|login)s?|(?:no|without a) (?:laptop|computer|pc|device|login|account)s?(?: and| or| nor)? (?:no |a )?(?:laptop|computer|pc|device|login|account)s?|all (?:of )?my (?:\w+ )?(?:work|tools|systems|apps|files|stuff|data) (?:is|are) (?:on|in|behind|inside|through)|(?:staff|people|everyone|customers|we|they|patients|students|drivers|trucks) (?:are |were )?(?:\w+ )?(?:queu\w*|waiting|stuck|standing|sitting) (?:outside|around|idle|at the)|sitting (?:here|around|idle) (?:with|doing)|(?:sent|send) (?:\w+ )?home)\b`,
    ),
  ),
  p(
    'cannot sign in',
    new RegExp(
      String.raw`\b${cant} (?:\w+ ){0,2}(?:signin|sign into|log into|logon|get in|get into|get past|access|open|unlock|use) (?:\w+ ){0,2}(?:anything|at all|any|my (?:laptop|computer|pc|mac|macbook|account|email|mailbox|desktop|files|windows)|windows|the laptop|the computer|email)\b` +
        String.raw`|\b${cant} (?:\w+ ){0,1}(?:signin|get in|logging in|signing in|logging on|signing on)\b` +
        String.raw`|\b${cant} (?:\w+ ){0,1}(?:see|do|open|access|use|reach|read|type) (?:anything|everything|a thing|any of my)\b` +
        String.raw`|\b${cant} (?:even )?(?:type|enter) (?:in )?(?:my |the |a )?(?:password|pin|passcode|anything)\b` +
        String.raw`|\b(?:${cant}|wont|doesnt|does not|will not) (?!find|search|locate|remember)(?:\w+ ){1,3}(?:anything|any (?:\w+ )?(?:emails?|mail|files?|apps?|work|calls?|messages?|documents?))\b` +
        String.raw`|\b(?:signin|password|pin|account|username|credentials|login details)\b(?: \w+){0,6} (?:doesnt|does not|dont|wont|will not|isnt|no longer) (?:work|accept\w*)\b|\bwont (?:accept|take|recogni[sz]e) (?:my |the )?(?:new |old )?(?:password|pin|passcode|signin|fingerprint|face)` +
        String.raw`|\bget into (?:the |our |my )?(?:building|office|site|room|premises|car park)\b.*\b(?:cant|cannot|unable|wont|doesnt|not working)|\b(?:cant|cannot|unable to|couldnt) get into (?:the |our |my )?(?:building|office|site|room|premises)\b` +
        String.raw`|\b(?:nobody|no one|none of (?:us|them|the \w+)|none of our \w+)(?: \w+){0,6} (?:can|could|is able to|are able to|has|have) (?:\w+ ){0,2}(?:signin|get in|access|print|connect|work|send|receive|open|use|see|reach|load|call|take|make|log|sign)` +
        String.raw`|\blocked out\b|(?<!(?:their|his|her|leavers|the leavers|old) )\baccount (?:\w+ ){0,2}(?:is |has been |was |got |been )?(?:locked|disabled|deactivated|suspended|expired|blocked)\b|\b(?:account|user) (?:doesnt|does not|dont) exist\b|\b(?:says|shows|showing|saying|error) (?:\w+ ){0,2}(?:user|account|signin) (?:is |has been )?(?:disabled|deactivated|suspended|blocked)\b|\b(?:forgot|forgotten|dont remember|cant remember) (?:my |the )?(?:\w+ )?(?:password|passcode|pin)\b|\bpassword (?:has )?expired\b|\b(?:signin|password) (?:\w+ ){0,3}(?:doesnt|does not|dont|wont|will not|isnt) (?:work|accept\w*)\b|\b(?:code|sms|text|prompt|notification)s? (?:\w+ ){0,2}(?:never|doesnt|does not|dont|isnt|wont) (?:arrive|come|show|appear)\w*\b.*\b${cant}\b`,
    ),
  ),
  p(
    'device will not start',
    /\b(?:wont|will not|doesnt|does not|didnt|did not|cant|wouldnt|isnt|not) (?:turn(?:ing)? on|power(?:ing)? on|power up|switch(?:ing)? on|boot(?:ing)?(?: up)?|start(?:ing)?(?: up)?|come on|wake(?: up)?|charge at all)\b|\bno bootable\b|\b(?:just|only) (?:a |the )?(?:flashing|blinking) (?:\w+ )?(?:light|led)s?\b|\bbitlocker\b|\bfilevault\b|\brecovery key\b|\b(?:no|missing) operating system\b|\boperating system (?:not found|missing)\b|\b(?:hard (?:drive|disk)|disk|ssd|smart) (?:failure|failed|error)\b|\bboot device (?:not found|missing)\b|\b(?:wont|cant|doesnt|will not|does not) (?:load|start|boot) (?:into )?windows\b|\bwindows (?:wont|will not|doesnt|does not) (?:load|start|boot)\b|\b(?:automatic|startup) repair\b|\b(?:laptop|computer|pc|macbook|mac|screen|machine|it)(?: \w+){0,6} (?:died|has died|just died|is useless|is unusable|its unusable|completely useless|totally useless|completely unusable|totally unusable)\b|\b(?:boot|restart|reboot|update|startup) ?loop\b|\b(?:stuck|frozen|hangs?|hanging) (?:on|at|in) (?:the |a )?(?:\w+ )?(?:logo|boot|bios|restarting|preparing|welcome screen|working on updates|undoing|black screen|blue screen|login screen|signin screen|lock screen|restart loop)\b|\b(?:cant|cannot|unable to|couldnt|wont let me) (?:get|boot|log|sign)\w* (?:past|to|into) (?:the )?(?:desktop|login|signin|lock screen|windows)\b|\b(?:laptop|computer|pc|mac|macbook|screen|phone|device) (?:\w+ ){0,2}(?:is |was |went |seems |just )?(?:dead|completely dead|bricked|smashed|shattered)\b|\bblack screen\b(?! on (?:the )?(?:second|external|other))|\bblue screen (?:every|on every|each|at|when (?:it )?start)|\b(?:no|without) (?:power|display|picture|image) at all\b/,
  ),
  p(
    'nothing works',
    /\b(?:nothing (?:works|is working|loads|opens|at all)|not working at all|doesnt work at all|wont (?:work|open|load|start|connect|sync|send|print) at all|no (?:internet|network|connection|wifi|signal|service|email|access) at all|(?:at all|anything)\b.*\b(?:cant|cannot|wont|unable))\b|\b(?:every|each|any) (?:file|app|application|program|site|page|document|email|system) (?:\w+ ){0,5}(?:access denied|fails|errors?|crash\w*|wont|doesnt|says)\b/,
  ),
  p(
    'no connection on the only device',
    /\b(?:no|cant get|lost all) (?:internet|network|connection|connectivity)\b.*\b(?:cable|ethernet|wired|either|neither|at all)\b|\b(?:wifi|wired|cable|ethernet) (?:\w+ ){0,2}(?:or|nor|and) (?:\w+ ){0,2}(?:wifi|wired|cable|ethernet)\b.*\b(?:cant|cannot|not|no|neither|nor)\b/,
  ),
  p(
    'disk full',
    /\b(?:disk|drive|storage|c drive|cdrive|hard drive) (?:is )?(?:completely )?full\b.*\b(?:cant|cannot|unable|wont)\b/,
  ),
];

const deadlineTime = new RegExp(
  [
    String.raw`\btoday\b`,
    String.raw`\btonights?\b|\btodays\b`,
    String.raw`\bthis (?:week|weekend)\b(?=.*\bon[\s-]?call\b)|\bon[\s-]?call\b(?=.*\bthis (?:week|weekend)\b)`,
    String.raw`\bthis (?:morning|afternoon|evening)\b`,
    String.raw`\b(?:by|before|at|until|for|from|due|starts? at|begins? at) (?:\d{1,2}(?:[:.]\d\d)?\s?(?:am|pm|h|oclock)?|noon|midday|lunch(?:time)?|eod|cob|end of (?:the )?day|close of business|midnight)\b`,
    String.raw`\b\d{1,2}(?:[:.]\d\d)?\s?(?:am|pm)\b`,
    String.raw`\b\d{1,2} ?o ?clock\b|\b(?:half|quarter) (?:past |to )?(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b`,
    String.raw`\bin (?:an?|one|two|three|four|half an|\d+|ten|twenty|thirty|fifteen|forty|few|a few|a couple of) (?:hours?|hrs?|minutes?|mins?)\b`,
    String.raw`\b(?:starts|starting|begins|beginning|is|kicks off) in \d+\b`,
    String.raw`\b(?:eod|asap today|right now|any minute|imminently)\b`,
  ].join('|'),
);
const deadlineEvent =
  /\b(?:on[\s-]?call|rota|fly|flying|travelling|traveling|trip|contract|contracts|proposal|quote|offer|order|orders|shipment|shipments|delivery|deliveries|courier|document|documents|due|deadline|deadlines|submit\w*|submission|cut[\s-]?off|cutoff|present\w*|presentation|slides|demo|interview|board|signing|filing|pitch|webinar|exam|exams|payroll|payments?|payslips|go[\s-]?live|launch|release|flight|training|class|lesson|course|meeting|call|mediation|tribunal|trial|inquest|clinic|surgery|ward round|handover|inspection|ofsted|assembly|parents evening|open day|enrolment|registration|lecture|seminar|viva|town ?hall|all[\s-]hands|conference|event|client|customer|court|tender|bid|audit|regulator|hearing|appointment|shift|broadcast|live stream|livestream|recording|report|returns?|invoices?|month[\s-]end|year[\s-]end|quarter[\s-]end|close|ceremony|visit|sail\w*|departs?|departure|edition|print run|demo\w*|investors?|patients|deliver\w*)\b/;
// "Started today", "since this morning", "expired today": when it broke, not when it is needed.
const sinceToday =
  /\b(?:didnt|did not|wasnt|werent|failed|stopped|crashed|broke|went down|died)\b(?: \w+){0,4} (?:today|this morning|this afternoon)\b|\b(?:since|from|as of|started|starting|began|expired|joined|arrived|back|came back|returned|first day|updated|changed|happened|installed|this morning (?:it|the|my))\b ?(?:\w+ )?(?:today|this morning|this afternoon)\b/;

const deadlinePatterns: Pattern[] = [
  p(
    'a deadline today',
    /\b(?:due|deadline|cut[\s-]?off|(?:must|have to|has to|need to|needs to|got to|gotta) (?:\w+ ){0,8}(?:by|before|until)|must (?:be )?(?:submit\w*|sent|done|filed|finished|out)|has to (?:be )?(?:submit\w*|sent|done|filed|go out|run)|have to (?:submit|send|file|finish|present|print|upload|go out)|need(?:s|ed)? to (?:submit|send|file|finish|present|print|upload|sign|deliver) (?:\w+ ){0,4}(?:today|tonight|by|before|in))\b.*\b(?:today|tonights?|\d{1,2} ?(?:am|pm)|noon|midday|midnight|eod|end of (?:the )?day|in (?:an?|\d+|one|two|half an) (?:hours?|minutes?|mins?))\b|\b(?:today|tonights?)\b.*\b(?:due|deadline|cut[\s-]?off)\b|\b(?:must|have to|has to|need to|needs to|got to|gotta) (?:\w+ ){0,8}by \d{1,2}(?:[:.]\d\d)?(?: ?(?:am|pm))?(?! (?:days?|weeks?|months?|years?|minutes?|hours?|people|users|percent|gb|mb))\b/,
  ),
  p(
    'an event within hours',
    /\b(?:in|within) (?:an?|one|two|half an|\d+|ten|twenty|thirty|fifteen|a few|a couple of) (?:hours?|hrs?|minutes?|mins?)\b|\b(?:starts|starting|begins|beginning) in\b|\b(?:any minute|right now)\b.*\b(?:meeting|call|present\w*|interview|demo|class|lesson)\b|\b(?:they|we|staff|shift|cleaners|housekeeping|pupils|students|patients|guests|visitors|clinic|school|lessons?|classes|doors|the (?:shop|store|site)|(?:coach |tour )?party|delivery|lorry|truck) (?:start|starts|arrive|arrives|arriving|open|opens|begin|begins|is due|are due) (?:at|by) \d{1,2}\b/,
  ),
];

const degradedPatterns: Pattern[] = [
  p(
    'slow or intermittent',
    /\b(?:slow|slower|slowly|slowness|sluggish|laggy|lags?|lagging|takes? (?:ages|forever|long|a long time|minutes)|intermittent\w*|sometimes|occasionally|now and (?:then|again)|on and off|off and on|every (?:now|so often|few|hour|day|other|couple|\d+|morning|time i (?:dock|undock|wake|restart))|(?:once|twice|a few times|several times|couple of times|couple times) (?:a|an|per|every) (?:day|week|hour)|randomly|random (?:times|freezes|disconnects|drops)|from time to time|(?:drops?|dropping|disconnect\w*|reconnect\w*) (?:out )?(?:every|for a|then)|crackl\w*|flicker\w*|robotic|choppy|stutter\w*|delayed|delay|echo\w*|blurry|fuzzy|faint|streaks?|smudg\w*|sticky|grainy|pixelated|jumpy|jumps|dropping out|cuts? out|buffering|hot and loud|fan is loud|overheat\w*|drains? (?:fast|quickly)|only lasts|lasts only|double[\s-]?click\w*|ghost\w*|drifts?|(?<!(?:at|tried|tried \w+|restarted|rebooted|attempted|did that|done that|checked) )(?:once|twice|a couple of times|a few times)(?! (?:i|we|you|it|they|the|my|this|that|its)\b)|(?:some|a few|a couple of|certain|one or two|a handful of) (?:of (?:the |my |our )?)?(?:\w+ )?(?:files|emails|mails|invites|meetings|pages|sites|websites|messages|keys|apps|documents|calls|people|contacts|attachments|folders|pages|channels|photos|users|times)|(?:most|half) (?:of )?(?:the )?time|partially|partly|but not (?:on|in|from|with|for) |for a (?:few |couple of )?(?:seconds?|secs?|moments?|minutes?)|takes? (?:about |around |over |nearly |almost )?\d+ (?:minutes?|mins?|seconds?|secs?)|dies after|lasts (?:about |around |only |just |maybe )?\d|only (?:works|working|prints|loads|shows|connects|charges|syncs) (?:in|on|with|when|if|for|from|via|one|half|some)\b|(?:the )?rest (?:of (?:it|them|the \w+) )?(?:\w+ )?(?:syncs?|works?|is fine|are fine|loads?|opens?|prints?|is ok|are ok)|(?:one|a single) (?:particular |specific |certain |old )?(?:folder|file|workbook|document|spreadsheet|site|page|website|project|list|channel|contact|drawing|report|sheet|pdf|attachment|supplier|customer|client|domain)\b|(?:mostly|usually|always|have to|need to) (?:work |use it |keep it |stay |be )?plugged in|only (?:\w+ ){0,2}one of|one of (?:my|the) (?:two|2|three|3|monitors|screens|speakers|ports)|(?:the )?(?:others|rest|other ones|other files) (?:\w+ )?(?:open|work|load|print|are) (?:fine|ok|okay))\b/,
  ),
  p(
    'slow to work with',
    /\b(?<!(?:a bit|bit|slightly|a little|little|abit|tad|touch|somewhat) )(?:slow|slower|sluggish|laggy|lagging|takes? (?:ages|forever|a long time|minutes)|takes? (?:about |around |over |nearly |almost )?\d+ (?:minutes?|mins?|seconds?|secs?)|freez\w*|hangs|hanging|intermittent\w*|(?:keeps?|kept) (?:dropping|disconnecting|crashing|freezing|hanging))\b/,
  ),
  p(
    'still usable',
    /\b(?:still (?:(?!cant|cannot|not|doesnt|dont|wont|isnt|no|unable|couldnt)\w+ )?(?:works?|working|usable|visible|loads?|opens?|prints?|readable|hear|get|able|manage|use|see|there|can|gets?|sends?|receives?|fine|ok|okay|runs?|running)|can still|i can (?:work|use|open|still)|usable|but (?:it |they |things )?(?:still )?works?\b|if (?:i|we|you) (?:\w+ ){1,8}(?:it works|it is fine|its fine|it goes through|it runs|it loads)|works? (?:fine|ok|okay)? ?(?:otherwise|after|if|when|in the browser|on the web|in the web)|(?:otherwise|mostly) (?:fine|ok|okay|working)|gets? better|comes back|came back (?:by itself|on its own|up|online|after)|come back (?:by itself|on its own|up|online)|fixed itself|sorted itself|back up (?:and running|now)|recovers?|recovered|reconnects?|goes away|(?:working|works|fine|back to normal) (?:again|now)|(?:restarted|rebooted|reconnected)(?: \w+){0,3} (?:and|then) (?:\w+ )?(?:its|it is|it was|works|working|fine)|only (?:\w+ ){0,3}(?:after|when|if|once)|but (?:\w+ ){0,4}(?:does|do|did|works|worked|is fine|are fine|is ok)|(?<!(?:colleagues|others|everyone else|everybody else|people|team|rest of the \w+) )(?:laptop|desktop|phone|pc|computer|browser|web|webmail|web version|app|wifi|cable|ethernet|main (?:\w+)|other (?:\w+)|usb|everything else|rest) (?:is|are|works|seems|still works|is still) (?:fine|ok|okay|working|good))\b/,
  ),
  p(
    'another one of the same works',
    /\b(?:other|another|different|second|spare|next|nearest) (?:printer|printers|room|door|doors|entrance|copier|scanner|one|ones|machine|monitor|screen|laptop|pc|headset|phone|tv)\b|\b(?:other|another|different|next) floor\b|\bthe (?:one|ones) (?:on|in|at|by|near|upstairs|downstairs|next door|down the hall|across)\b|\b(?:walk|walking|go|going|went|print|printing) (?:over |down |up )?to (?:the )?(?:\d+\w* floor|floor \d|other|another|next|one)\b|\bmoved (?:(?:the |our |my )?(?:meeting|class|lesson|session|call|training|interview)|us|them|it)? ?to (?:room|another|a different|the other)\b/,
  ),
  p(
    'a workaround exists',
    /\b(?:for now|in the meantime|meanwhile|instead|workaround|work around|manually|read[\s-]only|by hand|have to (?:use|walk|go (?:to|and|down|up|over|across)|restart|reboot|re-?enter|stay)|had to (?:use|walk|restart)|(?:i|we)(?:m| am|re| are)? using (?:the |a |another |my |our |an )|(?:web|browser|online|mobile|phone) (?:version|app|outlook|client)? ?(?:works|is fine|is ok)|(?:have|had|need|needs) to (?:\w+ ){0,2}(?:restart|reboot|rejoin|reconnect|re-?enter|replug|unplug|log back|sign back|close and reopen|retry|wait|leave and rejoin|re-?login|re-?sign)|\b(?:fixes|fixed|sorts|solves|solved) it\b|\bdoes the trick\b|\b(?:its|it is|works|it works|they work) (?:fine|ok|okay) (?:in|on|with|from|via|through|if|when)\b|\bthe (?:one|ones) (?:on|in|at|by|near|upstairs|downstairs|next door|down the hall|across)\b|\busing (?:the |an? )?(?:other|another|one|spare|old|personal|backup|web|browser|phone|mobile|second|different|loan|loaner)\b|(?:other|another|different|second|spare|next) (?:printer|room|door|laptop|monitor|screen|browser|entrance|one|machine|pc|headset|cable|port|network)|(?:other|another|different|next) floor|(?:ive|i have|weve|we have|im|we are|were|i am|ive just) been (?:using|emailing|sending|asking|calling|phoning|printing|walking|borrowing|sharing|working (?:from|on|off)|doing (?:it|them|this)|copying|saving|joining|typing|tethering|hotspotting|going)|moved to (?:room|another|a different)|by typing the|(?:emailing|sending|calling|phoning) (?:\w+ ){0,3}instead|audio only|annoying|frustrating|inconvenient|not (?:a )?(?:big deal|blocking|urgent|critical)|can live with|bearable|not ideal)\b/,
  ),
  p(
    'one feature of something that works',
    /\b(?:works? fine|working fine|is fine|are fine|works? ok|is ok|okay)\b.*\b(?:except|but|apart from|other than)\b|\b(?:except|apart from|other than|only) (?:the |for |when )\b/,
  ),
];

const failurePatterns: Pattern[] = [
  p(
    'something is broken',
    /\b(?:not working|doesnt work|dont work|didnt work|wont|will not|isnt working|arent working|stopped|broken|broke|error|errors|fail|fails|failed|failing|failure|crash\w*|freez\w*|froze|frozen|hang|hangs|hung|cant|cannot|can not|unable|couldnt|no (?:signal|sound|audio|internet|network|wifi|service|connection|power|dial tone|picture|display|video|access)|down|offline|disconnected|missing|gone|disappeared|denied|bounc\w*|rejected|rejecting|rejects|locked (?:\w+ ){0,2}out|stuck|dead|(?:is|are|goes|went|stays|stay|just|shows?|showing|turns?|turned)(?: a)? (?:completely )?(?:black|blank)|black (?:screen|image|picture|box|window)|blank (?:screen|page|pages|image|square|window)|corrupt\w*|unreachable|timed? ?out|times out|not (?:loading|syncing|receiving|sending|connecting|responding|printing|showing|detected|charging|turning on|opening|updating|recognised|recognized|pairing|scanning|ringing)|keeps? (?:crashing|freezing|dropping|disconnecting|restarting|asking|logging|kicking|closing)|jam\w*|cracked|spilled|smashed|wrong|problem|issue|refus\w*|not authori[sz]ed|unauthori[sz]ed|not allowed|no permission|permission denied|blue screen\w*|bsod|lost (?:all |the |our |my )?(?:\w+ )?(?:network|internet|connection|connectivity|power|signal|wifi|access|data|files|work|everything|service|phones?)|overwr\w*|(?:was|were|got|been|is|are) (?:\w+ )?(?:deleted|wiped|corrupted|erased|removed)|(?:doesnt|does not|dont|isnt|wont|didnt|arent|havent|hasnt|wasnt|werent) (?!know|mind|need|want|think|have to|matter|care|seem to matter)\w+|(?:deleted|removed|lost|overwrote|overwritten|wiped)(?: \w+){0,4} (?:by (?:mistake|accident)|accidentally)|(?:accidentally|mistakenly) (?:deleted|removed|overwrote|wiped|lost)|(?:nobody|no one|neither (?:of (?:us|them|the \w+)|\w+)|none of (?:us|them|the \w+))(?: \w+){0,6} (?:can|could|is able to|are able to|has|have|is getting|gets))\b/,
  ),
];

const requestPatterns: Pattern[] = [
  p(
    'asks for something',
    /\b(?:can (?:i|we|you|someone|u) (?:please )?(?:get|have|order|install|add|set ?up|setup|create|change|borrow|book|arrange|give|grant|enable|remove|update|renew|extend|move|transfer|reset|schedule|provide|request|put|make|replace|upgrade|use|keep|buy|apply|swap|exchange|return|trade)|could (?:i|we|you|someone|u) (?:please )?(?:get|have|order|install|add|set ?up|setup|create|change|borrow|book|arrange|give|grant|enable|remove|update|renew|extend|move|transfer|schedule|provide|put|make|replace|upgrade|use|keep|buy|apply)|(?:please|pls|plz|kindly) (?:can (?:i|we|you) )?(?:add|set ?up|setup|create|install|change|update|give|grant|order|remove|schedule|arrange|provide|book|renew|send|enable|disable|forward|delete|rename|move|transfer|reset|extend|activate|deactivate|prepare|make|share|approve|configure|allocate|assign|unblock|whitelist|allow|invite|subscribe|unsubscribe)|(?:would|wd) (?:like|love)|(?:id|i would|we would|wed) (?:like|love)|requesting|request(?:ing)? (?:for|a|an|access|to)|(?:i|we) (?:need|want|would need) (?:a|an|to get|to have|access|more|another|new|some|one|two|the (?:new|latest))\b|need (?:a|an) (?:new|second|extra|additional|ergonomic|bigger|replacement|spare|licence|license|account|laptop|monitor|headset|webcam|keyboard|mouse|phone|badge|dock|adapter|cable)|get (?:me )?(?:on the list|access(?! denied| is denied| error)|a licence|a license)|apply for|sign me up|add me to|give me access|need (?:\w+ ){0,2}(?:access|rights|permissions?|privileges|licen[cs]es?|account)\b|access request|licen[cs]e request|upgrade request|(?:need|want|needs|wants) (?:\w+ ){1,3}(?:installed|set up|setup|added|created|enabled|renewed|upgraded|replaced|moved|ordered|configured|reinstalled|uninstalled|removed|transferred|forwarded|shared|delivered|couriered)\b|(?:approved by|(?:my )?manager (?:has )?approved|with (?:my )?manager(?:s)? approval)|\b(?:order|ordering|replacement|upgrade|refresh) (?:a |for |of )?(?:new |my )?(?:laptop|phone|monitor|headset|keyboard|mouse|dock|charger|cable))/,
  ),
  p(
    'supplies ran out',
    /\b(?:out of|run out of|ran out of|running out of|no more) (?:paper|toner|ink|staples|labels|cartridges?|printer paper|a4)\b/,
  ),
  p(
    'onboarding or leaving in advance',
    /\b(?:new (?:starter|joiner|hire|employee|colleague|team member|intern)|starts?|starting|joins?|joining|leaves?|leaving|leaver|last day|returns?|returning|moves?|moving|relocat\w*)\b.*\b(?:next|on the \d|on (?:monday|tuesday|wednesday|thursday|friday)|in (?:\d+|two|three|a few|a couple of) (?:weeks?|months?)|from (?:\d|the \d|next)|end of (?:next |the )?(?:month|week|jan\w*|feb\w*|march|april|may|june|july|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)|\d{1,2}(?:st|nd|rd|th) (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\w* \d)/,
  ),
];

const questionPatterns: Pattern[] = [
  p(
    'a how-to or a question',
    /(?:^|[.?!,;:\n-]\s*)(?:how|can|could|would|is there|are there|do (?:we|i|you|they)|does|what|whats|(?:where|when|who|why) (?:is|are|was|will|do|does|did|can|could|should|would|has|have)|wheres|which|whom|should|is (?:it|there|this|that) (?:possible|ok|okay|allowed|safe|normal|legit|legitimate|real)|any (?:way|chance|idea)|am i (?:allowed|able)|are we (?:allowed|able))\b|\bhow (?:do|can|should|would|to|does|long|often|much|many)\b|\bis there (?:a|an|any)\b|\bis it possible\b|\b(?:is|are) (?:it|this|that|they|mine|my \w+) (?:due|time|normal|expected|possible|worth|safe|legit|supposed)\b|\bwhats? the (?:policy|process|procedure|rule|best way|password|link|address|number|limit)\b|\bjust (?:wondering|curious|checking|asking)\b|\bfor (?:the )?future\b|\bany (?:tips|advice|recommendations?)\b|\bnot (?:an issue|a problem|urgent) (?:now|yet|at the moment)\b|\?/,
  ),
];

const cosmeticPatterns: Pattern[] = [
  p(
    'cosmetic',
    /\b(?:screensaver|screen saver|lock screen (?:picture|image|photo|background)|icons?|logo|logos|font|fonts|wallpaper|desktop background|colou?r scheme|theme|dark mode|light mode|typo|spelled|spelt|misspelt|misspelled|spelling|display name|looks (?:different|weird|odd|ugly|wrong|strange)|ugly|moved around|rearranged|alignment|avatar|profile (?:picture|photo|pic)|(?:old|new) photo|emoji|sounds? (?:annoying|too loud)|notification sound|shows me as|status (?:as|is|shows?|showing|stuck|says)|my status|away status|appears offline|layout|cosmetic|name (?:is )?(?:spelled|spelt|shown|showing|displayed|wrong)|wrong name|old name|capital letters?|stickers?|scratch\w*|dent|dented|scuff\w*|peeling)\b/,
  ),
];

const noImpactPatterns: Pattern[] = [
  p(
    'already resolved',
    /^(?!.*\b(?:(?:broke|broken|stopped|failing|down|crashed|dropped|gone) again|but now|but (?:it|its) (?:still|back)|still (?:not|doesnt|wont|cant|isnt))\b)(?:.*?)(?:\bignore (?:my|the|this|that) (?:earlier|previous|last|first|other) (?:email|message|ticket|request|one)\b|\b(?:fyi|update)\b(?: \w+){0,3} (?:resolved|fixed|sorted)\b|\b(?:its|it is|all|now|has|have|it has|this is) (?:been )?(?:resolved|sorted|fixed) (?:now|itself)\b|\bno (?:longer|more) (?:need|needed|an issue|a problem|required)\b|\b(?:you can|please|pls) (?:close|cancel) (?:this|the|my) (?:ticket|request|call)\b)/,
  ),
  p(
    'says nothing is affected',
    /\b(?:itself|themselves|the device|the laptop|the printer|the projector|the screen|the phone) (?:still )?(?:works?|is fine|are fine|is ok|is working)\b|(?<!(?:others?|other \w+|rest|else|the other one|the others) )\b(?:works? (?:fine|ok|okay|perfectly|normally)|working (?:fine|ok|okay|perfectly|normally)|everything (?:\w+ ){0,2}(?:works|is fine|is working|syncs|loads|seems fine|fine)|no (?:problem|issue|impact)s? (?:yet|now|otherwise|so far)|nothing (?:is )?(?:broken|wrong)|no (?:errors?|impact)|not (?:broken|an issue|a problem)|(?:just|only) (?:curious|wondering|asking)|all good)\b/,
  ),
];

const futurePatterns: Pattern[] = [
  p(
    'needed later',
    /\b(?:next (?:week|month|year|quarter|monday|tuesday|wednesday|thursday|friday|sprint|term|time)|in (?:\d+|two|three|a few|a couple of) (?:weeks?|months?)|(?:before|by|from|on|starting) (?:the )?(?:\d{1,2}(?:st|nd|rd|th)(?! floor)|monday|tuesday|wednesday|thursday|friday)\b|end of (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*|later this (?:week|month|year)|when (?:i|we|she|he|they) (?:start|join|leave|travel|return)|(?:upcoming|future))\b/,
  ),
];

const patternsBySignal: Record<TSignal, Pattern[]> = {
  incident: incidentPatterns,
  hazard: hazardPatterns,
  suspectedIncident: suspicionPatterns,
  many: manyPatterns,
  justMe: justMePatterns,
  sharedOutage: sharedOutagePatterns,
  blocked: blockedPatterns,
  deadline: deadlinePatterns,
  degraded: degradedPatterns,
  failure: failurePatterns,
  request: requestPatterns,
  question: questionPatterns,
  cosmetic: cosmeticPatterns,
  noImpact: noImpactPatterns,
  hypothetical: hypotheticalPatterns,
  future: futurePatterns,
};

// The opening of a ticket describes the problem; reading further only costs time.
const maxSignalText = 5000;

// Mail footers ("If you received this message in error…") are about the mail, not the problem.
const disclaimer =
  /[^.\n]*\b(?:intended (?:solely )?(?:only )?for the (?:named )?(?:addressee|recipient)|intended recipient|received this (?:e-?mail|message|communication) (?:in error|by mistake)|privileged and confidential|confidentiality notice|disclaimer)\b[^.\n]*[.\n]?/gi;

function withoutDisclaimers(text: string): string {
  return text.replace(disclaimer, ' ');
}

export const signalNames = Object.keys(patternsBySignal) as TSignal[];

export interface TSignals {
  /** Signals present in the text, each with the patterns that matched (for reasons). */
  fired: Map<TSignal, string[]>;
  has(signal: TSignal): boolean;
}

const travelling =
  /\b(?:im|i am|i was|while|currently|when) (?:\w+ )?(?:in|at|travel\w*|abroad|overseas|on holiday|visiting|on a trip)\b/;

// Incident patterns that fire on a word alone ("ransomware", "stolen"), which a question also uses.
const termOnly = new Set(['ransomware', 'malware', 'hacked or compromised', 'lost or stolen device', 'MFA fatigue']);

/** Reads every signal from a ticket's text (title and description together). */
export function readSignals(text: string): TSignals {
  const t = normalize(withoutDisclaimers(text.slice(0, maxSignalText)))
    .replace(/\s*\n\s*/g, '. ')
    .replace(/(\d)\+/g, '$1')
    .replace(/["“”‘’()[\]{}*_<>|]/g, ' ')
    .replace(/\s+/g, ' ');
  const fired = new Map<TSignal, string[]>();
  for (const signal of signalNames) {
    const hits = patternsBySignal[signal].filter((pattern) => pattern.re.test(t)).map((pattern) => pattern.why);
    if (hits.length > 0) fired.set(signal, hits);
  }
  // Asking about an incident, or reporting one that did not happen, is not an incident.
  if (fired.has('incident') && hypothetical.test(t)) {
    const strong = incidentPatterns.filter((pattern) => !termOnly.has(pattern.why) && pattern.re.test(t));
    if (strong.length === 0) fired.delete('incident');
  }
  // "Blocked because of an unusual location" while the writer is abroad is their own sign-in.
  const incidentWhy = fired.get('incident');
  if (
    incidentWhy?.length === 1 &&
    incidentWhy[0] === 'sign-in from somewhere unknown' &&
    travelling.test(t) &&
    /\b(?:blocked|locked|denied|wont let me|cant|cannot)\b/.test(t) &&
    !/\b(?:not me|wasnt me|didnt|did not|never)\b/.test(t)
  )
    fired.delete('incident');
  // A deadline is only a deadline when something is needed by it, not when something broke then.
  if (fired.has('deadline') === false && deadlineTime.test(t) && deadlineEvent.test(t) && !sinceToday.test(t)) {
    fired.set('deadline', ['an event today']);
  }
  return { fired, has: (signal) => fired.has(signal) };
}
