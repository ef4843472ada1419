/**
 * The words mail clients write around the message replied to, in English, German, French,
 * Spanish, Italian, Dutch and Portuguese (plus the Nordic ones Outlook often adds): attribution
 * lines ("On … wrote:"), header blocks of the message replied to ("From:/Sent:/To:/Subject:"),
 * separators, and the lines phones and mail apps add by themselves ("Sent from my iPhone"). One
 * home for these words; `strip.ts` applies them. Closings and names are the person's text.
 */

/** The first word of an attribution line, per language ("On", "Am", "Le", "El", "Il", "Op", "Em", …). */
export const attributionStart = /^(On|Am|Le|El|Il|Op|Em|Den|Dne|W dniu)\b/i;

/** The verb that ends an attribution ("wrote:", "schrieb …:", "a écrit :", …), at the end of the text. */
const attributionVerb =
  /(\bwrote|\bwrites|\bschrieb am\b.*\d|\bschrieb\b[^:]*|\bhat\b.*\bgeschrieben|\ba écrit|\bescribió|\bha scritto|\bschreef\b[^:]*|\bgeschreven|\bescreveu|\bskrev\b[^:]*)\s*:/i;

/**
 * An attribution written on one line (after joining a wrapped one): it starts with the language's
 * word, names a date, time or address (a digit or an @: so "On Monday Tom wrote:" in a sentence
 * is not one), and ends with the verb and a colon. `rest` is what follows on the same line
 * (Yahoo's mobile text puts the quoted message right after "wrote:").
 */
export function matchAttribution(text: string): { rest: string } | null {
  const t = text.trim();
  // Without the first word, only a whole line that starts "Name <address> wrote" and ends with
  // a colon ("… wrote:", Gnus; "… schrieb am Mo., 30. Nov. 2026, 15:40:", Gmail for Android).
  if (
    !attributionStart.test(t) &&
    !/^[^<>]{1,80}<[^>\s]+@[^>\s]+>\s*(wrote|writes|schrieb|a écrit|escribió|ha scritto|schreef|escreveu)\b.{0,80}:$/i.test(
      t,
    )
  )
    return null;
  // An attribution is short: look for its verb in the first 300 characters only (the rest of
  // a long line is never scanned again and again).
  const verb = attributionVerb.exec(t.slice(0, 300));
  if (!verb) return null;
  const head = t.slice(0, verb.index + verb[0].length);
  const rest = t.slice(head.length).trim();
  if (!/[\d@]/.test(head)) return null;
  // Text after the colon on the same line: only when the line names an address, so a sentence
  // ("Am 3. Mai schrieb ich dem Support: …") is never taken for one.
  if (rest && !/<?[^\s<>]+@[^\s<>]+>?/.test(head)) return null;
  return { rest };
}

/**
 * A short line that ends with the verb and a colon but names no date ("Sam wrote:", "IT Support
 * schrieb:"): an attribution only when `>` quoted lines follow it, which the caller checks.
 */
export const bareAttribution =
  /^.{1,120}\b(wrote|writes|schrieb|geschrieben|a écrit|escribió|ha scritto|schreef|geschreven|escreveu)\s*:$/i;

const label = (words: string[]) => new RegExp(`^\\*?(${words.join('|')})\\s*:\\*?(\\s|$)`, 'i');

/** The first line of a header block of the message replied to. */
export const headerFrom = label(['From', 'De', 'Von', 'Van', 'Da', 'Fra', 'Från', 'Od']);
/** The other lines of such a block (date, recipients, subject). */
export const headerOther = label([
  'Sent',
  'Date',
  'To',
  'Cc',
  'Subject',
  'Gesendet',
  'Datum',
  'An',
  'Betreff',
  'Envoyé',
  'À',
  'A',
  'Objet',
  'Enviado',
  'Enviado el',
  'Enviado em',
  'Enviada',
  'Enviada em',
  'Fecha',
  'Para',
  'Asunto',
  'Assunto',
  'Inviato',
  'Data',
  'Oggetto',
  'Verzonden',
  'Verstuurd',
  'Aan',
  'Onderwerp',
  'Skickat',
  'Sendt',
  'Till',
  'Til',
  'Ämne',
  'Emne',
  'Kopie',
  'Copie',
  'CC',
]);

