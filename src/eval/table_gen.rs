//! Build-time generator of the evaluator's lookup tables.
//!
//! Used twice: by `build.rs` (through `#[path = "src/eval/table_gen.rs"] mod table_gen;`),
//! which writes the tables as Rust source into `$OUT_DIR/eval_tables.rs`, and by the
//! unit tests in `src/eval/mod.rs`, which rebuild the tables and compare them with the
//! ones compiled in. Everything here runs once, so it favours clarity over speed.
//!
//! Technique (see the module docs of `crate::eval` for the citations): OMPEval's
//! rank-key sums, a row-displacement perfect hash of those sums, and a flush table
//! indexed by one suit's 13-bit rank mask.
//!
//! A 5-card equivalence class is first described by a *code*: a `u32` holding the
//! category (`0..=8`, high card to straight flush) in bits 20.., then the ranks that
//! decide ties (`0..=12`, deuce to ace), most significant first, four bits each.
//! Codes compare like hands do. The 7,462 distinct codes of all 5-card hands, sorted,
//! are numbered `1..=7462`: that number is the strength.

/// Per-rank keys (deuce first): every multiset of at most 7 ranks, each rank at most
/// 4 times, has a distinct key sum. Found by an offline greedy search (each key the
/// smallest integer above the previous one that keeps all sums distinct); re-checked
/// by [`check_rank_keys`] on every build. The largest 7-card sum is 18,393,157 < 2^25.
pub const RANK_KEYS: [u32; 13] = [
    1, 5, 24, 112, 521, 2247, 9244, 30823, 103066, 250154, 667453, 1526359, 3453520,
];

/// Bit where the four 4-bit suit counters start in a hand key (suit `s` at
/// `SUIT_SHIFT + 4 * s`); the low 32 bits hold the rank-key sum.
pub const SUIT_SHIFT: u32 = 32;

/// The empty hand's key: every suit counter starts at 3, so a counter's bit 3 is set
/// exactly when its suit holds at least 5 cards (at most 7 cards: counter <= 10).
pub const EMPTY_KEY: u64 = 0x3333 << SUIT_SHIFT;

/// The four counters' bit 3: a hand key ANDed with this is non-zero iff a flush exists.
pub const FLUSH_BITS: u64 = 0x8888 << SUIT_SHIFT;

/// The perfect hash has `2^ROW_BITS` rows: a rank sum's row is its low `ROW_BITS` bits,
/// its column the bits above, and its slot `column + 2 * ROW_OFFSETS[row]`.
pub const ROW_BITS: u32 = 13;

/// Number of 5-card equivalence classes (Wikipedia, "Poker probability").
pub const CLASSES: usize = 7462;

/// Category numbers used in codes, weakest first (same order as `eval::Category`).
const HIGH_CARD: u32 = 0;
const ONE_PAIR: u32 = 1;
const TWO_PAIR: u32 = 2;
const THREE_OF_A_KIND: u32 = 3;
const STRAIGHT: u32 = 4;
const FLUSH: u32 = 5;
const FULL_HOUSE: u32 = 6;
const FOUR_OF_A_KIND: u32 = 7;
const STRAIGHT_FLUSH: u32 = 8;

/// The generated tables.
pub struct Tables {
    /// `CARD_KEYS[card index]` (`rank * 4 + suit`): rank key plus a 1 in the suit's
    /// counter; padded with zeros to 256 entries so a `u8` index needs no bounds check.
    pub card_keys: Vec<u64>,
    /// `CARD_MASKS[card index]`: bit `16 * suit + rank`; padded like `card_keys`.
    pub card_masks: Vec<u64>,
    /// Row displacements in units of two slots: the slot of rank sum `k` is
    /// `(k >> ROW_BITS) + 2 * row_offsets[k & (2^ROW_BITS - 1)]`. Halved so that they
    /// fit `u16` and the whole array (16 KiB) stays in L1 beside the rank table.
    pub row_offsets: Vec<u16>,
    /// Strength of each non-flush 5..=7-card rank multiset, at its perfect-hash slot; 0 if unused.
    pub rank_table: Vec<u16>,
    /// Strength of the flush made by a 13-bit rank mask with 5..=7 bits set; 0 otherwise.
    pub flush_table: Vec<u16>,
    /// Per strength (index 0 unused): `category << 8 | primary rank << 4 | secondary rank`.
    pub info: Vec<u16>,
    /// Lowest strength of each category, weakest category first.
    pub category_min: [u16; 9],
}

