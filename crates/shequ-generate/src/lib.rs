//! Synthetic districts for demos, tests and benchmarks (`shequ generate`).
//!
//! [`generate`] builds a plausible street (街道) near Yangzhou: a perturbed grid
//! of blocks between named roads, a meandering river, an old town of small
//! compounds without property management, new apartment estates, grid cells,
//! service centres and committees — and a sprinkling of every rule violation,
//! proportional to its size, so that a check has something to say.
//!
//! Every polygon is built from one table of nodes: neighbouring communities,
//! grid cells and the street outline share identical vertices along their
//! common edges, with no T-junctions, so the clean parts of the plan have no
//! overlaps and no gaps. The same options always give the same plan (on one
//! platform: the geometry uses `sin` and `sqrt` of the host's maths library).
//!
//! ```
//! use shequ_generate::{generate, GenerateOptions};
//! use shequ_core::{evaluate, Profile};
//!
//! let plan = generate(&GenerateOptions { communities: 24, seed: 7 });
//! assert_eq!(plan.communities.len(), 24);
//! assert!(plan.compounds.len() > 20 * 20);
//! assert_eq!(plan, generate(&GenerateOptions { communities: 24, seed: 7 }));
//! let report = evaluate(&plan, &Profile::default());
//! // A block is left out on purpose: its compounds belong to no community.
//! assert!(report.totals.unassigned_compounds > 0);
//! ```
//!
//! # What is deliberately wrong
//!
//! From 20 communities on, these are planted in proportion to the size, at
//! least one of each where the district has room (from about 40 communities
//! on, every finding code fires); from about 150 communities on, some 15 % of
//! the communities have a finding. Smaller plans stack several violations on the
//! same few communities, so that a demo still looks mostly clean.
//! [`generate_with_key`] says which finding was planted where:
//!
//! | code | how it is made |
//! |---|---|
//! | `scale.*` | a community's households are set outside its kind's band |
//! | `boundary.non_contiguous` | a block far from a community is given to it (an exclave) |
//! | `boundary.overlap` | one side of a community is pushed a few metres into its neighbour |
//! | `boundary.gap`, `plan.unassigned` | a block inside the street outline is left out, with its compounds and cells |
//! | `boundary.cuts_grid` | a block split between two communities is one grid cell |
//! | `boundary.cuts_compound` | a compound straddles the line splitting a block between two communities |
//! | `boundary.off_barrier` | a narrow community astride a road, bounded by lines through blocks |
//! | `boundary.irregular` | a thin strip along the river (a snake) |
//! | `boundary.too_large` | a sprawling community with its centre at one end |
//! | `org.*`, `facility.*`, `plan.unnamed`, `plan.name_format`, `plan.duplicate_name` | attributes set wrong |
//!
//! Below 20 communities the plan is clean.
//!
//! # How it is built
//!
//! 1. A grid of junctions, jittered, with chains of nodes along every block
//!    edge (roads; a river along one row meanders); a staircase cut from some
//!    corners of the outline.
//! 2. Each block is cut by straight lines between nodes of its edge chains
//!    into one to three parcels — the grid cells; some lines carry a lane.
//! 3. Communities grow from seeds spread by recursive bisection, smallest area
//!    first, never across the river and never so that an outline would touch
//!    itself at a corner; a tidying pass evens out straggly ones.
//! 4. Violations are placed (some blocks are reserved for them before the
//!    growth), households are set per community and spread over compounds laid
//!    out in rows inside the parcels, and centres are placed.
//! 5. Community and street outlines are traced from the parcels' shared edges,
//!    so they share vertices exactly; metres become longitude/latitude
//!    (rounded to 1e-7°, about a centimetre) around 119.40° E, 32.39° N.
//!
//! # Performance
//!
//! Linear in the number of communities: 5,000 communities (about 100,000
//! compounds and 250,000 barrier segments) take about a second in release
//! builds.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use geo::{Coord, LineString, MultiLineString, MultiPolygon, Point, Polygon};
use geojson::JsonObject;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use shequ_core::geodesy::Frame;
use shequ_core::model::*;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Number of communities; the plan has exactly this many (0 gives an empty plan).
    pub communities: usize,
    pub seed: u64,
}

/// The demo district committed as `tests/data/demo.geojson` and used by the
/// README, the tests and the web app.
pub const DEMO: GenerateOptions = GenerateOptions {
    communities: 48,
    seed: 2022,
};

/// The middle of the district.
const CENTRE_LON: f64 = 119.40;
const CENTRE_LAT: f64 = 32.39;
/// 扬州市广陵区, the prefix of grid cell codes.
const DISTRICT_CODE: &str = "321002";
const BLOCKS_PER_COMMUNITY: f64 = 4.5;
/// Smallest plan that gets deliberate violations.
const MIN_INJECT: usize = 20;
/// Below this many communities, violations are stacked on few communities so
/// that a small demo still looks mostly clean.
const STACK_BELOW: usize = 150;

/// Violations per community (each at least one from `MIN_INJECT` communities on).
mod rate {
    pub const GAP: f64 = 0.003;
    pub const EXCLAVE: f64 = 0.004;
    pub const OVERLAP: f64 = 0.004;
    pub const CUTS_GRID: f64 = 0.004;
    pub const CUTS_COMPOUND: f64 = 0.004;
    pub const STRIP: f64 = 0.004;
    pub const SNAKE: f64 = 0.003;
    pub const SPRAWL: f64 = 0.004;
    pub const SPLIT: f64 = 0.006;
    pub const TOO_LARGE: f64 = 0.015;
    pub const TOO_SMALL: f64 = 0.006;
    pub const BELOW: f64 = 0.02;
    pub const SINGLE: f64 = 0.006;
    pub const ORG: f64 = 0.006;
    pub const NO_CENTER: f64 = 0.004;
    pub const CENTER_OUTSIDE: f64 = 0.004;
    pub const SHARED_CENTER: f64 = 0.004;
    pub const FACILITY: f64 = 0.006;
    pub const UNNAMED: f64 = 0.003;
    pub const DUPLICATE: f64 = 0.003;
}

/// A realistic synthetic district, deterministic per `(communities, seed)`.
///
/// See the [module documentation](self) for what it contains.
pub fn generate(opts: &GenerateOptions) -> Plan {
    build(opts).0
}

/// A finding [`generate`] planted on purpose: `code` about community `community_id`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Planted {
    pub code: &'static str,
    pub community_id: String,
}

/// The plan of [`generate`] and the answer key: every finding, by code and
/// community, that an evaluation with the default profile should report —
/// no more, no fewer — except that
///
/// - `plan.unassigned` names no community and is left out;
/// - `boundary.gap` lists every community around a left-out block, while the
///   engine names those its boolean operations see touching the gap, which may
///   be fewer (the gap's vertices come back from them moved by a hair).
///
/// ```
/// use shequ_generate::{generate_with_key, GenerateOptions};
/// use shequ_core::{evaluate, Profile};
///
/// let (plan, key) = generate_with_key(&GenerateOptions { communities: 30, seed: 1 });
/// let report = evaluate(&plan, &Profile::default());
/// let irregular: Vec<_> = key.iter().filter(|p| p.code == "boundary.irregular").collect();
/// assert_eq!(irregular.len(), report.findings_with_code("boundary.irregular").count());
/// ```
pub fn generate_with_key(opts: &GenerateOptions) -> (Plan, Vec<Planted>) {
    let (plan, roles) = build(opts);
    let profile = shequ_core::profile::Profile::default();
    let mut key = Vec::new();
    for (c, role) in plan.communities.iter().zip(&roles) {
        let mut plant = |code: &'static str| {
            key.push(Planted {
                code,
                community_id: c.id.clone(),
            })
        };
        for code in scale_key(role, c.kind, &profile) {
            plant(code);
        }
        let flags: [(bool, &'static str); 20] = [
            (role.kind_claim, "scale.kind_claim"),
            (role.exclave, "boundary.non_contiguous"),
            (role.overlap, "boundary.overlap"),
            (role.gap_neighbour, "boundary.gap"),
            (role.cuts_grid, "boundary.cuts_grid"),
            (role.cuts_compound, "boundary.cuts_compound"),
            (role.strip, "boundary.off_barrier"),
            (role.snake, "boundary.irregular"),
            (role.sprawl, "boundary.too_large"),
            (role.committee_size, "org.committee_size"),
            (role.missing_committee, "org.missing_committee"),
            (role.understaffed, "org.understaffed"),
            (role.no_center, "facility.no_center"),
            (role.center_outside, "facility.center_outside"),
            (
                role.shared_host || role.shared_guest.is_some(),
                "facility.shared_center",
            ),
            (role.floor_area, "facility.floor_area"),
            (role.missing_service, "facility.missing_service"),
            (role.unnamed, "plan.unnamed"),
            (role.misnamed, "plan.name_format"),
            (
                role.duplicate_of.is_some() || role.copied,
                "plan.duplicate_name",
            ),
        ];
        for (on, code) in flags {
            if on {
                plant(code);
            }
        }
    }
    key.sort();
    (plan, key)
}

/// The plan and, per community, what was done to it on purpose.
/// The scale findings a community of the generated size gets, worked out from
/// its households as sections 二（一） and 三（一） count them (大于 / 小于 exclude
/// their number, 以上 includes it; old-town communities have their own lower
/// bound, apartment ones their own upper bound).
fn scale_key(
    role: &Role,
    kind: CommunityKind,
    profile: &shequ_core::profile::Profile,
) -> Vec<&'static str> {
    let band = profile.band(kind);
    let t = u64::from(role.counted);
    let mut codes = Vec::new();
    if t > band.adjust_above {
        codes.push("scale.too_large");
    }
    if t >= band.split_from {
        codes.push("scale.split_required");
    }
    if t < band.merge_below {
        codes.push("scale.too_small");
    } else if t < band.target_min {
        codes.push(if role.scale == Scale::Single {
            "scale.single_compound"
        } else {
            "scale.below_target"
        });
    }
    if role.no_margin {
        codes.push("scale.no_margin");
    }
    codes
}

fn build(opts: &GenerateOptions) -> (Plan, Vec<Role>) {
    if opts.communities == 0 {
        return (Plan::default(), Vec::new());
    }
    let mut g = Gen::new(opts);
    g.build_grid();
    g.place_specials();
    g.build_parcels();
    g.finish_geometry();
    g.build_units();
    g.grow();
    g.tidy();
    g.set_kinds();
    g.inject_after_growth();
    g.order_communities();
    g.assign_roles();
    g.populate();
    g.place_centres();
    g.assemble(opts)
}

// ---------------------------------------------------------------------------
// Random numbers

/// ChaCha8 with the few draws the generator needs; integer draws go through
/// `u32` so that 32-bit (wasm) and 64-bit builds draw alike.
struct Rng(ChaCha8Rng);

impl Rng {
    fn f(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.0.random::<f64>()
    }

    /// `lo..=hi`.
    fn int(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            return lo;
        }
        self.0.random_range(lo as u32..=hi as u32) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        self.0.random::<f64>() < p
    }

    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.int(0, i);
            xs.swap(i, j);
        }
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.int(0, xs.len() - 1)]
    }
}

fn count(n: usize, rate: f64) -> usize {
    if n < MIN_INJECT {
        0
    } else {
        ((n as f64 * rate).round() as usize).max(1)
    }
}

// ---------------------------------------------------------------------------
// Names

const NAME_A: &[&str] = &[
    "文", "琼", "东", "西", "南", "北", "汶", "广", "梅", "荷", "柳", "竹", "松", "兰", "桂", "平",
    "康", "宁", "安", "和", "华", "新", "兴", "盛", "丰", "福", "明", "光", "泰", "祥", "瑞", "春",
    "翠", "碧", "清", "嘉", "锦", "凤", "鹤", "龙", "玉", "金", "银", "长", "永", "德", "仁", "怡",
    "悦", "欣", "乐", "美", "雅", "静", "秀", "彩", "虹", "星", "月", "晨", "曙", "朝", "阳", "湖",
    "江", "淮", "运", "邗", "蜀", "槐", "杏", "桃", "李", "芙", "蓉", "樱", "梧", "桐", "枫", "菱",
];
const NAME_B: &[&str] = &[
    "昌", "花", "关", "河", "陵", "湖", "园", "苑", "桥", "庄", "塘", "湾", "林", "亭", "阁", "台",
    "山", "岭", "港", "渡", "门", "街", "坊", "里", "城", "源", "泉", "溪", "洲", "峰", "景", "府",
    "庭", "馨", "华", "安", "康", "泰", "盛", "隆", "兴", "和", "平", "福", "祥", "瑞", "丰", "乐",
    "鸣", "晖", "阳", "辉", "荣", "春", "秀", "翠", "德", "明", "宁", "新", "运", "扬", "冈", "湄",
    "柳", "汀", "苇", "岗", "堤", "圩", "浦", "埠", "坝", "堰", "墩", "沟", "池", "井", "桂", "荫",
];
const NUMERALS: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
const RIVERS: &[&str] = &[
    "玉带河",
    "清溪河",
    "龙泉河",
    "碧波河",
    "九曲河",
    "白沙河",
    "双桥河",
    "凤凰河",
    "月牙河",
    "槐泗河",
];
const STREETS: &[&str] = &[
    "琼华街道",
    "汶澜街道",
    "翠湄街道",
    "柳泉街道",
    "嘉溪街道",
    "锦湾街道",
    "凤冈街道",
    "玉汀街道",
];
const SUFFIX_STANDARD: &[&str] = &[
    "苑", "花园", "新村", "家园", "小区", "雅苑", "名苑", "华庭", "佳园", "嘉园", "景苑", "新城",
];
const SUFFIX_OLD: &[&str] = &["新村", "小区", "里", "大院", "宿舍", "巷小区", "坊"];
const SUFFIX_APARTMENT: &[&str] = &[
    "公寓",
    "华府",
    "名邸",
    "国际公寓",
    "天地",
    "御府",
    "壹号院",
    "公馆",
    "花园城",
];

/// Two-character names, all distinct, in a seeded order; numerals extend the
/// list when more are needed than the syllables give.
struct Names {
    list: Vec<String>,
    next: usize,
}

impl Names {
    fn new(rng: &mut Rng) -> Names {
        let mut list: Vec<String> = Vec::with_capacity(NAME_A.len() * NAME_B.len());
        for a in NAME_A {
            for b in NAME_B {
                if a != b {
                    list.push(format!("{a}{b}"));
                }
            }
        }
        list.sort();
        list.dedup();
        rng.shuffle(&mut list);
        Names { list, next: 0 }
    }

    fn take(&mut self) -> String {
        let i = self.next;
        self.next += 1;
        let base = &self.list[i % self.list.len()];
        match i / self.list.len() {
            0 => base.clone(),
            round => format!("{base}{}", NUMERALS[(round - 1) % NUMERALS.len()]),
        }
    }
}

// ---------------------------------------------------------------------------
// Plane geometry in metres

fn lerp(a: Coord, b: Coord, t: f64) -> Coord {
    Coord {
        x: a.x + (b.x - a.x) * t,
        y: a.y + (b.y - a.y) * t,
    }
}

fn dist(a: Coord, b: Coord) -> f64 {
    (b.x - a.x).hypot(b.y - a.y)
}

/// Unit normal to the left of `a → b`.
fn left_normal(a: Coord, b: Coord) -> Coord {
    let d = dist(a, b).max(1e-9);
    Coord {
        x: -(b.y - a.y) / d,
        y: (b.x - a.x) / d,
    }
}

fn signed_area(pts: impl Iterator<Item = Coord> + Clone) -> f64 {
    let mut s = 0.0;
    let mut it = pts.clone().peekable();
    let first = match it.peek() {
        Some(p) => *p,
        None => return 0.0,
    };
    let mut prev = first;
    for p in it.skip(1) {
        s += prev.x * p.y - p.x * prev.y;
        prev = p;
    }
    s += prev.x * first.y - first.x * prev.y;
    s / 2.0
}

