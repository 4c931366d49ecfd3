import { isDeviceType, type DeviceType, type Grade, type MetricName } from '@app/contracts';
import { defaultRuleSet } from './default-rules';
import type { EvaluatedReading } from './evaluated-reading';
import type { RuleSet } from './rule';
import { validateRuleSet } from './rule-set-validation';
import { newRuleState, restoreRuleState, stepRule, type RuleState } from './rule-state';
import type { RuleTransition } from './rule-transition';

interface DeviceState {
  type: DeviceType;
  lastTs: number;
  /** Parallel to the rule list of the device type. */
  rules: RuleState[];
}

export interface ActiveFinding {
  ruleId: string;
  metric: MetricName;
  grade: Grade;
  raisedAt: number;
}

interface ExportedState {
  v: 1;
  devices: Record<string, { type: DeviceType; lastTs: number; rules: Record<string, RuleState> }>;
}

/**
 * Grades every reading of every device against the rules of its type and says
 * which rules were raised, changed grade or cleared. Holds only a few numbers
 * per device and rule; evaluate() allocates only when something changes.
 */
export class RiskEvaluator {
  private readonly rules: RuleSet;
  private readonly devices = new Map<string, DeviceState>();
  /** Devices whose rule standing changed since takeChanged('rules'), and those where only rate samples did. */
  private readonly changed = new Set<string>();
  private readonly windowsChanged = new Set<string>();

  constructor(rules: RuleSet = defaultRuleSet()) {
    validateRuleSet(rules);
    this.rules = rules;
  }

  /** Readings that arrive out of order (ts <= the device's last) are ignored, so a replayed batch cannot re-raise. */
  evaluate(reading: EvaluatedReading): RuleTransition[] {
    const out: RuleTransition[] = [];
    const rules = this.rules[reading.deviceType];
    if (rules === undefined || !Number.isFinite(reading.ts)) return out;
    const device = this.deviceState(reading.deviceId, reading.deviceType);
    if (!(reading.ts > device.lastTs)) return out;
    device.lastTs = reading.ts;
    const values = reading.readings;
    let moved = false;
    let windowMoved = false;
    for (let i = 0; i < rules.length; i++) {
      const value = values[rules[i].metric];
      if (value === undefined) continue;
      const s = device.rules[i];
      const { active, level, pendingSince, clearingSince, armed } = s;
      const samples = s.sampleTs.length;
      const firstSample = s.sampleTs[0];
      const lastSample = s.sampleTs[samples - 1];
      const t = stepRule(rules[i], s, value, reading.ts);
      if (t !== null) out.push(t);
      moved ||=
        t !== null ||
        s.active !== active ||
        s.level !== level ||
        s.pendingSince !== pendingSince ||
        s.clearingSince !== clearingSince ||
        s.armed !== armed;
      // Samples are only shifted off the front and pushed on the back, so length and both ends tell any change.
      const sampled = s.sampleTs.length !== samples || s.sampleTs[0] !== firstSample || s.sampleTs[samples - 1] !== lastSample;
      // The crossings a count rule keeps are its state proper; a rate rule's samples are only the history it measures over.
      if (sampled && (rules[i].kind === 'rate-of-rise' || rules[i].kind === 'sudden-drop')) windowMoved = true;
      else moved ||= sampled;
    }
    if (moved) this.changed.add(reading.deviceId);
    else if (windowMoved) this.windowsChanged.add(reading.deviceId);
    return out;
  }

  /**
   * The devices whose rule state changed since the last call, and forgets
   * them: what a checkpoint has to write. `rules`: a rule's standing moved
   * (raised, graded, cleared, a debounce or clear timer started or stopped, a
   * crossing counted). `windows`: nothing but the history samples of a rate
   * rule, which a quiet device adds every few readings; losing those costs a
   * rate rule at most half its window of fresh readings after a restart, so
   * they may be written less often. A reading that only moves the device's
   * last timestamp is in neither.
   */
  takeChanged(which: 'rules' | 'windows'): string[] {
    const set = which === 'rules' ? this.changed : this.windowsChanged;
    const ids = [...set];
    set.clear();
    if (which === 'rules') for (const id of ids) this.windowsChanged.delete(id);
    return ids;
  }

