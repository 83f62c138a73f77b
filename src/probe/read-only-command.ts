/**
 * Runs one read-only listing command (a firewall dump), bounded in time and output: its text,
 * cut when longer than the buffer, or why it could not run.
 */
export type CommandResult = { text: string; cut?: boolean } | { reason: string };

export type CommandRunner = (file: string, args: string[]) => Promise<CommandResult>;
