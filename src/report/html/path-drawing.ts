import type { Channel, ChannelStatus, Where } from '../../diagnosis/index.js';
import type { Report } from '../report-type.js';
import { escapeHtml } from './escape.js';

/**
 * The path as a picture: this computer, its firewall/NAT, the network, the server's firewall/NAT,
 * the server; each channel an arrow in the direction its connection is opened (active: from the
 * server), green when it gets through, amber when it partly does, red and cut where it stops.
 * Symbols and words say the same, for print and for readers who do not see the colours.
 */

const NODES = ['This computer', 'Its firewall / NAT', 'The network', "Server's firewall / NAT", 'The server'] as const;
/** The same places in a sentence: "stopped at …". */
const AT = [
  'this computer',
  "this computer's firewall/NAT",
  'the network',
  "the server's firewall/NAT",
  'the server',
] as const;
const X = [84, 262, 450, 638, 816];
const TOP = 20;
const ROW0 = 120;
const ROW = 44;

const LOOK: Record<ChannelStatus, { colour: string; symbol: string; word: string }> = {
  ok: { colour: '#2e7d32', symbol: '✔', word: 'gets through' },
  partial: { colour: '#ef8f00', symbol: '!', word: 'partly gets through' },
  blocked: { colour: '#c62828', symbol: '✘', word: 'stopped' },
  error: { colour: '#757575', symbol: '?', word: 'not tested' },
  skipped: { colour: '#9e9e9e', symbol: '–', word: 'not tested' },
};

const CHANNEL_WORDS: Record<Channel, string> = {
  control: 'control (you → server port)',
  passive: 'passive data (you → server range)',
  active: 'active data (server → you)',
  tls: 'TLS',
};

/** Index of the node where a blocked channel stops, from the findings' "where". */
function stopNode(where: Where | undefined): number {
  if (where === 'this-computer') return 1;
  if (where === 'server-side') return 3;
  return 2;
}

export function pathSvg(report: Report): string {
  const channels: Channel[] = ['control', 'tls', 'passive', 'active'];
  const width = 900;
  const height = ROW0 + channels.length * ROW + 10;
  const parts: string[] = [
    `<defs>${Object.entries(LOOK)
      .map(
        ([s, l]) =>
          `<marker id="head-${s}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="3.5" markerHeight="3.5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${l.colour}"/></marker>`,
      )
      .join('')}</defs>`,
  ];
  NODES.forEach((name, i) => {
    const wall = i === 1 || i === 3;
    const cloud = i === 2;
    parts.push(
      `<g class="node"><rect x="${X[i]! - 76}" y="${TOP}" width="152" height="52" rx="${cloud ? 26 : 6}" fill="${wall ? '#fff3e0' : cloud ? '#e3f2fd' : '#f5f5f5'}" stroke="#616161"${wall ? ' stroke-dasharray="6 3"' : ''}/>` +
        `<text x="${X[i]}" y="${TOP + 31}" text-anchor="middle" class="node-label">${escapeHtml(name)}</text>` +
        `<line x1="${X[i]}" y1="${TOP + 52}" x2="${X[i]}" y2="${height - 6}" stroke="#bdbdbd" stroke-dasharray="2 4"/></g>`,
    );
  });
  channels.forEach((c, row) => {
    const v = report.channels[c];
    const look = LOOK[v.status];
    const y = ROW0 + row * ROW;
    const where = report.findings.find((f) => f.channel === c && f.severity === 'error')?.where;
    const inbound = c === 'active';
    const from = inbound ? 4 : 0;
    const to = v.status === 'blocked' ? stopNode(where) : inbound ? 0 : 4;
    const x1 = X[from]!;
    const x2 = X[to]! + (v.status === 'blocked' ? (inbound ? 18 : -18) : inbound ? 14 : -14);
    const dash = v.status === 'error' || v.status === 'skipped' ? ' stroke-dasharray="6 5"' : '';
    parts.push(
      `<g class="channel" data-channel="${c}" data-status="${v.status}" data-stops-at="${v.status === 'blocked' ? NODES[to] : ''}">` +
        `<title>${escapeHtml(`${c}: ${v.status} — ${v.summary}`)}</title>` +
        `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${look.colour}" stroke-width="5"${dash}${v.status === 'ok' || v.status === 'partial' ? ` marker-end="url(#head-${v.status})"` : ''}/>` +
        (v.status === 'blocked'
          ? `<text x="${X[to]}" y="${y + 7}" text-anchor="middle" class="stop-mark" fill="${look.colour}">✘</text>`
          : '') +
        `<text x="${inbound ? X[4]! - 6 : X[0]! + 6}" y="${y - 9}" text-anchor="${inbound ? 'end' : 'start'}" class="channel-label">${escapeHtml(`${look.symbol} ${CHANNEL_WORDS[c]}: ${look.word}${v.status === 'blocked' ? ` at ${AT[to] ?? ''}` : ''}`)}</text></g>`,
    );
  });
  return `<svg class="path-drawing" role="img" aria-label="The path from this computer to the server, one arrow per channel" viewBox="0 0 ${width} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}
