/**
 * The documentation of `ShoalConfig`, read from the JSDoc in packages/core/src/config.ts: one text per key
 * and its `@default`. The config test checks it against `DEFAULT_CONFIG`; scripts/config-reference.ts
 * makes the README's configuration table from it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CONFIG_SOURCE_PATH = fileURLToPath(new URL('../packages/core/src/config.ts', import.meta.url));

/** The text between the braces of `export interface <name> { … }` (closed by a `}` line) in a source file. */
export function interfaceBody(sourcePath: string, name: string): string {
  const source = readFileSync(sourcePath, 'utf8');
  const body = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(source)?.[1];
  if (!body) throw new Error(`${sourcePath} declares no \`export interface ${name} { ... }\``);
  return body;
}

/** The JSDoc text of each member of `interface ShoalConfig`, by key, in declaration order. */
export function shoalConfigDocs(): Map<string, string> {
  const body = interfaceBody(CONFIG_SOURCE_PATH, 'ShoalConfig');
  const docs = new Map<string, string>();
  // A doc block (not crossing its own `*/`) directly followed by `key:` or `key?:`.
  const member = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(\w+)\??\s*:/g;
  for (const [, doc, key] of body.matchAll(member)) docs.set(key!, doc!.replace(/^\s*\*\s?/gm, '').replace(/\s+/g, ' ').trim());
  return docs;
}

/** The text after `@default` in a doc block, up to the next tag. */
export function documentedDefault(doc: string): string | undefined {
  return /@default\b(.*?)(?=\s@\w|$)/.exec(doc)?.[1]?.trim();
}

/** A doc block without its tags: what the option does. */
export function documentedText(doc: string): string {
  return doc.replace(/\s*@\w+\b.*?(?=\s@\w|$)/g, '').trim();
}
