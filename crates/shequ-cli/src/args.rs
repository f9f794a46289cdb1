//! The command line, as clap sees it. Help texts live here so that `--help`
//! is the reference: inputs, layers, exit codes.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  the plan has no error findings
  1  the plan has error findings (warnings and infos do not count)
  2  the input could not be read: a missing file, bad JSON, a load error,
     a bad profile or bad usage; each problem is one line on stderr
     (also when shequ itself fails: an internal error, reported as a bug)";

const CHECK_AFTER: &str = "\
Inputs:
  PLAN is one GeoJSON FeatureCollection (WGS 84 longitude/latitude) whose
  features say their layer in properties.layer. The layer options read one
  file per layer instead; their features need no \"layer\" property. PLAN and
  layer files may be combined. Use - as PLAN to read standard input. A
  zipped Shapefile is imported on the fly as `shequ import` would (auto
  mapping and coordinate system; warnings on stderr).

Layers (properties; * = required):
  community       Polygon/MultiPolygon   id*, name, kind (standard | old_town |
                  apartment), committee_size, full_time_staff, committees,
                  service_center (id of a service_center feature)
  compound        Polygon/MultiPolygon   id*, name, households*,
                  or Point               planned_households, property_management
  grid            Polygon/MultiPolygon   id*, code
  barrier         LineString/Multi...    id*, kind* (road | lane | river), name
  service_center  Point                  id*, name, floor_area_m2, services
  street          Polygon/MultiPolygon   id*, name

Profiles:
  --profile takes a built-in name (see `shequ profiles`) or the path of a
  .toml or .json file, which may start from a built-in profile:
    extends = \"yangzhou-2022\"
    name = \"my-street\"
    [scale]
    target_max = 3200

Output:
  --format table (default) is for people, in --lang (zh or en); repairs the
  loader made (such as closing a ring) go to stderr as `note:` lines.
  --format json is the stable contract: the report (profile, communities,
  findings, totals, adjustment, comparison) plus \"notes\", pretty-printed.

Exit codes:
  0  the plan has no error findings
  1  the plan has error findings (warnings and infos do not count)
  2  the input could not be read: a missing file, bad JSON, a load error,
     a bad profile or bad usage; each problem is one line on stderr that
     names the file, the feature (index and id), the field and the fix
     (also when shequ itself fails: an internal error, reported as a bug)

Examples:
  shequ check plan.geojson
  shequ check --communities communities.geojson --compounds compounds.geojson
  shequ check proposal.geojson --baseline today.geojson --lang en
  shequ check plan.geojson --profile national-2025 --format json";

#[derive(Debug, Parser)]
#[command(
    name = "shequ",
    version,
    about = "Checks plans for the boundaries of urban community residents' committees (社区居委会)",
    long_about = "Checks plans for the boundaries of urban community residents' committees \
                  (社区居委会) against a municipal plan's rules — household scale, boundary \
                  shape, grid cells, staffing, service centres — and explains every finding \
                  in Chinese and English.",
    after_help = EXIT_CODES,
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Language of the output and of error messages.
    #[arg(long, global = true, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a plan against a rule profile.
    #[command(after_help = CHECK_AFTER)]
    Check(CheckArgs),
    /// Write a synthetic district plan (for demos, tests and benchmarks).
    #[command(after_help = "\
The file is one FeatureCollection with properties.layer on every feature,
ready for `shequ check FILE`. The same --communities and --seed always give
the same file. A one-line summary goes to stderr.

Exit codes:
  0  the file was written
  2  bad usage, or the file could not be written")]
    Generate(GenerateArgs),
    /// Import zipped Shapefiles (CGCS2000 Gauss-Kruger, GCJ-02, BD-09; GBK or
    /// UTF-8 attributes) and a households table into one plan.
    #[command(after_help = IMPORT_AFTER)]
    Import(ImportArgs),
    /// Suggest how to clear one community's scale finding: splits, merges and
    /// moves of whole grid cells, with the households each moves.
    #[command(after_help = "\
Each alternative keeps every grid cell and compound whole, leaves no gap or
overlap and keeps its parts connected; it comes with the households it moves
(a compound's households move when its community changes; in a split the part
with the most households keeps the id), the share of the new boundary on roads
and rivers, each part's households, compactness and service centre, and the
findings a full evaluation of the plan with it applied would clear and raise.

Exit codes:
  0  alternatives were found
  2  the input could not be read, or the community has nothing to adjust
     or no valid alternative

Examples:
  shequ suggest plan.geojson --community C004
  shequ suggest plan.geojson --community C004 --alternatives 5 --format json")]
    Suggest(SuggestArgs),
    /// Propose a whole plan that clears the scale conditions of section 二（一）
    /// (with --strict: every community in its target band) moving as few
    /// households as possible.
    #[command(after_help = "\
The proposal is a plan file (it loads in the page and in `shequ check`).
Locked communities are left exactly as they are. Whatever cannot be cleared
is listed with the reason.

