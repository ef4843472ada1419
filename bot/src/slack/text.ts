/**
 * Slack sends message text with `&`, `<` and `>` escaped and links as `<url|label>`. Deskmate
 * stores what the person wrote: entities decoded, links as their label and URL.
 */
export function fromSlack(text: string | undefined): string {
  return (text ?? '')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/<mailto:[^|>]+\|([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
