import type { Channel } from '../diagnosis/index.js';
import type { ProbeSettings } from '../observation/index.js';
import { isIP } from 'node:net';
import type { Target } from './target.js';
import { transferSettings, type TransferFlags } from './transfer-flags.js';
import { deadlineWithIdleTest } from './idle-test-flag.js';

/** The flags of `check`, already parsed to their types by the program (see program.ts). */
export interface CheckFlags extends TransferFlags {
  port?: number;
  user?: string;
  passwordEnv?: string;
  /** --tls (true) or --no-tls (false). */
  tls?: boolean;
  tlsAuto?: boolean;
  implicitTls?: boolean;
  insecure?: boolean;
  trustFingerprint?: string;
  activePort?: [number, number];
  externalIp?: string;
  eprt?: boolean;
  range?: Array<[number, number]>;
  sweep?: ProbeSettings['sweep'];
  pasvSamples?: number;
  followPasvAddress?: boolean;
  comparePlain?: boolean;
  addresses?: string[];
  address?: string;
  idleTest?: number;
  parallel?: number;
  ipv4?: boolean;
  ipv6?: boolean;
  timeout?: number;
  stepTimeout?: number;
  require?: Channel[];
  json?: boolean;
  output?: string;
  html?: string;
  format?: OutputFormat;
  color?: boolean;
}

export type OutputFormat = 'text' | 'markdown' | 'json';

export interface CheckPlan {
  settings: ProbeSettings;
  require: Channel[];
  /** Where the password comes from: an environment variable, a prompt, or none (anonymous). */
  password: { from: 'none' } | { from: 'env'; variable: string } | { from: 'prompt' };
  format: OutputFormat;
  /** The user chose a machine-readable or paste-ready format: no live view. */
  formatChosen: boolean;
  output?: string;
  /** Also write the HTML report there. */
  html?: string;
  color: boolean;
}

export const DEFAULT_REQUIRE: Channel[] = ['passive'];

/** Users for which servers expect no real password (RFC 1635 anonymous FTP). */
const ANONYMOUS = new Set(['anonymous', 'ftp']);

/**
 * Merges what was typed as the target with the flags over the engine's defaults. Pure: reads no
 * environment (NO_COLOR arrives as `env`) and never prompts; it only says that a prompt is needed.
 */
