import { createServer, Socket, type Server } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { classifyAddress } from '../../src/ftp/address-class.js';
import {
  decodeEprt,
  decodeHostPort,
  encodeEpsvReply,
  encodePasvReply,
  type Decoded,
  type HostPort,
} from '../../src/ftp/host-port.js';
import { createTlsIdentity, type TlsIdentity } from '../../src/server/tls-identity.js';
import { converse, startScripted, type ScriptedServer } from '../probe/scripted-server.js';

/**
 * A scripted FTP server for the fixture recorder: enough of RFC 959 (USER, PASS, FEAT, SYST, TYPE,
 * PASV, EPSV, PORT, EPRT, LIST, NOOP, ABOR, QUIT) and RFC 4217 (AUTH TLS, PBSZ, PROT) for a whole
 * probe run, with the one misbehaviour a scenario needs that the reference server will not do.
 * Real sockets on loopback (or inside the recorder's own namespace); close() ends everything.
 */
export interface ScriptedFtpOptions {
  /** 'garbage': AUTH TLS is accepted with 234, then bytes that are not TLS arrive and the connection closes. */
  tls?: 'handshake' | 'garbage';
  /** A fixed data port for EPSV (a scenario's firewall rule can then target it); PASV uses any free port. */
  epsvPort?: number;
  /**
   * What a LIST does on the data connection: 'listing' sends it; 'stall' sends a few bytes, then
   * nothing while keeping the connection open; 'reuse-required' is vsftpd's require_ssl_reuse=YES
   * (150, TLS accepted, then, as the session was not resumed, "522 SSL connection failed: session
   * reuse required" and the control connection closed), from a server whose data connections
   * cannot resume the control session (another TLS context: other ticket keys, another cache).
   */
  data: 'listing' | 'stall' | 'reuse-required';
}

const LISTING =
  '-rw-r--r--    1 ftp      ftp           120 Nov 25 17:00 readme.txt\r\ndrwxr-xr-x    2 ftp      ftp          4096 Nov 25 17:00 pub\r\n';
/** A partial listing: then silence. Fewer bytes than one line, so nothing could pass as a complete reply. */
const STALL_BYTES = '-rw-r--r--    1 ftp';
const DATA_WAIT_MS = 3000;

export async function startScriptedFtp(host: string, opts: ScriptedFtpOptions): Promise<ScriptedServer> {
  const identities = opts.tls === 'handshake' ? await tlsIdentities() : undefined;
  const extra = new Set<Server | Socket>();
  const control = await startScripted(host, (socket) => new Session(host, opts, identities, extra).start(socket));
  return {
    host: control.host,
    port: control.port,
    get accepted() {
      return control.accepted;
    },
    close: async () => {
      for (const x of extra) if (x instanceof Socket) x.destroy();
      await Promise.all(
        [...extra].map((x) => (x instanceof Socket ? Promise.resolve() : new Promise<void>((r) => x.close(() => r())))),
      );
      await control.close();
    },
  };
}

/** One certificate; a context for the control connection and, for 'reuse-required', a separate one for data. */
async function tlsIdentities(): Promise<{ control: TlsIdentity; data: TlsIdentity; dataResumes: TlsIdentity }> {
  const pem = await generate([{ name: 'commonName', value: 'ftpdoctor scripted fixture server' }], {
    keyType: 'ec',
    algorithm: 'sha256',
  });
  const control = await createTlsIdentity(pem.cert, pem.private);
  return { control, dataResumes: control, data: await createTlsIdentity(pem.cert, pem.private) };
}

type DataSource = { kind: 'passive'; socket: Promise<Socket | undefined> } | { kind: 'active'; target: HostPort };

class Session {
  private protection: 'clear' | 'private' = 'clear';
  private dataSource: DataSource | undefined;
  private listener: Server | undefined;
  private controlTls = false;

  constructor(
    private readonly host: string,
    private readonly opts: ScriptedFtpOptions,
    private readonly identities: Awaited<ReturnType<typeof tlsIdentities>> | undefined,
    private readonly extra: Set<Server | Socket>,
  ) {}

  start(socket: Socket): void {
    const tls = this.identities
      ? { wrap: (s: Socket) => ((this.controlTls = true), this.identities!.control.wrap(s)) }
      : undefined;
    converse(socket, '220 ftpdoctor scripted fixture server\r\n', (line, current) => this.answer(line, current), tls);
  }

