import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, HttpEdgeConfig, InjectConfig } from '@app/config';
import { Clock, FailedLoginThrottle } from '@app/domain';

/** Sources remembered at once: an address spray beyond this forgets the oldest, never grows memory. */
const MAX_SOURCES = 100_000;

/** The process's one count of failed logins per source address (AUTH_MAX_FAILURES in AUTH_FAILURE_WINDOW_S). */
@Injectable()
export class LoginThrottle extends FailedLoginThrottle {
  constructor(@InjectConfig('httpEdge') config: HttpEdgeConfig, @Inject(CLOCK) clock: Clock) {
    super({ maxFailures: config.maxFailedLogins, windowMs: config.failedLoginWindowMs, maxSources: MAX_SOURCES }, clock);
  }
}
