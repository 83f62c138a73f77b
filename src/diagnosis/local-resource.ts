import { RESOURCE_ERRNOS } from '../observation/index.js';

export function isResourceErrno(errno: string | undefined): boolean {
  return errno !== undefined && RESOURCE_ERRNOS.has(errno);
}

export function resourceAdvice(errno: string | undefined): string {
  switch (errno) {
    case 'EMFILE':
    case 'ENFILE':
      return 'This computer ran out of open files: raise the limit (ulimit -n 4096) or close other programs, then run the check again.';
    case 'EADDRINUSE':
      return 'The local port is already in use by another program: pick another port (--active-port) or stop the program using it (ss -ltnp).';
    case 'EADDRNOTAVAIL':
      return 'The local address is not available on this computer (or no free local port was left): check --external-ip / the local address, or wait for sockets in TIME_WAIT to clear.';
    case 'ENOBUFS':
    case 'ENOMEM':
    case 'EAGAIN':
      return 'This computer ran out of memory or socket buffers: close other programs and run the check again.';
    default:
      return 'This computer could not perform the operation: check its resources and network configuration, then run the check again.';
  }
}
