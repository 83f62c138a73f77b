import type { ClientCompatibility, Diagnosis } from '../diagnosis/index.js';
import type { CertificateInfo, ObservationLog, ProbeEvent, ProbeSettings } from '../observation/index.js';
import { render, type Instance } from 'ink';
import { LiveApp } from './LiveApp.js';
import { initialUiState, reduceUi, type UiAction, type UiState } from './ui-state.js';

export interface LiveViewOptions {
  settings: ProbeSettings;
  colour: boolean;
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  /** Verdicts as they become known: the diagnosis of each step-end snapshot. */
  diagnose(log: ObservationLog): Diagnosis;
  /** q or Ctrl-C: the caller stops the engine; the view stays up to show the partial result. */
  onQuit: (key: 'q' | 'ctrl-c') => void;
}

export interface LiveView {
  onEvent(event: ProbeEvent): void;
  stopping(reason: string): void;
  /**
   * Asks about an untrusted certificate in the view (see CertificatePrompt); the engine's
   * confirmCertificate option. Resolves false when declined, unanswered or stopped.
   */
  confirmCertificate: (
    certificate: CertificateInfo,
    context: { authorizationError?: string; signal: AbortSignal },
  ) => Promise<boolean>;
  /** Asks for consent to the plain-text comparison (see ComparePlainPrompt); the engine's confirmComparePlain. */
  confirmComparePlain: (context: { user: string; host: string; signal: AbortSignal }) => Promise<boolean>;
  /** Shows the final verdict and findings, then leaves the last frame on the terminal. */
  finish(diagnosis: Diagnosis, notices: string[], clients?: ClientCompatibility): Promise<void>;
}

const MAX_WIDTH = 80;
/**
 * Events can arrive by the hundred (sweep progress): state follows every one, the screen at most
 * every RENDER_INTERVAL_MS, so rendering does not steal the engine's time and skew its timings.
 */
const RENDER_INTERVAL_MS = 66;
/** An unanswered question (certificate, plain comparison) counts as no after this long (a person gets minutes, not forever). */
const QUESTION_TIMEOUT_MS = 5 * 60_000;

/** The Ink shell around the pure reducer: every event becomes a new state and a re-render. */
export function startLiveView(opts: LiveViewOptions): LiveView {
  let state: UiState = initialUiState(opts.settings);
  const width = Math.min(MAX_WIDTH, Math.max(40, (opts.stdout.columns ?? MAX_WIDTH) - 1));
  const keys = opts.stdin.isTTY;
  const element = () => (
    <LiveApp
      state={state}
      width={width}
      colour={opts.colour}
      keys={keys && state.phase === 'running'}
      onQuit={opts.onQuit}
      onToggleTranscript={() => dispatch({ type: 'toggle-transcript' })}
      onCertificateAnswer={(trust) => answer?.(trust)}
      onComparePlainAnswer={(yes) => answer?.(yes)}
    />
  );
  const instance: Instance = render(element(), {
    stdout: opts.stdout,
    stdin: opts.stdin,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 15,
  });
  let pending: NodeJS.Timeout | undefined;
  let answer: ((trust: boolean) => void) | undefined;
  const renderNow = (): void => {
    clearTimeout(pending);
    pending = undefined;
    instance.rerender(element());
  };
  const dispatch = (action: UiAction): void => {
    const next = reduceUi(state, action);
    if (next === state) return;
    state = next;
    pending ??= setTimeout(renderNow, RENDER_INTERVAL_MS);
  };
  /** Shows a yes/no question and waits: no when declined, unanswered for QUESTION_TIMEOUT_MS, or stopped. */
  const ask = (show: UiAction, done: UiAction, signal: AbortSignal): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      const settle = (yes: boolean): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        answer = undefined;
        dispatch(done);
        renderNow();
        resolve(yes);
      };
      const onAbort = (): void => settle(false);
      const timer = setTimeout(() => settle(false), QUESTION_TIMEOUT_MS);
      answer = settle;
      signal.addEventListener('abort', onAbort, { once: true });
      dispatch(show);
      renderNow();
    });
  return {
    onEvent(event) {
      dispatch(event);
      if (event.type === 'step-end') dispatch({ type: 'diagnosis', diagnosis: opts.diagnose(event.log), final: false });
    },
    stopping(reason) {
      answer?.(false);
      dispatch({ type: 'stopping', reason });
    },
    confirmCertificate(certificate, { authorizationError, signal }) {
      return ask(
        { type: 'certificate-question', certificate, ...(authorizationError ? { authorizationError } : {}) },
        { type: 'certificate-answered' },
        signal,
      );
    },
    confirmComparePlain({ user, host, signal }) {
      return ask({ type: 'plain-question', user, host }, { type: 'plain-answered' }, signal);
    },
    async finish(diagnosis, notices, clients) {
      dispatch({ type: 'diagnosis', diagnosis, final: true });
      if (clients) dispatch({ type: 'clients', clients });
      for (const text of notices) dispatch({ type: 'notice', text });
      renderNow();
      await instance.waitUntilRenderFlush();
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
