import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { insideWorkspace, isInside, lookUpOpenFile, OPEN_FILE_SEARCH_EXCLUDE, searchGlob } from '../../../src/core/chat/openFilePath';

describe('open-file paths from answers: only files inside the workspace', () => {
  let root: string;
  let ws: string;
  let outside: string;
  beforeEach(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'ea-openfile-')));
    ws = path.join(root, 'ws');
    outside = path.join(root, 'outside');
    await fs.mkdir(path.join(ws, 'lib', 'app'), { recursive: true });
    await fs.mkdir(outside);
    await fs.writeFile(path.join(ws, 'lib', 'app', 'user.ex'), 'defmodule User do\nend\n');
    await fs.writeFile(path.join(outside, 'secret.txt'), 'no');
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(ws, 'link.txt'));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('isInside: strictly below a folder, never the folder itself or a sibling with the same prefix', () => {
    assert.equal(isInside('/w/a/b.ex', ['/w/a']), true);
    assert.equal(isInside('/w/a', ['/w/a']), false);
    assert.equal(isInside('/w/ab/c.ex', ['/w/a']), false);
    assert.equal(isInside('/w/b/c.ex', ['/w/a', '/w/b']), true);
  });

  it('finds a path relative to a folder, or absolute inside it; returns it as named', async () => {
    assert.deepStrictEqual(await lookUpOpenFile('lib/app/user.ex', [ws]), { target: path.join(ws, 'lib/app/user.ex'), realFolders: [ws] });
    assert.equal((await lookUpOpenFile(path.join(ws, 'lib/app/user.ex'), [ws])).target, path.join(ws, 'lib/app/user.ex'));
  });

  it('refuses files outside the workspace, also through a symlink, and folders', async () => {
    const abs = await lookUpOpenFile(path.join(outside, 'secret.txt'), [ws]);
    assert.deepStrictEqual(abs, { realFolders: [ws] });
    const link = await lookUpOpenFile('link.txt', [ws]);
    assert.equal(link.target, undefined);
    assert.equal((await lookUpOpenFile('lib/app', [ws])).target, undefined);
    assert.deepStrictEqual(await lookUpOpenFile('../outside/secret.txt', [ws]), { realFolders: [ws] });
  });

  it('searches the workspace for a relative path it could not find directly (umbrella apps)', async () => {
    const lookup = await lookUpOpenFile('./app/user.ex', [ws]);
    assert.deepStrictEqual(lookup.search, { include: '**/app/user.ex', exclude: OPEN_FILE_SEARCH_EXCLUDE });
    assert.equal(searchGlob('lib/{a,b}/*.ex'), '**/lib/a,b/.ex');
    assert.equal(searchGlob('/abs/x.ex'), undefined);
    assert.equal(searchGlob('a/../x.ex'), undefined);
  });

  it('keeps only search results that resolve inside the workspace', async () => {
    const found = [path.join(ws, 'lib/app/user.ex'), path.join(ws, 'link.txt'), path.join(ws, 'gone.ex')];
    assert.deepStrictEqual(await insideWorkspace(found, [ws]), [path.join(ws, 'lib/app/user.ex')]);
  });

  it('uses the folders resolved through symlinks (a workspace opened through a link)', async () => {
    const alias = path.join(root, 'alias');
    await fs.symlink(ws, alias);
    const lookup = await lookUpOpenFile('lib/app/user.ex', [alias]);
    assert.deepStrictEqual(lookup, { target: path.join(alias, 'lib/app/user.ex'), realFolders: [ws] });
  });
});
