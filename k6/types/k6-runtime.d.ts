// Globals k6's JavaScript runtime provides that @types/k6 leaves out (no DOM or Node lib here).
declare global {
  interface Console {
    log(...data: unknown[]): void;
    info(...data: unknown[]): void;
    warn(...data: unknown[]): void;
    error(...data: unknown[]): void;
    debug(...data: unknown[]): void;
  }
  var console: Console;
}

export {};
