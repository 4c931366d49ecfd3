/**
 * At most `max` tasks running at once; the others wait their turn in arrival
 * order. A task that finds a free slot starts in the caller's tick, so tasks
 * start in the order they were submitted either way.
 */
export class InFlightLimit {
  private running = 0;
  private readonly queue: Array<() => void> = [];
  private head = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.max) this.running++;
    // A finishing task hands its slot straight to the next in the queue, so `running` stays at max meanwhile.
    else await new Promise<void>((resolve) => this.queue.push(resolve));
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  get inFlight(): number {
    return this.running;
  }

  get waiting(): number {
    return this.queue.length - this.head;
  }

  private release(): void {
    if (this.head < this.queue.length) {
      const next = this.queue[this.head++];
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      next();
    } else {
      this.running--;
    }
  }
}
