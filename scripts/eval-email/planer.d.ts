declare module 'planer' {
  /** Mailgun talon's quote removal: the text (or HTML) of a mail without the message replied to. */
  export function extractFrom(body: string, contentType: 'text/plain' | 'text/html', dom?: Document): string;
  export function extractFromPlain(body: string): string;
  export function extractFromHtml(body: string, dom: Document): string;
}
