// Types of scripts/build.mjs, for the TypeScript that imports it (tests, bench).
export declare const ROOT: string;
export declare const DIST: string;
export declare const ENTRIES: Record<"main" | "cli" | "heavy-worker", string>;
export declare const LAZY_PACKAGES: string[];
export declare function buildIsCurrent(): boolean;
export declare function startupPackages(entry: keyof typeof ENTRIES): Promise<string[]>;
export declare function build(opts?: { quiet?: boolean }): Promise<void>;
