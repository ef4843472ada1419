import { describe, expect, it } from 'vitest';
import { policyPriority } from './policy.js';
import { readSignals } from './signals.js';
import { priorityFloor } from './rules.js';

const priority = (text: string) => policyPriority(text).priority;

describe('the priority policy on how places, queues and leaks are described', () => {
  it.each([
    // A place or a number of them, a stopped line, a queue of people who cannot be served.
    ['the whole of pharmacy cannot get into the dispensing system', 'urgent'],
    ['all 12 branches are failing to take card payments since opening', 'urgent'],
    ['the booking system is down and lorries are queuing at the gate', 'urgent'],
    ['label printer network fault, the packing line has stopped', 'urgent'],
    ['hotel PMS crashed, cant check any guests in', 'urgent'],
    // Secrets published, credentials handed to an impostor, someone else's login in use, others' data on show.
    ['i pasted our api key into a public github gist by mistake', 'urgent'],
    ['a man pretending to be from IT rang the ward and one of the nurses gave him her password', 'urgent'],
    ['a pupil found out a teachers password and has been editing the reports', 'urgent'],
    ['customers can see other customers order details on the website', 'urgent'],
  ] as const)('"%s" is %s', (text, expected) => {
    expect(priority(text)).toBe(expected);
  });

  it.each([
    'all 3 of my monitors went black',
    'i cant send email to any customer',
    'the whole of my inbox is gone',
    'my phone line stopped working',
    'my files are backing up to onedrive but i get an error',
    'two lines of the address are missing on my payslip letter',
  ])('"%s" is one person\'s problem, not many people blocked', (text) => {
    expect(readSignals(text).has('many')).toBe(false);
    expect(priority(text)).not.toBe('urgent');
  });

  it.each([
    // Everything down at once is not "intermittent".
    ['email, phones and the till system all went down at once, nobody can work', 'urgent'],
    // The morning is when it broke, not when something is due; a fallback that works lowers it.
    ['the lecture capture didnt record this morning, I put the slides online instead', 'medium'],
    ['the report times out for the whole site but if i run it per month it works', 'medium'],
    ['the whole building lost network for 5 minutes but it came back by itself', 'medium'],
    ['projector is very dim so we moved the meeting to another room', 'medium'],
    // A verb like "opens" or "start" beside "today" is not an event to be ready for.
    ['the app opens slowly today', 'medium'],
    ['printer wont start this morning, using the one downstairs', 'medium'],
    // An event today named by what it is, or by when the work starts.
    ['outlook wont open and i have a tribunal this afternoon', 'high'],
    ['my door system account was disabled and the cleaners start at 7', 'high'],
    // "Have to go out" is a deadline, not a walk to another printer.
    ['reports have to go out today and the school system says access denied', 'high'],
  ] as const)('"%s" is %s', (text, expected) => {
    expect(priority(text)).toBe(expected);
  });
});

describe('the priority policy read from a ticket', () => {
  it.each([
    // Many people blocked, however casually it is said.
    ['heads up, none of the tills in the shop can take card payments. no stress', 'urgent'],
    ['the whole second floor lost network about 20 mins ago', 'urgent'],
    ['payroll portal gives a 503 for the entire payroll team', 'urgent'],
    // A security incident, however casually it is said.
    ['opened an invoice attachment from a weird sender and enabled macros, probably fine?', 'urgent'],
    ['someone phoned saying they were from IT and I read out the code from my phone', 'urgent'],
    ['my work laptop was nicked from my car overnight', 'urgent'],
    ['accidentally emailed the salary spreadsheet to an external recruiter', 'urgent'],
    ['got loads of approve requests on my phone I never started and pressed approve on one', 'urgent'],
  ] as const)('"%s" is %s', (text, expected) => {
    expect(priority(text)).toBe(expected);
  });

  it.each([
    // One person fully blocked, however calmly it is said.
    ['no hurry but my account is locked and I cannot sign in to anything', 'high'],
    ['laptop just shows a black screen when I open the lid, can’t use it at all', 'high'],
    ['my macbook will not turn on, tried two chargers', 'high'],
    // A deadline today, even when the problem only slows someone down.
    ['excel keeps freezing on the budget file, it is due at 4pm today', 'high'],
    ['the projector in room 3 has no signal and I present there in 30 minutes', 'high'],
  ] as const)('"%s" is %s', (text, expected) => {
    expect(priority(text)).toBe(expected);
  });

  it.each([
    // Degraded, or a workaround exists, however loudly it is said.
    ['THE PRINTER ON 2 IS BROKEN AGAIN!!! we have to use the one downstairs', 'medium'],
    ['wifi drops every half hour then reconnects', 'medium'],
    ['outlook search finds nothing, I can still search in webmail', 'medium'],
    // Many people, but only slowed down.
    ['internet is slow for everyone this morning but pages still load', 'medium'],
  ] as const)('"%s" is %s', (text, expected) => {
    expect(priority(text)).toBe(expected);
  });

  it.each([
    // Requests and questions, however urgently they are written.
    ['URGENT!!! please install visio ASAP', 'low'],
    ['can I get a second monitor for my desk', 'low'],
    ['how do I set up an out of office reply', 'low'],
    ['we have a new starter joining on the 3rd of next month, please set up a laptop', 'low'],
    // Cosmetic, however annoyed.
    ['the teams icon on my taskbar is a blank square and it is driving me mad', 'low'],
    // Questions that mention an outage that is not happening.
    ['if the vpn is down while I travel next week what should I do?', 'low'],
    ['is onedrive down? the icon looks different but everything syncs fine', 'low'],
  ] as const)('"%s" is %s', (text, expected) => {
    expect(priority(text)).toBe(expected);
  });

  it('leaves a bare "something is broken" to the model, as medium or high', () => {
    expect(policyPriority('the scanner on floor 2 is broken')).toMatchObject({
      priority: undefined,
      candidates: ['medium', 'high'],
    });
  });

  it('does not count another person’s situation as the writer’s scope ("others are fine")', () => {
    const signals = readSignals('no internet on my laptop, everyone else is fine, I cannot work');
    expect(signals.has('justMe')).toBe(true);
    expect(priority('no internet on my laptop, everyone else is fine, I cannot work')).toBe('high');
  });

  it('ignores an email disclaimer that talks about messages sent in error', () => {
    const text =
      'my mouse double clicks\n\nThis message is confidential. If you received this message in error, please notify the sender, it was sent by mistake.';
    expect(readSignals(text).has('incident')).toBe(false);
  });
});

