/** Ways a command tries to keep a process running after it ends (the argument is the command to keep: `sleep <token>`). */
export const TRICKS: ReadonlyArray<[string, (s: string) => string]> = [
  ['a background job holding the output', (s) => `${s} &`],
  ['a background job with its output closed', (s) => `${s} >/dev/null 2>&1 &`],
  ['setsid in a subshell', (s) => `(setsid ${s} >/dev/null 2>&1 &)`],
  ['nohup', (s) => `nohup ${s} >/dev/null 2>&1 &`],
  ['a double fork', (s) => `( ( ${s} >/dev/null 2>&1 & ) & )`],
  ['disown', (s) => `${s} >/dev/null 2>&1 & disown`],
  ['a daemon that closes every fd and leaves the session', (s) => `( exec 0<&- 1>&- 2>&- 3>&-; setsid ${s} ) &`],
  ['exec -a under another name', (s) => `(exec -a innocent ${s}) >/dev/null 2>&1 &`],
  ['nested subshells', (s) => `( ( ( ${s} >/dev/null 2>&1 & ) ) )`],
  ['an emptied environment (env -i) outside the group', (s) => `env -i setsid ${s} >/dev/null 2>&1 &`],
  ['a process that ignores SIGTERM', (s) => `sh -c 'trap "" TERM; exec ${s}' >/dev/null 2>&1 &`],
  ['a loop that respawns what is killed', (s) => `(while :; do ${s} >/dev/null 2>&1 & sleep 0.2; done) >/dev/null 2>&1 &`],
];
