/** A numeric command-line option, or a usage error naming it. */
export function numberOption(name: string, value: string | undefined, check: (n: number) => boolean = Number.isFinite): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !check(n)) throw new UsageError(`--${name}: not a valid value: ${JSON.stringify(value)}`);
  return n;
}

export const positive = (n: number) => Number.isFinite(n) && n > 0;
export const positiveInteger = (n: number) => Number.isInteger(n) && n > 0;
export const nonNegative = (n: number) => Number.isFinite(n) && n >= 0;

export class UsageError extends Error {}
