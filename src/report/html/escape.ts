/**
 * Everything the server sends (banner, replies, certificate names, addresses it advertises) ends up
 * in the page, so every interpolated string goes through escapeHtml: markup in a banner shows as
 * text and never runs.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * JSON inside <script type="application/json">: only "</script" or "<!--" could end or confuse the
 * element, so every "<" becomes \u003c (still the same JSON); U+2028/2029 likewise, for old parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
