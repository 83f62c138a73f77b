import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { decodeEpsvReply, decodePasvReply } from '../../src/ftp/host-port.js';
import { ControlClient, connectData, readAll } from './control-client.js';
import { runTool } from './external-tool.js';
import { serverPool } from './test-servers.js';

const start = serverPool();

/** Reads what a sweep-mode port says to a connection and whether the server closed it. */
function knock(port: number, localAddress = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`port ${port}: not closed within 2 s (got ${JSON.stringify(text)})`));
    }, 2000);
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (text += c));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

/** A random 100-port block away from the default range and other files' blocks; busy ports are skipped by the server. */
function randomRange(): [number, number] {
  const base = 20000 + Math.floor(Math.random() * 12000);
  return [base, base + 99];
}

describe('SITE FTPDOCTOR probe extensions', () => {
  it('tells the peer address and port it sees, before login', async () => {
    const s = await start();
    const { client } = await ControlClient.open('127.0.0.1', s.port);
    const local = client.socket.localPort;
    expect((await client.send('SITE FTPDOCTOR PEER')).text).toBe(`200 PEER 127.0.0.1 ${local}`);
    expect((await client.send('SITE FTPDOCTOR')).code).toBe(501);
    expect((await client.send('SITE FTPDOCTOR NOPE')).code).toBe(501);
    expect((await client.send('SITE CHMOD 777 x')).code).toBe(530);
    client.close();
  });

  it('repeats the last PORT/EPRT argument exactly as received, refused or not', async () => {
    const s = await start();
    const { client } = await ControlClient.open('127.0.0.1', s.port);
    await client.login();
    expect((await client.send('SITE FTPDOCTOR LASTPORT')).code).toBe(550);
    await client.send('PORT 127,0,0,1,156,64');
    expect((await client.send('SITE FTPDOCTOR LASTPORT')).text).toBe('200 LASTPORT 127,0,0,1,156,64');
    await client.send('EPRT |1|127.0.0.2|40000|');
    expect((await client.send('SITE FTPDOCTOR LASTPORT')).text).toBe('200 LASTPORT |1|127.0.0.2|40000|');
    expect((await client.send('SITE chmod 1 x')).code).toBe(504);
    client.close();
  });

  it('repeats the last 227/229 reply exactly as sent, with the advertised address', async () => {
    const s = await start({ pasvAddress: '198.51.100.7' });
    const { client } = await ControlClient.open('127.0.0.1', s.port);
    await client.login();
    expect((await client.send('SITE FTPDOCTOR LASTPASV')).code).toBe(550);
    const pasv = await client.send('PASV');
    expect(pasv.text).toMatch(/^227 Entering Passive Mode \(198,51,100,7,\d+,\d+\)\.$/);
    expect((await client.send('SITE FTPDOCTOR LASTPASV')).text).toBe(`200 LASTPASV ${pasv.text}`);
    const epsv = await client.send('EPSV');
    expect((await client.send('SITE FTPDOCTOR LASTPASV')).text).toBe(`200 LASTPASV ${epsv.text}`);
    expect((await client.send('SITE FTPDOCTOR SWEEP')).code).toBe(550);
    client.close();
  });
});

describe('sweep mode', () => {
  it('answers a connection to any port of the range with a token naming server, port and peer', async () => {
    const range = randomRange();
    const s = await start({ sweepMode: true, pasvRange: range });
    const ports = s.sweepPorts ?? [];
    expect(ports.length).toBeGreaterThan(90);
    const { client } = await ControlClient.open('127.0.0.1', s.port);
    const sweep = await client.send('SITE FTPDOCTOR SWEEP');
    expect(sweep.text).toMatch(new RegExp(`^200 SWEEP ${s.serverId} \\d+-\\d+(,\\d+-\\d+)*$`));
    const first = ports[0] as number;
    const last = ports.at(-1) as number;
    expect(await knock(first)).toBe(`FTPDOCTOR ${s.serverId} ${first} 127.0.0.1\r\n`);
    expect(await knock(last, '127.0.0.2')).toBe(`FTPDOCTOR ${s.serverId} ${last} 127.0.0.2\r\n`);
    client.close();
  });

  it('hands a connection from the control peer to the advertised port to the session as data', async () => {
    const s = await start({ sweepMode: true, pasvRange: randomRange() });
    const { client } = await ControlClient.open('127.0.0.1', s.port);
    await client.login();
    const pasv = decodePasvReply((await client.send('PASV')).text);
    if (!pasv.ok) throw new Error(pasv.reason);
    // a stranger to the advertised port gets the token, not the data
    expect(await knock(pasv.value.port, '127.0.0.2')).toBe(`FTPDOCTOR ${s.serverId} ${pasv.value.port} 127.0.0.2\r\n`);
    const data = await connectData('127.0.0.1', pasv.value.port);
    const listing = readAll(data);
    expect((await client.send('NLST /pub')).code).toBe(150);
    expect((await client.next()).code).toBe(226);
    expect((await listing).toString()).toContain('hello.txt\r\n');
    // once used, the port answers with the token again
    expect(await knock(pasv.value.port)).toBe(`FTPDOCTOR ${s.serverId} ${pasv.value.port} 127.0.0.1\r\n`);
    const epsv = decodeEpsvReply((await client.send('EPSV')).text);
    expect(epsv.ok && epsv.value.port >= s.config.pasvRange[0] && epsv.value.port <= s.config.pasvRange[1]).toBe(true);
    client.close();
  });

  it('serves curl in passive mode while sweeping', async () => {
    const s = await start({ sweepMode: true, pasvRange: randomRange() });
    const r = await runTool('curl', ['-sS', '--max-time', '10', `ftp://127.0.0.1:${s.port}/pub/hello.txt`]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('hello from ftpdoctor\n');
  });
});
