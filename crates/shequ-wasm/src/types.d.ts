// Types of the values crossing the WASM boundary. The functions and classes
// themselves are declared by wasm-bindgen; these are the shapes of what they
// take and return. Field names are the engine's (snake_case), like the CLI's
// `--format json`.

/** Geometry of some communities, packed: one Float64Array of lon,lat pairs. */
export interface PackedGeometry {
  /** Community ids, one per community in this pack. */
  ids: string[];
  /** lon0, lat0, lon1, lat1, … for every ring of every community, rings closed (last = first). */
  coords: Float64Array;
  /** Point offset (index of a lon,lat pair in `coords`) where each ring starts, plus one final entry = total points. */
  rings: Uint32Array;
  /** Ring index where each polygon starts (its first ring is the outer ring), plus one final entry = total rings. */
  polygons: Uint32Array;
  /** Polygon index where each community starts, plus one final entry = total polygons. */
  communities: Uint32Array;
}

/** Roads, lanes and rivers for drawing (`barrierLines()`), packed. */
export interface BarrierLines {
  /** Kind names, indexed by `kind`: 'road', 'lane', 'river'. */
  kinds: string[];
  /** The kind of each line (index into `kinds`). */
  kind: Uint8Array;
  /** lon0, lat0, lon1, lat1, … for every line. */
  coords: Float64Array;
  /** Point offset where each line starts, plus one final entry = total points. */
  lines: Uint32Array;
}

/** Topology nodes (boundary vertices) for drawing drag handles. */
export interface Nodes {
  /** Node ids, stable until the next structural edit (split, merge, create, delete, reassign, undo/redo of those). */
  ids: Uint32Array;
  /** lon, lat per node. */
  coords: Float64Array;
  /** How many communities share each node (1 = outer boundary, 2 = shared edge, ≥3 = junction). */
  degree: Uint8Array;
}

export type Severity = 'error' | 'warning' | 'info';
export type Status = 'ok' | 'warning' | 'error';

export interface Finding {
  /** Stable within a plan: same finding, same id, across edits. */
  id: string;
  code: string;
  severity: Severity;
  community_ids: string[];
  feature_ids: string[];
  section: string;
  message_zh: string;
  message_en: string;
  /** GeoJSON geometry to highlight, or null. */
  geometry: object | null;
  details?: Record<string, unknown>;
}

export interface Band { merge_below: number; target_min: number; target_max: number; split_above: number }

export interface CommunityReport {
  id: string; name: string; kind: 'standard' | 'old_town' | 'apartment';
  households: number; planned_households: number; households_total: number;
  area_m2: number; perimeter_m: number; polsby_popper: number; parts: number; barrier_share: number;
  compounds: string[]; grid_cells: string[]; grid_cells_cut: string[];
  neighbours: { id: string; shared_m: number }[];
  center_distance_mean_m: number | null; center_distance_max_m: number | null; share_beyond_radius: number | null;
  band: Band;
  staffing: { committee_min: number; committee_max: number; committee_size: number | null; full_time_staff: number | null;
              full_time_staff_recommended: number; grid_workers_recommended: number };
  status: Status;
}

export interface Totals {
  communities: number; compounds: number; grid_cells: number;
  households: number; planned_households: number; households_total: number;
  unassigned_compounds: number; unassigned_households: number; unassigned_grid_cells: number;
  area_m2: number; errors: number; warnings: number; infos: number;
  in_band: number; below_band: number; above_band: number;
}

export interface Comparison {
  compounds_moved: number; households_moved: number;
  moves: { compound_id: string; name: string; households_total: number; from: string | null; to: string | null }[];
  communities_created: string[]; communities_removed: string[];
  communities_renamed: { id: string; from: string; to: string }[];
  compounds_added: string[]; compounds_removed: string[];
  households: { id: string; before: number; after: number }[];
}

export interface AdjustmentCandidate { community_id: string; conditions: ('scale' | 'jurisdiction' | 'management')[]; codes: string[] }

export interface Report {
  profile: string;
  communities: CommunityReport[];
  findings: Finding[];
  totals: Totals;
  adjustment: AdjustmentCandidate[];
  /** Against the baseline (the plan as first loaded, or `setBaseline`). */
  comparison: Comparison | null;
}

