import type { AppConfig } from './app-config.ts';

/**
 * `compile` run once per configuration object, not once per call: a configuration is parsed once
 * and never changed in place, so what is compiled from it (calendars and the days they cache,
 * policies, thresholds) can serve every request instead of being rebuilt by each.
 */
export function perConfig<T>(compile: (config: AppConfig) => T): (config: AppConfig) => T {
  const compiled = new WeakMap<AppConfig, T>();
  return (config) => {
    if (!compiled.has(config)) compiled.set(config, compile(config));
    return compiled.get(config)!;
  };
}
