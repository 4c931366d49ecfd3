import type { Clock } from '../clock';
import { TokenBucketLimit, TokenBuckets } from './token-buckets';

export interface FloodLimits {
  device: TokenBucketLimit;
  enterprise: TokenBucketLimit;
}

export interface FloodRefusal {
  scope: 'device' | 'enterprise';
  key: string;
  limit: TokenBucketLimit;
}

/**
 * Flood control at the MQTT edge: a token bucket per device and one per
 * enterprise. A message needs a token from both; a device over its own limit
 * is refused without touching its enterprise's bucket, so one flooding device
 * cannot use up what its neighbours in the same enterprise are allowed. A
 * flooding device is capped, not cut off: its rate still gets through.
 */
export class FloodLimiter {
  private readonly devices: TokenBuckets;
  private readonly enterprises: TokenBuckets;

  constructor(limits: FloodLimits, clock: Clock) {
    this.devices = new TokenBuckets(limits.device, clock);
    this.enterprises = new TokenBuckets(limits.enterprise, clock);
  }

  /** Null when the message may pass (and its tokens are taken), else which limit it is over. */
  admit(deviceId: string, enterpriseId: string): FloodRefusal | null {
    if (this.devices.available(deviceId) < 1) return { scope: 'device', key: deviceId, limit: this.devices.limit };
    if (this.enterprises.available(enterpriseId) < 1) return { scope: 'enterprise', key: enterpriseId, limit: this.enterprises.limit };
    this.devices.take(deviceId);
    this.enterprises.take(enterpriseId);
    return null;
  }
}
