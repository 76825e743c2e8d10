/** "Conversation History": a QuickPick to open, rename or delete saved conversations. */
import * as vscode from 'vscode';
import type { ConversationEntry } from '../../core/chat/records';

export interface HistoryActions {
  /** Reads the list again (and tells the webviews). */
  refresh(): Promise<void>;
  /** The list as last read (open, rename and delete read it again). */
  list(): readonly ConversationEntry[];
  /** The conversation shown now. */
  openId(): string;
  open(id: string): Promise<void>;
  rename(id: string, title: string): Promise<void>;
  delete(id: string): Promise<void>;
}

export async function showHistoryPicker(actions: HistoryActions): Promise<void> {
  await actions.refresh();
  type Item = vscode.QuickPickItem & { id: string };
  const rename: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('edit'), tooltip: 'Rename' };
  const remove: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('trash'), tooltip: 'Delete' };
  const pick = vscode.window.createQuickPick<Item>();
  const items = () =>
    actions.list().map((c) => ({
      id: c.id,
      label: c.title,
      description: c.id === actions.openId() ? '(open)' : undefined,
      detail: `${new Date(c.updatedAt).toLocaleString()} · ${c.messageCount} message${c.messageCount === 1 ? '' : 's'}`,
      buttons: [rename, remove],
    }));
  pick.items = items();
  pick.title = 'Conversation History';
  pick.placeholder = actions.list().length ? 'Open a past conversation' : 'No saved conversations yet';
  pick.matchOnDetail = true;
  const done = new Promise<void>((resolve) => pick.onDidHide(() => resolve()));
  pick.onDidAccept(() => {
    const chosen = pick.selectedItems[0];
    pick.hide();
    if (chosen) void actions.open(chosen.id);
  });
  pick.onDidTriggerItemButton(async (e) => {
    if (e.button === remove) {
      const ok = await vscode.window.showWarningMessage(`Delete the conversation “${e.item.label}”?`, { modal: true }, 'Delete');
      if (ok === 'Delete') await actions.delete(e.item.id);
    } else {
      const title = await vscode.window.showInputBox({ title: 'Rename Conversation', value: e.item.label, validateInput: (v) => (v.trim() ? undefined : 'A title cannot be empty') });
      if (title) await actions.rename(e.item.id, title);
    }
    pick.items = items();
  });
  pick.show();
  await done;
  pick.dispose();
}
