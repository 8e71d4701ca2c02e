/**
 * The "changes since the previous version" section of a regenerated reproduction page: rows whose
 * cost or error moved are listed previous -> now with the hardware each version was priced on;
 * an unchanged regeneration adds nothing; a missing or foreign results.json is no previous version.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { changesSection, pricedOn, readPreviousResults } from '../../experiments/reproduce/changes.js';
import type { ReproductionResult } from '../../experiments/reproduce/reproduce.js';

const SRAM = 320 * 1024 * 8;

function result(energy: number, testError: number, hw: ReproductionResult['hardware']): ReproductionResult {
  const cost = {
    sramBits: SRAM,
    frozen: 'recompute',
    energy,
    energyDram: energy / 2,
    dramReadBytes: 1024 ** 3,
    dramWriteBytes: 0,
    seconds: 120,
  };
  return {
    kind: 'rbnn-sim.reproduction',
    generatedAt: '2026-01-01T00:00:00.000Z',
    commandLine: 'rbnn-sim reproduce --rows R2',
    defaultSramBits: SRAM,
    hardware: hw,
    rows: [{ id: 'R2', costs: [cost], testError: { mean: testError } }],
  } as unknown as ReproductionResult;
}

const OLD = { clockHz: 1e8, sramBanks: 10, macLanes: 64, dramPjPerBit: 8 };
const NEW = { clockHz: 1e8, sramBanks: 10, macLanes: 64, description: 'Accelerator: DRAM lpddr3-1600 (device)' };

describe('changes since the previous reproduction page', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('lists a re-priced row previous -> now, with both hardware descriptions', () => {
    const md = changesSection(result(0.617, 0.0325, OLD), result(3.5, 0.0325, NEW)).join('\n');
    expect(md).toContain('## Changes since the previous version of this page');
    expect(md).toContain('8 pJ per bit moved (no device model');
    expect(md).toContain('This version prices them on: Accelerator: DRAM lpddr3-1600 (device).');
    expect(md).toContain('| R2 | 617 mJ -> 3.5 J (5.67x) |');
    expect(md).toContain('3.25 % (same runs)');
  });

  it('says nothing when nothing moved, and shows an error change when the runs differ', () => {
    expect(changesSection(result(1, 0.03, NEW), result(1, 0.03, NEW))).toEqual([]);
    expect(changesSection(undefined, result(1, 0.03, NEW))).toEqual([]);
    expect(changesSection(result(1, 0.03, NEW), result(1, 0.031, NEW)).join('\n')).toContain('3.00 % -> 3.10 %');
  });

  it('reads the previous results.json only when it is a reproduction', () => {
    const d = mkdtempSync(join(tmpdir(), 'rbnn-changes-'));
    dirs.push(d);
    expect(readPreviousResults(d)).toBeUndefined();
    writeFileSync(join(d, 'results.json'), '{"kind":"rbnn-sim.report"}');
    expect(readPreviousResults(d)).toBeUndefined();
    writeFileSync(join(d, 'results.json'), 'not json');
    expect(readPreviousResults(d)).toBeUndefined();
    writeFileSync(join(d, 'results.json'), JSON.stringify(result(1, 0.03, OLD)));
    expect(pricedOn(readPreviousResults(d)!)).toContain('8 pJ per bit');
  });
});
