/** One JSON object a line, as SPEC.md asks of `npm run bench`. */
export function emit(metric: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(JSON.stringify({ metric, value: Math.round(value * 100) / 100, unit, ...extra }) + '\n');
}

export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
