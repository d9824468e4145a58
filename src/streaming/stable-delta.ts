/**
 * What `next` appends to `previous`, word for word, as a stable-text delta: the added words with a separating
 * space when `previous` is not empty; '' when `next` is `previous`, or when it is not `previous` followed by
 * more words (a revision, or a longer last word: "for" -> "force" must not send "ce" after the sent "for").
 */
export function stableDelta(previous: string, next: string): string {
  if (previous === '') return next;
  if (!next.startsWith(`${previous} `)) return '';
  return next.slice(previous.length);
}