/** What one edit changed. Apply it to the state you hold from `report()`. */
export interface Delta {
  /** New geometry of every community whose geometry changed or that was added. */
  geometry: PackedGeometry;
  /** Communities that no longer exist. */
  removed: string[];
  /** Communities the edit created (split, create, undo of a merge…). */
  added: string[];
  /** Full reports of the communities whose report changed (including added ones). */
  communities: CommunityReport[];
  /** Community ids in plan order, when an edit added, removed or rebuilt communities (absent: unchanged). */
  order?: string[];
  findings: { added: Finding[]; removed: string[] /* finding ids */ };
  totals: Totals;
  /** Communities meeting an adjustment condition, when that list may have changed (absent: unchanged). */
  adjustment?: AdjustmentCandidate[];
  comparison: Comparison | null;
  /** Checks deferred until the drag ends (e.g. ['boundary.gap']); empty when all is current. */
  pending: string[];
  /** Whether the topology nodes changed (fetch `nodes()` again). */
  nodes_changed: boolean;
  /** For dragTo: where the vertex ended up after snapping, and to what. */
  snapped?: { lon: number; lat: number; kind: 'vertex' | 'barrier' | null };
  /** For endDrag: the drag was undone because it made a boundary cross itself. */
  reverted?: { message_zh: string; message_en: string };
  /** For insertVertex: the new node; for endDrag: the dragged node. */
  node?: number;
  /** The editable properties of every community in `communities`. */
  properties: CommunityProperties[];
  /** All service centres (a GeoJSON FeatureCollection), when the edit changed any. */
  centers?: object;
  /** The compounds whose household counts changed (`setHouseholds`, its undo and redo), with their new counts. */
  compounds?: HouseholdsChange[];
}

/** A compound's household counts (`setHouseholds`). */
export interface HouseholdsChange {
  /** The compound's id. */
  id: string;
  households: number;
  /** Left out: unchanged. */
  planned_households?: number;
}

export interface CommunityProperties {
  id: string; name: string; kind: 'standard' | 'old_town' | 'apartment';
  committee_size: number | null; full_time_staff: number | null;
  committees: string[] | null; service_center: string | null;
  /** The 四至 override and procedure tracker set through `updateCommunity`, when there are any. */
  sizhi?: { east?: string; south?: string; west?: string; north?: string } | null;
  procedure?: Record<string, boolean | string> | null;
}

/** A file that could not be read: thrown as an Error with name 'LoadError' and these fields. */
export interface LoadProblem {
  file: string; feature_index: number | null; feature_id: string | null; layer: string | null; field: string | null;
  code: string; problem_en: string; problem_zh: string; fix_en: string; fix_zh: string;
  message_en: string; message_zh: string;
}
export interface LoadErrorFields { name: 'LoadError'; errors: LoadProblem[]; more: number }

/** A profile that cannot be used: thrown as an Error with name 'ProfileError' (message names the file and setting).
 *  The browser build reads JSON profiles (and built-in names); the page converts TOML to JSON first. */

/** A refused edit: thrown as an Error with name 'EditError'. */
export interface EditErrorFields { name: 'EditError'; code: string; message_zh: string; message_en: string }

export interface LoadNote { code: string; file: string; feature_index: number; feature_id: string | null; message_en: string; message_zh: string; count: number }

export interface CommunityPatch {
  name?: string; kind?: 'standard' | 'old_town' | 'apartment';
  committee_size?: number | null; full_time_staff?: number | null;
  committees?: string[] | null; service_center?: string | null;
  /** Reasons for in-principle or optional findings, by code; null withdraws one. */
  explanations?: Record<string, string | null>;
  /** Kept as plain properties of the community (the page's 四至 override and procedure tracker). */
  sizhi?: { east?: string; south?: string; west?: string; north?: string } | null;
  procedure?: Record<string, boolean | string> | null;
}
/** One rule of the profile in use (`rules()`, JSON text of an array of these). */
export interface RuleEntry {
  code: string; strength: 'must' | 'in_principle' | 'may'; severity: 'error' | 'warning' | 'info';
  citation_zh: string; citation_en: string; quote_zh: string; quote_en: string;
  thresholds: { key: string; value: unknown; origin: string; origin_zh: string; origin_en: string }[];
}
/** One way to clear a community's scale finding (`suggest()`, JSON text of an array of these). */
export interface Alternative {
  kind: 'split' | 'merge' | 'move'; summary_zh: string; summary_en: string;
  parts: { id: string; name: string; households: number; created: boolean; polsby_popper: number;
           barrier_share: number; service_center: string | null; geometry: object }[];
  households_moved: number; compounds_moved: number; new_boundary_m: number; new_boundary_on_barrier: number;
  clears: { id: string; code: string; severity: string; message_zh: string; message_en: string }[];
  raises: { id: string; code: string; severity: string; message_zh: string; message_en: string }[];
}
/** A whole-plan proposal's summary (`repair()`, JSON text); the plan itself through `repairPlan(rejected)`. */
export interface RepairSummary {
  moved_households: number; moved_compounds: number; communities_before: number; communities_after: number;
  created: string[]; removed: string[];
  unresolved: { code: string; community_ids: string[]; reason_zh: string; reason_en: string }[];
}
export interface CenterPatch { name?: string; floor_area_m2?: number | null; services?: string[] | null; lon?: number; lat?: number }
export interface LayerFile { layer: string | null; name: string; text: string }
