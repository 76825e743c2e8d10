/**
 * The secrets the extension (or the CLI) holds: the Anthropic API key from
 * SecretStorage, a key given on the command line, the credentials in the
 * environment, and later OAuth tokens. Anything that hands values to code we
 * do not control (MCP servers' `${VAR}` expansion, their environment) asks
 * this whether a name or a value is one of them. Add a source with
 * `addSource` (e.g. an OAuth token store) rather than a new check elsewhere.
 */

/** Environment variables that hold the credentials this extension (and Claude Code) use. */
export const CREDENTIAL_ENV_NAMES: readonly string[] = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'];

/** Shorter values are too common to be told apart from ordinary text. */
const MIN_SECRET_LENGTH = 8;

/** Gives the current value(s) of one kind of secret; undefined or '' when there is none. */
export type SecretSource = () => string | undefined | readonly (string | undefined)[] | PromiseLike<string | undefined | readonly (string | undefined)[]>;

export interface SecretSnapshot {
  /** Is this an environment variable name that holds a credential? (case-insensitive) */
  isSecretName(name: string): boolean;
  /** Does `value` equal or contain a held secret? (The secret itself is never returned.) */
  containsSecret(value: string): boolean;
}

export class HeldSecrets {
  private readonly names = new Set(CREDENTIAL_ENV_NAMES.map((n) => n.toUpperCase()));
  private readonly sources: SecretSource[] = [];

  /**
   * @param env the environment whose credential variables count as held secrets
   *   (their values are refused wherever they appear, under any name).
   */
  constructor(private readonly env: Record<string, string | undefined> = process.env) {}

  /** Another environment variable that holds a credential. */
  addName(name: string): this {
    this.names.add(name.toUpperCase());
    return this;
  }

  /** Another place secrets come from (SecretStorage, a key file, an OAuth store). */
  addSource(source: SecretSource): { dispose(): void } {
    this.sources.push(source);
    return {
      dispose: () => {
        const i = this.sources.indexOf(source);
        if (i >= 0) this.sources.splice(i, 1);
      },
    };
  }

  isSecretName(name: string): boolean {
    return this.names.has(name.toUpperCase());
  }

  /** The values held right now (read fresh each time: a key can be set or changed at any moment). */
  async values(): Promise<string[]> {
    const out = new Set<string>();
    const add = (v: unknown) => {
      if (typeof v === 'string' && v.trim().length >= MIN_SECRET_LENGTH) out.add(v.trim());
    };
    for (const [k, v] of Object.entries(this.env)) if (this.isSecretName(k)) add(v);
    for (const source of [...this.sources]) {
      try {
        const got = await source();
        if (Array.isArray(got)) got.forEach(add);
        else add(got);
      } catch {
        // A source that cannot be read holds nothing we could compare against.
      }
    }
    return [...out];
  }

  /** Names and values, fixed for one decision. */
  async snapshot(): Promise<SecretSnapshot> {
    const values = await this.values();
    return {
      isSecretName: (name) => this.isSecretName(name),
      containsSecret: (value) => values.some((s) => value.includes(s)),
    };
  }
}
