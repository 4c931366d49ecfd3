import fc from 'fast-check';
import { BinaryHeap } from './binary-heap';

const drain = <T>(heap: BinaryHeap<T>): T[] => {
  const out: T[] = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) out.push(item);
  return out;
};

describe('BinaryHeap', () => {
  it('is empty at first', () => {
    const sut = new BinaryHeap<number>((a, b) => a < b);
    expect(sut.size).toBe(0);
    expect(sut.peek()).toBeUndefined();
    expect(sut.pop()).toBeUndefined();
  });

  it('gives the least item first and keeps the rest', () => {
    const sut = new BinaryHeap<number>((a, b) => a < b);
    for (const n of [50, 10, 40, 30, 20, 60, 5]) sut.push(n);
    expect(sut.size).toBe(7);
    expect(sut.peek()).toBe(5);
    expect([sut.pop(), sut.pop(), sut.pop()]).toEqual([5, 10, 20]);
    expect(sut.size).toBe(4);
    sut.push(1);
    expect(drain(sut)).toEqual([1, 30, 40, 50, 60]);
  });

  it('orders by the comparison it is given, duplicates included', () => {
    const sut = new BinaryHeap<{ due: number; id: string }>((a, b) => a.due > b.due);
    for (const [due, id] of [
      [1, 'a'],
      [3, 'b'],
      [3, 'c'],
      [2, 'd'],
    ] as const)
      sut.push({ due, id });
    expect(drain(sut).map((x) => x.due)).toEqual([3, 3, 2, 1]);
  });

  it('pops any sequence of pushes in sorted order, whatever pops come between', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constant<'pop'>('pop')), { maxLength: 300 }), (ops) => {
        const sut = new BinaryHeap<number>((a, b) => a < b);
        const model: number[] = [];
        for (const op of ops) {
          if (op === 'pop') {
            model.sort((a, b) => a - b);
            expect(sut.pop()).toBe(model.shift());
          } else {
            sut.push(op);
            model.push(op);
          }
          expect(sut.size).toBe(model.length);
        }
        expect(drain(sut)).toEqual(model.sort((a, b) => a - b));
      }),
    );
  });
});
