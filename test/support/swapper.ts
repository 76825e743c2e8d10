/**
 * The racing attacker of the path-race hardening suite: a separate process
 * that swaps two names (a directory and a symbolic link to a folder outside
 * the workspace) in a tight loop, so that at any instant one name is the real
 * folder and the other the link out. Preferred: renameat2(RENAME_EXCHANGE)
 * from a small C program compiled here with the machine's gcc (an atomic
 * swap: the name is never missing); else the same call from python3 through
 * ctypes; else python3's os.rename three-step swap (weaker: the name is
 * briefly missing). Without gcc and python3 the suite is skipped with a
 * message saying so.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const C_SOURCE = `
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
static volatile sig_atomic_t stop = 0;
static void on_term(int sig) { (void)sig; stop = 1; }
int main(int argc, char **argv) {
  if (argc != 3) return 2;
  signal(SIGTERM, on_term);
  /* Never outlive the test: stop when the parent dies, even if it is killed. */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1) return 0;
  long swaps = 0;
  while (!stop) {
    if (syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) != 0) { perror("renameat2"); return 1; }
    if (++swaps == 1) { printf("ready\\n"); fflush(stdout); }
  }
  /* An even number of swaps leaves both names where they started. */
  if (swaps % 2) syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE), swaps++;
  printf("%ld\\n", swaps);
  return 0;
}
`;

const PY_SOURCE = `
import ctypes, os, signal, sys
stop = False
def on_term(sig, frame):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
a, b = os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: never outlive the test
fn = getattr(libc, 'renameat2', None)
def swap():
    if fn is not None:
        if fn(-100, a, -100, b, 2) != 0:
            raise OSError(ctypes.get_errno(), 'renameat2')
    else:
        os.rename(a, a + b'.swap'); os.rename(b, a); os.rename(a + b'.swap', b)
swaps = 0
while not stop:
    swap()
    swaps += 1
    if swaps == 1:
        print('ready', flush=True)
if swaps % 2:
    swap()
    swaps += 1
print(swaps, flush=True)
`;

export interface Swapper {
  /** How the swap is done, for the report. */
  kind: string;
  /** Stop the loop (both names end where they started); resolves to the number of swaps. */
  stop(): Promise<number>;
}

function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Compile (or pick) the attacker; undefined with the reason when this machine has neither gcc nor python3. */
export function prepareSwapper(workDir: string): { command: string; args: string[]; kind: string } | { skip: string } {
  if (process.platform !== 'linux') return { skip: 'the racing attacker needs Linux (renameat2)' };
  if (has('gcc', ['--version'])) {
    const src = path.join(workDir, 'swapper.c');
    const bin = path.join(workDir, 'swapper');
    fs.writeFileSync(src, C_SOURCE);
    execFileSync('gcc', ['-O2', '-o', bin, src], { stdio: 'pipe' });
    return { command: bin, args: [], kind: 'renameat2(RENAME_EXCHANGE), C (gcc)' };
  }
  if (has('python3', ['--version'])) {
    const src = path.join(workDir, 'swapper.py');
    fs.writeFileSync(src, PY_SOURCE);
    const exchange = has('python3', ['-c', 'import ctypes; ctypes.CDLL(None).renameat2']);
    return { command: 'python3', args: [src], kind: exchange ? 'renameat2(RENAME_EXCHANGE), python3 ctypes' : 'os.rename three-step swap, python3 (weaker)' };
  }
  return { skip: 'neither gcc nor python3 is installed, so the racing attacker cannot run' };
}

/** Start swapping `a` and `b`; resolves once the first swap happened. */
export function startSwapper(prepared: { command: string; args: string[]; kind: string }, a: string, b: string): Promise<Swapper> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(prepared.command, [...prepared.args, a, b], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let started = false;
    const exited = new Promise<number>((done) => {
      child.on('close', (code) => {
        if (!started) reject(new Error(`the swapper exited (${code}) before swapping: ${err}`));
        const count = Number(out.trim().split('\n').pop());
        done(Number.isFinite(count) ? count : 0);
      });
    });
    child.on('error', reject);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (!started && out.includes('ready\n')) {
        started = true;
        resolve({
          kind: prepared.kind,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
  });
}
