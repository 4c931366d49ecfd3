export interface Deadline {
  incidentId: string;
  milestone: string;
  kind?: string;
  dueAt: number;
}

const keyOf = (d: Deadline) => `${d.incidentId}/${d.milestone}/${d.kind ?? ''}`;

/** A min-heap of deadlines by due time, holding each (incident, milestone) once. */
export class DeadlineQueue {
  private readonly heap: Deadline[] = [];
  private readonly keys = new Set<string>();

  get size(): number {
    return this.heap.length;
  }

  add(d: Deadline): boolean {
    const key = keyOf(d);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.heap.push(d);
    this.up(this.heap.length - 1);
    return true;
  }

  peek(): Deadline | undefined {
    return this.heap[0];
  }

  /** Removes and returns every deadline due at or before `now`, earliest first. */
  popDue(now: number): Deadline[] {
    const due: Deadline[] = [];
    while (this.heap.length > 0 && this.heap[0].dueAt <= now) {
      const top = this.heap[0];
      const last = this.heap.pop()!;
      if (this.heap.length > 0) {
        this.heap[0] = last;
        this.down(0);
      }
      this.keys.delete(keyOf(top));
      due.push(top);
    }
    return due;
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].dueAt <= h[i].dueAt) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l].dueAt < h[m].dueAt) m = l;
      if (r < h.length && h[r].dueAt < h[m].dueAt) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
}
