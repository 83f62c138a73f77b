export type StepStatus = 'ok' | 'warn' | 'fail' | 'skipped' | 'aborted';

/** A coarse timeline of what ran, for views and timings. Details live in the typed sections below. */
export interface StepRecord {
  id: StepId;
  label: string;
  status: StepStatus;
  startedMs: number;
  elapsedMs: number;
  summary: string;
}

export type StepId =
  | 'resolve'
  | 'addresses'
  | 'control-connect'
  | 'control-fallback'
  | 'greeting'
  | 'auth-tls'
  | 'login'
  | 'features'
  | 'server-view'
  | 'passive'
  | 'tls-reuse'
  | 'family-data'
  | 'active'
  | 'sweep'
  | 'transfers'
  | 'parallel'
  | 'idle-test'
  | 'local-firewall';