/** "-----Original Message-----" and the lines Outlook, Android mail and others write in its place. */
export const separator =
  /^-{2,}\s*(Original Message|Reply Message|Ursprüngliche Nachricht|Originalnachricht|Message d'origine|Message original|Mensaje original|Messaggio originale|Oorspronkelijk bericht|Origineel bericht|Mensagem original|Ursprungligt meddelande|Oprindelig meddelelse)\s*-{2,}$/i;

/**
 * The line above a forwarded message (Gmail, Apple Mail, Outlook, Thunderbird, phones): in a
 * reply, what follows is history like a quote.
 */
export const forwardSeparator = new RegExp(
  '^(' +
    [
      '-{2,}\\s*(Forwarded message|Forwarded Message|Weitergeleitete Nachricht|Message transféré|Mensaje reenviado|Messaggio inoltrato|Doorgestuurd bericht|Mensagem encaminhada|Mensagem reencaminhada)\\s*-{2,}',
      'Begin forwarded message:',
      'Anfang der weitergeleiteten Nachricht:',
      'Début du message (réexpédié|transféré) ?:',
      'Inicio del mensaje reenviado:',
      'Inizio messaggio inoltrato:',
      'Begin doorgestuurd bericht:',
      'Início da mensagem (reencaminhada|encaminhada):',
    ].join('|') +
    ')$',
  'i',
);

/** A line of underscores (Outlook's rule above the header block in its text part). */
export const underscoreRule = /^_{10,}$/;

/** Lines that phones and mail apps add below the text ("Sent from my iPhone", …), in each language. */
// What follows "Sent from my …": a device's name (a few words, maybe a link or a final full stop),
// never a sentence — "Sent from my phone: the fix is live." is the person's text.
const DEVICE = "[\\w'’&+-]+(?: [\\w'’&+-]+){0,4}\\.?(?: ?<https?://\\S+>)?";

export const mobileSignOff = new RegExp(
  '^(' +
    [
      `Sent from my ${DEVICE}`,
      'Sent from iPhone',
      'Sent from (Mail|Outlook) for (Windows|iOS|Android).*',
      'Sent from Outlook.*',
      'Get Outlook for (iOS|Android).*',
      'Sent from Yahoo Mail.*',
      'Sent with Proton Mail.*',
      'Sent from (Samsung|Huawei) .*',
      `(Von|Gesendet von) meinem ${DEVICE}( gesendet)?`,
      'Gesendet (von|mit) \\S.*',
      'Outlook (für|voor) (iOS|Android) (herunterladen|downloaden).*',
      '(Obtenir|Télécharger) Outlook pour (iOS|Android).*',
      '(Obtener|Descargar) Outlook para (iOS|Android).*',
      '(Ottieni|Scarica) Outlook per (iOS|Android).*',
      '(Obter o|Obtenha o|Baixe o|Baixar o) Outlook para (iOS|Android).*',
      'Von (Mail|Outlook) für .*',
      `Envoyé (de|depuis) mon ${DEVICE}`,
      `Enviado (desde|do|de) (mi|meu|o meu|o) ${DEVICE}`,
      'Inviato da( un| il mio)? (iPhone|iPad|Android|dispositivo|smartphone|Samsung|Outlook|Galaxy|Yahoo).*',
      `Inviato dal mio ${DEVICE}`,
      `(Verzonden|Verstuurd) (vanaf|met|via) (mijn|de) ${DEVICE}`,
      '(Enviado|Enviada|Envoyé|Inviato|Verzonden|Verstuurd) (desde|de|do|da|depuis|à partir de|dal|vanaf|met|via|con|com) (Yahoo Mail|Outlook|Mail|Proton Mail|Gmail)\\b.*',
    ].join('|') +
    ')$',
  'i',
);
