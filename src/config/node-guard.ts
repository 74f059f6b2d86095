/**
 * The first import of every entry point (API, worker, scripts, the bench's servers): refuses any
 * Node.js major but the pinned one before anything else loads. On Debian's Node 20, argon2's
 * prebuilt binary crashes the process as soon as it is required, so the check cannot wait for the
 * configuration to load.
 */
import { unsupportedNode } from './runtime';

const problem = unsupportedNode();
if (problem) {
  console.error(problem);
  process.exit(1);
}