/// Checks that all multisets of at most 7 ranks (each at most 4 times) have distinct
/// rank-key sums, and returns the largest sum.
///
/// # Panics
/// If two sums coincide.
pub fn check_rank_keys() -> u32 {
    let mut sums: Vec<u32> = Vec::new();
    for_each_multiset(0, 7, &mut |counts| sums.push(rank_sum(counts)));
    assert_eq!(sums.len(), 76_155, "multisets of <= 7 ranks");
    sums.sort_unstable();
    assert!(sums.windows(2).all(|w| w[0] != w[1]), "rank keys collide");
    *sums.last().unwrap()
}

/// Calls `f` with the rank counts of every multiset of `min..=max` ranks, each rank at
/// most 4 times.
pub fn for_each_multiset(min: u32, max: u32, f: &mut dyn FnMut(&[u8; 13])) {
    fn rec(
        rank: usize,
        left: u32,
        min_total: u32,
        counts: &mut [u8; 13],
        f: &mut dyn FnMut(&[u8; 13]),
    ) {
        if rank == 13 {
            let total: u32 = counts.iter().map(|&c| c as u32).sum();
            if total >= min_total {
                f(counts);
            }
            return;
        }
        for c in 0..=left.min(4) {
            counts[rank] = c as u8;
            rec(rank + 1, left - c, min_total, counts, f);
        }
        counts[rank] = 0;
    }
    rec(0, max, min, &mut [0; 13], f);
}

/// The rank-key sum of a multiset given by its rank counts.
pub fn rank_sum(counts: &[u8; 13]) -> u32 {
    counts
        .iter()
        .zip(RANK_KEYS)
        .map(|(&c, k)| c as u32 * k)
        .sum()
}

/// Packs a category and up to five tie-break ranks (most significant first).
fn code(category: u32, ranks: &[u32]) -> u32 {
    let mut code = category;
    for i in 0..5 {
        code = code << 4 | ranks.get(i).copied().unwrap_or(0);
    }
    code
}

/// High card (rank) of the best straight among the ranks in `present` (bit r = rank r),
/// A-2-3-4-5 counting as five-high.
fn straight_high(present: u32) -> Option<u32> {
    // Ace also plays low: shift it into a virtual rank -1 slot by testing the wheel.
    (4..13)
        .rev()
        .find(|&hi| (present >> (hi - 4)) & 0x1f == 0x1f)
        .or((present & 0x100f == 0x100f).then_some(3))
}

/// Ranks present in `present`, highest first.
fn ranks_desc(present: u32) -> impl Iterator<Item = u32> {
    (0..13).rev().filter(move |&r| present >> r & 1 == 1)
}

/// Code of the best 5-card hand from 5..=7 cards of one suit, given as a 13-bit mask.
pub fn best_flush(mask: u32) -> u32 {
    match straight_high(mask) {
        Some(hi) => code(STRAIGHT_FLUSH, &[hi]),
        None => code(FLUSH, &ranks_desc(mask).take(5).collect::<Vec<_>>()),
    }
}

