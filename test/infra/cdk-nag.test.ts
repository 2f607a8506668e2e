import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { StageName } from '../../infra/stacks/stage-config.ts';
import { buildStack } from './stack-fixture.ts';

interface ValidationReport {
  pluginReports: Array<{
    violations: Array<{ ruleName: string; severity: string; violatingConstructs: Array<{ constructPath: string }> }>;
  }>;
}

/**
 * cdk-nag 3 runs as a CDK policy-validation plugin: synthesis fails when a rule finds an
 * unacknowledged violation and writes validation-report.json. Acknowledgements live in the
 * constructs, next to what they excuse, each with its reason (Validations.of(…).acknowledge).
 */
function nagFindings(stage: StageName, props: Parameters<typeof buildStack>[1] = {}): string[] {
  const { app } = buildStack(stage, props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let failed: unknown;
  try {
    app.synth();
  } catch (error) {
    failed = error;
  }
  const reportFile = join(app.outdir, 'validation-report.json');
  const report: ValidationReport = existsSync(reportFile)
    ? JSON.parse(readFileSync(reportFile, 'utf8'))
    : { pluginReports: [] };
  const findings = report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map((c) => `${violation.severity} ${violation.ruleName} at ${c.constructPath}`),
    ),
  );
  if (failed && findings.length === 0) throw failed;
  return findings;
}

describe("cdk-nag's AwsSolutions pack", () => {
  it('finds nothing unacknowledged in prod, custom domain and alarm email included', () => {
    expect(
      nagFindings('prod', {
        customDomain: {
          domainName: 'calls.example.com',
          certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
        },
        alarmEmail: 'oncall@example.com',
      }),
    ).toEqual([]);
  });

  it('finds nothing unacknowledged in dev', () => {
    expect(nagFindings('dev')).toEqual([]);
  });
});
