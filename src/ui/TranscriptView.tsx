import type { TranscriptLine } from '../observation/index.js';
import { sessionLabel, sessionLabelWidth } from '../views/index.js';
import { Box, Text } from 'ink';

const SHOWN = 12;
const ARROW: Record<TranscriptLine['dir'], string> = { sent: '→', received: '←', note: '·' };

/** The last lines of the control connection (passwords are already "***" in the log). */
export function TranscriptView({ lines }: { lines: TranscriptLine[] }) {
  const shown = lines.slice(-SHOWN);
  const width = sessionLabelWidth(lines, shown);
  return (
    <Box flexDirection="column" borderStyle="single" borderDimColor paddingX={1}>
      <Text bold>Control transcript (v hides)</Text>
      {lines.length === 0 ? <Text dimColor>nothing yet</Text> : null}
      {shown.map((line, i) => (
        <Text key={`${line.t}-${i}`} wrap="truncate-end" dimColor={line.dir === 'note'}>
          {width > 0 ? `${sessionLabel(line, width)} ` : ''}
          {ARROW[line.dir]} {line.text}
        </Text>
      ))}
    </Box>
  );
}
