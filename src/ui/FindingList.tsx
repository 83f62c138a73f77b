import type { Finding } from '../diagnosis/index.js';
import { SEVERITY_LOOK } from '../views/index.js';
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { Tinted } from './Tinted.js';

const ACTOR: Record<Finding['actor'], string> = {
  you: 'you',
  'network-admin': 'your network admin',
  'server-admin': "the server's admin",
};

/** A labelled block whose wrapped lines stay aligned under the first. */
function Labelled({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box>
      <Box width={6} flexShrink={0}>
        <Text dimColor>{label}</Text>
      </Box>
      <Box flexDirection="column" flexShrink={1} flexGrow={1}>
        {children}
      </Box>
    </Box>
  );
}

/** Findings most severe first, each with the rule it infers, who acts, and the first steps of its fix. */
export function FindingList({ findings }: { findings: Finding[] }) {
  if (findings.length === 0) return <Text>No findings: nothing in the way.</Text>;
  return (
    <Box flexDirection="column">
      <Text bold>Findings ({findings.length})</Text>
      {findings.map((finding, i) => {
        const look = SEVERITY_LOOK[finding.severity];
        return (
          <Box key={`${finding.code}-${i}`} flexDirection="column" marginTop={1}>
            <Box>
              <Box width={2} flexShrink={0}>
                <Tinted colour={look.colour}>{look.symbol}</Tinted>
              </Box>
              <Text>
                <Text bold>{finding.code}</Text>
                <Text dimColor> ({finding.channel})</Text> {finding.title}
              </Text>
            </Box>
            <Box flexDirection="column" marginLeft={2}>
              {finding.rule === undefined ? null : (
                <Labelled label="Rule:">
                  <Text>{finding.rule}</Text>
                </Labelled>
              )}
              <Labelled label="Who:">
                <Text>{ACTOR[finding.actor]}</Text>
              </Labelled>
              {finding.fix.length === 0 ? null : (
                <Labelled label="Fix:">
                  {finding.fix.slice(0, 3).map((step, j) => (
                    <Text key={j}>{finding.fix.length > 1 ? `${j + 1}. ${step}` : step}</Text>
                  ))}
                </Labelled>
              )}
              <Labelled label="More:">
                <Text dimColor>ftpdoctor explain {finding.code}</Text>
              </Labelled>
            </Box>
          </Box>
        );
      })}
    </Box>
  );
}
