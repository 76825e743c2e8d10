/**
 * Suite `chat`, in the real VS Code: a background shell the agent starts
 * (Bash run_in_background, approved on its card) is shown to the user (the
 * view gets it in the state and as it changes), the user's Stop ends it and
 * everything it started, and the ones still running end when the
 * conversation is cleared or another one is opened.
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import type { BackgroundTaskView, HostMessage } from '../../../src/shared/protocol';
import type { ChatController } from '../../../src/vscode/chat/controller';
import { COMMANDS, EXTENSION_ID } from '../../../src/vscode/ids';
import { killAll, processesWith, sleepToken } from '../../support/orphans';
import { ScriptedModelServer, turn } from '../../support/scriptedModelServer';

const KEY = 'sk-ant-integration-bg-5d4c3b2a1f';

function nextMessage(backend: ChatController, pred: (m: HostMessage) => boolean): Promise<HostMessage> {
  return new Promise((resolve) => {
    const sub = backend.onMessage((m) => {
      if (pred(m)) {
        sub.dispose();
        resolve(m);
      }
    });
  });
}

const tasksMessage = (backend: ChatController, pred: (tasks: BackgroundTaskView[]) => boolean) =>
  nextMessage(backend, (m) => m.type === 'backgroundTasks' && pred(m.tasks)).then((m) => (m as Extract<HostMessage, { type: 'backgroundTasks' }>).tasks);

const statuses = (tasks: BackgroundTaskView[] | undefined) => (tasks ?? []).map((t) => `${t.id}:${t.status}`);

describe('chat: background tasks in the real editor', function () {
  if (process.platform !== 'linux') return;
  this.timeout(90_000);
  let server: ScriptedModelServer;
  let backend: ChatController;
  const tokens: string[] = [];

  before(async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!;
    await ext.activate();
    const rt = await ext.exports.runtime();
    server = await ScriptedModelServer.start({ apiKey: KEY, minCacheTokens: 0 });
    await vscode.workspace.getConfiguration('elixirAgent').update('baseUrl', server.url, vscode.ConfigurationTarget.Global);
    assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.setApiKey, KEY), true);
    backend = rt.services.chat!.backend;
    await backend.newConversation();
  });
  after(async () => {
    await backend?.newConversation();
    tokens.forEach(killAll);
    await vscode.commands.executeCommand(COMMANDS.clearApiKey);
    await vscode.workspace.getConfiguration('elixirAgent').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
  });

  /** The agent starts `sleep <token>` in the background (the user approves its card); resolves once it runs. */
  async function startInBackground(id: string): Promise<{ token: string; tasks: BackgroundTaskView[] }> {
    const token = sleepToken();
    tokens.push(token);
    server.enqueue(turn.toolUse('Bash', { command: `sleep ${token} & sleep ${token}`, run_in_background: true, description: 'Start a watcher' }, { id }), turn.text('It runs in the background.'));
    const asked = nextMessage(backend, (m) => m.type === 'toolUpdated' && m.call.id === id && m.call.status === 'awaiting-approval');
    const started = tasksMessage(backend, (tasks) => tasks.some((t) => t.status === 'running' && t.command.includes(token)));
    const idle = nextMessage(backend, (m) => m.type === 'busy' && !m.busy);
    await backend.handle({ type: 'send', text: 'Start the watcher in the background', mentions: [] });
    await asked;
    await backend.handle({ type: 'approve', callId: id, decision: 'allowOnce' });
    const tasks = await started;
    await idle;
    return { token, tasks };
  }

  it('shows a background task to the user, stops it on the user’s Stop, with everything it started', async () => {
    const { token, tasks } = await startInBackground('toolu_bg_int_1');
    assert.deepStrictEqual(statuses(tasks), ['shell_1:running']);
    assert.deepStrictEqual(statuses(backend.snapshot().backgroundTasks), ['shell_1:running'], 'a view opened now gets it in the state');
    assert.ok(processesWith(token).length >= 2, 'the command and its child run');
    const result = server.messageRequests().at(-1).messages.at(-1).content[0];
    assert.match(result.content[0].text, /^Command running in the background with ID: shell_1 \(pid \d+\)\./);

    const stopped = tasksMessage(backend, (t) => t.some((x) => x.id === 'shell_1' && x.status === 'stopped'));
    await backend.handle({ type: 'stopBackgroundTask', id: 'shell_1' });
    assert.deepStrictEqual(statuses(await stopped), ['shell_1:stopped']);
    assert.deepStrictEqual(processesWith(token), []);
  });

  it('stops the running ones when the conversation is cleared or another one is opened', async () => {
    const first = await startInBackground('toolu_bg_int_2');
    const previous = backend.conversation.id;
    await backend.newConversation();
    assert.deepStrictEqual(processesWith(first.token), [], 'cleared: nothing left running');
    assert.deepStrictEqual(backend.snapshot().backgroundTasks, [], 'the new conversation has no background task');

    const second = await startInBackground('toolu_bg_int_3');
    assert.deepStrictEqual(statuses(second.tasks), ['shell_1:running']);
    await backend.openConversation(previous);
    assert.deepStrictEqual(processesWith(second.token), [], 'switched: nothing left running');
  });
});
