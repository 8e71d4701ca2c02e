/**
 * fast-check runs with a fixed seed, so a CI run is reproducible; set FC_SEED to another
 * number (or FC_SEED=random) to explore other inputs locally. A failure prints its seed.
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 20261124 : Number(seed) });
