// prometheus/: the alerting rules load in promtool and pass their unit tests (each alert firing and not firing).

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/server.js';

const DIR = join(REPO_ROOT, 'prometheus');
const HAS_PROMTOOL = spawnSync('promtool', ['--version']).status === 0;
if (!HAS_PROMTOOL && process.env.REQUIRE_E2E === '1') throw new Error('REQUIRE_E2E=1 but promtool is missing (Debian package: prometheus)');
if (!HAS_PROMTOOL) console.warn('skipping promtool checks: promtool not installed (Debian package: prometheus)');

const promtool = (...args: string[]) => spawnSync('promtool', args, { cwd: DIR, encoding: 'utf8', timeout: 60_000 });

describe.skipIf(!HAS_PROMTOOL)('prometheus/anycastd.rules.yml', () => {
  it('is valid', () => {
    const r = promtool('check', 'rules', 'anycastd.rules.yml');
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('passes promtool test rules', () => {
    const r = promtool('test', 'rules', 'anycastd.rules.test.yml');
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('tests every alert both firing and not firing', () => {
    const rules = readFileSync(join(DIR, 'anycastd.rules.yml'), 'utf8');
    const tests = readFileSync(join(DIR, 'anycastd.rules.test.yml'), 'utf8');
    const alerts = [...rules.matchAll(/^\s*- alert: (\w+)$/gm)].map((m) => m[1]);
    expect(alerts.length).toBeGreaterThan(0);
    // Split the test file into alert_rule_test entries: alertname, then its exp_alerts list.
    const entries = [...tests.matchAll(/alertname: (\w+)\n\s+exp_alerts:( \[\])?/g)].map((m) => ({ name: m[1], empty: m[2] !== undefined }));
    for (const alert of alerts) {
      const mine = entries.filter((e) => e.name === alert);
      expect(mine.some((e) => !e.empty), `${alert} is tested firing`).toBe(true);
      // Not firing: an empty expectation, or a test series of another instance left out of the expected alerts.
      const quietInstance = new RegExp(`alertname: ${alert}\\n(?:(?!alertname)[\\s\\S])*?exp_alerts: \\[\\]`).test(tests)
        || otherInstanceStaysQuiet(tests, alert);
      expect(quietInstance, `${alert} is tested not firing`).toBe(true);
    }
  });
});

/**
 * True when a test block of `alert` feeds more series than it expects alerts: promtool fails on any alert that fires
 * unexpected, so the series left over are checked as not firing.
 */
function otherInstanceStaysQuiet(tests: string, alert: string): boolean {
  for (const block of tests.split(/\n  - name: /)) {
    if (!block.includes(`alertname: ${alert}`)) continue;
    const fed = block.match(/- series: /g)?.length ?? 0;
    const expected = block.match(/- exp_labels: /g)?.length ?? 0;
    if (fed > expected) return true;
  }
  return false;
}
