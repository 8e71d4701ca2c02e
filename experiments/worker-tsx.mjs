// The pool worker when rbnn-sim runs from its TypeScript sources under tsx (not built): worker
// threads do not inherit tsx's ESM hooks, so they are registered here before the TypeScript
// worker (experiments/worker.ts) is loaded. The built CLI loads dist/experiments/worker.js instead.
import { register } from 'tsx/esm/api';

register();
const { default: run } = await import('./worker.ts');
export default run;
