/** How much of a statement's text the report keeps. */
export const STATEMENT_TEXT_LIMIT = 500;

/**
 * A statement's text as the report shows it: whitespace runs folded, cut to {@link STATEMENT_TEXT_LIMIT}
 * characters, and any `PASSWORD '…'` literal (CREATE/ALTER ROLE) masked, so that a password sent by
 * another session never reaches a report, a log or a terminal.
 */
export function reportedStatementText(text: string | null): string | null {
  if (text === null) return null;
  // A backslash is taken as an escape even outside E'' strings: at worst more is masked than the literal.
  const masked = text.replace(/(password\s*)(E?'(?:[^'\\]|''|\\[\s\S])*'?)/gi, "$1'***'");
  const folded = masked.replace(/\s+/g, " ").trim();
  return folded.length > STATEMENT_TEXT_LIMIT ? `${folded.slice(0, STATEMENT_TEXT_LIMIT - 1)}…` : folded;
}
