import { DeadlineQueue } from './deadline-queue';

describe('DeadlineQueue', () => {
  it('pops due deadlines earliest first and keeps the rest', () => {
    const sut = new DeadlineQueue();
    const dues = [50, 10, 40, 30, 20, 60, 5];
    dues.forEach((dueAt, i) => sut.add({ incidentId: `i${i}`, milestone: 'acknowledged', dueAt }));
    expect(sut.popDue(35).map((d) => d.dueAt)).toEqual([5, 10, 20, 30]);
    expect(sut.size).toBe(3);
    expect(sut.peek()?.dueAt).toBe(40);
    expect(sut.popDue(1000).map((d) => d.dueAt)).toEqual([40, 50, 60]);
  });

  it('holds an (incident, milestone) once until it is popped', () => {
    const sut = new DeadlineQueue();
    expect(sut.add({ incidentId: 'a', milestone: 'onScene', dueAt: 1 })).toBe(true);
    expect(sut.add({ incidentId: 'a', milestone: 'onScene', dueAt: 1 })).toBe(false);
    expect(sut.add({ incidentId: 'a', milestone: 'acknowledged', dueAt: 1 })).toBe(true);
    sut.popDue(1);
    expect(sut.add({ incidentId: 'a', milestone: 'onScene', dueAt: 1 })).toBe(true);
  });

  it('stays ordered over many random deadlines', () => {
    const sut = new DeadlineQueue();
    let x = 7;
    for (let i = 0; i < 5000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      sut.add({ incidentId: `i${i}`, milestone: 'm', dueAt: x % 100000 });
    }
    const out = sut.popDue(Infinity).map((d) => d.dueAt);
    expect(out).toHaveLength(5000);
    expect(out).toEqual([...out].sort((a, b) => a - b));
  });
});
