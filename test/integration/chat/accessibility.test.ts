/**
 * Suite `chat`: the VS Code accessibility settings the chat webviews follow,
 * read from the real configuration (defaults, then the user's values).
 */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { accessibilitySettings } from '../../../src/vscode/chat/accessibility';

const SETTINGS: Array<[string, unknown]> = [
  ['editor.accessibilitySupport', 'on'],
  ['workbench.reduceMotion', 'on'],
  ['accessibility.verbosity.panelChat', false],
  ['accessibility.signals.chatUserActionRequired', { sound: 'auto', announcement: 'off' }],
];

describe('chat: accessibility settings', () => {
  const config = () => vscode.workspace.getConfiguration();

  after(async () => {
    for (const [key] of SETTINGS) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
  });

  it("reads VS Code's defaults, then the user's screen reader mode, reduced motion, verbosity and announcement", async () => {
    const defaults = accessibilitySettings();
    for (const [key, value] of SETTINGS) await config().update(key, value, vscode.ConfigurationTarget.Global);
    const user = accessibilitySettings();
    await config().update('workbench.reduceMotion', 'off', vscode.ConfigurationTarget.Global);
    assert.deepStrictEqual(
      { defaults, user, motionOff: accessibilitySettings().reduceMotion },
      {
        defaults: { screenReader: false, reduceMotion: 'auto', verbose: true, announceApprovals: true },
        user: { screenReader: true, reduceMotion: 'on', verbose: false, announceApprovals: false },
        motionOff: 'off',
      },
    );
  });
});