/// Code of the best 5-card hand from 5..=7 cards, no five of one suit, given by rank counts.
pub fn best_non_flush(counts: &[u8; 13]) -> u32 {
    let with = |n: u8| -> u32 {
        (0..13)
            .filter(|&r| counts[r] >= n)
            .fold(0, |m, r| m | 1 << r)
    };
    let (any, pairs, trips, quads) = (with(1), with(2), with(3), with(4));
    let top = |set: u32, n: usize, except: &[u32]| -> Vec<u32> {
        ranks_desc(set)
            .filter(|r| !except.contains(r))
            .take(n)
            .collect()
    };
    if let Some(&q) = top(quads, 1, &[]).first() {
        return code(FOUR_OF_A_KIND, &[q, top(any, 1, &[q])[0]]);
    }
    if let Some(&t) = top(trips, 1, &[]).first()
        && let Some(&p) = top(pairs, 1, &[t]).first()
    {
        return code(FULL_HOUSE, &[t, p]);
    }
    if let Some(hi) = straight_high(any) {
        return code(STRAIGHT, &[hi]);
    }
    if let Some(&t) = top(trips, 1, &[]).first() {
        let mut ranks = vec![t];
        ranks.extend(top(any, 2, &[t]));
        return code(THREE_OF_A_KIND, &ranks);
    }
    let p = top(pairs, 2, &[]);
    if p.len() == 2 {
        return code(TWO_PAIR, &[p[0], p[1], top(any, 1, &p)[0]]);
    }
    if p.len() == 1 {
        let mut ranks = p.clone();
        ranks.extend(top(any, 3, &p));
        return code(ONE_PAIR, &ranks);
    }
    code(HIGH_CARD, &top(any, 5, &[]))
}

/// Builds every table and checks it.
///
/// # Panics
/// If a self-check fails: rank keys collide, the number of 5-card classes is not
/// 7,462, the per-category class counts differ from the textbook ones, or the perfect
/// hash maps two rank multisets to one slot.
pub fn generate() -> Tables {
    check_rank_keys();

    // All 5-card classes: non-flush rank multisets of 5 cards, plus 5-card flush masks.
    let mut codes: Vec<u32> = Vec::new();
    for_each_multiset(5, 5, &mut |counts| codes.push(best_non_flush(counts)));
    for mask in 0u32..8192 {
        if mask.count_ones() == 5 {
            codes.push(best_flush(mask));
        }
    }
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), CLASSES, "5-card equivalence classes");
    let strength = |c: u32| codes.binary_search(&c).expect("class of a 5-card hand") as u16 + 1;

    // Classes per category (Wikipedia, "Poker probability", 5-card distinct hands).
    let mut per_category = [0usize; 9];
    for &c in &codes {
        per_category[(c >> 20) as usize] += 1;
    }
    assert_eq!(
        per_category,
        [1277, 2860, 858, 858, 10, 1277, 156, 156, 10],
        "classes per category"
    );
    let mut category_min = [0u16; 9];
    for (cat, min) in category_min.iter_mut().enumerate() {
        *min = codes
            .iter()
            .position(|&c| (c >> 20) as usize == cat)
            .unwrap() as u16
            + 1;
    }

    let info: Vec<u16> = std::iter::once(0)
        .chain(codes.iter().map(|&c| (c >> 12) as u16))
        .collect();

    let flush_table: Vec<u16> = (0u32..8192)
        .map(|m| {
            if (5..=7).contains(&m.count_ones()) {
                strength(best_flush(m))
            } else {
                0
            }
        })
        .collect();

    // Non-flush rank multisets of 5..=7 cards and their strengths, bucketed into rows.
    let mut entries: Vec<(u32, u16)> = Vec::new();
    for_each_multiset(5, 7, &mut |counts| {
        entries.push((rank_sum(counts), strength(best_non_flush(counts))))
    });
    assert_eq!(
        entries.len(),
        6175 + 18395 + 49205,
        "multisets of 5..=7 ranks"
    );
    let rows = 1usize << ROW_BITS;
    let row_of = |k: u32| (k & ((1 << ROW_BITS) - 1)) as usize;
    let mut by_row: Vec<Vec<u32>> = vec![Vec::new(); rows];
    for &(k, _) in &entries {
        by_row[row_of(k)].push(k >> ROW_BITS);
    }
    // First-fit decreasing row displacement (Tarjan & Yao; as in OMPEval): rows with
    // most entries first, each at the lowest base where its columns hit free slots.
    let mut order: Vec<usize> = (0..rows).filter(|&r| !by_row[r].is_empty()).collect();
    order.sort_by_key(|&r| (std::cmp::Reverse(by_row[r].len()), r));
    let mut used: Vec<bool> = Vec::new();
    let mut row_offsets = vec![0u16; rows];
    let mut first_free = 0usize;
    for &r in &order {
        let cols = &by_row[r];
        let need = first_free + 1 + *cols.iter().max().unwrap() as usize;
        if used.len() < need {
            used.resize(need, false);
        }
        // Even bases only: offsets are stored halved (see `Tables::row_offsets`).
        let mut b = first_free.saturating_sub(cols[0] as usize) & !1;
        while cols
            .iter()
            .any(|&c| used.get(b + c as usize) == Some(&true))
        {
            b += 2;
        }
        for &c in cols {
            let slot = b + c as usize;
            if used.len() <= slot {
                used.resize(slot + 1, false);
            }
            used[slot] = true;
        }
        while used.get(first_free) == Some(&true) {
            first_free += 1;
        }
        row_offsets[r] = u16::try_from(b / 2).expect("row offsets fit u16 when halved");
    }
    while used.last() == Some(&false) {
        used.pop();
    }
    // Padded to a power of two so the lookup can mask its index instead of
    // bounds-checking it (the padding is never read: every key hashes below `used`).
    let mut rank_table = vec![0u16; used.len().next_power_of_two()];
    for &(k, s) in &entries {
        let slot = (k >> ROW_BITS) as usize + 2 * row_offsets[row_of(k)] as usize;
        assert_eq!(rank_table[slot], 0, "perfect hash collision");
        rank_table[slot] = s;
    }

    let card_keys: Vec<u64> = (0..256)
        .map(|i| {
            if i < 52 {
                RANK_KEYS[i / 4] as u64 | 1 << (SUIT_SHIFT + 4 * (i as u32 % 4))
            } else {
                0
            }
        })
        .collect();
    let card_masks: Vec<u64> = (0..256)
        .map(|i| {
            if i < 52 {
                1 << (16 * (i % 4) + i / 4)
            } else {
                0
            }
        })
        .collect();

    Tables {
        card_keys,
        card_masks,
        row_offsets,
        rank_table,
        flush_table,
        info,
        category_min,
    }
}

