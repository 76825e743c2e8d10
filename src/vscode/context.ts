/**
 * What every feature gets from the composition root (runtime.ts), and all
 * it may know of the runtime: the extension context, the log, the settings,
 * and a place for its commands and disposables. Features import this small
 * interface (never runtime.ts), and take the services of other features as
 * required arguments of their register function, so runtime.ts is the only
 * module that knows every feature.
 */
import type * as vscode from 'vscode';
import type { Config } from './config';

export type CommandHandler = (...args: unknown[]) => unknown;

export interface FeatureContext {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /** The extension's settings, typed, with change events. */
  readonly config: Config;
  /** A contributed command's handler (extension.ts dispatches to it). */
  registerCommand(id: string, handler: CommandHandler): void;
  /** Owned by the runtime; disposed with the extension, last tracked first. */
  track<T extends vscode.Disposable>(d: T): T;
}
