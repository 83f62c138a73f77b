import { endpoint } from '../ftp/index.js';
import { VERDICT_LOOK } from '../views/index.js';
import { Box, Text, useInput } from 'ink';
import { AddressList } from './AddressList.js';
import { CertificatePrompt } from './CertificatePrompt.js';
import { ComparePlainPrompt } from './ComparePlainPrompt.js';
import { ChannelTable } from './ChannelTable.js';
import { ClientTable } from './ClientTable.js';
import { FindingList } from './FindingList.js';
import { RangeMapView } from './RangeMapView.js';
import { StepList } from './StepList.js';
import { ColourContext, Tinted } from './Tinted.js';
import { TranscriptView } from './TranscriptView.js';
import { IdleTestList, ParallelList, TransferList } from './LongSessionViews.js';
import type { UiState } from './ui-state.js';

export interface LiveAppProps {
  state: UiState;
  width: number;
  colour: boolean;
  /** Listen to keys (needs a terminal on stdin for raw mode). */
  keys: boolean;
  /** q or Ctrl-C (a raw-mode terminal delivers Ctrl-C as a key, not as SIGINT). */
  onQuit: (key: 'q' | 'ctrl-c') => void;
  onToggleTranscript: () => void;
  /** The answer to state.certificateQuestion. */
  onCertificateAnswer?: (trust: boolean) => void;
  /** The answer to state.plainQuestion. */
  onComparePlainAnswer?: (yes: boolean) => void;
}

/** The live view of one check: steps, channels, the range map, then the verdict and findings. */
export function LiveApp({
  state,
  width,
  colour,
  keys,
  onQuit,
  onToggleTranscript,
  onCertificateAnswer,
  onComparePlainAnswer,
}: LiveAppProps) {
  const question = keys ? state.certificateQuestion : undefined;
  const plainQuestion = keys ? state.plainQuestion : undefined;
  useInput(
    (input, key) => {
      if (input === 'q') onQuit('q');
      else if (key.ctrl && input === 'c') onQuit('ctrl-c');
      else if (input === 'v') onToggleTranscript();
    },
    { isActive: keys && !question && !plainQuestion },
  );
  return (
    <ColourContext.Provider value={colour}>
      <Box flexDirection="column" width={width}>
        <Text bold wrap="truncate-end">
          ftpdoctor · {endpoint(state.host, state.port)}
        </Text>
        <Box marginTop={1}>
          <StepList steps={state.steps} />
        </Box>
        <Box marginTop={1}>
          <ChannelTable channels={state.channels} />
        </Box>
        {state.addresses && state.addresses.length > 0 ? (
          <Box marginTop={1}>
            <AddressList rows={state.addresses} />
          </Box>
        ) : null}
        {state.map ? (
          <Box marginTop={1}>
            <RangeMapView
              map={state.map}
              done={state.sweep?.done ?? 0}
              counts={state.sweep?.counts ?? {}}
              {...(state.calibration ? { calibration: state.calibration } : {})}
            />
          </Box>
        ) : null}
        {state.transfers ? (
          <Box marginTop={1}>
            <TransferList transfers={state.transfers} />
          </Box>
        ) : null}
        {state.parallel ? (
          <Box marginTop={1}>
            <ParallelList parallel={state.parallel} />
          </Box>
        ) : null}
        {state.idleTest ? (
          <Box marginTop={1}>
            <IdleTestList test={state.idleTest} />
          </Box>
        ) : null}
        {state.showTranscript ? <TranscriptView lines={state.transcript} /> : null}
        {question ? (
          <CertificatePrompt
            certificate={question.certificate}
            {...(question.authorizationError ? { authorizationError: question.authorizationError } : {})}
            onAnswer={(trust) => onCertificateAnswer?.(trust)}
            onQuit={onQuit}
          />
        ) : null}
        {plainQuestion ? (
          <ComparePlainPrompt
            user={plainQuestion.user}
            host={plainQuestion.host}
            onAnswer={(yes) => onComparePlainAnswer?.(yes)}
            onQuit={onQuit}
          />
        ) : null}
        {state.result ? (
          <Box marginTop={1} flexDirection="column">
            <Text>
              <Tinted colour={VERDICT_LOOK[state.result.verdict].colour} bold>
                {VERDICT_LOOK[state.result.verdict].symbol} {VERDICT_LOOK[state.result.verdict].label}
              </Tinted>{' '}
              {state.result.recommendation}
              {state.result.complete ? '' : <Tinted colour="yellow"> (incomplete: the check was stopped)</Tinted>}
            </Text>
            <Box marginTop={1}>
              <FindingList findings={state.findings} />
            </Box>
            {state.clients ? (
              <Box marginTop={1}>
                <ClientTable compatibility={state.clients} />
              </Box>
            ) : null}
          </Box>
        ) : null}
        {state.notices.map((notice, i) => (
          <Text key={i} dimColor>
            {notice}
          </Text>
        ))}
        {state.phase === 'done' ? null : (
          <Text dimColor>
            {state.phase === 'stopping'
              ? 'stopping…'
              : `q quit · v ${state.showTranscript ? 'hide' : 'show'} control transcript`}
          </Text>
        )}
      </Box>
    </ColourContext.Provider>
  );
}
