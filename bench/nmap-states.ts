/**
 * Per-port states from nmap's XML (-oX): listed ports carry their own <state>; the collapsed
 * majority states are <extraports state="…"> whose <extrareasons ports="a-b,c"> (nmap 7.80+) name
 * the ports. undefined when nmap did not finish the host (--host-timeout) or printed no ports.
 */
export function nmapPortStates(xml: string): Map<number, string> | undefined {
  if (
    !/<runstats>[\s\S]*hosts up="1"/.test(xml) ||
    /host timeout|skipped/i.test(xml.match(/<finished[^>]*>/)?.[0] ?? '') ||
    !/<ports>/.test(xml)
  )
    return undefined;
  const states = new Map<number, string>();
  for (const m of xml.matchAll(/<port protocol="tcp" portid="(\d+)"><state state="(\w+)"/g))
    states.set(Number(m[1]), m[2]!);
  for (const extra of xml.matchAll(/<extraports state="(\w+)"[^>]*>([\s\S]*?)<\/extraports>/g))
    for (const reason of extra[2]!.matchAll(/<extrareasons [^>]*ports="([\d,-]+)"/g))
      for (const part of reason[1]!.split(',')) {
        const [from, to = from] = part.split('-').map(Number) as [number, number?];
        for (let p = from; p <= to; p++) states.set(p, extra[1]!);
      }
  return states;
}