JSON (--format json): {\"moved_households\", \"moved_compounds\",
\"communities_before\", \"communities_after\", \"created\": [ids],
\"removed\": [ids], \"unresolved\": [{\"code\", \"community_ids\",
\"reason_zh\", \"reason_en\"}], \"seconds\"}

Exit codes:
  0  everything was resolved
  1  something stays unresolved (listed)
  2  the input could not be read

Examples:
  shequ repair plan.geojson --out proposal.geojson
  shequ repair plan.geojson --out proposal.geojson --strict --lock C001,C002 --format json")]
    Repair(RepairArgs),
    /// List every rule of a profile: the plan's sentence, its strength (must /
    /// in principle / may), the citation, and each threshold with its origin.
    #[command(after_help = "\
Strength follows the plan's words: 不得 / 须 (must) → error; 原则上 / 一般 (in
principle) → warning, which a planner may explain with a reason; 可以 (may) →
suggestion. Every threshold says whether the plan, another document or the
profile itself (a local setting) sets it.

Examples:
  shequ rules
  shequ rules --profile national-2025 --lang en
  shequ rules --profile my-street.toml --format json")]
    Rules(RulesArgs),
    /// List the built-in rule profiles.
    #[command(
        after_help = "Use a name with `shequ check --profile NAME`, or start a profile file \
                            of your own with `extends = \"NAME\"`."
    )]
    Profiles,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A plan: one GeoJSON FeatureCollection whose features carry properties.layer
    /// (- reads standard input).
    #[arg(value_name = "PLAN")]
    pub plan: Option<PathBuf>,

    /// Community (社区) boundaries.
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Layer files (one layer per file)"
    )]
    pub communities: Option<PathBuf>,
    /// Residential compounds (小区) with households.
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Layer files (one layer per file)"
    )]
    pub compounds: Option<PathBuf>,
    /// Grid cells (网格).
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Layer files (one layer per file)"
    )]
    pub grids: Option<PathBuf>,
    /// Roads, lanes and rivers a boundary may follow.
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Layer files (one layer per file)"
    )]
    pub barriers: Option<PathBuf>,
    /// Party-and-mass service centres (党群服务中心).
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Layer files (one layer per file)"
    )]
    pub centers: Option<PathBuf>,
    /// The outline of the street (街道) the plan covers.
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Layer files (one layer per file)"
    )]
    pub streets: Option<PathBuf>,

    /// Rule profile: a built-in name or the path of a .toml/.json profile.
    #[arg(long, value_name = "NAME|FILE", default_value = shequ_core::profile::DEFAULT_PROFILE)]
    pub profile: String,

    /// The plan as it stands today; the report then says what moves.
    #[arg(long, value_name = "PLAN")]
    pub baseline: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Also give each community's four boundaries (四至): the roads, rivers,
    /// neighbours or street outline it is bounded by to the east, south, west
    /// and north (a table section; "sizhi" in JSON).
    #[arg(long)]
    pub sizhi: bool,

    /// When to colour the table: auto colours only when stdout is a terminal
    /// (and NO_COLOR is not set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// The plan (GeoJSON).
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// The community to adjust (its id).
    #[arg(long, value_name = "ID")]
    pub community: String,
    /// How many alternatives at most.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub alternatives: usize,
    /// Rule profile: a built-in name or the path of a .toml/.json profile.
    #[arg(long, value_name = "NAME|FILE", default_value = shequ_core::profile::DEFAULT_PROFILE)]
    pub profile: String,
    /// Random seed of the search; the same seed gives the same alternatives.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Output format (JSON: each alternative's numbers, and its parts as GeoJSON).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct RepairArgs {
    /// The plan (GeoJSON).
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,
    /// Where to write the proposal (a plan file; - for standard output).
    #[arg(long, short = 'o', value_name = "PROPOSAL")]
    pub out: PathBuf,
    /// Also bring every community into its target band where the households allow.
    #[arg(long)]
    pub strict: bool,
    /// Communities to leave exactly as they are (ids, comma-separated).
    #[arg(long, value_name = "ID,ID…")]
    pub lock: Vec<String>,
    /// Rule profile: a built-in name or the path of a .toml/.json profile.
    #[arg(long, value_name = "NAME|FILE", default_value = shequ_core::profile::DEFAULT_PROFILE)]
    pub profile: String,
    /// Random seed of the search; the same seed gives the same proposal.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Stop searching after this many seconds and give the best proposal found.
    #[arg(long, value_name = "SECONDS")]
    pub time_limit: Option<f64>,
    /// Summary format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Rule profile: a built-in name or the path of a .toml/.json profile.
    #[arg(long, value_name = "NAME|FILE", default_value = shequ_core::profile::DEFAULT_PROFILE)]
    pub profile: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

