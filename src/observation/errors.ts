/** Stable error codes carried by every recorded failure. */
export type ErrorCode =
  | 'E_DNS'
  | 'E_CONNECT'
  | 'E_TIMEOUT'
  | 'E_CLOSED'
  | 'E_RESET'
  | 'E_NOT_FTP'
  | 'E_REPLY_TOO_LONG'
  | 'E_BAD_REPLY'
  | 'E_TLS'
  | 'E_TLS_CERT'
  | 'E_TLS_FINGERPRINT'
  | 'E_LOGIN'
  | 'E_LOCAL_RESOURCE'
  | 'E_ABORTED'
  | 'E_PROTOCOL';