fn point_in_ring(p: Coord, ring: &[Coord]) -> bool {
    let mut inside = false;
    let n = ring.len();
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[i], ring[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Distance from `p` to the line through `a` and `b`.
fn dist_to_line(p: Coord, a: Coord, b: Coord) -> f64 {
    let n = left_normal(a, b);
    ((p.x - a.x) * n.x + (p.y - a.y) * n.y).abs()
}

fn bilinear(q: &[Coord; 4], u: f64, v: f64) -> Coord {
    let bottom = lerp(q[0], q[1], u);
    let top = lerp(q[3], q[2], u);
    lerp(bottom, top, v)
}

// ---------------------------------------------------------------------------
// The generator's state

type Ring = Vec<u32>;

/// Owner of a unit not yet in a community.
const NONE: u32 = u32::MAX;
/// Owner of a unit left out of every community on purpose.
const GAP_OWNER: u32 = u32::MAX - 1;

#[derive(Debug, Clone)]
struct Parcel {
    /// Nodes, counter-clockwise, not closed.
    ring: Ring,
    /// Positions in `ring` of the four corners of the quadrilateral it approximates.
    corners: [usize; 4],
    block: usize,
    unit: usize,
    area: f64,
    quad: [Coord; 4],
    /// Set-back of compounds from each side of `quad`, in metres.
    margins: [f64; 4],
}

/// Land given to a community as a whole: a block, or one parcel of a block
/// shared between communities on purpose.
#[derive(Debug, Clone)]
struct Unit {
    parcels: Vec<usize>,
    block: usize,
    area: f64,
    centre: Coord,
    whole_block: bool,
}

/// What a block is reserved for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum BlockRole {
    Normal,
    /// Split between two seeded communities; the pair of seeds is `(k, k + 1)` of the special seeds.
    CutsGrid(usize),
    CutsCompound(usize),
    /// Part of a sprawling fixed community.
    Sprawl(usize),
    /// A strip along one side of the block belongs to fixed community `comm`.
    Edge {
        comm: usize,
        top: bool,
        depth: f64,
        lane: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Scale {
    #[default]
    Clean,
    Split,
    TooLarge,
    TooSmall,
    Below,
    Single,
}

#[derive(Debug, Clone, Default)]
struct Role {
    scale: Scale,
    strip: bool,
    snake: bool,
    cuts_grid: bool,
    cuts_compound: bool,
    sprawl: bool,
    exclave: bool,
    overlap: bool,
    gap_neighbour: bool,
    shared_host: bool,
    /// Uses the centre of this community.
    shared_guest: Option<usize>,
    no_center: bool,
    center_outside: bool,
    floor_area: bool,
    missing_service: bool,
    committee_size: bool,
    missing_committee: bool,
    understaffed: bool,
    unnamed: bool,
    /// Named without the 社区 suffix (居委会 instead).
    misnamed: bool,
    duplicate_of: Option<usize>,
    /// Another community copies its name.
    copied: bool,
    /// Households placed in it, planned ones included (the scale findings follow from them).
    counted: u32,
    /// Planned homes bring it close to its upper bound (found, not planted).
    no_margin: bool,
    /// Declared old-town, with property-managed compounds.
    kind_claim: bool,
}

impl Role {
    fn affected(&self) -> bool {
        self.scale != Scale::Clean
            || self.strip
            || self.snake
            || self.cuts_grid
            || self.cuts_compound
            || self.sprawl
            || self.exclave
            || self.overlap
            || self.gap_neighbour
            || self.shared_host
            || self.shared_guest.is_some()
            || self.no_center
            || self.center_outside
            || self.floor_area
            || self.missing_service
            || self.committee_size
            || self.missing_committee
            || self.understaffed
            || self.unnamed
            || self.misnamed
            || self.duplicate_of.is_some()
            || self.copied
            || self.kind_claim
    }

    /// Its service centre is placed the ordinary way.
    fn centre_free(&self) -> bool {
        !(self.no_center
            || self.center_outside
            || self.shared_host
            || self.shared_guest.is_some()
            || self.sprawl)
    }

    /// Nothing about its geometry or centre is deliberately odd.
    fn plain(&self) -> bool {
        !(self.strip
            || self.snake
            || self.cuts_grid
            || self.cuts_compound
            || self.sprawl
            || self.exclave
            || self.overlap
            || self.shared_host
            || self.shared_guest.is_some()
            || self.no_center
            || self.center_outside)
    }
}

#[derive(Debug, Clone)]
struct Comm {
    units: Vec<usize>,
    area: f64,
    seed: Coord,
    fixed: bool,
    kind: CommunityKind,
    role: Role,
    households: u32,
    /// Of `households`, planned and under construction.
    planned: u32,
    /// Parcel holding the service centre, when chosen before the compounds.
    centre_parcel: Option<usize>,
    centre: Option<Coord>,
    /// A centre standing exactly on a vertex of the boundary.
    centre_node: Option<u32>,
    /// The block given away from elsewhere (an exclave).
    exclave_unit: Option<usize>,
}

impl Comm {
    fn new(seed: Coord, fixed: bool) -> Comm {
        Comm {
            units: Vec::new(),
            area: 0.0,
            seed,
            fixed,
            kind: CommunityKind::Standard,
            role: Role::default(),
            planned: 0,
            households: 0,
            centre_parcel: None,
            centre: None,
            centre_node: None,
            exclave_unit: None,
        }
    }
}

#[derive(Debug, Clone)]
enum GenShape {
    Area(Vec<Coord>),
    Point(Coord),
}

#[derive(Debug, Clone)]
struct GenCompound {
    shape: GenShape,
    /// Where the engine will measure it from (near enough).
    rep: Coord,
    households: u32,
    planned: u32,
    property_management: Option<bool>,
    kind: CommunityKind,
}

/// A lane drawn along a line splitting a block.
#[derive(Debug, Clone)]
struct Lane {
    nodes: Vec<u32>,
    old_town: bool,
    riverside: bool,
}

struct Gen {
    n: usize,
    rng: Rng,
    nx: usize,
    ny: usize,
    xs: Vec<f64>,
    ys: Vec<f64>,
    included: Vec<bool>,
    block_kind: Vec<CommunityKind>,
    block_role: Vec<BlockRole>,
    rivers: Vec<(usize, [f64; 6])>,
    art_row: Vec<bool>,
    art_col: Vec<bool>,
    nodes: Vec<Coord>,
    /// Horizontal chains `H(i, j)`, index `j * nx + i`, west to east.
    h: Vec<Ring>,
    /// Vertical chains `V(i, j)`, index `j * (nx + 1) + i`, south to north.
    v: Vec<Ring>,
    parcels: Vec<Parcel>,
    block_parcels: Vec<Vec<usize>>,
    /// The whole ring of each block (for a grid cell spanning a split block).
    block_rings: HashMap<usize, Ring>,
    lanes: Vec<Lane>,
    units: Vec<Unit>,
    owner: Vec<u32>,
    /// Unit adjacency: `(other unit, crosses a river, crosses an arterial)`.
    adj: Vec<Vec<(usize, bool, bool)>>,
    /// Outgoing edges at each node: `(parcel, next node)`, CSR.
    out_start: Vec<u32>,
    out: Vec<(u32, u32)>,
    comms: Vec<Comm>,
    /// Blocks seeding growing communities with a deliberate violation, by slot.
    special_seeds: Vec<usize>,
    /// Communities whose polygon has nodes moved (the deliberate overlap).
    overrides: HashMap<usize, HashMap<u32, Coord>>,
    compounds: Vec<(Option<usize>, GenCompound)>,
    gap_blocks: Vec<usize>,
}

impl Gen {
    fn new(opts: &GenerateOptions) -> Gen {
        Gen {
            n: opts.communities,
            rng: Rng(ChaCha8Rng::seed_from_u64(opts.seed)),
            nx: 0,
            ny: 0,
            xs: Vec::new(),
            ys: Vec::new(),
            included: Vec::new(),
            block_kind: Vec::new(),
            block_role: Vec::new(),
            rivers: Vec::new(),
            art_row: Vec::new(),
            art_col: Vec::new(),
            nodes: Vec::new(),
            h: Vec::new(),
            v: Vec::new(),
            parcels: Vec::new(),
            block_parcels: Vec::new(),
            block_rings: HashMap::new(),
            lanes: Vec::new(),
            units: Vec::new(),
            owner: Vec::new(),
            adj: Vec::new(),
            out_start: Vec::new(),
            out: Vec::new(),
            comms: Vec::new(),
            special_seeds: Vec::new(),
            overrides: HashMap::new(),
            compounds: Vec::new(),
            gap_blocks: Vec::new(),
        }
    }

    fn block(&self, i: usize, j: usize) -> usize {
        j * self.nx + i
    }

    fn junction(&self, i: usize, j: usize) -> u32 {
        (j * (self.nx + 1) + i) as u32
    }

    fn is_in(&self, i: isize, j: isize) -> bool {
        i >= 0
            && j >= 0
            && (i as usize) < self.nx
            && (j as usize) < self.ny
            && self.included[self.block(i as usize, j as usize)]
    }

    fn river_y(&self, r: &[f64; 6], base: f64, x: f64) -> f64 {
        use std::f64::consts::TAU;
        base + r[0] * (TAU * x / r[1] + r[2]).sin() + r[3] * (TAU * x / r[4] + r[5]).sin()
    }

    fn is_river_row(&self, j: usize) -> bool {
        self.rivers.iter().any(|r| r.0 == j)
    }

    // -----------------------------------------------------------------------
    // Streets and blocks

    fn build_grid(&mut self) {
        let rng = &mut self.rng;
        let cells = (self.n as f64 * BLOCKS_PER_COMMUNITY).max(4.0) / 0.92;
        let nx = ((cells * 1.35).sqrt().round() as usize).max(2);
        let ny = ((cells / nx as f64).ceil() as usize).max(2);
        self.nx = nx;
        self.ny = ny;
        // Rivers run west to east along rows of block edges.
        let mut river_rows: Vec<usize> = Vec::new();
        if ny >= 4 {
            let k = ((ny as f64 / 40.0).round() as usize).max(1);
            let lo = if ny < 6 { 1 } else { 2 };
            for r in 0..k {
                let at = ((r as f64 + 0.5) * ny as f64 / k as f64).round() as isize
                    + rng.int(0, 2) as isize
                    - 1;
                river_rows.push((at.max(lo as isize) as usize).min(ny - lo));
            }
            river_rows.dedup();
        }
        self.xs = std::iter::once(0.0)
            .chain((0..nx).scan(0.0, |x, _| {
                *x += rng.f(250.0, 420.0);
                Some(*x)
            }))
            .collect();
        let mut y = 0.0;
        self.ys = vec![0.0];
        for j in 0..ny {
            let by_river = river_rows.iter().any(|&r| r == j || r == j + 1);
            y += if by_river {
                rng.f(290.0, 370.0)
            } else {
                rng.f(230.0, 370.0)
            };
            self.ys.push(y);
        }
        for &r in &river_rows {
            let params = [
                rng.f(30.0, 50.0),
                rng.f(1600.0, 2600.0),
                rng.f(0.0, 6.3),
                rng.f(8.0, 15.0),
                rng.f(600.0, 900.0),
                rng.f(0.0, 6.3),
            ];
            self.rivers.push((r, params));
        }
        let arterials = |rng: &mut Rng, len: usize| {
            let mut a = vec![false; len + 1];
            a[0] = true;
            a[len] = true;
            let mut k = rng.int(2, 4);
            while k < len {
                a[k] = true;
                k += rng.int(3, 5);
            }
            a
        };
        self.art_row = arterials(rng, ny);
        self.art_col = arterials(rng, nx);
        for &(r, _) in &self.rivers {
            self.art_row[r] = false;
        }
        // Junctions.
        self.nodes = Vec::with_capacity((nx + 1) * (ny + 1) * 4);
        for j in 0..=ny {
            for i in 0..=nx {
                let x = self.xs[i] + self.rng.f(-18.0, 18.0);
                let y = match self.rivers.iter().find(|r| r.0 == j) {
                    Some(r) => self.river_y(&r.1, self.ys[j], x),
                    None => self.ys[j] + self.rng.f(-18.0, 18.0),
                };
                self.nodes.push(Coord { x, y });
            }
        }
        // Chains along block edges.
        for j in 0..=ny {
            let river = self.rivers.iter().find(|r| r.0 == j).map(|r| r.1);
            for i in 0..nx {
                let (a, b) = (self.junction(i, j), self.junction(i + 1, j));
                let chain = match river {
                    Some(params) => {
                        let (pa, pb) = (self.nodes[a as usize], self.nodes[b as usize]);
                        let mut c = vec![a];
                        for k in 1..=7 {
                            let x = pa.x + (pb.x - pa.x) * k as f64 / 8.0;
                            let y = self.river_y(&params, self.ys[j], x);
                            c.push(self.add_node(Coord { x, y }));
                        }
                        c.push(b);
                        c
                    }
                    None => {
                        let k = if self.art_row[j] || self.rng.chance(0.2) {
                            5
                        } else {
                            3
                        };
                        self.chain(a, b, k)
                    }
                };
                self.h.push(chain);
            }
        }
        for j in 0..ny {
            for i in 0..=nx {
                let (a, b) = (self.junction(i, j), self.junction(i, j + 1));
                // By a river, blocks keep three nodes a side: a riverside strip is
                // cut at the one a quarter of the way from the river.
                let by_river = self.rivers.iter().any(|r| r.0 == j || r.0 == j + 1);
                let k = if self.art_col[i] || (!by_river && self.rng.chance(0.2)) {
                    5
                } else {
                    3
                };
                let c = self.chain(a, b, k);
                self.v.push(c);
            }
        }
        // The outline: a rectangle with a staircase cut from some corners.
        self.included = vec![true; nx * ny];
        if nx >= 6 && ny >= 6 && self.n >= 40 {
            for corner in 0..4 {
                if !self.rng.chance(0.75) {
                    continue;
                }
                let mut w = self.rng.int(1, nx / 3);
                let rows = self.rng.int(1, ny / 3);
                for r in 0..rows {
                    for c in 0..w {
                        let (i, j) = match corner {
                            0 => (c, r),
                            1 => (nx - 1 - c, r),
                            2 => (nx - 1 - c, ny - 1 - r),
                            _ => (c, ny - 1 - r),
                        };
                        let b = self.block(i, j);
                        self.included[b] = false;
                    }
                    w = w.saturating_sub(self.rng.int(0, 2));
                    if w == 0 {
                        break;
                    }
                }
            }
        }
        // Kinds: an old town by a river, new apartment estates further out.
        let (width, height) = (self.xs[nx], self.ys[ny]);
        let mut old: Vec<(Coord, f64)> = Vec::new();
        let mut apt: Vec<(Coord, f64)> = Vec::new();
        if self.n >= 4 {
            let k = (self.n as f64 / 400.0).round().max(1.0) as usize;
            let r = (0.13 * width * height / (std::f64::consts::PI * k as f64)).sqrt();
            for q in 0..k {
                let y = match self.rivers.get(q % self.rivers.len().max(1)) {
                    Some(&(row, _)) => self.ys[row],
                    None => height * self.rng.f(0.3, 0.7),
                };
                let x = width * self.rng.f(0.25, 0.75);
                old.push((Coord { x, y }, r));
            }
        }
        if self.n >= 6 {
            let k = (self.n as f64 / 150.0).round().max(1.0) as usize;
            let r = (0.12 * width * height / (std::f64::consts::PI * k as f64)).sqrt();
            let mut tries = 0;
            while apt.len() < k && tries < 200 {
                tries += 1;
                let c = Coord {
                    x: width * self.rng.f(0.05, 0.95),
                    y: height * self.rng.f(0.05, 0.95),
                };
                if old.iter().all(|(o, ro)| dist(*o, c) > ro + r * 0.8)
                    && apt.iter().all(|(a, _)| dist(*a, c) > 1.6 * r)
                {
                    apt.push((c, r));
                }
            }
        }
        self.block_kind = (0..nx * ny)
            .map(|b| {
                let (i, j) = (b % nx, b / nx);
                let c = Coord {
                    x: (self.xs[i] + self.xs[i + 1]) / 2.0,
                    y: (self.ys[j] + self.ys[j + 1]) / 2.0,
                };
                if old.iter().any(|(o, r)| dist(*o, c) < *r) {
                    CommunityKind::OldTown
                } else if apt.iter().any(|(a, r)| dist(*a, c) < *r) {
                    CommunityKind::Apartment
                } else {
                    CommunityKind::Standard
                }
            })
            .collect();
        self.block_role = vec![BlockRole::Normal; nx * ny];
        self.block_parcels = vec![Vec::new(); nx * ny];
    }

    fn add_node(&mut self, c: Coord) -> u32 {
        self.nodes.push(c);
        (self.nodes.len() - 1) as u32
    }

    /// A chain from `a` to `b` with `k` slightly jittered interior nodes.
    fn chain(&mut self, a: u32, b: u32, k: usize) -> Ring {
        let (pa, pb) = (self.nodes[a as usize], self.nodes[b as usize]);
        let n = left_normal(pa, pb);
        let mut c = vec![a];
        for s in 1..=k {
            let t = s as f64 / (k + 1) as f64 + self.rng.f(-0.025, 0.025);
            let off = self.rng.f(-2.0, 2.0);
            let p = lerp(pa, pb, t);
            c.push(self.add_node(Coord {
                x: p.x + n.x * off,
                y: p.y + n.y * off,
            }));
        }
        c.push(b);
        c
    }

    // -----------------------------------------------------------------------
    // Deliberate violations that shape blocks

    /// Blocks `(i, j)` for `i in i0..i1, j in j0..j1`, if they and a ring of one
    /// block around them are in the district and nothing else is reserved near.
    fn free_area(&self, i0: isize, j0: isize, i1: isize, j1: isize, reserved: &[bool]) -> bool {
        for j in j0 - 1..=j1 {
            for i in i0 - 1..=i1 {
                if !self.is_in(i, j) {
                    return false;
                }
            }
        }
        // Keep two blocks between deliberate violations (one in small plans).
        let gap = if self.n < 100 { 1 } else { 2 };
        for j in j0 - 1 - gap..=j1 + gap {
            for i in i0 - 1 - gap..=i1 + gap {
                if i >= 0
                    && j >= 0
                    && (i as usize) < self.nx
                    && (j as usize) < self.ny
                    && reserved[self.block(i as usize, j as usize)]
                {
                    return false;
                }
            }
        }
        true
    }

    fn reserve(&self, reserved: &mut [bool], i0: usize, j0: usize, i1: usize, j1: usize) {
        for j in j0..j1 {
            for i in i0..i1 {
                reserved[self.block(i, j)] = true;
            }
        }
    }

    /// Finds a free `w × h` area of blocks for which `ok(i, j)` holds.
    fn find_area(
        &mut self,
        w: usize,
        h: usize,
        reserved: &[bool],
        row: Option<usize>,
        ok: impl Fn(&Gen, usize, usize) -> bool,
    ) -> Option<(usize, usize)> {
        if self.nx < w + 2 || self.ny < h + 2 {
            return None;
        }
        let fits = |g: &Gen, i: usize, j: usize| {
            ok(g, i, j)
                && g.free_area(
                    i as isize,
                    j as isize,
                    (i + w) as isize,
                    (j + h) as isize,
                    reserved,
                )
        };
        let rows = match row {
            Some(r) => r..r + 1,
            None => 1..self.ny - h,
        };
        for _ in 0..200 {
            let i = self.rng.int(1, self.nx - w - 1);
            let j = self.rng.int(rows.start, rows.end - 1);
            if fits(self, i, j) {
                return Some((i, j));
            }
        }
        // Crowded: look everywhere, in a seeded order.
        let mut all: Vec<(usize, usize)> = rows
            .flat_map(|j| (1..self.nx - w).map(move |i| (i, j)))
            .collect();
        self.rng.shuffle(&mut all);
        all.into_iter().find(|&(i, j)| fits(self, i, j))
    }

    fn place_specials(&mut self) {
        let n = self.n;
        let mut reserved = vec![false; self.nx * self.ny];
        let not_river_adjacent =
            |g: &Gen, j: usize, h: usize| (j..=j + h).all(|r| !g.is_river_row(r));
        // Snakes (placed first: they need the river): a thin strip along the
        // river, bounded by a lane.
        for _ in 0..count(n, rate::SNAKE) {
            if self.rivers.is_empty() {
                break;
            }
            let (row, _) = self.rivers[self.rng.int(0, self.rivers.len() - 1)];
            let north = self.rng.chance(0.5);
            let jb = if north { row } else { row - 1 };
            let len = 5;
            let found = self.find_area(len, 1, &reserved, Some(jb), |_, _, _| true);
            let Some((i, j)) = found else { continue };
            let comm = self.comms.len();
            let mut c = Comm::new(Coord::zero(), true);
            c.role.snake = true;
            self.comms.push(c);
            for k in 0..len {
                let b = self.block(i + k, j);
                self.block_role[b] = BlockRole::Edge {
                    comm,
                    top: !north,
                    depth: 0.25,
                    lane: true,
                };
            }
            self.reserve(&mut reserved, i, j, i + len, j + 1);
        }
        // Sprawling communities: three blocks by five or six, at least 1.65 km
        // long (a river may cross them), the centre at one end.
        for _ in 0..count(n, rate::SPRAWL) {
            let wide = self.rng.chance(0.5);
            let long_enough = |g: &Gen, i: usize, j: usize, len: usize| {
                if wide {
                    g.xs[i + len] - g.xs[i] >= 1650.0
                } else {
                    g.ys[j + len] - g.ys[j] >= 1650.0
                }
            };
            let mut found = None;
            for len in [5, 6] {
                let (w, h) = if wide { (len, 3) } else { (3, len) };
                found = self
                    .find_area(w, h, &reserved, None, |g, i, j| long_enough(g, i, j, len))
                    .map(|at| (at, w, h));
                if found.is_some() {
                    break;
                }
            }
            let Some(((i, j), w, h)) = found else {
                continue;
            };
            let comm = self.comms.len();
            let mut c = Comm::new(Coord::zero(), true);
            c.role.sprawl = true;
            self.comms.push(c);
            for dj in 0..h {
                for di in 0..w {
                    let b = self.block(i + di, j + dj);
                    self.block_role[b] = BlockRole::Sprawl(comm);
                }
            }
            self.reserve(&mut reserved, i, j, i + w, j + h);
        }
        // Strips astride a road, bounded by lines through blocks.
        for _ in 0..count(n, rate::STRIP) {
            let found =
                self.find_area(2, 2, &reserved, None, |g, _, j| not_river_adjacent(g, j, 2));
            let Some((i, j)) = found else { continue };
            let comm = self.comms.len();
            let mut c = Comm::new(Coord::zero(), true);
            c.role.strip = true;
            self.comms.push(c);
            for di in 0..2 {
                let south = self.block(i + di, j);
                let north = self.block(i + di, j + 1);
                self.block_role[south] = BlockRole::Edge {
                    comm,
                    top: true,
                    depth: 0.3,
                    lane: false,
                };
                self.block_role[north] = BlockRole::Edge {
                    comm,
                    top: false,
                    depth: 0.3,
                    lane: false,
                };
            }
            self.reserve(&mut reserved, i, j, i + 2, j + 2);
        }
        let single = |g: &mut Gen,
                      reserved: &mut Vec<bool>,
                      role: &dyn Fn(usize) -> BlockRole|
         -> Option<usize> {
            let (i, j) =
                g.find_area(1, 1, reserved, None, |g, _, j| not_river_adjacent(g, j, 1))?;
            let b = g.block(i, j);
            g.block_role[b] = role(g.special_seeds.len());
            g.reserve(reserved, i, j, i + 1, j + 1);
            Some(b)
        };
        for _ in 0..count(n, rate::CUTS_GRID) {
            if let Some(b) = single(self, &mut reserved, &BlockRole::CutsGrid) {
                self.special_seeds.extend([b, b]);
            }
        }
        for _ in 0..count(n, rate::CUTS_COMPOUND) {
            if let Some(b) = single(self, &mut reserved, &BlockRole::CutsCompound) {
                self.special_seeds.extend([b, b]);
            }
        }
    }

    // -----------------------------------------------------------------------
    // Parcels: each block cut into one to three, which are the grid cells

    /// The ring of block `b` (counter-clockwise from its south-west corner) and its corner positions.
    fn block_ring(&self, b: usize) -> (Ring, [usize; 4]) {
        let (i, j) = (b % self.nx, b / self.nx);
        let s0 = &self.h[j * self.nx + i];
        let s1 = &self.v[j * (self.nx + 1) + i + 1];
        let s2 = &self.h[(j + 1) * self.nx + i];
        let s3 = &self.v[j * (self.nx + 1) + i];
        let mut ring = Ring::with_capacity(s0.len() + s1.len() + s2.len() + s3.len());
        let mut corners = [0; 4];
        corners[0] = 0;
        ring.extend(&s0[..s0.len() - 1]);
        corners[1] = ring.len();
        ring.extend(&s1[..s1.len() - 1]);
        corners[2] = ring.len();
        ring.extend(s2.iter().rev().take(s2.len() - 1));
        corners[3] = ring.len();
        ring.extend(s3.iter().rev().take(s3.len() - 1));
        (ring, corners)
    }

    /// Splits `ring` between positions `a < b`, through `interior` (ordered from `a` to `b`).
    fn split_ring(
        ring: &[u32],
        corners: &[usize; 4],
        a: usize,
        b: usize,
        interior: &[u32],
    ) -> [(Ring, [usize; 4]); 2] {
        let len = ring.len();
        let mut ra: Ring = ring[a..=b].to_vec();
        ra.extend(interior.iter().rev());
        let mut ca = vec![0];
        ca.extend(corners.iter().filter(|&&c| c > a && c < b).map(|&c| c - a));
        ca.push(b - a);
        let mut rb: Ring = ring[b..].to_vec();
        rb.extend(&ring[..=a]);
        rb.extend(interior);
        let mut cb = vec![0];
        cb.extend(corners.iter().filter(|&&c| c > b).map(|&c| c - b));
        cb.extend(corners.iter().filter(|&&c| c < a).map(|&c| c + len - b));
        cb.push(len - b + a);
        debug_assert_eq!(
            (ca.len(), cb.len()),
            (4, 4),
            "a split must run between opposite sides"
        );
        [
            (ra, [ca[0], ca[1], ca[2], ca[3]]),
            (rb, [cb[0], cb[1], cb[2], cb[3]]),
        ]
    }

    /// A split line from node `p` to node `q` with one jittered middle node.
    fn split_line(&mut self, p: u32, q: u32) -> u32 {
        let (pp, pq) = (self.nodes[p as usize], self.nodes[q as usize]);
        let n = left_normal(pp, pq);
        let off = self.rng.f(-3.0, 3.0);
        let m = lerp(pp, pq, 0.5 + self.rng.f(-0.04, 0.04));
        self.add_node(Coord {
            x: m.x + n.x * off,
            y: m.y + n.y * off,
        })
    }

    fn build_parcels(&mut self) {
        for b in 0..self.nx * self.ny {
            if !self.included[b] {
                continue;
            }
            let (ring, corners) = self.block_ring(b);
            let side_len = |s: usize| {
                if s == 3 {
                    ring.len() - corners[3] + 1
                } else {
                    corners[s + 1] - corners[s] + 1
                }
            };
            let kind = self.block_kind[b];
            let role = self.block_role[b];
            let (i, j) = (b % self.nx, b / self.nx);
            let wide = self.xs[i + 1] - self.xs[i] > self.ys[j + 1] - self.ys[j];
            // How many parcels, and whether the first split is vertical (side 0 → 2).
            let (parts, vertical, lane_p) = match role {
                BlockRole::Normal | BlockRole::Sprawl(_) => {
                    let r = self.rng.f(0.0, 1.0);
                    let parts = match kind {
                        CommunityKind::Standard => [(0.1, 1), (0.6, 2), (1.0, 3)],
                        CommunityKind::OldTown => [(0.0, 1), (0.4, 2), (1.0, 3)],
                        CommunityKind::Apartment => [(0.7, 1), (1.0, 2), (1.0, 2)],
                    }
                    .iter()
                    .find(|(p, _)| r < *p)
                    .map_or(2, |x| x.1);
                    let vertical = if self.rng.chance(0.75) { wide } else { !wide };
                    let lane = match kind {
                        CommunityKind::OldTown => 1.0,
                        CommunityKind::Standard => 0.45,
                        CommunityKind::Apartment => 0.1,
                    };
                    (parts, vertical, lane)
                }
                BlockRole::CutsGrid(_) => (2, wide, 0.0),
                BlockRole::CutsCompound(_) => (2, true, 0.0),
                BlockRole::Edge { .. } => (2, false, 0.0),
            };
            let mut out: Vec<(Ring, [usize; 4])> = Vec::new();
            if parts == 1 {
                out.push((ring.clone(), corners));
            } else {
                let s = if vertical { 0 } else { 1 };
                let (ia, ib) = match role {
                    BlockRole::Edge { top, depth, .. } => {
                        // Side 1 runs south to north, side 3 north to south.
                        let l1 = side_len(1) - 1;
                        let l3 = side_len(3) - 1;
                        let d1 = ((depth * l1 as f64).round() as usize).clamp(1, l1 - 1);
                        let d3 = ((depth * l3 as f64).round() as usize).clamp(1, l3 - 1);
                        if top {
                            (l1 - d1, d3)
                        } else {
                            (d1, l3 - d3)
                        }
                    }
                    _ => (side_len(s) / 2, side_len(s + 2) / 2),
                };
                let (p, q) = (corners[s] + ia, corners[s + 2] + ib);
                let t = self.split_line(ring[p], ring[q]);
                let lane = match role {
                    BlockRole::Edge { lane, .. } => lane,
                    _ => self.rng.chance(lane_p),
                };
                if lane {
                    self.lanes.push(Lane {
                        nodes: vec![ring[p], t, ring[q]],
                        old_town: kind == CommunityKind::OldTown,
                        riverside: matches!(role, BlockRole::Edge { .. }),
                    });
                }
                let [a, bpart] = Self::split_ring(&ring, &corners, p, q, &[t]);
                if parts == 3 {
                    let (half, other) = if self.rng.chance(0.5) {
                        (a, bpart)
                    } else {
                        (bpart, a)
                    };
                    let (hr, hc) = half;
                    let r = hc[1] + (hc[2] - hc[1]) / 2;
                    let last = hr.len() - 1;
                    let m = self.split_line(hr[r], hr[last]);
                    if self.rng.chance(lane_p) {
                        self.lanes.push(Lane {
                            nodes: vec![hr[r], m, hr[last]],
                            old_town: kind == CommunityKind::OldTown,
                            riverside: false,
                        });
                    }
                    let [x, y] = Self::split_ring(&hr, &hc, r, last, &[m]);
                    out.push(other);
                    out.push(x);
                    out.push(y);
                } else {
                    out.push(a);
                    out.push(bpart);
                }
                if matches!(role, BlockRole::CutsGrid(_)) {
                    self.block_rings.insert(b, ring.clone());
                }
            }
            for (ring, corners) in out {
                self.block_parcels[b].push(self.parcels.len());
                self.parcels.push(Parcel {
                    ring,
                    corners,
                    block: b,
                    unit: usize::MAX,
                    area: 0.0,
                    quad: [Coord::zero(); 4],
                    margins: [0.0; 4],
                });
            }
        }
    }

    /// Warps and turns the plane so that the streets are not a drawing-board
    /// grid, centres it, and measures the parcels.
    fn finish_geometry(&mut self) {
        let (w, h) = (self.xs[self.nx], self.ys[self.ny]);
        let theta = self.rng.f(-0.2, 0.2);
        let (s, c) = theta.sin_cos();
        let (a1, p1, a2, p2) = (
            self.rng.f(15.0, 35.0),
            self.rng.f(0.0, 6.3),
            self.rng.f(15.0, 35.0),
            self.rng.f(0.0, 6.3),
        );
        for p in &mut self.nodes {
            let x = p.x + a1 * (p.y / 1300.0 + p1).sin() - w / 2.0;
            let y = p.y + a2 * (p.x / 1500.0 + p2).sin() - h / 2.0;
            *p = Coord {
                x: x * c - y * s,
                y: x * s + y * c,
            };
        }
        for k in 0..self.parcels.len() {
            let p = &self.parcels[k];
            let pts: Vec<Coord> = p.ring.iter().map(|&n| self.nodes[n as usize]).collect();
            let quad = [
                pts[p.corners[0]],
                pts[p.corners[1]],
                pts[p.corners[2]],
                pts[p.corners[3]],
            ];
            let area = signed_area(pts.iter().copied());
            debug_assert!(area > 0.0, "parcels are counter-clockwise");
            let mut margins = [0.0; 4];
            let w = dist(quad[0], quad[1]).min(dist(quad[3], quad[2]));
            let h = dist(quad[1], quad[2]).min(dist(quad[0], quad[3]));
            for side in 0..4 {
                let (from, to) = (
                    p.corners[side],
                    if side == 3 {
                        pts.len()
                    } else {
                        p.corners[side + 1]
                    },
                );
                let (a, b) = (quad[side], quad[(side + 1) % 4]);
                let dev = (from..=to)
                    .map(|q| dist_to_line(pts[q % pts.len()], a, b))
                    .fold(0.0, f64::max);
                // Set back 15-21 m from the side, less in a thin parcel, but always
                // clear of the side's wiggles by 11 m (more than an overlap's push).
                let across = if side % 2 == 0 { h } else { w };
                margins[side] = (15.0 + dev + self.rng.f(0.0, 6.0))
                    .min(0.22 * across)
                    .max(dev + 11.0);
            }
            let p = &mut self.parcels[k];
            p.quad = quad;
            p.area = area;
            p.margins = margins;
        }
    }

    // -----------------------------------------------------------------------
    // Communities: seeded region growing over blocks

    fn build_units(&mut self) {
        let fixed = self.comms.len();
        for b in 0..self.nx * self.ny {
            if !self.included[b] {
                continue;
            }
            let ps = self.block_parcels[b].clone();
            let add = |g: &mut Gen, parcels: Vec<usize>, owner: u32| {
                let u = g.units.len();
                let area: f64 = parcels.iter().map(|&p| g.parcels[p].area).sum();
                let centre = parcels.iter().fold(Coord::zero(), |acc, &p| {
                    let q = &g.parcels[p].quad;
                    let c = bilinear(q, 0.5, 0.5);
                    acc + c * (g.parcels[p].area / area)
                });
                for &p in &parcels {
                    g.parcels[p].unit = u;
                }
                let whole_block = parcels.len() == g.block_parcels[b].len();
                g.units.push(Unit {
                    parcels,
                    block: b,
                    area,
                    centre,
                    whole_block,
                });
                g.owner.push(owner);
                if owner < GAP_OWNER {
                    let c = &mut g.comms[owner as usize];
                    c.units.push(u);
                    c.area += area;
                }
                u
            };
            match self.block_role[b] {
                BlockRole::Normal => {
                    add(self, ps, NONE);
                }
                BlockRole::Sprawl(comm) => {
                    add(self, ps, comm as u32);
                }
                BlockRole::CutsGrid(_) | BlockRole::CutsCompound(_) => {
                    for p in ps {
                        add(self, vec![p], NONE);
                    }
                }
                BlockRole::Edge { comm, top, .. } => {
                    // The split runs between sides 1 and 3: part A (first) is the top.
                    let (strip, rest) = if top { (ps[0], ps[1]) } else { (ps[1], ps[0]) };
                    add(self, vec![strip], comm as u32);
                    add(self, vec![rest], NONE);
                }
            }
        }
        debug_assert!(self.comms[..fixed].iter().all(|c| !c.units.is_empty()));
        // Outgoing edges per node.
        let mut counts = vec![0u32; self.nodes.len() + 1];
        for p in &self.parcels {
            for &n in &p.ring {
                counts[n as usize + 1] += 1;
            }
        }
        for k in 1..counts.len() {
            counts[k] += counts[k - 1];
        }
        let mut fill = counts.clone();
        self.out = vec![(0, 0); *counts.last().unwrap_or(&0) as usize];
        for (pi, p) in self.parcels.iter().enumerate() {
            for k in 0..p.ring.len() {
                let (a, b) = (p.ring[k], p.ring[(k + 1) % p.ring.len()]);
                let at = &mut fill[a as usize];
                self.out[*at as usize] = (pi as u32, b);
                *at += 1;
            }
        }
        self.out_start = counts;
        // Unit adjacency through shared edges.
        let key = |a: u32, b: u32| (u64::from(a.min(b)) << 32) | u64::from(a.max(b));
        let mut river: Vec<u64> = Vec::new();
        for &(r, _) in &self.rivers {
            for i in 0..self.nx {
                let c = &self.h[r * self.nx + i];
                river.extend(c.windows(2).map(|w| key(w[0], w[1])));
            }
        }
        river.sort_unstable();
        let mut arterial: Vec<u64> = Vec::new();
        for j in 0..=self.ny {
            if self.art_row[j] {
                for i in 0..self.nx {
                    arterial.extend(self.h[j * self.nx + i].windows(2).map(|w| key(w[0], w[1])));
                }
            }
        }
        for j in 0..self.ny {
            for i in 0..=self.nx {
                if self.art_col[i] {
                    arterial.extend(
                        self.v[j * (self.nx + 1) + i]
                            .windows(2)
                            .map(|w| key(w[0], w[1])),
                    );
                }
            }
        }
        arterial.sort_unstable();
        let mut edges: Vec<(u64, u32)> = Vec::with_capacity(self.out.len());
        for (pi, p) in self.parcels.iter().enumerate() {
            for k in 0..p.ring.len() {
                edges.push((key(p.ring[k], p.ring[(k + 1) % p.ring.len()]), pi as u32));
            }
        }
        edges.sort_unstable();
        self.adj = vec![Vec::new(); self.units.len()];
        for w in edges.windows(2) {
            if w[0].0 != w[1].0 {
                continue;
            }
            let (ua, ub) = (
                self.parcels[w[0].1 as usize].unit,
                self.parcels[w[1].1 as usize].unit,
            );
            if ua == ub {
                continue;
            }
            let is_river = river.binary_search(&w[0].0).is_ok();
            let is_art = arterial.binary_search(&w[0].0).is_ok();
            for (x, y) in [(ua, ub), (ub, ua)] {
                match self.adj[x].iter_mut().find(|e| e.0 == y) {
                    Some(e) => {
                        e.1 |= is_river;
                        e.2 |= is_art;
                    }
                    None => self.adj[x].push((y, is_river, is_art)),
                }
            }
        }
        for a in &mut self.adj {
            a.sort_by_key(|e| e.0);
        }
    }

    fn out_edges(&self, n: u32) -> &[(u32, u32)] {
        &self.out[self.out_start[n as usize] as usize..self.out_start[n as usize + 1] as usize]
    }

    /// Whether the parcels for which `inside` holds touch themselves at one of `nodes`
    /// (two boundary edges leave the node: the outline would pinch there).
    fn pinches(&self, nodes: impl Iterator<Item = u32>, inside: impl Fn(usize) -> bool) -> bool {
        for n in nodes {
            let mut leaving = 0;
            for &(p, m) in self.out_edges(n) {
                if !inside(p as usize) {
                    continue;
                }
                let back = self
                    .out_edges(m)
                    .iter()
                    .any(|&(q, to)| to == n && inside(q as usize));
                if !back {
                    leaving += 1;
                }
            }
            if leaving > 1 {
                return true;
            }
        }
        false
    }

    fn unit_nodes(&self, u: usize) -> impl Iterator<Item = u32> + '_ {
        self.units[u]
            .parcels
            .iter()
            .flat_map(move |&p| self.parcels[p].ring.iter().copied())
    }

    /// Whether giving unit `u` to community `c` would pinch its outline.
    fn pinch_with(&self, c: usize, u: usize) -> bool {
        let c = c as u32;
        self.pinches(self.unit_nodes(u), |p| {
            let pu = self.parcels[p].unit;
            pu == u || self.owner[pu] == c
        })
    }

    fn add_unit(&mut self, c: usize, u: usize) {
        self.owner[u] = c as u32;
        self.comms[c].units.push(u);
        self.comms[c].area += self.units[u].area;
    }

    fn grow(&mut self) {
        let fixed = self.comms.len();
        let n_grow = self.n.saturating_sub(fixed);
        let special = self.special_seeds.clone();
        // Regular seeds: recursive bisection of the free units by area.
        let mut free: Vec<usize> = (0..self.units.len())
            .filter(|&u| self.owner[u] == NONE)
            .collect();
        let mut seeds: Vec<usize> = Vec::with_capacity(n_grow);
        bisect(&mut free, n_grow, &self.units, &mut seeds);
        // Special seeds replace the nearest regular seed.
        let mut taken = vec![false; seeds.len()];
        for (slot, &b) in special.iter().enumerate() {
            // A split block seeds its two parcels; other blocks their one unit.
            let units: Vec<usize> = self.block_parcels[b]
                .iter()
                .map(|&p| self.parcels[p].unit)
                .collect();
            let u = if units.len() > 1
                && matches!(
                    self.block_role[b],
                    BlockRole::CutsGrid(_) | BlockRole::CutsCompound(_)
                ) {
                let first = match self.block_role[b] {
                    BlockRole::CutsGrid(k) | BlockRole::CutsCompound(k) => k,
                    _ => 0,
                };
                units[(slot - first).min(units.len() - 1)]
            } else {
                units[0]
            };
            let centre = self.units[u].centre;
            let same = (0..seeds.len()).find(|&s| !taken[s] && seeds[s] == u);
            let elsewhere = seeds.contains(&u);
            let nearest = same.or_else(|| {
                (0..seeds.len())
                    .filter(|&s| !taken[s] && !elsewhere)
                    .min_by(|&a, &b| {
                        dist(self.units[seeds[a]].centre, centre)
                            .total_cmp(&dist(self.units[seeds[b]].centre, centre))
                            .then(a.cmp(&b))
                    })
            });
            if let Some(s) = nearest {
                taken[s] = true;
                seeds[s] = u;
            }
        }
        // A unit can only seed one community.
        let mut seen = HashSet::new();
        for &u in &seeds {
            let comm = self.comms.len();
            let mut c = Comm::new(self.units[u].centre, false);
            c.kind = self.block_kind[self.units[u].block];
            match self.block_role[self.units[u].block] {
                BlockRole::CutsGrid(_) => c.role.cuts_grid = true,
                BlockRole::CutsCompound(_) => c.role.cuts_compound = true,
                _ => {}
            }
            self.comms.push(c);
            if seen.insert(u) && self.owner[u] == NONE {
                self.add_unit(comm, u);
            }
        }
        let mut heap: BinaryHeap<Reverse<(u64, usize)>> = BinaryHeap::new();
        for c in fixed..self.comms.len() {
            heap.push(Reverse((self.comms[c].area.to_bits(), c)));
        }
        let mut cands: Vec<(f64, usize)> = Vec::new();
        while let Some(Reverse((_, c))) = heap.pop() {
            cands.clear();
            let comm = &self.comms[c];
            for &u in &comm.units {
                for &(v, river, art) in &self.adj[u] {
                    if self.owner[v] != NONE || river {
                        continue;
                    }
                    let mut score = dist(self.units[v].centre, comm.seed);
                    if art {
                        score += 150.0;
                    }
                    if self.block_kind[self.units[v].block] != comm.kind {
                        score += 300.0;
                    }
                    cands.push((score, v));
                }
            }
            cands.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            cands.dedup_by_key(|x| x.1);
            let pick = cands.iter().map(|x| x.1).find(|&v| !self.pinch_with(c, v));
            if let Some(v) = pick {
                self.add_unit(c, v);
                heap.push(Reverse((self.comms[c].area.to_bits(), c)));
            }
        }
        // Leftovers (rare): to a neighbour whose outline stays simple.
        loop {
            let mut progress = false;
            let mut left = false;
            for u in 0..self.units.len() {
                if self.owner[u] != NONE {
                    continue;
                }
                left = true;
                let mut options: Vec<(f64, usize)> = self.adj[u]
                    .iter()
                    .filter_map(|&(v, _, _)| {
                        let o = self.owner[v];
                        (o < GAP_OWNER && !self.comms[o as usize].fixed)
                            .then(|| (self.comms[o as usize].area, o as usize))
                    })
                    .collect();
                options.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                if let Some(&(_, c)) = options.iter().find(|&&(_, c)| !self.pinch_with(c, u)) {
                    self.add_unit(c, u);
                    progress = true;
                }
            }
            if !left {
                break;
            }
            if !progress {
                // Nothing fits cleanly (never seen in practice): give one unit to
                // its smallest neighbour, even if its outline pinches, and retry.
                let forced = (0..self.units.len())
                    .filter(|&u| self.owner[u] == NONE)
                    .find_map(|u| {
                        self.adj[u]
                            .iter()
                            .filter_map(|&(v, _, _)| {
                                let o = self.owner[v];
                                (o < GAP_OWNER).then_some(o as usize)
                            })
                            .min_by(|&a, &b| {
                                self.comms[a]
                                    .area
                                    .total_cmp(&self.comms[b].area)
                                    .then(a.cmp(&b))
                            })
                            .map(|c| (u, c))
                    });
                match forced {
                    Some((u, c)) => self.add_unit(c, u),
                    None => break,
                }
            }
        }
        // Drop communities that never got a unit (only when blocks ran out).
        if self.comms.iter().any(|c| c.units.is_empty()) {
            let keep: Vec<usize> = (0..self.comms.len())
                .filter(|&c| !self.comms[c].units.is_empty())
                .collect();
            self.remap(&keep);
        }
    }

    /// Each community's kind: that of most of its area.
    fn set_kinds(&mut self) {
        for c in 0..self.comms.len() {
            let mut by_kind: [(f64, CommunityKind); 3] = CommunityKind::ALL.map(|k| (0.0, k));
            for &u in &self.comms[c].units {
                let k = self.block_kind[self.units[u].block];
                by_kind
                    .iter_mut()
                    .find(|x| x.1 == k)
                    .expect("kinds are listed")
                    .0 += self.units[u].area;
            }
            self.comms[c].kind = by_kind
                .iter()
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map_or(CommunityKind::Standard, |x| x.1);
        }
    }

    /// Communities that grew long or straggly (hemmed in by others) give a
    /// unit on their outline to a neighbour, while that leaves both more compact.
    fn tidy(&mut self) {
        const ENOUGH: f64 = 0.34;
        // The two halves of a cut block must stay with their communities.
        let movable = |g: &Gen, u: usize| {
            !matches!(
                g.block_role[g.units[u].block],
                BlockRole::CutsGrid(_) | BlockRole::CutsCompound(_)
            )
        };
        for _ in 0..4 {
            let mut changed = false;
            for c in 0..self.comms.len() {
                if self.comms[c].fixed || self.comms[c].units.len() < 2 {
                    continue;
                }
                let pc = self.compactness(&self.comm_parcels(c));
                if pc >= ENOUGH {
                    continue;
                }
                let mut best: Option<(f64, usize, usize)> = None;
                for &u in &self.comms[c].units {
                    if !movable(self, u) {
                        continue;
                    }
                    for &(v, river, _) in &self.adj[u] {
                        let d = self.owner[v];
                        if river
                            || d >= GAP_OWNER
                            || d as usize == c
                            || self.comms[d as usize].fixed
                        {
                            continue;
                        }
                        let d = d as usize;
                        let mine: Vec<usize> = self.comms[c]
                            .units
                            .iter()
                            .filter(|&&x| x != u)
                            .flat_map(|&x| self.units[x].parcels.iter().copied())
                            .collect();
                        let mut theirs = self.comm_parcels(d);
                        theirs.extend(self.units[u].parcels.iter().copied());
                        let pd = self.compactness(&self.comm_parcels(d));
                        let after = self.compactness(&mine).min(self.compactness(&theirs));
                        let better = after > pc.min(pd) + 0.02 && best.is_none_or(|b| after > b.0);
                        let keeps_shape = || {
                            self.connected_without(c, u)
                                && !self.pinches(self.unit_nodes(u), |p| {
                                    let pu = self.parcels[p].unit;
                                    pu != u && self.owner[pu] == c as u32
                                })
                                && !self.pinch_with(d, u)
                        };
                        if better && keeps_shape() {
                            best = Some((after, u, d));
                        }
                    }
                }
                if let Some((_, u, d)) = best {
                    self.comms[c].units.retain(|&x| x != u);
                    self.comms[c].area -= self.units[u].area;
                    self.add_unit(d, u);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Keeps communities `keep` (old indices, in their new order).
    fn remap(&mut self, keep: &[usize]) {
        let mut new_of = vec![NONE; self.comms.len()];
        for (new, &old) in keep.iter().enumerate() {
            new_of[old] = new as u32;
        }
        for o in &mut self.owner {
            if *o < GAP_OWNER {
                *o = new_of[*o as usize];
            }
        }
        let mut comms: Vec<Comm> = keep.iter().map(|&c| self.comms[c].clone()).collect();
        for c in &mut comms {
            c.role.shared_guest = c.role.shared_guest.map(|h| new_of[h] as usize);
            c.role.duplicate_of = c.role.duplicate_of.map(|h| new_of[h] as usize);
        }
        self.comms = comms;
        self.overrides = std::mem::take(&mut self.overrides)
            .into_iter()
            .map(|(c, m)| (new_of[c] as usize, m))
            .collect();
    }

    fn comm_centroid(&self, c: usize) -> Coord {
        let comm = &self.comms[c];
        let total: f64 = comm.units.iter().map(|&u| self.units[u].area).sum();
        comm.units.iter().fold(Coord::zero(), |acc, &u| {
            acc + self.units[u].centre * (self.units[u].area / total.max(1.0))
        })
    }

    /// Polsby–Popper compactness 4πA/P² of a set of parcels, in metres.
    fn compactness(&self, parcels: &[usize]) -> f64 {
        let mut edges: Vec<(u32, u32)> = Vec::new();
        for &p in parcels {
            let r = &self.parcels[p].ring;
            edges.extend((0..r.len()).map(|k| (r[k], r[(k + 1) % r.len()])));
        }
        edges.sort_unstable();
        let perimeter: f64 = edges
            .iter()
            .filter(|&&(a, b)| edges.binary_search(&(b, a)).is_err())
            .map(|&(a, b)| dist(self.nodes[a as usize], self.nodes[b as usize]))
            .sum();
        let area: f64 = parcels.iter().map(|&p| self.parcels[p].area).sum();
        4.0 * std::f64::consts::PI * area / (perimeter * perimeter).max(1e-9)
    }

    fn connected_without(&self, c: usize, without: usize) -> bool {
        let units: Vec<usize> = self.comms[c]
            .units
            .iter()
            .copied()
            .filter(|&u| u != without)
            .collect();
        let Some(&first) = units.first() else {
            return false;
        };
        let mut seen = vec![first];
        let mut stack = vec![first];
        while let Some(u) = stack.pop() {
            for &(v, _, _) in &self.adj[u] {
                if v != without && self.owner[v] == c as u32 && !seen.contains(&v) {
                    seen.push(v);
                    stack.push(v);
                }
            }
        }
        seen.len() == units.len()
    }

    fn stack(&self) -> bool {
        self.n < STACK_BELOW
    }

    /// Regular communities whose outline may be changed (none fixed or special).
    fn plain_regular(&self, c: usize) -> bool {
        let comm = &self.comms[c];
        !comm.fixed && comm.role.plain()
    }

    /// Marks the communities touching a left-out block: the gap finding names them.
    fn mark_gap_neighbours(&mut self) {
        for c in &mut self.comms {
            c.role.gap_neighbour = false;
        }
        for b in self.gap_blocks.clone() {
            let Some(u) = self.block_parcels[b].first().map(|&p| self.parcels[p].unit) else {
                continue;
            };
            let near: Vec<u32> = self.adj[u].iter().map(|e| self.owner[e.0]).collect();
            for o in near {
                if o < GAP_OWNER {
                    self.comms[o as usize].role.gap_neighbour = true;
                }
            }
        }
    }

    /// Leaves out a block inside the street: a gap, with homes in no community.
    ///
    /// The engine finds the gap with boolean operations that move vertices by a
    /// hair, so a community touching it only at a corner may or may not be
    /// named; the block is chosen so that every community touching it shares
    /// an edge with it.
    fn leave_out_blocks(&mut self) {
        for _ in 0..count(self.n, rate::GAP) {
            let mut order: Vec<usize> = (0..self.units.len()).collect();
            self.rng.shuffle(&mut order);
            let found = order.into_iter().find(|&x| {
                let b = self.units[x].block;
                let (i, j) = ((b % self.nx) as isize, (b / self.nx) as isize);
                let d = self.owner[x];
                if d >= GAP_OWNER
                    || !self.units[x].whole_block
                    || !self.plain_regular(d as usize)
                    || self.comms[d as usize].units.len() < 3
                {
                    return false;
                }
                let mut edge: Vec<u32> = Vec::new();
                let mut corner: Vec<u32> = Vec::new();
                for (di, dj) in [
                    (-1, -1),
                    (0, -1),
                    (1, -1),
                    (-1, 0),
                    (1, 0),
                    (-1, 1),
                    (0, 1),
                    (1, 1),
                ] {
                    if !self.is_in(i + di, j + dj) {
                        return false;
                    }
                    let nb = self.block((i + di) as usize, (j + dj) as usize);
                    let ps = &self.block_parcels[nb];
                    if self.block_role[nb] != BlockRole::Normal
                        || ps.len() != self.units[self.parcels[ps[0]].unit].parcels.len()
                    {
                        return false;
                    }
                    let o = self.owner[self.parcels[ps[0]].unit];
                    if o >= GAP_OWNER || !self.plain_regular(o as usize) {
                        return false;
                    }
                    if di == 0 || dj == 0 {
                        edge.push(o);
                    } else {
                        corner.push(o);
                    }
                }
                corner.iter().all(|o| edge.contains(o))
                    && self.connected_without(d as usize, x)
                    && !self.pinches(self.unit_nodes(x), |p| {
                        let pu = self.parcels[p].unit;
                        pu != x && self.owner[pu] == d
                    })
            });
            let Some(x) = found else { continue };
            let d = self.owner[x] as usize;
            self.comms[d].units.retain(|&u| u != x);
            self.comms[d].area -= self.units[x].area;
            self.owner[x] = GAP_OWNER;
            self.gap_blocks.push(self.units[x].block);
            self.mark_gap_neighbours();
        }
    }

    /// An exclave and an overlap, which need the communities grown.
    fn inject_after_growth(&mut self) {
        self.leave_out_blocks();
        let gap_nodes: HashSet<u32> = self
            .gap_blocks
            .iter()
            .flat_map(|&b| {
                self.block_parcels[b]
                    .iter()
                    .flat_map(|&p| self.parcels[p].ring.iter().copied())
            })
            .collect();
        // Exclaves: a whole block of another community, near but not touching.
        for _ in 0..count(self.n, rate::EXCLAVE) {
            let mut order: Vec<usize> = (0..self.comms.len())
                .filter(|&c| self.plain_regular(c))
                .collect();
            self.rng.shuffle(&mut order);
            if self.stack() {
                // Small plans: on a community that already has a finding, if one fits.
                order.sort_by_key(|&c| !self.comms[c].role.affected());
            }
            let mut found = None;
            for &c in order.iter().take(200) {
                let centre = self.comm_centroid(c);
                let mine: HashSet<u32> = self.comms[c]
                    .units
                    .iter()
                    .flat_map(|&u| self.unit_nodes(u))
                    .collect();
                let mut options: Vec<usize> = (0..self.units.len())
                    .filter(|&x| {
                        let d = self.owner[x];
                        d < GAP_OWNER
                            && d as usize != c
                            && self.units[x].whole_block
                            && self.block_role[self.units[x].block] == BlockRole::Normal
                            && (450.0..=850.0).contains(&dist(self.units[x].centre, centre))
                            && self.plain_regular(d as usize)
                            && self.comms[d as usize].units.len() >= 4
                    })
                    .collect();
                self.rng.shuffle(&mut options);
                let mut parcels = self.comm_parcels(c);
                found = options.into_iter().find(|&x| {
                    let d = self.owner[x];
                    // Two parts have a long outline: stay clear of "irregular".
                    parcels.truncate(self.comm_parcels(c).len());
                    parcels.extend(self.units[x].parcels.iter().copied());
                    !self.unit_nodes(x).any(|n| mine.contains(&n) || gap_nodes.contains(&n))
                        && self.compactness(&parcels) > 0.34
                        && self.connected_without(d as usize, x)
                        && !self.pinches(self.unit_nodes(x), |p| {
                            let pu = self.parcels[p].unit;
                            pu != x && self.owner[pu] == d
                        })
                        // Nothing of the donor may touch the exclave only at a corner.
                        && self.units[x].parcels.len() == self.block_parcels[self.units[x].block].len()
                });
                if let Some(x) = found {
                    found = Some(x);
                    let d = self.owner[x] as usize;
                    self.comms[d].units.retain(|&u| u != x);
                    self.comms[d].area -= self.units[x].area;
                    self.add_unit(c, x);
                    self.comms[c].role.exclave = true;
                    self.comms[c].exclave_unit = Some(x);
                    break;
                }
            }
            let _ = found;
        }
        // Overlaps: push one side of a community a few metres into its neighbour.
        for _ in 0..count(self.n, rate::OVERLAP) {
            let mut options: Vec<(usize, usize)> = Vec::new();
            for u in 0..self.units.len() {
                let c = self.owner[u];
                if c >= GAP_OWNER || !self.units[u].whole_block || !self.plain_regular(c as usize) {
                    continue;
                }
                for &(v, river, _) in &self.adj[u] {
                    let d = self.owner[v];
                    if !river
                        && d < GAP_OWNER
                        && d != c
                        && self.units[v].whole_block
                        && self.plain_regular(d as usize)
                    {
                        options.push((u, v));
                    }
                }
            }
            self.rng.shuffle(&mut options);
            if self.stack() {
                options.sort_by_key(|&(u, v)| {
                    let dirty = |x: usize| self.comms[self.owner[x] as usize].role.affected();
                    !(dirty(u) || dirty(v))
                });
            }
            for (u, v) in options {
                if self.push_into(u, v) {
                    break;
                }
            }
        }
        // The exclave may have moved a block touching a gap.
        self.mark_gap_neighbours();
    }

    /// Pushes the edge between unit `u` (of C) and unit `v` (of D) into D.
    fn push_into(&mut self, u: usize, v: usize) -> bool {
        let (bu, bv) = (self.units[u].block, self.units[v].block);
        let (iu, ju, iv, jv) = (bu % self.nx, bu / self.nx, bv % self.nx, bv / self.nx);
        let chain = if ju == jv && iv == iu + 1 {
            self.v[ju * (self.nx + 1) + iv].clone()
        } else if ju == jv && iu == iv + 1 {
            self.v[ju * (self.nx + 1) + iu].clone()
        } else if iu == iv && jv == ju + 1 {
            self.h[jv * self.nx + iu].clone()
        } else if iu == iv && ju == jv + 1 {
            self.h[ju * self.nx + iu].clone()
        } else {
            return false;
        };
        let (a, b) = (
            self.nodes[chain[0] as usize],
            self.nodes[*chain.last().expect("chains have ends") as usize],
        );
        let len = dist(a, b);
        let min_cell = self.units[v]
            .parcels
            .iter()
            .map(|&p| self.parcels[p].area)
            .fold(f64::INFINITY, f64::min);
        // Keep the overlap near 1 % of the neighbour's smallest cell, so that the
        // cell is not also "cut" (tolerance 2 %).
        let depth = (0.011 * min_cell / (0.63 * len)).min(9.0);
        if depth < 3.5 {
            return false;
        }
        let mut normal = left_normal(a, b);
        let towards = self.units[v].centre - lerp(a, b, 0.5);
        if normal.x * towards.x + normal.y * towards.y < 0.0 {
            normal = normal * -1.0;
        }
        let c = self.owner[u] as usize;
        let d = self.owner[v] as usize;
        let k = chain.len() - 1;
        let moved: HashMap<u32, Coord> = chain[1..k]
            .iter()
            .enumerate()
            .map(|(s, &nd)| {
                let t = (s + 1) as f64 / k as f64;
                let p = self.nodes[nd as usize];
                (nd, p + normal * (depth * (std::f64::consts::PI * t).sin()))
            })
            .collect();
        self.overrides.entry(c).or_default().extend(moved);
        self.comms[c].role.overlap = true;
        self.comms[d].role.overlap = true;
        true
    }

    /// Numbers communities from north-west to south-east, as a street office would.
    fn order_communities(&mut self) {
        let cents: Vec<Coord> = (0..self.comms.len())
            .map(|c| self.comm_centroid(c))
            .collect();
        let top = cents.iter().map(|c| c.y).fold(f64::NEG_INFINITY, f64::max);
        let mut order: Vec<usize> = (0..self.comms.len()).collect();
        order.sort_by(|&a, &b| {
            let (ba, bb) = (
                ((top - cents[a].y) / 900.0).floor(),
                ((top - cents[b].y) / 900.0).floor(),
            );
            ba.total_cmp(&bb)
                .then(cents[a].x.total_cmp(&cents[b].x))
                .then(a.cmp(&b))
        });
        self.remap(&order);
    }

    // -----------------------------------------------------------------------
    // Attribute violations

    /// A community for which `ok` holds: at small sizes one that already has a
    /// finding (so that a small demo stays mostly clean), else a clean one.
    fn victim(&mut self, ok: impl Fn(&Gen, usize) -> bool) -> Option<usize> {
        let all: Vec<usize> = (0..self.comms.len()).filter(|&c| ok(self, c)).collect();
        let dirty: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&c| self.comms[c].role.affected())
            .collect();
        let clean: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&c| !self.comms[c].role.affected())
            .collect();
        let pool = match (self.stack(), dirty.is_empty(), clean.is_empty()) {
            (true, false, _) | (false, false, true) => dirty,
            (_, _, false) => clean,
            _ => return None,
        };
        Some(self.rng.pick(&pool))
    }

    fn neighbours(&self, c: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self.comms[c]
            .units
            .iter()
            .flat_map(|&u| self.adj[u].iter().filter(|e| !e.1).map(|e| self.owner[e.0]))
            .filter(|&o| o < GAP_OWNER && o as usize != c)
            .map(|o| o as usize)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    fn assign_roles(&mut self) {
        let n = self.n;
        // Shared centres and centres outside are chosen with the centres.
        for _ in 0..count(n, rate::NO_CENTER) {
            if let Some(c) = self.victim(|g, c| g.comms[c].role.centre_free() && !g.comms[c].fixed)
            {
                self.comms[c].role.no_center = true;
            }
        }
        let table: [(f64, Scale); 5] = [
            (rate::SPLIT, Scale::Split),
            (rate::TOO_LARGE, Scale::TooLarge),
            (rate::TOO_SMALL, Scale::TooSmall),
            (rate::BELOW, Scale::Below),
            (rate::SINGLE, Scale::Single),
        ];
        for (r, s) in table {
            for _ in 0..count(n, r) {
                let pick = self.victim(|g, c| {
                    let role = &g.comms[c].role;
                    role.scale == Scale::Clean
                        && !role.sprawl
                        && match s {
                            // One compound of about 2,000 households and nothing else.
                            Scale::Single => {
                                g.comms[c].kind != CommunityKind::OldTown
                                    && !role.cuts_compound
                                    && !role.exclave
                            }
                            // A handful of compounds strung along a snake may lie beyond reach.
                            Scale::TooSmall => !role.cuts_compound && !role.snake,
                            // Thousands of homes do not fit a thin strip.
                            Scale::Split | Scale::TooLarge => !role.strip && !role.snake,
                            _ => true,
                        }
                });
                if let Some(c) = pick {
                    self.comms[c].role.scale = s;
                }
            }
        }
        for _ in 0..count(n, rate::ORG) {
            if let Some(c) = self.victim(|g, c| !g.comms[c].role.committee_size) {
                self.comms[c].role.committee_size = true;
            }
            if let Some(c) = self.victim(|g, c| !g.comms[c].role.missing_committee) {
                self.comms[c].role.missing_committee = true;
            }
            // Fewer than 500 households need one worker: too few to be short of.
            if let Some(c) = self.victim(|g, c| {
                !g.comms[c].role.understaffed && g.comms[c].role.scale != Scale::TooSmall
            }) {
                self.comms[c].role.understaffed = true;
            }
        }
        let own_centre = |g: &Gen, c: usize| !g.comms[c].role.no_center;
        for _ in 0..count(n, rate::FACILITY) {
            if let Some(c) = self.victim(|g, c| own_centre(g, c) && !g.comms[c].role.floor_area) {
                self.comms[c].role.floor_area = true;
            }
            if let Some(c) =
                self.victim(|g, c| own_centre(g, c) && !g.comms[c].role.missing_service)
            {
                self.comms[c].role.missing_service = true;
            }
        }
        // One old-town community whose compounds have property management (no draw:
        // the rest of the district stays as it was).
        if count(n, rate::ORG) > 0 {
            if let Some(c) = (0..self.comms.len()).find(|&c| {
                self.comms[c].kind == CommunityKind::OldTown && !self.comms[c].role.affected()
            }) {
                self.comms[c].role.kind_claim = true;
            }
        }
        let mut named_twice = vec![false; self.comms.len()];
        for _ in 0..count(n, rate::UNNAMED) {
            if let Some(c) = self.victim(|g, c| !g.comms[c].role.unnamed) {
                self.comms[c].role.unnamed = true;
            }
        }
        for _ in 0..count(n, rate::DUPLICATE) {
            let pick = self.victim(|g, c| {
                !g.comms[c].role.unnamed
                    && g.comms[c].role.duplicate_of.is_none()
                    && !named_twice[c]
            });
            let Some(c) = pick else { continue };
            // The name of a community far away, copied by mistake.
            let here = self.comm_centroid(c);
            let far = (0..self.comms.len())
                .filter(|&o| {
                    o != c
                        && !self.comms[o].role.unnamed
                        && self.comms[o].role.duplicate_of.is_none()
                        && !named_twice[o]
                })
                .map(|o| (dist(self.comm_centroid(o), here), o))
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            if let Some((_, o)) = far {
                self.comms[c].role.duplicate_of = Some(o);
                self.comms[o].role.copied = true;
                named_twice[o] = true;
                named_twice[c] = true;
            }
        }
        // A name written as 居委会 instead of 社区: the first untouched community,
        // chosen without a draw so that the rest of the district stays as it was.
        if count(n, rate::UNNAMED) > 0 {
            if let Some(c) = (0..self.comms.len()).find(|&c| !self.comms[c].role.affected()) {
                self.comms[c].role.misnamed = true;
            }
        }
    }

    // -----------------------------------------------------------------------
    // Compounds and households

    fn comm_parcels(&self, c: usize) -> Vec<usize> {
        let mut ps: Vec<usize> = self.comms[c]
            .units
            .iter()
            .flat_map(|&u| self.units[u].parcels.iter().copied())
            .collect();
        ps.sort_unstable();
        ps
    }

    /// The inner rectangle `(u0, u1, v0, v1)` of a parcel where compounds may stand.
    fn inner(&self, p: usize) -> Option<(f64, f64, f64, f64)> {
        let pc = &self.parcels[p];
        let q = &pc.quad;
        let w = dist(q[0], q[1]).min(dist(q[3], q[2]));
        let h = dist(q[1], q[2]).min(dist(q[0], q[3]));
        let m = &pc.margins;
        let (u0, u1, v0, v1) = (m[3] / w, 1.0 - m[1] / w, m[0] / h, 1.0 - m[2] / h);
        ((u1 - u0) * w >= 15.0 && (v1 - v0) * h >= 15.0).then_some((u0, u1, v0, v1))
    }

    /// How many compounds a parcel can take.
    fn capacity(&self, p: usize, kind: CommunityKind) -> usize {
        let per = match kind {
            CommunityKind::OldTown => 2500.0,
            CommunityKind::Standard => 4000.0,
            CommunityKind::Apartment => 9000.0,
        };
        match self.inner(p) {
            Some(_) => ((self.parcels[p].area / per) as usize).clamp(1, 10),
            None => 0,
        }
    }

    fn target(&mut self, c: usize) -> u32 {
        let comm = &self.comms[c];
        // Within the thresholds as the plan words them (三（一）): old-town
        // communities may be smaller (their own lower bound, 1,500), every
        // other threshold is the same for every kind. Which findings a size
        // gives is worked out from the counts (`scale_key`).
        let below = match comm.kind {
            CommunityKind::OldTown => 0.75,
            _ => 1.0,
        };
        let r = &mut self.rng;
        let tri = |r: &mut Rng, lo: f64, hi: f64| (r.f(lo, hi) + r.f(lo, hi)) / 2.0;
        let h = match comm.role.scale {
            Scale::Clean => match comm.kind {
                CommunityKind::OldTown => tri(r, 1560.0, 2200.0),
                _ => tri(r, 2060.0, 2940.0),
            },
            Scale::Split => r.f(5250.0, 6600.0),
            Scale::TooLarge => r.f(3150.0, 4700.0),
            Scale::TooSmall => r.f(200.0, 470.0),
            Scale::Below => r.f(700.0, 1880.0) * below,
            Scale::Single => r.f(1550.0, 1950.0),
        };
        h.round() as u32
    }

    fn populate(&mut self) {
        // The centre of a sprawling community is chosen first, at one end.
        for c in 0..self.comms.len() {
            if self.comms[c].role.sprawl {
                let mid = self.comm_centroid(c);
                let far = self.comm_parcels(c).into_iter().max_by(|&a, &b| {
                    let (ca, cb) = (
                        bilinear(&self.parcels[a].quad, 0.5, 0.5),
                        bilinear(&self.parcels[b].quad, 0.5, 0.5),
                    );
                    dist(ca, mid).total_cmp(&dist(cb, mid)).then(b.cmp(&a))
                });
                self.comms[c].centre_parcel = far;
            }
        }
        // Cut-compound blocks first: two compounds on each side, one across the line.
        let mut already = vec![0u32; self.comms.len()];
        for b in 0..self.nx * self.ny {
            if matches!(self.block_role[b], BlockRole::CutsCompound(_)) {
                self.populate_cut_block(b, &mut already);
            }
        }
        for (c, placed) in already.into_iter().enumerate() {
            let total = self.target(c).saturating_sub(placed).max(100);
            let kind = self.comms[c].kind;
            let role = self.comms[c].role.clone();
            let parcels = self.comm_parcels(c);
            let mut hosts: Vec<(usize, usize, f64)> = Vec::new(); // (parcel, capacity, weight)
            for &p in &parcels {
                let cap = self.capacity(p, kind);
                if cap == 0 {
                    continue;
                }
                let mut w = self.parcels[p].area * self.rng.f(0.7, 1.3);
                let block = self.parcels[p].block;
                if matches!(self.block_role[block], BlockRole::CutsCompound(_)) {
                    continue; // laid out with the straddling compound below
                }
                if self.comms[c].exclave_unit == Some(self.parcels[p].unit) {
                    w *= 0.25; // few homes in the exclave, so that the centre stays in reach
                }
                if let Some(cp) = self.comms[c].centre_parcel {
                    // Most homes at the far end, beyond a kilometre.
                    let d = dist(
                        bilinear(&self.parcels[cp].quad, 0.5, 0.5),
                        bilinear(&self.parcels[p].quad, 0.5, 0.5),
                    );
                    w *= if d > 1150.0 { 5.0 } else { 0.6 };
                }
                // Schools, parks and markets: some parcels have no homes.
                if role.scale != Scale::Single && self.rng.chance(0.1) && parcels.len() > 2 {
                    continue;
                }
                hosts.push((p, cap, w));
            }
            if hosts.is_empty() {
                if let Some(&p) = parcels
                    .iter()
                    .filter(|&&p| self.inner(p).is_some())
                    .max_by(|&&a, &&b| self.parcels[a].area.total_cmp(&self.parcels[b].area))
                {
                    hosts.push((p, self.capacity(p, kind).max(1), 1.0));
                }
            }
            if role.scale == Scale::Single {
                hosts.sort_by(|a, b| self.parcels[b.0].area.total_cmp(&self.parcels[a.0].area));
                hosts.truncate(1);
            }
            let mut k = match (role.scale, kind) {
                (Scale::Single, _) => 1,
                (_, CommunityKind::OldTown) => {
                    (f64::from(total) / (75.0 * self.rng.f(0.85, 1.15))).round() as usize
                }
                (_, CommunityKind::Standard) => {
                    (f64::from(total) / (118.0 * self.rng.f(0.85, 1.15))).round() as usize
                }
                (_, CommunityKind::Apartment) => {
                    (f64::from(total) / (430.0 * self.rng.f(0.85, 1.15))).round() as usize
                }
            };
            let room: usize = hosts.iter().map(|h| h.1).sum();
            let min_k = (total as usize)
                .div_ceil(2600)
                .max(if role.scale == Scale::Single { 1 } else { 2 });
            k = k
                .max(min_k)
                .min((total as usize / 50).max(1))
                .min(room.max(1));
            if role.scale == Scale::Single {
                k = 1;
            }
            let per_parcel = apportion(k, &hosts.iter().map(|h| (h.1, h.2)).collect::<Vec<_>>());
            let skew = if kind == CommunityKind::Apartment {
                1.2
            } else {
                1.8
            };
            let households = self.split_households(total, k, skew);
            let mut next = 0;
            for (h, &m) in hosts.iter().zip(&per_parcel) {
                if m == 0 {
                    continue;
                }
                let (u0, u1, v0, v1) = self.inner(h.0).expect("hosts have room");
                let shapes = self.layout(h.0, m, (u0, u1, v0, v1), kind);
                for shape in shapes {
                    let hh = households[next];
                    next += 1;
                    let mut compound = self.compound(shape, hh, kind, role.scale == Scale::Split);
                    if role.kind_claim {
                        compound.property_management = Some(true);
                    }
                    self.compounds.push((Some(c), compound));
                }
            }
        }
        // Left-out blocks: homes that belong to no community.
        for b in self.gap_blocks.clone() {
            for p in self.block_parcels[b].clone() {
                let Some(inner) = self.inner(p) else { continue };
                let k = self
                    .capacity(p, CommunityKind::Standard)
                    .min(self.rng.int(1, 3));
                let total = self.rng.int(100, 180) as u32 * k as u32;
                let hh = self.split_households(total, k, 1.5);
                for (shape, h) in self
                    .layout(p, k, inner, CommunityKind::Standard)
                    .into_iter()
                    .zip(hh)
                {
                    let compound = self.compound(shape, h, CommunityKind::Standard, false);
                    self.compounds.push((None, compound));
                }
            }
        }
        for c in &mut self.comms {
            c.households = 0;
            c.planned = 0;
        }
        for (c, comp) in &self.compounds {
            if let Some(c) = c {
                self.comms[*c].households += comp.households + comp.planned;
                self.comms[*c].planned += comp.planned;
            }
        }
        // 三（一）"充分留有余量" depends on where the planned homes land: recorded, not planted.
        let profile = shequ_core::profile::Profile::default();
        for c in &mut self.comms {
            let band = profile.band(c.kind);
            let total = u64::from(c.households);
            c.role.counted = c.households;
            c.role.no_margin = c.planned > 0
                && total as f64 > band.target_max as f64 * (1.0 - profile.scale.margin_share)
                && total <= band.target_max;
        }
    }

    /// A block split between two communities, with a compound across the line.
    /// Adds the households it places to `already`.
    fn populate_cut_block(&mut self, b: usize, already: &mut [u32]) {
        let ps = self.block_parcels[b].clone();
        if ps.len() != 2 {
            return;
        }
        let (i, j) = (b % self.nx, b / self.nx);
        let q = [
            self.nodes[self.junction(i, j) as usize],
            self.nodes[self.junction(i + 1, j) as usize],
            self.nodes[self.junction(i + 1, j + 1) as usize],
            self.nodes[self.junction(i, j + 1) as usize],
        ];
        // The split is vertical: part A (first) is the eastern half.
        let (east, west) = (ps[0], ps[1]);
        let (cw, ce) = (
            self.owner[self.parcels[west].unit] as usize,
            self.owner[self.parcels[east].unit] as usize,
        );
        let w = dist(q[0], q[1]).min(dist(q[3], q[2]));
        let h = dist(q[1], q[2]).min(dist(q[0], q[3]));
        let (mu, mv) = (30.0 / w, 30.0 / h);
        let kind = self.comms[cw].kind;
        let mut add = |g: &mut Gen, c: usize, (ua, ub, va, vb): (f64, f64, f64, f64), hh: u32| {
            let corners = vec![
                bilinear(&q, ua, va),
                bilinear(&q, ub, va),
                bilinear(&q, ub, vb),
                bilinear(&q, ua, vb),
            ];
            let compound = g.compound(GenShape::Area(corners), hh, kind, false);
            g.compounds.push((Some(c), compound));
            already[c] += hh;
        };
        // The split line runs near u = 0.5 (its ends and middle are jittered by
        // less than 0.04): keep clear of it, except for the one across it.
        for (c, u0, u1) in [(cw, mu, 0.42), (ce, 0.58, 1.0 - mu)] {
            let mid = (u0 + u1) / 2.0;
            let (h1, h2) = (self.rng.int(90, 160) as u32, self.rng.int(90, 160) as u32);
            add(self, c, (u0, mid - 0.02, 0.5, 1.0 - mv), h1);
            add(self, c, (mid + 0.02, u1, 0.5, 1.0 - mv), h2);
        }
        // Across the line: two thirds or more in the western community.
        let hh = self.rng.int(120, 200) as u32;
        add(self, cw, (0.28, 0.58, mv, 0.4), hh);
    }

    fn split_households(&mut self, total: u32, k: usize, skew: f64) -> Vec<u32> {
        if k == 0 {
            return Vec::new();
        }
        let min = 50u32.min(total / k as u32);
        let free = total - min * k as u32;
        let w: Vec<f64> = (0..k).map(|_| self.rng.f(0.35, 1.65).powf(skew)).collect();
        let sum: f64 = w.iter().sum();
        let raw: Vec<f64> = w.iter().map(|x| f64::from(free) * x / sum).collect();
        let mut out: Vec<u32> = raw.iter().map(|x| min + *x as u32).collect();
        let mut rest = total - out.iter().sum::<u32>();
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&a, &b| {
            (raw[b] - raw[b].floor())
                .total_cmp(&(raw[a] - raw[a].floor()))
                .then(a.cmp(&b))
        });
        for &i in order.iter().cycle() {
            if rest == 0 {
                break;
            }
            out[i] += 1;
            rest -= 1;
        }
        // At most 3,000 households in one compound.
        while let Some(big) = (0..k).find(|&i| out[i] > 3000) {
            let extra = out[big] - 3000;
            out[big] = 3000;
            match (0..k).filter(|&i| out[i] < 3000).min_by_key(|&i| out[i]) {
                Some(small) => out[small] += extra,
                None => break,
            }
        }
        out
    }

    fn compound(
        &mut self,
        shape: GenShape,
        total: u32,
        kind: CommunityKind,
        big_plans: bool,
    ) -> GenCompound {
        let rep = match &shape {
            GenShape::Point(p) => *p,
            GenShape::Area(pts) => {
                let n = pts.len() as f64;
                pts.iter().fold(Coord::zero(), |a, p| a + *p / n)
            }
        };
        let r = &mut self.rng;
        let planned_p = match kind {
            CommunityKind::OldTown => 0.0,
            _ if big_plans => 0.4,
            _ => 0.07,
        };
        let planned = if r.chance(planned_p) {
            (f64::from(total) * r.f(0.3, 1.0)).round() as u32
        } else {
            0
        };
        let x = r.f(0.0, 1.0);
        let property_management = match kind {
            CommunityKind::OldTown => [(0.85, Some(false)), (0.95, None), (1.0, Some(true))],
            CommunityKind::Standard => [(0.88, Some(true)), (0.96, Some(false)), (1.0, None)],
            CommunityKind::Apartment => [(0.97, Some(true)), (1.0, None), (1.0, None)],
        }
        .iter()
        .find(|(p, _)| x < *p)
        .map_or(Some(true), |v| v.1);
        GenCompound {
            shape,
            rep,
            households: total - planned,
            planned,
            property_management,
            kind,
        }
    }

    /// `k` compounds inside parcel `p`, in rows, within `inner` (bilinear coordinates).
    fn layout(
        &mut self,
        p: usize,
        k: usize,
        inner: (f64, f64, f64, f64),
        kind: CommunityKind,
    ) -> Vec<GenShape> {
        let q = self.parcels[p].quad;
        let (u0, u1, v0, v1) = inner;
        let w = dist(q[0], q[1]).min(dist(q[3], q[2]));
        let h = dist(q[1], q[2]).min(dist(q[0], q[3]));
        let aspect = ((v1 - v0) * h) / ((u1 - u0) * w);
        let rows = ((k as f64 * aspect).sqrt().round() as usize).clamp(1, k);
        let mut per_row = vec![k / rows; rows];
        for r in per_row.iter_mut().take(k % rows) {
            *r += 1;
        }
        self.rng.shuffle(&mut per_row);
        let (gu, gv) = (12.0 / w, 12.0 / h);
        let rw: Vec<f64> = (0..rows).map(|_| self.rng.f(0.75, 1.25)).collect();
        let rsum: f64 = rw.iter().sum();
        let span_v = v1 - v0 - gv * (rows - 1) as f64;
        let mut out = Vec::with_capacity(k);
        let mut va = v0;
        let point_p = match kind {
            CommunityKind::OldTown => 0.12,
            CommunityKind::Standard => 0.08,
            CommunityKind::Apartment => 0.02,
        };
        for (r, &m) in per_row.iter().enumerate() {
            let vb = va + span_v * rw[r] / rsum;
            let cw: Vec<f64> = (0..m).map(|_| self.rng.f(0.65, 1.35)).collect();
            let csum: f64 = cw.iter().sum();
            let span_u = u1 - u0 - gu * (m.max(1) - 1) as f64;
            let mut from = u0;
            for &x in &cw {
                let to = from + span_u * x / csum;
                // Some open space (paths, green, a school) around each compound.
                let (su, sv) = (self.rng.f(0.0, 0.12), self.rng.f(0.0, 0.12));
                let (ua, ub) = (from + (to - from) * su / 2.0, to - (to - from) * su / 2.0);
                let (va, vb) = (va + (vb - va) * sv / 2.0, vb - (vb - va) * sv / 2.0);
                let shape = if self.rng.chance(point_p) {
                    GenShape::Point(bilinear(&q, (ua + ub) / 2.0, (va + vb) / 2.0))
                } else if self.rng.chance(0.2) && (ub - ua) * w > 50.0 && (vb - va) * h > 50.0 {
                    // An L: one corner left for a school or a shop.
                    let um = ua + (ub - ua) * self.rng.f(0.55, 0.7);
                    let vm = va + (vb - va) * self.rng.f(0.55, 0.7);
                    let pts = [(ua, va), (ub, va), (ub, vm), (um, vm), (um, vb), (ua, vb)];
                    GenShape::Area(pts.iter().map(|&(u, v)| bilinear(&q, u, v)).collect())
                } else {
                    let pts = [(ua, va), (ub, va), (ub, vb), (ua, vb)];
                    GenShape::Area(pts.iter().map(|&(u, v)| bilinear(&q, u, v)).collect())
                };
                out.push(shape);
                from = to + gu;
            }
            va = vb + gv;
        }
        out
    }

    // -----------------------------------------------------------------------
    // Service centres

    /// Homes of every community: `(where, households)`.
    fn homes(&self) -> Vec<Vec<(Coord, f64)>> {
        let mut out = vec![Vec::new(); self.comms.len()];
        for (c, comp) in &self.compounds {
            if let Some(c) = c {
                out[*c].push((comp.rep, f64::from(comp.households + comp.planned)));
            }
        }
        out
    }

    fn share_beyond(compounds: &[(Coord, f64)], at: Coord, radius: f64) -> f64 {
        let total: f64 = compounds.iter().map(|x| x.1).sum();
        let far: f64 = compounds
            .iter()
            .filter(|x| dist(x.0, at) > radius)
            .map(|x| x.1)
            .sum();
        if total > 0.0 {
            far / total
        } else {
            0.0
        }
    }

    /// Candidates for a centre-related violation, those with a finding first at small sizes.
    fn centre_candidates(&mut self, ok: impl Fn(&Gen, usize) -> bool) -> Vec<usize> {
        let mut all: Vec<usize> = (0..self.comms.len()).filter(|&c| ok(self, c)).collect();
        self.rng.shuffle(&mut all);
        if self.stack() {
            all.sort_by_key(|&c| !self.comms[c].role.affected());
        } else {
            all.sort_by_key(|&c| self.comms[c].role.affected());
        }
        all
    }

    /// Picks the communities whose centre stands outside them or is shared,
    /// where that keeps their homes within reach (so that only the intended
    /// finding fires), then places every centre.
    fn place_centres(&mut self) {
        let homes = self.homes();
        let free = |g: &Gen, c: usize| {
            let r = &g.comms[c].role;
            !g.comms[c].fixed
                && r.centre_free()
                && !r.overlap
                && !r.exclave
                && g.comms[c].centre.is_none()
        };
        for _ in 0..count(self.n, rate::CENTER_OUTSIDE) {
            for c in self.centre_candidates(free).into_iter().take(200) {
                if let Some(at) = self.outside_spot(c, &homes[c]) {
                    self.comms[c].role.center_outside = true;
                    self.comms[c].centre = Some(at);
                    break;
                }
            }
        }
        // A shared centre's attributes count for both users: leave those with
        // attribute violations alone.
        let sharable = |g: &Gen, c: usize| {
            free(g, c) && !g.comms[c].role.floor_area && !g.comms[c].role.missing_service
        };
        for _ in 0..count(self.n, rate::SHARED_CENTER) {
            let mut done = false;
            for host in self.centre_candidates(sharable).into_iter().take(200) {
                let guests: Vec<usize> = self
                    .neighbours(host)
                    .into_iter()
                    .filter(|&d| sharable(self, d))
                    .collect();
                for guest in guests {
                    let (cost, n) = self.shared_node(host, guest, &homes[host], &homes[guest]);
                    if cost < 0.08 {
                        self.comms[host].role.shared_host = true;
                        self.comms[guest].role.shared_guest = Some(host);
                        self.comms[host].centre_node = Some(n);
                        self.comms[host].centre = Some(self.nodes[n as usize]);
                        done = true;
                        break;
                    }
                }
                if done {
                    break;
                }
            }
        }
        for (c, compounds) in homes.iter().enumerate() {
            let role = self.comms[c].role.clone();
            if role.no_center || role.shared_guest.is_some() || self.comms[c].centre.is_some() {
                continue;
            }
            let best = match self.comms[c].centre_parcel {
                Some(_) if role.sprawl => {
                    // The parcel leaving most homes beyond reach.
                    let share = |p: usize| {
                        Self::share_beyond(
                            compounds,
                            bilinear(&self.parcels[p].quad, 0.5, 0.5),
                            1100.0,
                        )
                    };
                    let parcels = self.comm_parcels(c);
                    parcels
                        .into_iter()
                        .max_by(|&a, &b| share(a).total_cmp(&share(b)).then(b.cmp(&a)))
                        .expect("communities have parcels")
                }
                Some(p) => p,
                None => {
                    // The parcel leaving fewest homes far away, then nearest on average.
                    let cost = |p: usize| {
                        let at = bilinear(&self.parcels[p].quad, 0.5, 0.5);
                        (
                            Self::share_beyond(compounds, at, 900.0),
                            compounds.iter().map(|x| x.1 * dist(x.0, at)).sum::<f64>(),
                        )
                    };
                    let parcels = self.comm_parcels(c);
                    parcels
                        .into_iter()
                        .map(|p| (cost(p), p))
                        .min_by(|a, b| {
                            a.0 .0
                                .total_cmp(&b.0 .0)
                                .then(a.0 .1.total_cmp(&b.0 .1))
                                .then(a.1.cmp(&b.1))
                        })
                        .expect("communities have parcels")
                        .1
                }
            };
            let (u, v) = (self.rng.f(0.4, 0.6), self.rng.f(0.4, 0.6));
            self.comms[c].centre = Some(bilinear(&self.parcels[best].quad, u, v));
        }
    }

    /// A spot in a neighbouring community, at least 15 m inside one of its
    /// parcels, from which community `c`'s homes are still within reach.
    fn outside_spot(&self, c: usize, compounds: &[(Coord, f64)]) -> Option<Coord> {
        let total: f64 = compounds.iter().map(|x| x.1).sum::<f64>();
        if total <= 0.0 {
            return None;
        }
        let homes = compounds
            .iter()
            .fold(Coord::zero(), |a, x| a + x.0 * (x.1 / total));
        let mut parcels: Vec<usize> = Vec::new();
        for &u in &self.comms[c].units {
            for &(v, river, _) in &self.adj[u] {
                let o = self.owner[v];
                if !river && o < GAP_OWNER && o as usize != c {
                    parcels.extend(self.units[v].parcels.iter().copied());
                }
            }
        }
        parcels.sort_unstable();
        parcels.dedup();
        parcels.sort_by(|&a, &b| {
            let (ca, cb) = (
                bilinear(&self.parcels[a].quad, 0.5, 0.5),
                bilinear(&self.parcels[b].quad, 0.5, 0.5),
            );
            dist(ca, homes).total_cmp(&dist(cb, homes)).then(a.cmp(&b))
        });
        parcels.iter().take(6).find_map(|&p| {
            let ring: Vec<Coord> = self.parcels[p]
                .ring
                .iter()
                .map(|&n| self.nodes[n as usize])
                .collect();
            let inside = bilinear(&self.parcels[p].quad, 0.5, 0.5);
            [0.9, 0.8, 0.7, 0.6, 0.45, 0.3, 0.0]
                .iter()
                .map(|&t| lerp(inside, homes, t))
                .find(|&q| {
                    point_in_ring(q, &ring)
                        && ring
                            .iter()
                            .zip(ring.iter().cycle().skip(1))
                            .all(|(&a, &b)| dist_to_segment(q, a, b) > 15.0)
                })
                .filter(|&q| Self::share_beyond(compounds, q, 900.0) < 0.05)
        })
    }

    /// The vertex on the boundary between `a` and `b` from which most homes of
    /// both are in reach, with the share of homes beyond 900 m.
    fn shared_node(
        &self,
        a: usize,
        b: usize,
        ha: &[(Coord, f64)],
        hb: &[(Coord, f64)],
    ) -> (f64, u32) {
        let mut best: Option<(f64, u32)> = None;
        let weight: f64 = ha.iter().chain(hb).map(|h| h.1).sum::<f64>().max(1.0);
        for &u in &self.comms[a].units {
            for &p in &self.units[u].parcels {
                let ring = &self.parcels[p].ring;
                for k in 0..ring.len() {
                    let (x, y) = (ring[k], ring[(k + 1) % ring.len()]);
                    // The reverse edge in a parcel of `b` makes the edge shared.
                    let shared = self.out_edges(y).iter().any(|&(q, to)| {
                        to == x && self.owner[self.parcels[q as usize].unit] == b as u32
                    });
                    if !shared {
                        continue;
                    }
                    let at = self.nodes[x as usize];
                    let mean = ha
                        .iter()
                        .chain(hb)
                        .map(|h| h.1 * dist(h.0, at))
                        .sum::<f64>()
                        / weight;
                    let cost = Self::share_beyond(ha, at, 900.0)
                        + Self::share_beyond(hb, at, 900.0)
                        + mean / 1e5;
                    if best.is_none_or(|(bc, bn)| cost < bc || (cost == bc && x < bn)) {
                        best = Some((cost, x));
                    }
                }
            }
        }
        best.unwrap_or((f64::INFINITY, 0))
    }

    // -----------------------------------------------------------------------
    // The plan

    fn trace(&self, parcels: &[usize]) -> Vec<Ring> {
        trace_rings(parcels.iter().map(|&p| &self.parcels[p].ring))
    }

    fn assemble(mut self, opts: &GenerateOptions) -> (Plan, Vec<Role>) {
        let frame = Frame::at_lat(CENTRE_LAT);
        let ll = |p: Coord| Coord {
            x: ((CENTRE_LON + p.x / frame.kx) * 1e7).round() / 1e7,
            y: ((CENTRE_LAT + p.y / frame.ky) * 1e7).round() / 1e7,
        };
        let lls: Vec<Coord> = self.nodes.iter().map(|&p| ll(p)).collect();
        let nc = self.comms.len();
        let width = |n: usize| n.max(1).to_string().len().max(3);
        let (wc, wx, wg) = (
            width(nc),
            width(self.compounds.len()),
            width(self.parcels.len()),
        );
        let mut plan = Plan::default();
        let street_name = STREETS[self.rng.int(0, STREETS.len() - 1)].to_string();
        plan.meta.insert(
            "name".into(),
            json!(format!("{street_name}社区规模优化调整方案（示例）")),
        );
        plan.meta.insert(
            "generator".into(),
            json!(format!(
                "shequ generate --communities {} --seed {}",
                opts.communities, opts.seed
            )),
        );

        // Names.
        let mut names = Names::new(&mut self.rng);
        let comm_names: Vec<String> = (0..nc).map(|_| format!("{}社区", names.take())).collect();
        let ring_coords = |ring: &[u32], over: Option<&HashMap<u32, Coord>>| -> LineString {
            let mut cs: Vec<Coord> = ring
                .iter()
                .map(|n| match over.and_then(|o| o.get(n)) {
                    Some(&p) => ll(p),
                    None => lls[*n as usize],
                })
                .collect();
            cs.push(cs[0]);
            LineString::new(cs)
        };
        let polygons = |rings: Vec<Ring>,
                        over: Option<&HashMap<u32, Coord>>,
                        nodes: &[Coord]|
         -> MultiPolygon {
            let mut outers: Vec<(Ring, Vec<Ring>)> = Vec::new();
            let mut holes: Vec<Ring> = Vec::new();
            for r in rings {
                if signed_area(r.iter().map(|&n| nodes[n as usize])) > 0.0 {
                    outers.push((r, Vec::new()));
                } else {
                    holes.push(r);
                }
            }
            for h in holes {
                let at = nodes[h[0] as usize];
                let probe = Coord { x: at.x, y: at.y };
                let host = outers.iter_mut().find(|(o, _)| {
                    let pts: Vec<Coord> = o.iter().map(|&n| nodes[n as usize]).collect();
                    point_in_ring(probe, &pts)
                });
                if let Some((_, hs)) = host {
                    hs.push(h);
                }
            }
            MultiPolygon::new(
                outers
                    .into_iter()
                    .map(|(o, hs)| {
                        Polygon::new(
                            ring_coords(&o, over),
                            hs.iter().map(|h| ring_coords(h, over)).collect(),
                        )
                    })
                    .collect(),
            )
        };

        // Communities.
        let mut cell_no = vec![0usize; nc];
        for c in 0..nc {
            let comm = &self.comms[c];
            let role = &comm.role;
            let id = format!("C{:0wc$}", c + 1);
            let name = if role.unnamed {
                String::new()
            } else if role.misnamed {
                format!("{}居委会", comm_names[c].trim_end_matches("社区"))
            } else if let Some(o) = role.duplicate_of {
                comm_names[o].clone()
            } else {
                comm_names[c].clone()
            };
            let rings = self.trace(&self.comm_parcels(c));
            let geometry = polygons(rings, self.overrides.get(&c), &self.nodes);
            let r = &mut self.rng;
            let committee_size = if role.committee_size {
                match r.int(0, 2) {
                    0 => None,
                    1 => Some(r.int(3, 5) as u32),
                    _ => Some(r.int(11, 13) as u32),
                }
            } else {
                Some([6, 7, 7, 8, 8, 9, 9, 10][r.int(0, 7)])
            };
            let mut committees = vec![
                Committee::Mediation,
                Committee::Security,
                Committee::PublicHealth,
                Committee::WomenChildren,
            ];
            // Two draws, as when environment and property were listed apart
            // (the demo stays the same district).
            let environment = r.chance(0.6);
            let property = r.chance(0.5) && comm.kind != CommunityKind::OldTown;
            if environment || property {
                committees.push(Committee::EnvironmentProperty);
            }
            if role.missing_committee {
                let drop = r.int(1, 2);
                for _ in 0..drop {
                    let k = r.int(1, 3);
                    if k < committees.len() {
                        committees.remove(k);
                    }
                }
            }
            let need = comm.households.div_ceil(300);
            let full_time_staff = if role.understaffed {
                need.saturating_sub(r.int(2, 4) as u32).max(1)
            } else {
                need + r.int(0, 3) as u32
            };
            let service_center = match (role.no_center, role.shared_guest) {
                (true, _) => None,
                (_, Some(h)) => Some(format!("S{:0wc$}", h + 1)),
                _ => Some(format!("S{:0wc$}", c + 1)),
            };
            plan.communities.push(Community {
                id,
                name,
                kind: comm.kind,
                committee_size,
                full_time_staff: Some(full_time_staff),
                committees: Some(committees),
                service_center,
                explanations: Default::default(),
                geometry,
                extra: JsonObject::new(),
            });
        }

        // Service centres.
        let mut guest_households = vec![0u32; nc];
        for g in &self.comms {
            if let Some(h) = g.role.shared_guest {
                guest_households[h] = guest_households[h].max(g.households);
            }
        }
        for (c, &guest) in guest_households.iter().enumerate() {
            let Some(at) = self.comms[c].centre else {
                continue;
            };
            let role = self.comms[c].role.clone();
            // A shared centre must be big enough for either user.
            let hh = f64::from(self.comms[c].households.max(guest));
            let need = (0.3 * hh).max(300.0);
            let floor = if role.floor_area {
                if self.rng.chance(0.25) {
                    None
                } else {
                    Some(((need * self.rng.f(0.45, 0.8)) / 10.0).floor() * 10.0)
                }
            } else {
                Some(((need * self.rng.f(1.08, 1.8)) / 10.0).ceil() * 10.0)
            };
            let mut services = Service::ALL.to_vec();
            if role.missing_service {
                for _ in 0..self.rng.int(1, 3) {
                    let k = self.rng.int(1, services.len() - 1);
                    services.remove(k);
                }
            }
            let name = if role.unnamed {
                format!("S{:0wc$}党群服务中心（待命名）", c + 1)
            } else {
                format!("{}党群服务中心", plan.communities[c].name)
            };
            let location = match self.comms[c].centre_node {
                Some(n) => Point(lls[n as usize]),
                None => Point(ll(at)),
            };
            plan.centers.push(ServiceCenter {
                id: format!("S{:0wc$}", c + 1),
                name,
                floor_area_m2: floor,
                services: Some(services),
                location,
                extra: JsonObject::new(),
            });
        }

        // Compounds.
        let mut cnames = Names::new(&mut self.rng);
        for (k, (c, comp)) in self.compounds.iter().enumerate() {
            let suffix = match comp.kind {
                CommunityKind::OldTown => SUFFIX_OLD[k % SUFFIX_OLD.len()],
                CommunityKind::Standard => SUFFIX_STANDARD[(k * 7) % SUFFIX_STANDARD.len()],
                CommunityKind::Apartment => SUFFIX_APARTMENT[(k * 5) % SUFFIX_APARTMENT.len()],
            };
            let _ = c;
            let shape = match &comp.shape {
                GenShape::Point(p) => CompoundShape::Point(Point(ll(*p))),
                GenShape::Area(pts) => {
                    let mut cs: Vec<Coord> = pts.iter().map(|&p| ll(p)).collect();
                    cs.push(cs[0]);
                    CompoundShape::Area(MultiPolygon::new(vec![Polygon::new(
                        LineString::new(cs),
                        vec![],
                    )]))
                }
            };
            plan.compounds.push(Compound {
                id: format!("X{:0wx$}", k + 1),
                name: format!("{}{suffix}", cnames.take()),
                households: comp.households,
                planned_households: comp.planned,
                property_management: comp.property_management,
                shape,
                extra: JsonObject::new(),
            });
        }

        // Grid cells: one per parcel, but one per block where a cut block is one cell.
        let mut merged: HashSet<usize> = HashSet::new();
        let mut outside = 0;
        for p in 0..self.parcels.len() {
            let b = self.parcels[p].block;
            let o = self.owner[self.parcels[p].unit];
            let (ring, owner) = if matches!(self.block_role[b], BlockRole::CutsGrid(_)) {
                if !merged.insert(b) {
                    continue;
                }
                (self.block_rings[&b].clone(), o)
            } else {
                (self.parcels[p].ring.clone(), o)
            };
            let code = if o < GAP_OWNER {
                cell_no[owner as usize] += 1;
                format!(
                    "{DISTRICT_CODE}-{:03}-{:02}",
                    owner + 1,
                    cell_no[owner as usize]
                )
            } else {
                outside += 1;
                format!("{DISTRICT_CODE}-000-{outside:02}")
            };
            plan.grids.push(GridCell {
                id: format!("G{:0wg$}", plan.grids.len() + 1),
                code: Some(code),
                geometry: MultiPolygon::new(vec![Polygon::new(ring_coords(&ring, None), vec![])]),
                extra: JsonObject::new(),
            });
        }

        // Barriers: roads by row and column, the rivers, the lanes.
        let mut road_names = Names::new(&mut self.rng);
        let runs = |chains: Vec<(bool, &Ring)>| -> Vec<LineString> {
            let mut out: Vec<LineString> = Vec::new();
            let mut cur: Vec<Coord> = Vec::new();
            for (on, chain) in chains {
                if on {
                    if cur.is_empty() {
                        cur.push(lls[chain[0] as usize]);
                    }
                    cur.extend(chain[1..].iter().map(|&n| lls[n as usize]));
                } else if cur.len() >= 2 {
                    out.push(LineString::new(std::mem::take(&mut cur)));
                } else {
                    cur.clear();
                }
            }
            if cur.len() >= 2 {
                out.push(LineString::new(cur));
            }
            out
        };
        let mut numbers = [0usize; 3];
        let mut barrier =
            |plan: &mut Plan, kind: BarrierKind, name: String, lines: Vec<LineString>| {
                if lines.is_empty() {
                    return;
                }
                let (prefix, k) = match kind {
                    BarrierKind::Road => ("R", 0),
                    BarrierKind::Lane => ("L", 1),
                    BarrierKind::River => ("H", 2),
                };
                numbers[k] += 1;
                let n = numbers[k];
                plan.barriers.push(Barrier {
                    id: format!("{prefix}{n:04}"),
                    kind,
                    name,
                    geometry: MultiLineString::new(lines),
                    extra: JsonObject::new(),
                });
            };
        let (nx, ny) = (self.nx, self.ny);
        let mut river_names: Vec<&str> = RIVERS.to_vec();
        self.rng.shuffle(&mut river_names);
        for j in 0..=ny {
            let chains: Vec<(bool, &Ring)> = (0..nx)
                .map(|i| {
                    (
                        self.is_in(i as isize, j as isize - 1)
                            || self.is_in(i as isize, j as isize),
                        &self.h[j * nx + i],
                    )
                })
                .collect();
            let lines = runs(chains);
            match self.rivers.iter().position(|r| r.0 == j) {
                Some(k) => barrier(
                    &mut plan,
                    BarrierKind::River,
                    river_names[k % river_names.len()].to_string(),
                    lines,
                ),
                None => {
                    let suffix = if self.art_row[j] {
                        if self.rng.chance(0.4) {
                            "大道"
                        } else {
                            "路"
                        }
                    } else if self.rng.chance(0.2) {
                        "街"
                    } else {
                        "路"
                    };
                    barrier(
                        &mut plan,
                        BarrierKind::Road,
                        format!("{}{suffix}", road_names.take()),
                        lines,
                    );
                }
            }
        }
        for i in 0..=nx {
            let chains: Vec<(bool, &Ring)> = (0..ny)
                .map(|j| {
                    (
                        self.is_in(i as isize - 1, j as isize)
                            || self.is_in(i as isize, j as isize),
                        &self.v[j * (nx + 1) + i],
                    )
                })
                .collect();
            let lines = runs(chains);
            let suffix = if self.art_col[i] {
                if self.rng.chance(0.4) {
                    "大道"
                } else {
                    "路"
                }
            } else if self.rng.chance(0.2) {
                "街"
            } else {
                "路"
            };
            barrier(
                &mut plan,
                BarrierKind::Road,
                format!("{}{suffix}", road_names.take()),
                lines,
            );
        }
        // Lanes: a riverside strip's lanes join into one street.
        let mut riverside: Vec<Vec<u32>> = Vec::new();
        for lane in &self.lanes {
            if lane.riverside {
                match riverside
                    .iter_mut()
                    .find(|r| r.last() == lane.nodes.first())
                {
                    Some(r) => r.extend(&lane.nodes[1..]),
                    None => riverside.push(lane.nodes.clone()),
                }
            }
        }
        for chain in riverside {
            let line = LineString::new(chain.iter().map(|&n| lls[n as usize]).collect());
            barrier(
                &mut plan,
                BarrierKind::Lane,
                format!("{}滨河街", road_names.take()),
                vec![line],
            );
        }
        for lane in self.lanes.iter().filter(|l| !l.riverside) {
            let line = LineString::new(lane.nodes.iter().map(|&n| lls[n as usize]).collect());
            let suffix = if lane.old_town || self.rng.chance(0.6) {
                "巷"
            } else {
                "街"
            };
            barrier(
                &mut plan,
                BarrierKind::Lane,
                format!("{}{suffix}", road_names.take()),
                vec![line],
            );
        }

        // The street: every block, including those left out.
        let blocks: Vec<Ring> = (0..nx * ny)
            .filter(|&b| self.included[b])
            .map(|b| self.block_ring(b).0)
            .collect();
        let outline = polygons(trace_rings(blocks.iter()), None, &self.nodes);
        plan.streets.push(Street {
            id: "J01".into(),
            name: street_name,
            geometry: outline,
            extra: JsonObject::new(),
        });
        let roles = self.comms.into_iter().map(|c| c.role).collect();
        (plan, roles)
    }
}

/// The outline of a set of counter-clockwise rings sharing nodes: the edges
/// not matched by a reverse edge, linked into rings (outer rings
/// counter-clockwise, holes clockwise).
fn trace_rings<'a>(rings: impl Iterator<Item = &'a Ring>) -> Vec<Ring> {
    let mut edges: Vec<(u32, u32)> = Vec::new();
    for r in rings {
        edges.extend((0..r.len()).map(|k| (r[k], r[(k + 1) % r.len()])));
    }
    edges.sort_unstable();
    let boundary: Vec<(u32, u32)> = edges
        .iter()
        .copied()
        .filter(|&(a, b)| edges.binary_search(&(b, a)).is_err())
        .collect();
    // `boundary` is sorted by start node; one edge leaves each node (no pinches).
    let next = |n: u32| -> Option<usize> { boundary.binary_search_by_key(&n, |e| e.0).ok() };
    let mut used = vec![false; boundary.len()];
    let mut rings = Vec::new();
    for s in 0..boundary.len() {
        if used[s] {
            continue;
        }
        let mut ring = Vec::new();
        let mut e = s;
        while !used[e] {
            used[e] = true;
            ring.push(boundary[e].0);
            match next(boundary[e].1) {
                Some(x) => e = x,
                None => break,
            }
        }
        rings.push(ring);
    }
    rings
}

/// Distance from `p` to the segment `a`–`b`.
fn dist_to_segment(p: Coord, a: Coord, b: Coord) -> f64 {
    let d = b - a;
    let len2 = d.x * d.x + d.y * d.y;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * d.x + (p.y - a.y) * d.y) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    dist(p, lerp(a, b, t))
}

/// Recursive bisection of `units` into `k` parts of equal area; pushes one seed per part.
fn bisect(units: &mut [usize], k: usize, all: &[Unit], seeds: &mut Vec<usize>) {
    if k == 0 || units.is_empty() {
        return;
    }
    if k == 1 || units.len() <= k {
        if units.len() <= k && k > 1 {
            seeds.extend(units.iter().copied());
            return;
        }
        let total: f64 = units.iter().map(|&u| all[u].area).sum();
        let c = units.iter().fold(Coord::zero(), |a, &u| {
            a + all[u].centre * (all[u].area / total)
        });
        let best = units.iter().copied().min_by(|&a, &b| {
            dist(all[a].centre, c)
                .total_cmp(&dist(all[b].centre, c))
                .then(a.cmp(&b))
        });
        seeds.extend(best);
        return;
    }
    let (mut lo, mut hi) = (
        Coord {
            x: f64::INFINITY,
            y: f64::INFINITY,
        },
        Coord {
            x: f64::NEG_INFINITY,
            y: f64::NEG_INFINITY,
        },
    );
    for &u in units.iter() {
        let c = all[u].centre;
        lo = Coord {
            x: lo.x.min(c.x),
            y: lo.y.min(c.y),
        };
        hi = Coord {
            x: hi.x.max(c.x),
            y: hi.y.max(c.y),
        };
    }
    if hi.x - lo.x >= hi.y - lo.y {
        units.sort_by(|&a, &b| all[a].centre.x.total_cmp(&all[b].centre.x).then(a.cmp(&b)));
    } else {
        units.sort_by(|&a, &b| all[a].centre.y.total_cmp(&all[b].centre.y).then(a.cmp(&b)));
    }
    let k1 = k / 2;
    let total: f64 = units.iter().map(|&u| all[u].area).sum();
    let want = total * k1 as f64 / k as f64;
    let mut acc = 0.0;
    let mut split = 0;
    for (s, &u) in units.iter().enumerate() {
        if acc >= want {
            split = s;
            break;
        }
        acc += all[u].area;
        split = s + 1;
    }
    let split = split.clamp(k1, units.len() - (k - k1));
    let (a, b) = units.split_at_mut(split);
    bisect(a, k1, all, seeds);
    bisect(b, k - k1, all, seeds);
}

/// Splits `k` items over slots `(capacity, weight)` in proportion to weight.
fn apportion(k: usize, slots: &[(usize, f64)]) -> Vec<usize> {
    let mut out = vec![0; slots.len()];
    let mut left = k;
    while left > 0 {
        // The slot furthest below its share that still has room.
        let total: f64 = slots
            .iter()
            .zip(&out)
            .filter(|(s, &o)| o < s.0)
            .map(|(s, _)| s.1)
            .sum();
        if total <= 0.0 {
            break;
        }
        let best = (0..slots.len())
            .filter(|&i| out[i] < slots[i].0)
            .min_by(|&a, &b| {
                let da = out[a] as f64 / slots[a].1.max(1e-9);
                let db = out[b] as f64 / slots[b].1.max(1e-9);
                da.total_cmp(&db).then(a.cmp(&b))
            });
        match best {
            Some(i) => {
                out[i] += 1;
                left -= 1;
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use geo::{Coord, Line, LineString, Winding};
    use rstar::{RTree, AABB};

    use super::*;
    use shequ_core::load::{load_plan, LoadOptions};
    use shequ_core::report::{Report, CODES};
    use shequ_core::{evaluate, Profile};

    const DEMO_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/demo.geojson");

    fn opts(communities: usize, seed: u64) -> GenerateOptions {
        GenerateOptions { communities, seed }
    }

    fn segments(plan: &Plan) -> usize {
        plan.barriers
            .iter()
            .flat_map(|b| &b.geometry.0)
            .map(|l| l.0.len() - 1)
            .sum()
    }

    /// `(code, community)` of every finding that names a community.
    fn found(report: &Report) -> BTreeSet<(&'static str, String)> {
        report
            .findings
            .iter()
            .flat_map(|f| f.community_ids.iter().map(move |c| (f.code, c.clone())))
            .collect()
    }

    /// Findings and the answer key agree: the same codes on the same
    /// communities, except that the engine may name fewer communities around a gap.
    fn assert_matches_key(report: &Report, key: &[Planted]) {
        let planted: BTreeSet<(&'static str, String)> = key
            .iter()
            .map(|p| (p.code, p.community_id.clone()))
            .collect();
        let got = found(report);
        let unplanned: Vec<_> = got.difference(&planted).collect();
        assert!(
            unplanned.is_empty(),
            "findings nobody planted: {unplanned:?}"
        );
        let missing: Vec<_> = planted
            .difference(&got)
            .filter(|(code, _)| *code != "boundary.gap")
            .collect();
        assert!(missing.is_empty(), "planted but not found: {missing:?}");
    }

    #[test]
    fn same_options_give_the_same_plan() {
        assert_eq!(generate(&opts(30, 5)), generate(&opts(30, 5)));
    }

    #[test]
    fn another_seed_gives_another_plan() {
        let (a, b) = (generate(&opts(30, 5)), generate(&opts(30, 6)));
        assert_ne!(a.communities[0].geometry, b.communities[0].geometry);
        assert_ne!(a.compounds.len(), b.compounds.len());
    }

    #[test]
    fn zero_communities_give_an_empty_plan() {
        assert_eq!(generate(&opts(0, 1)), Plan::default());
    }

    #[test]
    fn demo_triggers_every_finding_code_and_only_the_planted_ones() {
        let (plan, key) = generate_with_key(&DEMO);
        assert_eq!(plan.communities.len(), DEMO.communities);
        let report = evaluate(&plan, &Profile::default());
        let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &report.findings {
            *by_code.entry(f.code).or_default() += 1;
        }
        let silent: Vec<&&str> = CODES
            .iter()
            .filter(|c| !by_code.contains_key(**c))
            .collect();
        assert!(
            silent.is_empty(),
            "codes the demo does not trigger: {silent:?}"
        );
        assert_matches_key(&report, &key);
        // One overlap and one gap were made; there must be no other.
        let planted = |code| key.iter().filter(|p| p.code == code).count();
        assert_eq!(by_code["boundary.overlap"], planted("boundary.overlap") / 2);
        assert_eq!(
            by_code["boundary.overlap"],
            count(DEMO.communities, rate::OVERLAP)
        );
        assert_eq!(by_code["boundary.gap"], count(DEMO.communities, rate::GAP));
        // The left-out block: its compounds and cells are the unassigned ones.
        let gap = report
            .findings_with_code("boundary.gap")
            .next()
            .expect("a gap");
        assert!(gap.details["area_m2"].as_f64().unwrap() > 50_000.0);
        assert_eq!(
            report.totals.unassigned_compounds + report.totals.unassigned_grid_cells,
            by_code["plan.unassigned"]
        );
        // Most communities are fine: the demo is a plausible plan with problems.
        let with = report
            .communities
            .iter()
            .filter(|c| c.status != shequ_core::report::Status::Ok);
        assert!(
            with.count() * 3 < plan.communities.len(),
            "too many communities with problems"
        );
    }

    #[test]
    fn committed_demo_is_the_generated_demo() {
        let bytes = std::fs::read(DEMO_FILE).expect("tests/data/demo.geojson is committed");
        let loaded = load_plan("demo.geojson", &bytes, &LoadOptions::default())
            .unwrap_or_else(|e| panic!("the demo does not load: {e:?}"))
            .plan;
        assert!(
            loaded == generate(&DEMO),
            "tests/data/demo.geojson is not generate(&DEMO); write it again with \
             `shequ generate --communities {} --seed {} --out tests/data/demo.geojson`",
            DEMO.communities,
            DEMO.seed
        );
    }

    #[test]
    fn export_round_trips() {
        for (n, seed) in [(1, 1), (2, 9), (7, 3), (24, 11), (55, 4)] {
            let plan = generate(&opts(n, seed));
            let text = shequ_core::export::to_geojson_string(&plan);
            let loaded = load_plan("x.geojson", text.as_bytes(), &LoadOptions::default())
                .unwrap_or_else(|e| panic!("{n} communities, seed {seed}: {e:?}"));
            assert!(
                loaded.notes.is_empty(),
                "repairs were needed: {:?}",
                loaded.notes
            );
            assert!(
                loaded.plan == plan,
                "{n} communities, seed {seed}: the plan changed"
            );
        }
    }

    #[test]
    fn rings_are_wound_as_rfc_7946_says() {
        let plan = generate(&opts(40, 8));
        let polygons = plan
            .communities
            .iter()
            .map(|c| &c.geometry)
            .chain(plan.grids.iter().map(|g| &g.geometry))
            .chain(plan.streets.iter().map(|s| &s.geometry))
            .flat_map(|mp| &mp.0);
        for p in polygons {
            assert!(p.exterior().is_ccw());
            assert!(p.interiors().iter().all(LineString::is_cw));
        }
    }

    /// Every vertex of a community lying on another community's edge is a
    /// vertex of that community too (no T-junctions), except where an overlap
    /// was made on purpose.
    #[test]
    fn neighbours_share_their_vertices() {
        let (plan, key) = generate_with_key(&opts(200, 3));
        let pushed: BTreeSet<&str> = key
            .iter()
            .filter(|p| p.code == "boundary.overlap")
            .map(|p| p.community_id.as_str())
            .collect();
        let mut lines = Vec::new();
        for (i, c) in plan.communities.iter().enumerate() {
            for ring in c
                .geometry
                .0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            {
                lines.extend(ring.lines().map(|l| (i, l)));
            }
        }
        let tree = RTree::bulk_load(
            lines
                .iter()
                .enumerate()
                .map(|(k, (_, l))| {
                    rstar::primitives::GeomWithData::new(
                        rstar::primitives::Rectangle::from_corners(
                            [l.start.x, l.start.y],
                            [l.end.x, l.end.y],
                        ),
                        k,
                    )
                })
                .collect(),
        );
        let on_segment = |p: Coord, l: Line| {
            let cross = (l.end.x - l.start.x) * (p.y - l.start.y)
                - (l.end.y - l.start.y) * (p.x - l.start.x);
            let len = (l.end.x - l.start.x).hypot(l.end.y - l.start.y);
            cross.abs() / len < 1e-9 && p != l.start && p != l.end
        };
        let mut shared = 0;
        for (i, c) in plan.communities.iter().enumerate() {
            if pushed.contains(c.id.as_str()) {
                continue;
            }
            for p in c.geometry.0.iter().flat_map(|p| &p.exterior().0) {
                let env = AABB::from_corners([p.x - 1e-9, p.y - 1e-9], [p.x + 1e-9, p.y + 1e-9]);
                for hit in tree.locate_in_envelope_intersecting(&env) {
                    let (j, l) = lines[hit.data];
                    if j == i {
                        continue;
                    }
                    if *p == l.start || *p == l.end {
                        shared += 1;
                    }
                    assert!(
                        !on_segment(*p, l) || pushed.contains(plan.communities[j].id.as_str()),
                        "{} has a vertex on an edge of {} ({p:?})",
                        c.id,
                        plan.communities[j].id
                    );
                }
            }
        }
        assert!(shared > 1000, "neighbours share vertices ({shared})");
    }

    /// At 200 communities: the counts scale as intended, and the clean parts
    /// have no overlaps, gaps or any other finding nobody planted.
    #[test]
    fn two_hundred_communities() {
        let n = 200;
        let (plan, key) = generate_with_key(&opts(n, 2022));
        assert_eq!(plan.communities.len(), n);
        let per = |x: usize| x as f64 / n as f64;
        let compounds = per(plan.compounds.len());
        let grids = per(plan.grids.len());
        let segs = per(segments(&plan));
        assert!(
            (17.0..=23.0).contains(&compounds),
            "{compounds} compounds per community"
        );
        assert!(
            (8.5..=11.5).contains(&grids),
            "{grids} grid cells per community"
        );
        assert!(
            (40.0..=60.0).contains(&segs),
            "{segs} barrier segments per community"
        );
        assert_eq!(plan.streets.len(), 1);
        assert!(plan
            .barriers
            .iter()
            .any(|b| b.kind == BarrierKind::River && b.name.ends_with('河')));
        assert!(plan.barriers.iter().any(|b| b.kind == BarrierKind::Lane));
        assert!(plan.barriers.iter().any(|b| b.name.ends_with("大道")));
        for c in &plan.compounds {
            assert!(
                (50..=3000).contains(&c.households_total()),
                "{} has {}",
                c.id,
                c.households_total()
            );
        }
        let codes: Vec<&str> = plan
            .grids
            .iter()
            .filter_map(|g| g.code.as_deref())
            .collect();
        assert!(codes
            .iter()
            .all(|c| c.len() == "321002-015-03".len() && c.starts_with("321002-")));

        let report = evaluate(&plan, &Profile::default());
        assert_matches_key(&report, &key);
        let overlaps = report.findings_with_code("boundary.overlap").count();
        let gaps = report.findings_with_code("boundary.gap").count();
        assert_eq!(
            (overlaps, gaps),
            (count(n, rate::OVERLAP), count(n, rate::GAP))
        );
        // Realistic sizes: most communities have 2,000–3,000 households and
        // cover 0.3–1.5 km²; some 10–20 % have a finding.
        let in_band = report
            .communities
            .iter()
            .filter(|c| (2000..=3000).contains(&c.households_total));
        assert!(in_band.count() as f64 > 0.7 * n as f64);
        let areas = report
            .communities
            .iter()
            .filter(|c| (0.25e6..=1.6e6).contains(&c.area_m2));
        assert!(areas.count() as f64 > 0.9 * n as f64);
        let named: BTreeSet<&str> = report
            .findings
            .iter()
            .flat_map(|f| &f.community_ids)
            .map(String::as_str)
            .collect();
        assert!(
            (0.1..=0.25).contains(&per(named.len())),
            "{} communities with findings",
            named.len()
        );
    }

    #[test]
    fn small_plans_are_clean() {
        // Nothing planted; only where planned homes happen to land near the upper
        // bound may a community be told to leave margin (三（一）, a suggestion).
        for (n, seed) in [(1, 4), (3, 1), (8, 2), (19, 6)] {
            let (plan, key) = generate_with_key(&opts(n, seed));
            assert_eq!(plan.communities.len(), n);
            assert!(
                key.iter().all(|p| p.code == "scale.no_margin"),
                "{n}, seed {seed}: {key:?}"
            );
            let report = evaluate(&plan, &Profile::default());
            assert_matches_key(&report, &key);
        }
    }

    #[test]
    fn other_seeds_match_their_keys_and_fire_every_code() {
        for seed in [1, 2, 3] {
            let (plan, key) = generate_with_key(&opts(40, seed));
            let report = evaluate(&plan, &Profile::default());
            assert_matches_key(&report, &key);
            let silent: Vec<&&str> = CODES
                .iter()
                .filter(|c| report.findings_with_code(c).next().is_none())
                .collect();
            assert!(silent.is_empty(), "seed {seed}: {silent:?} do not fire");
        }
    }

    #[test]
    fn community_names_stay_unique_beyond_the_syllables() {
        let mut rng = Rng(ChaCha8Rng::seed_from_u64(1));
        let mut names = Names::new(&mut rng);
        let all: Vec<String> = (0..20_000).map(|_| names.take()).collect();
        let distinct: BTreeSet<&String> = all.iter().collect();
        assert_eq!(distinct.len(), all.len());
    }
}