describe('the floor under a requester’s own priority', () => {
  it('is urgent for an incident or many people blocked, high for someone who cannot work at all', () => {
    expect(priorityFloor('I typed my password into a fake microsoft page from a phishing email').floor).toBe('urgent');
    expect(priorityFloor('nobody in the office can print').floor).toBe('urgent');
    expect(priorityFloor('my laptop died and I cannot do any work').floor).toBe('high');
  });

  it('is absent for a question or an ordinary fault', () => {
    expect(priorityFloor('how do I change my desktop background').floor).toBeUndefined();
    expect(priorityFloor('wifi drops every half hour').floor).toBeUndefined();
    expect(priorityFloor('can we run a phishing awareness training').floor).toBeUndefined();
  });
});

describe('the priority policy on kinds of wording from a third writer (prio3 dev), in fresh sentences', () => {
  it.each([
    // Incidents: a leaver's access used, a sign-in while asleep, details typed into a lure, data to everyone, a visitor on a pretext.
    ['the former temp still has a login to the finance portal and signed in yesterday', 'urgent'],
    ['my mailbox shows a sign-in from Manila overnight, I was in bed', 'urgent'],
    ['a fake DHL text went round and a few of us entered our passwords on the page', 'urgent'],
    ['I emailed the staff bonus spreadsheet to every parent in year 6 instead of just the head', 'urgent'],
    [
      'a guy claiming he was from the lift company asked to see the plant room and reception let him in without checking',
      'urgent',
    ],
    // Many: devices that have all failed, neither of two places, a service held up, customers locked out.
    ['the self-checkouts near the entrance have all crashed', 'urgent'],
    ['neither branch can print receipts since the update', 'urgent'],
    ['the handhelds wont sync so the 14:05 flight is delayed and ramp agents cant load bags', 'urgent'],
    ['customers say the app locked them out after the update', 'urgent'],
    ['the payroll portal keeps rejecting everyones timesheets at all 4 depots', 'urgent'],
    [
      'card readers down at the gatehouse, 25 lorries waiting to get in, the guards are writing plates down by hand',
      'urgent',
    ],
    // Deadlines said with any verb and a time; a disabled user; an unusable machine.
    ['excel keeps crashing when i open the budget, i need to send it to the finance director by 4', 'high'],
    ['my account says user disabled and i start seeing clients from 10', 'high'],
    ['my laptop screen is smashed and its unusable, presenting to the board at 2', 'high'],
    ['the plotter jams on every sheet and the drawings have to go out for tonights tender', 'high'],
    // Resolved already, supplies, and slowness asked about politely.
    ['update: the scanner is working again after a restart, please close this ticket', 'low'],
    ['the copier on floor 2 has run out of toner', 'low'],
    [
      'outlook has been really slow for a week, takes about a minute to open each email. can you take a look when you have time?',
      'medium',
    ],
  ] as const)('"%s" is %s', (text, expected) => {
    expect(priority(text)).toBe(expected);
  });

  it('does not take "fixed now, but broke again" for resolved', () => {
    const text = 'its fixed now, but the printer broke again and nobody in accounts can print';
    expect(readSignals(text).fired.get('noImpact') ?? []).not.toContain('already resolved');
    expect(priority(text)).toBe('urgent');
  });

  it('does not count "at both desks" as two places', () => {
    expect(readSignals('i tried it at both desks and it still wont print').has('many')).toBe(false);
  });

  it('counts "everybody keeps telling me my…" as the writer alone, not customers calling about an outage', () => {
    const text = 'everybody keeps telling me my screen is too dim, can it be brightened?';
    expect(readSignals(text).has('justMe')).toBe(true);
    expect(priority(text)).toBe('low');
    const outage = 'customers keep ringing me because the website is down for everyone';
    expect(readSignals(outage).has('justMe')).toBe(false);
    expect(priority(outage)).toBe('urgent');
  });

  it.each([
    ['one of the laptops in my team wont start at all, she has nothing else to use', 'high'],
    ['my laptop is a bit slow, is it due for replacement?', 'low'],
  ] as const)('"%s" is %s: one person, or only a question', (text, expected) => {
    expect(readSignals(text).has('many')).toBe(false);
    expect(priority(text)).toBe(expected);
  });

  it.each([
    'the office manager cant find the stapler order form',
    'we have started doing the stock count before lunch because the system is slow in the afternoons',
    'a colleague left last week but she still shows in the address book',
    'the email asked me to put in my details but i deleted it',
    'i emailed you yesterday and then i entered my password again and it worked',
    'the openreach engineer said he was from bt, we let him in and the line works now',
    'my former manager still has access to approve my timesheets, can you change the approver',
    'my flight BA123 is delayed so i will join the call from the lounge, is the guest wifi ok for teams?',
  ])('"%s" is neither urgent nor high', (text) => {
    expect(['urgent', 'high']).not.toContain(priority(text));
  });
});
