/**
 * The race-free file access (safeFs.ts, safeWrite.ts, NodeFileAccess) in both
 * of its modes: Linux's walk through /proc/self/fd and the portable
 * check-open-check. The race itself is played deterministically here: the
 * path is checked, THEN a folder on the way is swapped for a link out (or
 * moved out of the workspace), THEN the file is read or written. What was
 * checked must be what is opened; otherwise the access is refused.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeFileAccess } from '../../../src/core/tools/nodeFiles';
import { resolveInWorkspace } from '../../../src/core/tools/paths';
import { DirCache, PathChangedError, readdirBelow, readlinkBelow, safeFsMode, setSafeFsMode, statBelow, type SafeFsMode } from '../../../src/core/tools/safeFs';
import { makeWorkspace, type Workspace } from './helpers';

const modes: SafeFsMode[] = process.platform === 'linux' && safeFsMode() === 'procfs' ? ['procfs', 'portable'] : ['portable'];

for (const mode of modes) {
  describe(`safe file access (${mode})`, () => {
    let ws: Workspace;
    const files = new NodeFileAccess();
    const resolve = (rel: string) => resolveInWorkspace(ws.path(rel), [ws.root]);
    const answer = async (f: () => Promise<unknown>) => f().then((v) => ({ ok: v }), (err: Error) => ({ error: err.message }));
    const outsideMsg = (p: string) => `${p} is outside the workspace (${ws.root}). Tools only touch files inside the workspace folders, and do not follow links out of them.`;

    beforeEach(() => {
      setSafeFsMode(mode);
      ws = makeWorkspace();
      ws.file('lib/app.ex', 'defmodule App do\nend\n');
    });
    afterEach(() => {
      setSafeFsMode(undefined);
      ws.cleanup();
    });

    /** Check the path, then swap lib/ for a link to a folder outside (which holds its own app.ex). */
    function checkThenSwap(rel: string) {
      const p = resolve(rel);
      fs.mkdirSync(path.join(ws.outside, 'lib'));
      fs.writeFileSync(path.join(ws.outside, 'lib', 'app.ex'), 'OUTSIDE\n');
      fs.renameSync(ws.path('lib'), ws.path('lib-real'));
      fs.symlinkSync(path.join(ws.outside, 'lib'), ws.path('lib'));
      return p;
    }

    it('reads, stamps, creates and replaces files (keeping permission bits), lists folders and reads links', async () => {
      const app = resolve('lib/app.ex');
      fs.chmodSync(ws.path('lib/app.ex'), 0o640);
      const { text, version } = await files.readText(app);
      await files.writeText(app, 'defmodule App2 do\nend\n');
      await files.writeText(resolve('lib/deep/new/thing.ex'), 'new\n');
      fs.symlinkSync('app.ex', ws.path('lib/alias.ex'));
      assert.deepEqual(
        {
          text,
          sameVersion: version === (await files.version(app)),
          after: ws.read('lib/app.ex'),
          mode: (fs.statSync(ws.path('lib/app.ex')).mode & 0o777).toString(8),
          created: ws.read('lib/deep/new/thing.ex'),
          missing: await files.version(resolve('lib/nothing.ex')),
          entries: (await readdirBelow({ root: ws.root, rel: 'lib' })).map((e) => e.name).sort(),
          link: readlinkBelow({ root: ws.root, rel: 'lib/alias.ex' }),
          leftovers: fs.readdirSync(ws.path('lib')).filter((n) => n.endsWith('.tmp')),
        },
        {
          text: 'defmodule App do\nend\n',
          sameVersion: false,
          after: 'defmodule App2 do\nend\n',
          mode: '640',
          created: 'new\n',
          missing: undefined,
          entries: ['alias.ex', 'app.ex', 'deep'],
          link: 'app.ex',
          leftovers: [],
        },
      );
    });

    it('a folder swapped for a link out after the check: reads, stamps and writes are refused, nothing outside is read or written', async () => {
      const shown = ws.path('lib/app.ex');
      const results = {
        read: await answer(async () => files.readText(checkThenSwap('lib/app.ex'))),
      };
      const restore = () => {
        fs.unlinkSync(ws.path('lib'));
        fs.renameSync(ws.path('lib-real'), ws.path('lib'));
        fs.rmSync(path.join(ws.outside, 'lib'), { recursive: true });
      };
      restore();
      Object.assign(results, { version: await answer(async () => files.version(checkThenSwap('lib/app.ex'))) });
      restore();
      Object.assign(results, { overwrite: await answer(async () => files.writeText(checkThenSwap('lib/app.ex'), 'pwned\n')) });
      restore();
      Object.assign(results, { create: await answer(async () => files.writeText(checkThenSwap('lib/new.ex'), 'pwned\n')) });
      assert.deepEqual(results, {
        read: { error: outsideMsg(shown) },
        version: { error: outsideMsg(shown) },
        overwrite: { error: outsideMsg(shown) },
        create: { error: outsideMsg(ws.path('lib/new.ex')) },
      });
      assert.deepEqual(fs.readdirSync(path.join(ws.outside, 'lib')), ['app.ex']);
      assert.equal(fs.readFileSync(path.join(ws.outside, 'lib', 'app.ex'), 'utf8'), 'OUTSIDE\n');
    });

    it('a final name swapped for a link after the check is not followed', async () => {
      const p = resolve('lib/app.ex');
      fs.renameSync(ws.path('lib/app.ex'), ws.path('lib/app.real'));
      fs.symlinkSync(path.join(ws.outside, 'secret.txt'), ws.path('lib/app.ex'));
      assert.deepEqual(await answer(async () => files.readText(p)), { error: outsideMsg(ws.path('lib/app.ex')) });
      assert.equal(fs.readFileSync(path.join(ws.outside, 'secret.txt'), 'utf8'), 'TOP SECRET\n');
    });

    if (mode === 'procfs') {
      it('a folder moved out of the workspace while it is held open is caught by the real path of its descriptor', () => {
        const dirs = new DirCache();
        try {
          assert.ok(statBelow({ root: ws.root, rel: 'lib/app.ex' }, dirs)?.isFile());
          // The walk holds lib/; move it out of the workspace and ask again through the same descriptor.
          fs.renameSync(ws.path('lib'), path.join(ws.outside, 'moved'));
          assert.throws(() => statBelow({ root: ws.root, rel: 'lib/app.ex' }, dirs), PathChangedError);
        } finally {
          dirs.close();
        }
      });
    }
  });
}
