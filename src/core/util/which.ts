/**
 * Finding an executable on PATH: the one lookup the extension and the CLI
 * share (ripgrep, the Elixir language servers). On Windows each name is also
 * tried with the PATHEXT extensions (`nextls` finds `nextls.bat`), which a
 * plain `path.join(dir, name)` misses.
 *
 * Why not the `which` package: it is in node_modules only as a dependency of
 * cross-spawn (dev tooling: version 2, no types), so using it would add a
 * dependency to package.json and the lock file for these few lines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A regular file we may run (on Windows: any regular file; there is no execute bit). */
export function isExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return false;
    if (process.platform === 'win32') return true;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable of these names on PATH: each name in every folder of PATH before the next name. */
export function findOnPath(names: readonly string[], envPath = process.env.PATH ?? '', pathExt = process.env.PATHEXT): string | undefined {
  const exts = process.platform === 'win32' ? ['', ...(pathExt ?? '.EXE;.CMD;.BAT').split(';').map((e) => e.toLowerCase())] : [''];
  for (const name of names) {
    for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
      for (const ext of exts) {
        const candidate = path.join(dir, name + ext);
        if (isExecutable(candidate)) return candidate;
      }
    }
  }
  return undefined;
}
