/** Types of build-stamp.mjs (plain JavaScript so that it runs before node_modules exists). */
export declare const STAMP_FILE: string;
export declare const ENTRY_FILE: string;
export declare function sourceHash(root: string): string;
export declare function buildReason(root: string, hash?: string): string | null;
export declare function writeStamp(root: string, hash: string): void;
export declare function ensureBuilt(
  root: string,
  log?: (line: string) => void,
  stdio?: 'inherit' | 'ignore' | 'pipe',
): { built: false; failed?: undefined } | { built: true; reason: string } | { built: false; failed: true; status: number };
