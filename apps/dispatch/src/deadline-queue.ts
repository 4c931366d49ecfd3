import type { SignalClass } from '@app/contracts';
import { BinaryHeap } from '@app/domain';

export interface Deadline {
  incidentId: string;
  milestone: string;
  kind?: string;
  dueAt: number;
  /** The incident's class: of the deadlines due together, a fire's are escalated first. */
  signalClass?: SignalClass | null;
}

const keyOf = (d: Deadline) => `${d.incidentId}/${d.milestone}/${d.kind ?? ''}`;

/** Deadlines by due time, holding each (incident, milestone) once. */
export class DeadlineQueue {
  private readonly heap = new BinaryHeap<Deadline>((a, b) => a.dueAt < b.dueAt);
  private readonly keys = new Set<string>();

  get size(): number {
    return this.heap.size;
  }

  add(d: Deadline): boolean {
    const key = keyOf(d);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.heap.push(d);
    return true;
  }

  peek(): Deadline | undefined {
    return this.heap.peek();
  }

  /** Removes and returns every deadline due at or before `now`, earliest first. */
  popDue(now: number): Deadline[] {
    const due: Deadline[] = [];
    for (let top = this.heap.peek(); top !== undefined && top.dueAt <= now; top = this.heap.peek()) {
      this.heap.pop();
      this.keys.delete(keyOf(top));
      due.push(top);
    }
    return due;
  }
}
