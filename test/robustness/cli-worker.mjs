// A worker thread that runs the rbnn-sim CLI from source (tsx) on request, capturing what it
// prints: the fuzz suite (test/robustness/outputs-fuzz.test.ts) can terminate it when a case
// hangs, even in a synchronous loop, which an in-process time limit cannot.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../../cli/main.ts');

parentPort.on('message', async ({ id, argv }) => {
  let out = '';
  let err = '';
  const o = process.stdout.write;
  const e = process.stderr.write;
  process.stdout.write = (s) => {
    out += String(s);
    return true;
  };
  process.stderr.write = (s) => {
    err += String(s);
    return true;
  };
  let code;
  let crash = null;
  try {
    code = await main(argv);
  } catch (x) {
    crash = String(x?.stack ?? x);
    code = 1;
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
    process.exitCode = undefined;
  }
  parentPort.postMessage({ id, code, out, err, crash });
});
parentPort.postMessage({ ready: true });
