/**
 * Half an emoji (a lone UTF-16 surrogate, as a client cutting text at a length limit may
 * send) cannot be stored: it becomes the replacement character, the rest of the text stays.
 */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}
