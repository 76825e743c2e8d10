/**
 * What Bash and background shells share: the shell to run, its environment
 * (no API key, no pager or editor prompts) and an output buffer that keeps
 * the head and tail of a stream that may be huge.
 */
import * as fs from 'node:fs';
import { spawnContained, type ContainedSpawn } from '../process/contain';
import { childEnv } from '../util/childEnv';

/** Keeps the first and last halves of a stream that may be huge, and how much fell between. */
export class CappedOutput {
  private head = '';
  private tail = '';
  private dropped = 0;
  constructor(private readonly max: number) {}

  push(chunk: string): void {
    const half = this.max / 2;
    if (this.head.length < half) {
      const take = chunk.slice(0, half - this.head.length);
      this.head += take;
      chunk = chunk.slice(take.length);
    }
    if (!chunk) return;
    this.tail += chunk;
    if (this.tail.length > half) {
      this.dropped += this.tail.length - half;
      this.tail = this.tail.slice(this.tail.length - half);
    }
  }

  text(): string {
    if (this.dropped === 0) return this.head + this.tail;
    return `${this.head}\n\n... [output truncated: ${this.dropped} characters omitted] ...\n\n${this.tail}`;
  }
}

function shell(): { file: string; args: (cmd: string) => string[]; argv0?: string } {
  if (process.platform === 'win32') {
    const comspec = process.env.ComSpec ?? 'cmd.exe';
    return { file: comspec, args: (cmd) => ['/d', '/s', '/c', cmd] };
  }
  const file = ['/bin/bash', '/usr/bin/bash', '/bin/sh'].find((f) => fs.existsSync(f)) ?? '/bin/sh';
  // argv0 'bash' so messages read "bash: line 1: ..." as in a terminal.
  return { file, args: (cmd) => ['-c', cmd], argv0: file.split('/').pop() };
}

/** Start `command` in a marked shell (its own process group; stdin closed; stdout and stderr piped). */
export function spawnShell(command: string, options: { cwd: string; env?: NodeJS.ProcessEnv }): ContainedSpawn {
  const sh = shell();
  return spawnContained(sh.file, sh.args(command), {
    cwd: options.cwd,
    argv0: sh.argv0,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...childEnv(options.env),
      GIT_PAGER: 'cat',
      PAGER: 'cat',
      GIT_TERMINAL_PROMPT: '0',
      GIT_EDITOR: 'true',
      EDITOR: 'true',
      ELIXIR_AGENT: '1',
    },
  });
}
