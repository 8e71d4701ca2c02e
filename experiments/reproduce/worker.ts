/**
 * A training worker process of `rbnn-sim reproduce --jobs N` (N > 1). The parent forks it and
 * sends `{ id, cfg }` messages over IPC; it trains each configuration in turn (MNIST parsed once
 * per process) and answers `{ id, result }` or `{ id, error }`. It exits when the parent
 * disconnects.
 */
import type { Config } from '../../config/schema.js';
import { train } from '../../trainer/train.js';

interface Request { id: number; cfg: Config }

process.on('message', (msg: Request) => {
  void (async () => {
    try {
      const { network: _network, ...result } = await train(msg.cfg);
      process.send?.({ id: msg.id, result });
    } catch (e) {
      process.send?.({ id: msg.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