const IMPORT_AFTER: &str = "\
Inputs:
  IN are zipped Shapefiles (one zip may hold several layers; attribute text
  in UTF-8 or GBK, from the .cpg or detected), loose .shp/.dbf/.prj/.cpg files
  (matched by name) or GeoJSON plan files. Each Shapefile layer becomes a plan
  layer (community, compound, grid, barrier, service_center, street) by its
  name, geometry and columns; columns are recognised by Chinese and English
  headers (名称/NAME/MC, 户数/HS, 规划户数/GHHS, 网格编码/WGBM, 两委人数, ...)
  and by pinyin initials for each layer (SQBM/SQMC 社区, XQBM/XQMC 小区,
  WGBM 网格, DLBM/DLMC 道路: a compound's SQBM is its community's code, not
  its id). The mapping used is reported on stderr (note: … read as …).

Layer map:
  --layer-map auto (default) uses the proposals; `--write-layer-map FILE`
  saves the mapping used, as JSON, to correct and pass back with
  --layer-map FILE:
    [{\"source\": \"社区.shp\", \"layer\": \"community\",
      \"fields\": {\"id\": \"SQBH\", \"name\": \"SQMC\"}, \"crs\": \"EPSG:4549\"}]
  \"layer\": null skips a layer; layers not listed are imported as proposed.

Coordinate systems (--crs):
  auto (default): from the .prj and the numbers (an 8-digit easting carries
  its Gauss-Kruger zone; a 6-digit one needs the zone: give it).
  EPSG:4326 / EPSG:4490   WGS 84 / CGCS2000 longitude/latitude (the same here)
  EPSG:4513-4533          CGCS2000 3-degree Gauss-Kruger, zone prefix (25-45)
  EPSG:4534-4554          CGCS2000 3-degree Gauss-Kruger, CM 75E-135E (4549 = CM 120E, Yangzhou)
  EPSG:4491-4501          CGCS2000 6-degree Gauss-Kruger, zone prefix (13-23)
  EPSG:4502-4512          CGCS2000 6-degree Gauss-Kruger, CM 75E-135E
  gcj02 / bd09            traced on AutoNavi/Tencent or Baidu maps

Households (--households):
  A CSV (UTF-8 or GBK) or XLSX table; the header row is found (title rows
  above it are fine), the key column (compound id or name: 小区编号/XQBM,
  小区名称/XQMC) and the households columns (户数/HS, 规划户数/GHHS) are
  recognised. It is joined before the plan is checked, so the Shapefiles'
  compounds may come without households (boundaries from the GIS office,
  households from the housing bureau); compounds still without any are one
  problem naming them all. Names match after trimming and full-width to
  half-width; a 小区/花园 suffix is dropped only when that is unambiguous.
  Unmatched rows, compounds without a row and duplicates are listed on
  stderr.

Exit codes:
  0  the plan was written (warnings on stderr)
  2  an input could not be read or mapped; each problem is one line on stderr
     naming the file, the entry in the zip, the record or row, the column and
     the fix

Examples:
  shequ import 社区.zip --out plan.geojson
  shequ import 社区.zip 小区.zip --crs EPSG:4549 --households 户数.xlsx --out plan.geojson
  shequ import 高德描绘.zip --crs gcj02 --write-layer-map map.json --out plan.geojson";

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Zipped Shapefiles, loose Shapefile parts or GeoJSON files.
    #[arg(value_name = "IN", required = true)]
    pub inputs: Vec<PathBuf>,
    /// `auto`, or a JSON file of layer mappings (see below).
    #[arg(long, value_name = "FILE|auto", default_value = "auto")]
    pub layer_map: String,
    /// Write the layer mapping used (JSON), to correct and pass to --layer-map.
    #[arg(long, value_name = "FILE")]
    pub write_layer_map: Option<PathBuf>,
    /// Coordinate system of the inputs: auto, EPSG:xxxx, gcj02 or bd09.
    #[arg(long, value_name = "EPSG:xxxx|gcj02|bd09|auto", default_value = "auto")]
    pub crs: String,
    /// A households table (CSV or XLSX) to join to the compounds.
    #[arg(long, value_name = "TABLE")]
    pub households: Option<PathBuf>,
    /// Join the table by compound id or by name (default: whichever matches more).
    #[arg(long, value_enum, requires = "households")]
    pub key: Option<KeyArg>,
    /// The sheet of the households workbook (default: the first with data).
    #[arg(long, value_name = "NAME", requires = "households")]
    pub sheet: Option<String>,
    /// Where to write the plan (GeoJSON; - writes to standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyArg {
    /// Compound ids.
    Id,
    /// Compound names.
    Name,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many communities the district has.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub communities: u32,
    /// Random seed; the same seed gives the same plan.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Where to write the GeoJSON plan (- writes to standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// Chinese (中文).
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The Chinese or the English of a text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable tables for people.
    Table,
    /// The serialised report: the stable contract for scripts and portals.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