  private answer(line: string, current: Socket): string | undefined {
    const [verb = '', ...rest] = line.split(' ');
    const arg = rest.join(' ');
    switch (verb.toUpperCase()) {
      case 'AUTH':
        if (this.opts.tls !== 'garbage') return '502 AUTH not supported\r\n';
        // 234, then plain text where the ServerHello should be (RFC 4217 §4), as a middlebox that
        // does not understand TLS would answer the ClientHello: the client's handshake fails.
        current.removeAllListeners('data');
        current.once('data', () => current.end('421 this is not TLS\r\n'));
        return '234 Proceed with negotiation.\r\n';
      case 'USER':
        return '331 Please specify the password.\r\n';
      case 'PASS':
        return '230 Login successful.\r\n';
      case 'FEAT':
        return `211-Features:\r\n${this.identities ? ' AUTH TLS\r\n PBSZ\r\n PROT\r\n' : ''} EPSV\r\n EPRT\r\n PASV\r\n211 End\r\n`;
      case 'SYST':
        return '215 UNIX Type: L8\r\n';
      case 'TYPE':
        return '200 Switching to Binary mode.\r\n';
      case 'NOOP':
        return '200 NOOP ok.\r\n';
      case 'PBSZ':
        return this.controlTls ? '200 PBSZ set to 0.\r\n' : '503 PBSZ needs a secure connection.\r\n';
      case 'PROT':
        if (!this.controlTls) return '503 PROT needs a secure connection.\r\n';
        this.protection = arg.toUpperCase() === 'P' ? 'private' : 'clear';
        return '200 PROT now ' + (this.protection === 'private' ? 'Private' : 'Clear') + '.\r\n';
      case 'PASV':
      case 'EPSV':
        return this.passive(verb.toUpperCase() as 'PASV' | 'EPSV', current);
      case 'PORT':
      case 'EPRT':
        return this.active(verb.toUpperCase() === 'PORT' ? decodeHostPort(arg) : decodeEprt(arg));
      case 'LIST':
      case 'NLST':
        void this.list(current);
        return undefined;
      case 'ABOR':
        return '225 No transfer to ABOR.\r\n';
      case 'QUIT':
        current.end('221 Goodbye.\r\n');
        return undefined;
      default:
        return '500 Unknown command.\r\n';
    }
  }

  private passive(command: 'PASV' | 'EPSV', current: Socket): string | undefined {
    const port = command === 'EPSV' ? this.opts.epsvPort : undefined;
    this.listener?.close();
    const listener = createServer();
    this.listener = listener;
    this.extra.add(listener);
    listener.on('close', () => this.extra.delete(listener));
    const accepted = new Promise<Socket | undefined>((resolve) => {
      const timer = setTimeout(() => {
        listener.close();
        resolve(undefined);
      }, DATA_WAIT_MS);
      listener.once('connection', (s) => {
        clearTimeout(timer);
        this.track(s);
        listener.close();
        resolve(s);
      });
    });
    listener.once('error', () => current.write('425 Cannot open data port.\r\n'));
    listener.listen({ host: this.host, port: port ?? 0 }, () => {
      const { port: bound } = listener.address() as { port: number };
      current.write(
        command === 'PASV'
          ? `227 ${encodePasvReply({ address: this.host, port: bound })}\r\n`
          : `229 ${encodeEpsvReply(bound)}\r\n`,
      );
    });
    this.dataSource = { kind: 'passive', socket: accepted };
    return undefined;
  }

  private active(decoded: Decoded<HostPort>): string {
    // Network rule of the project: this server connects back to loopback only.
    if (!decoded.ok || classifyAddress(decoded.value.address) !== 'loopback') return '500 Illegal PORT command.\r\n';
    this.dataSource = { kind: 'active', target: decoded.value };
    return '200 PORT command successful. Consider using PASV.\r\n';
  }

  private track(s: Socket): void {
    this.extra.add(s);
    s.on('error', () => undefined);
    s.on('close', () => this.extra.delete(s));
  }

  private async dataSocket(): Promise<Socket | undefined> {
    const source = this.dataSource;
    this.dataSource = undefined;
    if (!source) return undefined;
    if (source.kind === 'passive') return source.socket;
    const s = new Socket();
    this.track(s);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), DATA_WAIT_MS);
      s.once('error', () => resolve(undefined));
      s.connect({ host: source.target.address, port: source.target.port }, () => {
        clearTimeout(timer);
        resolve(s);
      });
    });
  }

  private async list(current: Socket): Promise<void> {
    const raw = await this.dataSocket();
    if (!raw) {
      current.write('425 Use PORT or PASV first.\r\n');
      return;
    }
    current.write('150 Here comes the directory listing.\r\n');
    const refuseUnresumed = this.opts.data === 'reuse-required';
    let data: Socket = raw;
    if (this.protection === 'private' && this.identities) {
      const tls: TLSSocket = (refuseUnresumed ? this.identities.data : this.identities.dataResumes).wrap(raw);
      this.track(tls);
      const secured = await new Promise<boolean>((resolve) => {
        tls.once('secure', () => resolve(true));
        tls.once('error', () => resolve(false));
        tls.once('close', () => resolve(false));
      });
      if (!secured) {
        current.write('522 SSL connection failed.\r\n');
        return;
      }
      if (refuseUnresumed && !tls.isSessionReused()) {
        tls.destroy();
        current.end('522 SSL connection failed: session reuse required\r\n');
        return;
      }
      data = tls;
    }
    if (this.opts.data === 'stall') {
      // Held open, never ended: the client sees the first bytes and then nothing.
      data.write(STALL_BYTES);
      return;
    }
    data.end(LISTING, () => {
      if (!current.destroyed) current.write('226 Directory send OK.\r\n');
    });
  }
}
