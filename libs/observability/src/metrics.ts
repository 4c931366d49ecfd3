import { Counter, CounterConfiguration, Gauge, GaugeConfiguration, Histogram, HistogramConfiguration, Metric, register } from 'prom-client';

export interface MetricOptions {
  /**
   * Drop a metric already registered under the name and register this one:
   * for a gauge whose `collect` reads the instance that creates it (the
   * latest instance of the process wins). Otherwise the registered metric is
   * reused, so app modules built twice in one process share their counters.
   */
  replace?: boolean;
}

function registered<M extends Metric, C extends { name: string }>(kind: new (config: C) => M, config: C, options: MetricOptions): M {
  if (options.replace) register.removeSingleMetric(config.name);
  const existing = register.getSingleMetric(config.name);
  if (existing === undefined) return new kind(config);
  if (!(existing instanceof kind)) throw new Error(`metric ${config.name} is registered already, as another kind`);
  return existing;
}

/** The process's counter of this name, created on first use. */
export function counter<T extends string>(config: CounterConfiguration<T>, options: MetricOptions = {}): Counter<T> {
  return registered(Counter<T>, config, options);
}

/** The process's gauge of this name, created on first use (or replaced, see MetricOptions). */
export function gauge<T extends string>(config: GaugeConfiguration<T>, options: MetricOptions = {}): Gauge<T> {
  return registered(Gauge<T>, config, options);
}

/** The process's histogram of this name, created on first use. */
export function histogram<T extends string>(config: HistogramConfiguration<T>, options: MetricOptions = {}): Histogram<T> {
  return registered(Histogram<T>, config, options);
}
