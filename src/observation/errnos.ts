/**
 * The errno names (as Node reports them in err.code) that say something about this computer rather
 * than the network, each set named for what it means, so every layer reads an errno the same way.
 */

/** This process has no descriptor left. */
export const DESCRIPTOR_ERRNOS: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE']);

/** A shortage that clears as this process closes sockets: descriptors, buffers, memory, local ports. */
export const EXHAUSTION_ERRNOS: ReadonlySet<string> = new Set([
  ...DESCRIPTOR_ERRNOS,
  'EADDRNOTAVAIL',
  'ENOBUFS',
  'ENOMEM',
]);

/** This computer ran short of something or could not even try: never a firewall's answer. */
export const RESOURCE_ERRNOS: ReadonlySet<string> = new Set([...EXHAUSTION_ERRNOS, 'EADDRINUSE', 'EAGAIN']);
