// The turf.js baseline: the engine's core geometric checks written the way a
// web developer would, with @turf/turf and an R-tree (turf's geojsonRbush) as
// the bounding-box prefilter. It covers a subset of what the engine does (no
// grid-cell shares, barrier lengths, gaps, service-centre distances or rules),
// so comparing with the engine flatters turf.
import * as turf from '@turf/turf';

/**
 * Runs the checks on a parsed plan (a FeatureCollection with properties.layer).
 * Returns per-community facts and plan-wide counts.
 */
export function checkPlan(fc) {
  const communities = fc.features.filter((f) => f.properties.layer === 'community');
  const compounds = fc.features.filter((f) => f.properties.layer === 'compound');

  // Index the communities by bounding box.
  const tree = turf.geojsonRbush();
  tree.load(turf.featureCollection(communities));

  const facts = new Map();
  for (const c of communities) {
    facts.set(c.properties.id, {
      // Community areas.
      area_m2: turf.area(c),
      // Contiguity: a community should be one polygon.
      parts: turf.flatten(c).features.length,
      households: 0,
      compounds: [],
    });
  }

  // Compound assignment by area share: the community holding the largest
  // share of each compound's area gets its households.
  let unassigned = 0;
  for (const x of compounds) {
    const candidates = tree.search(x).features;
    let best = null, bestArea = 0;
    if (x.geometry.type === 'Point') {
      best = candidates.find((c) => turf.booleanPointInPolygon(x, c)) ?? null;
    } else {
      // Wholly inside one community: that is the largest share, no clipping needed.
      best = candidates.find((c) => turf.booleanWithin(x, c)) ?? null;
      if (!best) {
        for (const c of candidates) {
          if (!turf.booleanIntersects(x, c)) continue;
          const inter = turf.intersect(turf.featureCollection([x, c]));
          const a = inter ? turf.area(inter) : 0;
          if (a > bestArea) { bestArea = a; best = c; }
        }
      }
    }
    if (!best) { unassigned++; continue; }
    const f = facts.get(best.properties.id);
    f.households += (+x.properties.households || 0) + (+x.properties.planned_households || 0);
    f.compounds.push(x.properties.id);
  }

  // Overlaps between neighbouring communities: pairs whose boxes meet.
  const overlaps = [];
  for (let i = 0; i < communities.length; i++) {
    const a = communities[i];
    for (const b of tree.search(a).features) {
      if (b.properties.id <= a.properties.id) continue; // each pair once
      const inter = turf.intersect(turf.featureCollection([a, b]));
      const area = inter ? turf.area(inter) : 0;
      if (area > 1) overlaps.push({ a: a.properties.id, b: b.properties.id, area_m2: area });
    }
  }

  return {
    facts,
    communities: communities.length,
    compounds: compounds.length,
    unassigned,
    overlaps,
    non_contiguous: [...facts.values()].filter((f) => f.parts > 1).length,
  };
}
