import { createHash } from 'node:crypto';

/** The page's only style and script, inline: the file works offline and loads nothing. */

export const PAGE_CSS = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #212121; }
body { margin: 0 auto; max-width: 960px; padding: 16px 24px 48px; line-height: 1.45; }
h1 { font-size: 1.5rem; margin: 0.2em 0; } h2 { font-size: 1.15rem; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
.verdict { border-radius: 8px; padding: 12px 16px; border-left: 8px solid; }
.verdict.ok { background: #e8f5e9; border-color: #2e7d32; } .verdict.problems { background: #fff8e1; border-color: #ef8f00; }
.verdict.blocked { background: #ffebee; border-color: #c62828; } .verdict.error { background: #f3e5f5; border-color: #6a1b9a; }
.verdict .word { font-weight: 700; font-size: 1.2rem; } .recommendation { font-size: 1.1rem; margin: 4px 0 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; } th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #eee; }
th { background: #fafafa; } td.status, td.outcome { white-space: nowrap; font-weight: 600; }
.s-ok, .o-works { color: #1b5e20; } .s-partial, .o-works-with-setting, .o-unreliable { color: #a15c00; } .s-blocked, .o-will-not-work { color: #b71c1c; } .s-error, .s-skipped, .o-unknown { color: #616161; }
.ticket th { width: 11em; } code, pre { font-family: ui-monospace, "Cascadia Mono", Menlo, Consolas, monospace; font-size: 0.85rem; }
pre { background: #f6f8fa; padding: 8px 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.finding { border: 1px solid #e0e0e0; border-radius: 8px; padding: 8px 14px; margin: 12px 0; }
.finding h3 { font-size: 1rem; margin: 6px 0; } .sev-error { border-left: 6px solid #c62828; } .sev-warning { border-left: 6px solid #ef8f00; } .sev-info { border-left: 6px solid #1565c0; }
.example { position: relative; } .copy { position: absolute; top: 4px; right: 4px; font-size: 0.8rem; cursor: pointer; }
.hang { background: #fff8e1; border-radius: 6px; padding: 8px 12px; }
svg text { font-size: 12px; fill: #212121; } .node-label { font-weight: 600; } .channel-label { font-size: 12.5px; }
.stop-mark { font-size: 22px; font-weight: 700; } .cell-mark { font-size: 9px; fill: #fff; pointer-events: none; }
.run-outline { fill: none; stroke: #000; stroke-width: 1.5; } .run-number { font-size: 9px; font-weight: 700; fill: #fff; }
.row-label { font-size: 10px; fill: #616161; } .legend span { display: inline-block; margin-right: 14px; font-size: 0.85rem; }
.legend i { display: inline-block; width: 11px; height: 11px; margin-right: 4px; vertical-align: -1px; }
details summary { cursor: pointer; } .sources { font-size: 0.8rem; color: #555; }
@media print { body { max-width: none; padding: 0; } .copy { display: none; } details { display: block; } details > summary { list-style: none; }
  .finding, .verdict, svg { break-inside: avoid; } a { color: inherit; } }
`;

/** Copy buttons: the clipboard API where the page may use it, else a selection and execCommand. */
export const PAGE_SCRIPT = `
document.addEventListener('click', function (event) {
  var button = event.target instanceof Element ? event.target.closest('button.copy') : null;
  if (!button) return;
  var source = document.getElementById(button.getAttribute('data-copy') || '');
  if (!source) return;
  var text = source.textContent || '';
  var done = function () { button.textContent = 'Copied'; button.setAttribute('data-copied', 'true'); };
  var fallback = function () {
    var range = document.createRange(); range.selectNodeContents(source);
    var selection = window.getSelection(); if (selection) { selection.removeAllRanges(); selection.addRange(range); }
    try { document.execCommand('copy'); done(); } catch (e) { button.textContent = 'Select and copy'; }
  };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
  else fallback();
});
`;

/** The Content-Security-Policy allows exactly this script, so injected markup could not run even if it got in. */
export function scriptHash(script: string): string {
  return `sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`;
}
