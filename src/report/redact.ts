/**
 * Secrets never leave the process: the command line loses --password values and the password part
 * of ftp://user:pass@host URLs, and any secret value found there is also scrubbed from every string
 * of the report (a password echoed in a server reply, a URL in a note).
 */

export const REDACTED = '***';

const SECRET_FLAGS = new Set(['--password', '--pass', '--passwd']);
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@/\s]*)(@)/i;

/** Redacted argv, and the secret values it contained. */
export function redactArgv(argv: readonly string[]): { argv: string[]; secrets: string[] } {
  const secrets: string[] = [];
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = /^(--?[\w-]+)=(.*)$/s.exec(arg);
    if (eq && SECRET_FLAGS.has(eq[1]!)) {
      secrets.push(eq[2]!);
      out.push(`${eq[1]}=${REDACTED}`);
      continue;
    }
    if (SECRET_FLAGS.has(arg) && i + 1 < argv.length) {
      secrets.push(argv[i + 1]!);
      out.push(arg, REDACTED);
      i++;
      continue;
    }
    const url = URL_CREDENTIALS.exec(arg);
    if (url && url[2]) {
      secrets.push(decodeURIComponentSafe(url[2]), url[2]);
      out.push(arg.replace(URL_CREDENTIALS, `$1${REDACTED}$3`));
      continue;
    }
    out.push(arg);
  }
  return { argv: out, secrets: [...new Set(secrets.filter((s) => s.length > 0))] };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** "PASS hunter2" → "PASS ***", whatever the engine stored. */
export function redactCommandLine(text: string): string {
  return text.replace(/^(PASS|ACCT)\s+.*$/i, `$1 ${REDACTED}`);
}

/** Deep copy with every occurrence of each secret replaced. Secrets shorter than 3 characters would destroy unrelated text, so they are left to the argv redaction. */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  const usable = secrets.filter((s) => s.length >= 3);
  if (usable.length === 0) return value;
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') return usable.reduce((s, secret) => s.split(secret).join(REDACTED), v);
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
    return v;
  };
  return scrub(value) as T;
}
