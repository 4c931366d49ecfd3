export interface StorageLogger {
  log(msg: string): void;
  warn(msg: string): void;
}

export const consoleStorageLogger: StorageLogger = {
  log: () => undefined,
  warn: (msg) => console.warn(msg),
};