export function planCheck(
  target: Target,
  flags: CheckFlags,
  defaults: ProbeSettings,
  env: { noColor: boolean },
): { ok: true; plan: CheckPlan } | { ok: false; message: string } {
  if (flags.port !== undefined && target.port !== undefined && flags.port !== target.port) {
    return {
      ok: false,
      message: `the port is given twice and differs: ${target.port} in "${target.host}" and --port ${flags.port}`,
    };
  }
  if (flags.user !== undefined && target.user !== undefined && flags.user !== target.user) {
    return {
      ok: false,
      message: `the user is given twice and differs: "${target.user}" in the URL and --user "${flags.user}"`,
    };
  }
  const tlsFlags = [
    flags.tls === true && '--tls',
    flags.tls === false && '--no-tls',
    flags.tlsAuto && '--tls-auto',
    flags.implicitTls && '--implicit-tls',
  ].filter((f): f is string => typeof f === 'string');
  if (tlsFlags.length > 1) return { ok: false, message: `${tlsFlags.join(' and ')} exclude each other: choose one` };
  const flagTls =
    flags.tls === true
      ? 'explicit'
      : flags.tls === false
        ? 'off'
        : flags.tlsAuto
          ? 'auto'
          : flags.implicitTls
            ? 'implicit'
            : undefined;
  if (flagTls !== undefined && target.tls !== undefined && flagTls !== target.tls) {
    return { ok: false, message: `the URL scheme asks for ${target.tls} TLS but ${tlsFlags[0]} was given` };
  }
  const tls = flagTls ?? target.tls ?? defaults.tls;

  if (flags.trustFingerprint !== undefined && flags.insecure) {
    return { ok: false, message: '--trust-fingerprint and --insecure exclude each other: choose one' };
  }
  if (flags.trustFingerprint !== undefined && tls === 'off') {
    return { ok: false, message: '--trust-fingerprint needs TLS, but this check runs plain FTP only (--no-tls)' };
  }

  if (flags.ipv4 && flags.ipv6) return { ok: false, message: '--ipv4 and --ipv6 exclude each other: choose one' };
  const literal = isIP(target.host) as 0 | 4 | 6;
  const family: 4 | 6 | undefined = flags.ipv4 ? 4 : flags.ipv6 ? 6 : literal === 0 ? defaults.family : literal;
  if (literal !== 0 && family !== literal) {
    return { ok: false, message: `${target.host} is an IPv${literal} address but --ipv${family} was given` };
  }
  // A literal target sets the family unless a list of addresses widens the check to both.
  const asked = flags.ipv4 ? 4 : flags.ipv6 ? 6 : undefined;
  const listed = [...(flags.addresses ?? []), ...(flags.address === undefined ? [] : [flags.address])];
  const offFamily = listed.find((a) => asked !== undefined && isIP(a) !== asked);
  if (offFamily !== undefined)
    return { ok: false, message: `${offFamily} is not an IPv${asked} address like --ipv${asked}` };
  if (flags.externalIp !== undefined && family !== undefined && isIP(flags.externalIp) !== family) {
    return {
      ok: false,
      message: `--external-ip ${flags.externalIp} is not an IPv${family} address like the connection`,
    };
  }
  if (flags.timeout !== undefined && flags.stepTimeout !== undefined && flags.stepTimeout > flags.timeout) {
    return {
      ok: false,
      message: `--step-timeout (${flags.stepTimeout} ms) is longer than --timeout (${flags.timeout} ms)`,
    };
  }
  if (flags.passwordEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(flags.passwordEnv)) {
    return {
      ok: false,
      message: `--password-env takes the NAME of an environment variable, not "${flags.passwordEnv}"`,
    };
  }

  const deadline = deadlineWithIdleTest(flags.idleTest, flags.timeout, defaults.timeoutMs);
  if (!deadline.ok) return deadline;

  const user = flags.user ?? target.user ?? defaults.user;
  const password: CheckPlan['password'] =
    flags.passwordEnv !== undefined
      ? { from: 'env', variable: flags.passwordEnv }
      : ANONYMOUS.has(user.toLowerCase())
        ? { from: 'none' }
        : { from: 'prompt' };

  const settings: ProbeSettings = {
    ...defaults,
    host: target.host,
    port: flags.port ?? target.port ?? (tls === 'implicit' ? 990 : defaults.port),
    tls,
    insecure: flags.insecure ?? defaults.insecure,
    user,
    passwordSupplied: password.from !== 'none',
    activePorts: flags.activePort ?? defaults.activePorts,
    useEprt: flags.eprt ?? defaults.useEprt,
    ranges: flags.range ?? defaults.ranges,
    sweep: flags.sweep ?? defaults.sweep,
    pasvSamples: flags.pasvSamples ?? defaults.pasvSamples,
    followPasvAddress: flags.followPasvAddress ?? defaults.followPasvAddress,
    ...(flags.comparePlain === true ? { comparePlain: true } : {}),
    timeoutMs: deadline.value,
    stepTimeoutMs: flags.stepTimeout ?? Math.min(defaults.stepTimeoutMs, flags.timeout ?? Infinity),
  };
  if (family !== undefined && (listed.length === 0 || asked !== undefined)) settings.family = family;
  else delete settings.family;
  const externalIp = flags.externalIp ?? defaults.externalIp;
  if (externalIp !== undefined) settings.externalIp = externalIp;
  if (flags.addresses !== undefined) settings.addresses = flags.addresses;
  if (flags.address !== undefined) settings.address = flags.address;
  if (flags.trustFingerprint !== undefined) settings.trustFingerprint = flags.trustFingerprint;
  if (flags.idleTest !== undefined) settings.idleTestMs = flags.idleTest;
  if (flags.parallel !== undefined) settings.parallel = flags.parallel;
  const transfers = transferSettings(flags);
  if (transfers) settings.transfers = transfers;

  const format: OutputFormat = flags.json ? 'json' : (flags.format ?? 'text');
  if (flags.json && flags.format !== undefined && flags.format !== 'json') {
    return { ok: false, message: `--json and --format ${flags.format} ask for different outputs: choose one` };
  }
  const plan: CheckPlan = {
    settings,
    require: flags.require ?? DEFAULT_REQUIRE,
    password,
    format,
    formatChosen: flags.json === true || flags.format !== undefined,
    color: flags.color !== false && !env.noColor,
  };
  if (flags.output !== undefined) plan.output = flags.output;
  if (flags.html !== undefined) plan.html = flags.html;
  return { ok: true, plan };
}

/** https://no-color.org: present and not empty disables colour. */
export function noColorRequested(env: NodeJS.ProcessEnv): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}

/** The live Ink view only on an interactive terminal, never in CI or when a format was chosen. */
export function chooseView(
  plan: Pick<CheckPlan, 'formatChosen'>,
  io: { stdoutIsTTY: boolean; env: NodeJS.ProcessEnv },
): 'live' | 'plain' {
  const ci = io.env.CI !== undefined && io.env.CI !== '' && io.env.CI !== 'false' && io.env.CI !== '0';
  return io.stdoutIsTTY && !ci && !plan.formatChosen ? 'live' : 'plain';
}
