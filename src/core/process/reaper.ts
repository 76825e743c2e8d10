/**
 * The watchdog: `node reaper.js HOST_ID HOST_START`, started by contain.ts
 * (detached, in its own process group, stdin a pipe from the host). It does
 * nothing until that pipe closes, which happens however the host ends (exit,
 * crash, SIGTERM, SIGKILL); then it stops every process that carries one of
 * the host's run marks and exits. Terminal signals (Ctrl+C to the group,
 * hang-up) do not stop it; SIGTERM makes it sweep at once.
 */
import { hostSelector } from './contain';
import { stopProcesses } from './stop';

function main(argv: string[]): void {
  const [hostId, start] = argv;
  if (hostId === undefined || start === undefined || !/^[0-9A-F]{4,}$/.test(hostId) || !/^\d+$/.test(start)) {
    process.stderr.write('usage: reaper.js HOST_ID HOST_START\n');
    process.exit(2);
  }
  let sweeping = false;
  const sweep = () => {
    if (sweeping) return;
    sweeping = true;
    stopProcesses(hostSelector(hostId, Number(start))).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);
  process.on('SIGTERM', sweep);
  process.stdin.on('end', sweep);
  process.stdin.on('close', sweep);
  process.stdin.on('error', sweep);
  process.stdin.resume();
}

if (require.main === module) main(process.argv.slice(2));
