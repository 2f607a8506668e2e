import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What a user gets from the repository path, with no package index: both SDKs install and say what they are. */
describe('the SDK packages', () => {
  it('the Python SDK installs offline into a fresh virtual environment (pip --no-index), with its license and repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voisnap-venv-'));
    try {
      await execFileAsync('python3', ['-m', 'venv', dir]);
      // No index and no user configuration: exactly what a machine without network has.
      const env = {
        ...process.env,
        PIP_CONFIG_FILE: '/dev/null',
        PIP_NO_INDEX: '1',
        PIP_DISABLE_PIP_VERSION_CHECK: '1',
      };
      await execFileAsync(join(dir, 'bin', 'pip'), ['install', '--no-index', join(REPO_ROOT, 'sdk', 'python')], {
        env,
        cwd: dir,
      });
      const { stdout } = await execFileAsync(
        join(dir, 'bin', 'python'),
        [
          '-c',
          [
            'import json, importlib.metadata as m, voisnap',
            'meta = m.metadata("voisnap")',
            'print(json.dumps({"file": voisnap.__file__, "version": voisnap.__version__, "license": meta["License"],',
            ' "urls": meta.get_all("Project-URL"), "typed": (m.files("voisnap") or []).__repr__().count("py.typed"),',
            ' "api": [hasattr(voisnap.Voisnap("k"), name) for name in ("outbound_calls", "campaigns", "suppressions", "webhooks")]}))',
          ].join('\n'),
        ],
        { cwd: dir, env },
      );
      const installed = JSON.parse(stdout);
      expect(installed.file.startsWith(dir)).toBe(true);
      expect(installed).toMatchObject({ version: '0.1.0', license: 'MIT', typed: 1, api: [true, true, true, true] });
      expect(installed.urls).toContainEqual(expect.stringMatching(/^Repository, https:\/\//));
      expect(existsSync(join(REPO_ROOT, 'sdk', 'python', 'build'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('the TypeScript SDK declares its license and repository, and ships its LICENSE', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'sdk', 'typescript', 'package.json'), 'utf8'));
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository).toMatchObject({ type: 'git', directory: 'sdk/typescript' });
    expect(manifest.files).toContain('LICENSE');
    expect(readFileSync(join(REPO_ROOT, 'sdk', 'typescript', 'LICENSE'), 'utf8')).toContain('MIT License');
    expect(readFileSync(join(REPO_ROOT, 'sdk', 'python', 'LICENSE'), 'utf8')).toContain('MIT License');
  });

  it("both READMEs name the license and the repository their package's metadata declares", () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'sdk', 'typescript', 'package.json'), 'utf8'));
    const repository = String(manifest.repository.url)
      .replace(/^git\+/, '')
      .replace(/\.git$/, '');
    const backend = readFileSync(join(REPO_ROOT, 'sdk', 'python', 'build_backend', 'voisnap_build.py'), 'utf8');
    // The Python metadata names the same repository and license as the TypeScript package.
    expect(backend).toContain(`("License", "${manifest.license}")`);
    expect(backend).toContain(`("Project-URL", "Repository, ${repository}")`);
    for (const sdk of ['typescript', 'python']) {
      const readme = readFileSync(join(REPO_ROOT, 'sdk', sdk, 'README.md'), 'utf8');
      expect(readme, sdk).toContain(`License: ${manifest.license} ([LICENSE](LICENSE))`);
      expect(readme, sdk).toContain(`Source: <${repository}>`);
      expect(readme, sdk).toContain(`\`sdk/${sdk}\``);
    }
  });
});
