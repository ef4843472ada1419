/** How a typed message is read before it is searched (search.ts): what it says works, and typos. */

/**
 * "…but Google and the BBC work fine", "works in Zoom", "fine on my phone": what a message says
 * works is the comparison, not the problem, and naming it would pull in that thing's articles.
 * The clause is left out of the search (only there: article text keeps every word).
 */
const worksClause =
  /\b(?:but|while|whereas|though|although|yet)\b(?:(?:\s+[\w'’]+){0,5}?\s+(?:works?|working|is fine|are fine|is ok|are ok|loads?|opens?)\b(?:\s+(?:fine|ok|okay|normally|perfectly|great))?(?:\s+(?:in|on|from|with|for|at)(?:\s+(?:the|my|a|an))?\s+[\w'’]+)?|\s+(?:it\s+)?(?:works?|is fine|fine|ok)\s+(?:in|on|from|with|for|at)(?:\s+(?:the|my|a|an))?\s+[\w'’]+)/gi;

/** The same said first: "browser works but Teams says I'm offline". */
const worksThenBut =
  /(^|[,.;:!?]\s*)(?:[\w'’]+\s+){1,3}?(?:works?|is fine|are fine|is ok|are ok)(?:\s+(?:fine|ok|okay|normally))?\s*,?\s+but\b/gi;

export function withoutWhatWorks(query: string): string {
  return query.replace(worksThenBut, '$1 ').replace(worksClause, ' ');
}

const letters = 'abcdefghijklmnopqrstuvwxyz';

/** Every string one deletion, transposition, substitution or insertion of a letter away. */
export function oneEditAway(word: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i <= word.length; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    if (tail) out.add(head + tail.slice(1));
    if (tail.length > 1) out.add(head + tail.charAt(1) + tail.charAt(0) + tail.slice(2));
    for (const c of letters) {
      if (tail) out.add(head + c + tail.slice(1));
      out.add(head + c + tail);
    }
  }
  out.delete(word);
  return out;
}
