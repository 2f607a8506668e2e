import type { Metafile } from 'esbuild';

/**
 * The outputs `import()` of the entry reads at once: the entry and, transitively, every chunk it
 * imports statically (esbuild's metafile, kind `import-statement`); dynamic imports are not followed.
 */
export function loadedAtInit(metafile: Metafile, entry: string): Set<string> {
  const loaded = new Set<string>();
  const visit = (output: string) => {
    if (loaded.has(output)) return;
    loaded.add(output);
    for (const imported of metafile.outputs[output]?.imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(entry);
  return loaded;
}
