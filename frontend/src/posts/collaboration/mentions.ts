// @mentions in the comment box: the word being typed after "@", and the members it matches.

export interface Mentionable {
  user_id: string;
  name: string;
  email: string;
}

/** The "@query" that ends at the caret, or null when the caret is not in one. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([^\s@]{0,40})$/.exec(before);
  if (!match) return null;
  return { start: caret - match[2].length - 1, query: match[2] };
}

/** Members whose name or e-mail starts (or a word of whose name starts) with the query. */
export function matchMembers(members: Mentionable[], query: string, limit = 6): Mentionable[] {
  const q = query.toLowerCase();
  return members
    .filter((m) => {
      if (!q) return true;
      const words = m.name.toLowerCase().split(/\s+/);
      return words.some((w) => w.startsWith(q)) || m.name.toLowerCase().startsWith(q) || m.email.toLowerCase().startsWith(q);
    })
    .slice(0, limit);
}

/** The members still named in the text as "@Name" (a picked mention the user deleted is dropped). */
export function mentionedIds(text: string, picked: Mentionable[]): string[] {
  return [...new Set(picked.filter((m) => text.includes(`@${m.name}`)).map((m) => m.user_id))];
}
