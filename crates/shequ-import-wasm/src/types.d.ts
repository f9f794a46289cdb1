// Shapes of what shequ-import-wasm returns and takes (see lib.rs).

export type Crs = string; // "EPSG:4549", "EPSG:4326", "gcj02", "bd09" or a "+proj=…" string
export type PlanLayer = "community" | "compound" | "grid" | "barrier" | "service_center" | "street";

export interface ImportNote {
  code: string; level: "info" | "warning"; file: string; entry: string | null;
  message_en: string; message_zh: string;
}
export interface ImportProblem {
  file: string; entry: string | null; record: number | null; row: number | null; field: string | null;
  code: string; problem_en: string; problem_zh: string; fix_en: string; fix_zh: string;
  message_en: string; message_zh: string;
}
/** Thrown as a JS Error with name "ImportError", `errors: ImportProblem[]`, `more: number`. */
export interface ImportErrorShape extends Error { name: "ImportError"; errors: ImportProblem[]; more: number }

export interface LayerMapping {
  source: string;                    // the .shp entry ("社区/社区.shp") or layer name
  layer: PlanLayer | null;           // null skips the layer
  fields: Record<string, string>;    // plan property → source column
  crs?: Crs | null;                  // null/absent: as detected
  swap_xy?: boolean | null;
}
export interface FieldGuess { target: string; column: string; confidence: number }
export interface LayerProposal { layer: PlanLayer | null; layer_confidence: number; fields: FieldGuess[]; mapping: LayerMapping }
export interface CrsGuess {
  crs: Crs | null; swap_xy: boolean; confidence: number; declared: string | null; label_en: string; label_zh: string;
}
export interface LayerInfo {
  entry: string; name: string; geometry: "polygon" | "polyline" | "point" | "null" | "other"; records: number;
  fields: { name: string; kind: string; samples: unknown[] }[];
  encoding: { encoding: string; source: "cpg" | "ldid" | "bom" | "detected" } | null;
  bbox: [number, number, number, number] | null;
  crs: CrsGuess; proposal: LayerProposal;
}
export interface TableInfo {
  sheet: string | null; sheets: string[]; header_row: number | null; columns: string[]; rows: number;
  encoding: { encoding: string; source: string } | null;
  proposal: Partial<Record<"key_id" | "key_name" | "households" | "planned_households", string>>;
}
export interface Inspection {
  file: string; format: "shapefile" | "table" | "geojson" | "unknown";
  layers: LayerInfo[]; table: TableInfo | null; notes: ImportNote[]; errors: ImportProblem[];
  /** The properties each plan layer takes, most important first (what a column may be mapped to). */
  targets: Record<PlanLayer, string[]>;
}
export interface ImportFile { name: string; bytes: Uint8Array }
export interface JoinOptions {
  key?: "id" | "name" | null; key_column?: string | null; households_column?: string | null;
  planned_column?: string | null; sheet?: string | null; header_row?: number | null;
}
/** A households table among the files given to toPlan (by name), joined before the plan is checked. */
export interface HouseholdsTable extends JoinOptions { file: string }
export interface ToPlanOptions { layers?: LayerMapping[]; crs?: Crs | null; only_listed?: boolean; households?: HouseholdsTable | null }
/** Compounds still without households after the join are one ImportProblem, code "import.households_missing". */
export interface ToPlanResult { plan: string; mappings: LayerMapping[]; notes: ImportNote[]; households: JoinReport | null }
export interface JoinReport {
  file: string; sheet: string | null; header_row: number; columns: string[];
  key: "id" | "name"; key_column: string; households_column: string | null; planned_column: string | null;
  updated: { compound_id: string; name: string; row: number; key: string; matched_by: "id" | "name" | "name_without_suffix";
             households_before: number; households_after: number; planned_before: number; planned_after: number }[];
  unmatched_rows: { row: number; key: string }[];
  compounds_without_row: { id: string; name: string }[];
  duplicates: { key: string; rows: number[]; compounds: string[] }[];
  notes: ImportNote[];
}
export interface JoinResult { plan: string; report: JoinReport }
export interface ShapefileExportOptions { crs?: Crs; encoding?: "UTF-8" | "GBK"; chinese_names?: boolean }
