import { STEP_LOOK, formatMs } from '../views/index.js';
import { Box, Text } from 'ink';
import { Spinner } from './Spinner.js';
import { Tinted } from './Tinted.js';
import type { StepView } from './ui-state.js';

/** Each step: a spinner while it runs, then its mark, its time and what it found. */
export function StepList({ steps }: { steps: StepView[] }) {
  return (
    <Box flexDirection="column">
      {steps.map((step) => (
        <Box key={step.id}>
          <Box width={2} flexShrink={0}>
            {step.status === 'running' ? (
              <Spinner />
            ) : (
              <Tinted colour={STEP_LOOK[step.status].colour}>{STEP_LOOK[step.status].symbol}</Tinted>
            )}
          </Box>
          <Box width={30} flexShrink={0}>
            <Text wrap="truncate-end">{step.label}</Text>
          </Box>
          <Box width={8} flexShrink={0} justifyContent="flex-end">
            <Text dimColor>{step.elapsedMs === undefined ? '' : formatMs(step.elapsedMs)}</Text>
          </Box>
          <Box marginLeft={1} flexGrow={1} flexShrink={1}>
            <Text wrap="truncate-end">{step.summary ?? ''}</Text>
          </Box>
        </Box>
      ))}
    </Box>
  );
}