/// Rust source for the tables, as `include!`d by `src/eval/mod.rs`.
pub fn to_rust(t: &Tables) -> String {
    use std::fmt::Write;
    let mut s = String::from("// Generated by build.rs from src/eval/table_gen.rs. Do not edit.\n");
    let mut array = |name: &str, ty: &str, values: Vec<String>| {
        writeln!(s, "static {name}: [{ty}; {}] = [", values.len()).unwrap();
        for line in values.chunks(16) {
            writeln!(s, "    {},", line.join(", ")).unwrap();
        }
        writeln!(s, "];").unwrap();
    };
    let str_all = |v: &[u16]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    array(
        "CARD_KEYS",
        "u64",
        t.card_keys.iter().map(|x| format!("{x:#x}")).collect(),
    );
    array(
        "CARD_MASKS",
        "u64",
        t.card_masks.iter().map(|x| format!("{x:#x}")).collect(),
    );
    array(
        "ROW_OFFSETS",
        "u16",
        t.row_offsets.iter().map(|x| x.to_string()).collect(),
    );
    array("RANK_TABLE", "u16", str_all(&t.rank_table));
    array("FLUSH_TABLE", "u16", str_all(&t.flush_table));
    array("INFO", "u16", str_all(&t.info));
    writeln!(s, "const CATEGORY_MIN: [u16; 9] = {:?};", t.category_min).unwrap();
    s
}

/// Total bytes of the tables used at run time.
pub fn table_bytes(t: &Tables) -> usize {
    t.card_keys.len() * 8
        + t.card_masks.len() * 8
        + t.row_offsets.len() * 2
        + t.rank_table.len() * 2
        + t.flush_table.len() * 2
        + t.info.len() * 2
}
