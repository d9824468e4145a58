/** Standard base64 (RFC 4648 §4): groups of 4 alphabet characters, `=` padding only at the end. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes base64 strictly: null for anything that is not standard base64. Node's `Buffer.from(s, 'base64')`
 * never throws — it skips characters outside the alphabet and stops at padding — so broken input would
 * silently become (other) audio.
 */
export function decodeBase64Strict(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return null;
  return Buffer.from(text, 'base64');
}
