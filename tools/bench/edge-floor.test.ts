import { describe, expect, it } from 'vitest';
import { edgeFloorRow, formatEdgeFloor, type EdgeFloorMeasurement } from './edge-floor.js';

const m: EdgeFloorMeasurement = { mode: 'store', rate: 2000, accepted: 40_000, failed: 0, stored: 40_000, claimed: 0, wallS: 20, edgeS: 3.2, natsS: 1.6, loadgenS: 2, p50: 1.23, p95: 2.5, p99: 4.04, p999: 12 };

describe('edge floor', () => {
  it('gives each side CPU per 1,000 accepted requests and the accepted rate', () => {
    const r = edgeFloorRow(m);
    expect(r.acceptedPerS).toBe(2000);
    expect(r.edgePer1k).toBeCloseTo(0.08);
    expect(r.natsPer1k).toBeCloseTo(0.04);
    expect(r.loadgenPer1k).toBeCloseTo(0.05);
  });

  it('counts nothing per 1,000 when nothing was accepted', () => {
    const r = edgeFloorRow({ ...m, accepted: 0, wallS: 0 });
    expect([r.acceptedPerS, r.edgePer1k, r.natsPer1k]).toEqual([0, 0, 0]);
  });

  it('prints one line per edge and rate, labelled by what the edge does before it answers', () => {
    const lines = formatEdgeFloor([edgeFloorRow(m), edgeFloorRow({ ...m, mode: 'claim-store', rate: 3000, failed: 7 })]);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^store, then answer\s+2000\s+2000\s+0\s+40000 \/ 40000 \/ 0\s+1\.2 \/ 2\.5 \/ 4\.0 \/ 12\.0\s+0\.080\s+0\.040\s+0\.050$/);
    expect(lines[2]).toMatch(/^claim, store, answer\s+3000\s+2000\s+7\s/);
  });
});
