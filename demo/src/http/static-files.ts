/**
 * Static files for the demo page: each request path is looked up in the given folders in order (the
 * first that has the file wins); a folder path serves its `index.html`. Paths may not leave the folders.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join, posix, resolve, sep } from 'node:path';
import { contentTypeOf, sendBody, sendText } from './respond';

export interface StaticRoot {
  /** URL path prefix, e.g. '/' or '/dist/'. */
  urlPrefix: string;
  dir: string;
}

async function findFile(dir: string, relPath: string): Promise<string | undefined> {
  const root = resolve(dir);
  const candidate = resolve(root, ...relPath.split('/').filter(Boolean));
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  try {
    const info = await stat(candidate);
    if (info.isFile()) return candidate;
    if (info.isDirectory()) {
      const index = join(candidate, 'index.html');
      if ((await stat(index)).isFile()) return index;
    }
  } catch {
    // not in this folder
  }
  return undefined;
}

/** Serves GET/HEAD from `roots`; answers 404 when no folder has the file. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, roots: StaticRoot[]): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed\n');
  let pathname: string;
  try {
    pathname = posix.normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://demo.invalid').pathname));
  } catch {
    return sendText(res, 400, 'bad path\n');
  }
  for (const root of roots) {
    if (!pathname.startsWith(root.urlPrefix) && `${pathname}/` !== root.urlPrefix) continue;
    const file = await findFile(root.dir, pathname.slice(root.urlPrefix.length));
    if (!file) continue;
    // The page and bundle change while developing: never reuse a stale copy.
    return sendBody(req, res, { body: await readFile(file), contentType: contentTypeOf(file), cacheControl: 'no-cache' });
  }
  sendText(res, 404, 'not found\n');
}