  /** Names devices as changed again (under `rules`), e.g. when writing what takeChanged() gave failed. */
  markChanged(deviceIds: Iterable<string>): void {
    for (const id of deviceIds) this.changed.add(id);
  }

  isActive(deviceId: string, ruleId: string): boolean {
    const device = this.devices.get(deviceId);
    if (device === undefined) return false;
    const i = this.rules[device.type].findIndex((r) => r.id === ruleId);
    return i >= 0 && device.rules[i].active;
  }

  activeFindings(deviceId: string): ActiveFinding[] {
    const device = this.devices.get(deviceId);
    if (device === undefined) return [];
    const rules = this.rules[device.type];
    const found: ActiveFinding[] = [];
    device.rules.forEach((s, i) => {
      if (!s.active) return;
      const rule = rules[i];
      found.push({ ruleId: rule.id, metric: rule.metric, grade: rule.levels[s.level].grade, raisedAt: s.raisedAt ?? device.lastTs });
    });
    return found;
  }

  forget(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  /** Plain JSON keyed by device and rule id, so it survives a restart and a change of rule configuration. */
  exportState(): unknown {
    const devices: ExportedState['devices'] = {};
    for (const id of this.devices.keys()) devices[id] = this.exportDevice(id)!;
    const state: ExportedState = { v: 1, devices };
    return state;
  }

  /** Replaces all state. Rules missing from the saved state, or saved in a shape it cannot read, start fresh. */
  importState(state: unknown): void {
    if (typeof state !== 'object' || state === null || (state as { v?: unknown }).v !== 1) {
      throw new Error('risk evaluator state: not a version 1 state');
    }
    const devices = (state as { devices?: unknown }).devices;
    if (typeof devices !== 'object' || devices === null) throw new Error('risk evaluator state: no devices');
    this.devices.clear();
    for (const [id, saved] of Object.entries(devices as Record<string, unknown>)) this.importDevice(id, saved);
  }

  /** Whether this evaluator holds state for the device (it has seen it, or had it imported). */
  knows(deviceId: string): boolean {
    return this.devices.has(deviceId);
  }

  /** One device's state as plain JSON (the per-device part of exportState), for persisting as it changes. */
  exportDevice(deviceId: string): ExportedState['devices'][string] | null {
    const d = this.devices.get(deviceId);
    if (d === undefined) return null;
    const rules: Record<string, RuleState> = {};
    this.rules[d.type].forEach((r, i) => {
      const s = d.rules[i];
      rules[r.id] = { ...s, sampleTs: [...s.sampleTs], sampleV: [...s.sampleV] };
    });
    return { type: d.type, lastTs: d.lastTs, rules };
  }

  /** Restores one device's state saved by exportDevice(); state it cannot read is left out (the device starts fresh). */
  importDevice(deviceId: string, saved: unknown): void {
    if (typeof saved !== 'object' || saved === null) return;
    const { type, lastTs, rules: savedRules } = saved as { type?: unknown; lastTs?: unknown; rules?: unknown };
    if (typeof type !== 'string' || !isDeviceType(type) || typeof lastTs !== 'number') return;
    const byId = typeof savedRules === 'object' && savedRules !== null ? (savedRules as Record<string, unknown>) : {};
    this.devices.set(deviceId, { type, lastTs, rules: this.rules[type].map((r) => restoreRuleState(r, byId[r.id])) });
  }

  private deviceState(deviceId: string, type: DeviceType): DeviceState {
    let device = this.devices.get(deviceId);
    // A device re-registered as another type starts over: its old rule states mean nothing now.
    if (device === undefined || device.type !== type) {
      device = { type, lastTs: -Infinity, rules: this.rules[type].map(() => newRuleState()) };
      this.devices.set(deviceId, device);
    }
    return device;
  }
}
