//! What a run is: [`RunConfig`], built only through [`RunConfig::new`], which checks
//! every value of [`RunSettings`] and names the bad one ([`ConfigError`]).
//!
//! Nothing here knows the command line: commands (and tests, and library users) fill
//! [`RunSettings`]; the messages still name the options a user types (`--stack`,
//! `--bots`), because that is where the values come from.
//!
//! Limits, each named in its error: 2 to 10 seats ([`MAX_SEATS`]); at most
//! [`MAX_DEALS`] deals; stacks at least one big blind and, over the table, within 32
//! bits; `--threads` at most [`max_threads`]; action timeouts above 0 and at most a
//! day; a run split into at most [`MAX_SHARDS`] shards, each of whole blocks
//! ([`Shard`]).

use crate::bot::MAX_SEATS;
use crate::bots::{self, BotSpec};
use crate::engine::Stakes;
use crate::history::Sample;
use std::time::Duration;

/// Hands per chunk: the unit of work and of progress. Fixed, so that results do not
/// depend on the thread count.
pub const CHUNK_HANDS: u64 = 4096;

/// The line-up used when `--bots` is not given: six seats.
pub const DEFAULT_LINEUP: &str = "tag,call,random,raise,equity,call";

/// Time an external bot has for each action unless told otherwise: Claw Poker's 10 s
/// (`../shared/reference/clawpoker-api.txt`, "10 s timeout"); Open Poker allows 120 s
/// (`openpoker-websocket-protocol.txt`, "Timeouts"), which would make a faulty bot's
/// run crawl.
pub const DEFAULT_ACTION_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest action timeout accepted: a day, in seconds.
pub const MAX_ACTION_TIMEOUT_S: f64 = 86_400.0;

/// The most deals one run may have (`--hands`, 10^12): about two days of `call,call`
/// on two cores, and far from overflowing hand indices (deals × 10 seats).
pub const MAX_DEALS: u64 = 1_000_000_000_000;

/// The most shards a run may be split into (`--shard I/N`): far above Slurm's default
/// `MaxArraySize` (1,001 array tasks) and equal to the most completions a Kubernetes
/// Indexed Job may have (10^5).
pub const MAX_SHARDS: u64 = 100_000;

/// The most worker threads a run may ask for on a machine with `cores` cores: 4 per
/// core, at least 64 (external bots spend most of their time waiting), at most 1,024.
pub fn max_threads(cores: usize) -> usize {
    (4 * cores).clamp(64, 1024)
}

/// The CPU cores this process may use (1 when the OS does not say).
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Why a run's settings were refused. Every message names the bad value and what is
/// allowed (the command line prints it after `error: ` and exits 2).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// A `--bots` entry that is neither a built-in bot nor `exec:` / `exec-claw:`.
    #[error(
        "unknown bot {entry:?} in --bots: known bots are {known}, or exec:COMMAND / exec-claw:COMMAND / ws:COMMAND / ws-claw:COMMAND"
    )]
    UnknownBot {
        /// The entry as given.
        entry: String,
        /// The built-in names, comma-separated.
        known: String,
    },
    /// An external bot whose program cannot be started.
    #[error(
        "--bots entry {entry:?}: {reason}; give a command that runs, e.g. exec:python3 bots/python/call_bot.py"
    )]
    BadCommand {
        /// The entry as given.
        entry: String,
        /// What is wrong with its program.
        reason: crate::protocol::external::ProgramError,
    },
    /// Fewer than 2 or more than [`MAX_SEATS`] seats.
    #[error("--bots {list:?} seats {seats} bot(s): a table has 2 to 10 seats")]
    SeatCount {
        /// The line-up as given.
        list: String,
        /// Seats it names.
        seats: usize,
    },
    /// An action timeout outside `(0, MAX_ACTION_TIMEOUT_S]` seconds (or not a number).
    #[error("--action-timeout {0}: give seconds, more than 0 and at most 86400")]
    ActionTimeout(f64),
    /// `--hands 0`.
    #[error("--hands 0: play at least 1 hand")]
    NoHands,
    /// More than [`MAX_DEALS`] deals.
    #[error(
        "--hands {0}: at most 1000000000000 (10^12) deals per run; split a longer run with several seeds and merge them"
    )]
    TooManyHands(u64),
    /// A blind of 0 chips.
    #[error("--small-blind {small} --big-blind {big}: blinds must be at least 1 chip")]
    ZeroBlind {
        /// Small blind, in chips.
        small: u32,
        /// Big blind, in chips.
        big: u32,
    },
    /// The small blind above the big blind.
    #[error(
        "--small-blind {small} is larger than --big-blind {big}: the small blind may not exceed the big blind"
    )]
    SmallAboveBig {
        /// Small blind, in chips.
        small: u32,
        /// Big blind, in chips.
        big: u32,
    },
    /// `--stack` below one big blind.
    #[error(
        "--stack {stack} is below the big blind ({big} chips): stacks must be at least one big blind"
    )]
    StackBelowBigBlind {
        /// The stack, in chips.
        stack: u32,
        /// The big blind, in chips.
        big: u32,
    },
    /// `--stack` so large that the table's chips overflow 32 bits.
    #[error(
        "--stack {stack}: at most {max} chips with {seats} seats (the pot must fit in 32 bits)"
    )]
    StackTooLarge {
        /// The stack, in chips.
        stack: u32,
        /// The largest allowed, in chips.
        max: u32,
        /// Seats at the table.
        seats: usize,
    },
    /// A `--stacks` entry that is not a whole number of chips.
    #[error("--stacks {list:?}: {item:?} is not a whole number of chips")]
    StacksNotNumbers {
        /// The list as given.
        list: String,
        /// The bad entry.
        item: String,
    },
    /// A `--stacks` list with another count than the seats.
    #[error("--stacks {list:?} lists {given} stacks for {seats} seats: give one per bot")]
    StacksCount {
        /// The list as given.
        list: String,
        /// Stacks listed.
        given: usize,
        /// Seats at the table.
        seats: usize,
    },
    /// A `--stacks` entry below one big blind.
    #[error("--stacks {list:?}: {stack} is below the big blind ({big} chips)")]
    StacksBelowBigBlind {
        /// The list as given.
        list: String,
        /// The short stack, in chips.
        stack: u32,
        /// The big blind, in chips.
        big: u32,
    },
    /// `--stacks` adding up beyond 32 bits.
    #[error("--stacks {list:?}: the stacks must add up to at most 4294967295 chips")]
    StacksTooLarge {
        /// The list as given.
        list: String,
    },
    /// An unknown `--table` preset.
    #[error("--table {name:?}: known tables are {known} (holdem-arena tables lists them)")]
    UnknownTable {
        /// The name as given.
        name: String,
        /// The presets, comma-separated.
        known: String,
    },
    /// More bots than the preset's table seats.
    #[error("--table {table} seats at most {max} players: --bots lists {seats}")]
    TooManySeatsForTable {
        /// The preset.
        table: &'static str,
        /// Its seats.
        max: usize,
        /// Seats asked for.
        seats: usize,
    },
    /// A bad `--stack-range`.
    #[error("--stack-range {text:?}: {why}")]
    StackRange {
        /// The text as given.
        text: String,
        /// What is wrong and what is allowed.
        why: String,
    },
    /// `--stack-range` with `--stacks`.
    #[error("--stack-range and --stacks: give only one of them (a range draws every seat's stack)")]
    StackRangeAndStacks,
    /// `--session` out of range.
    #[error("--session {0}: a session holds 1 to {MAX_SESSION_HANDS} hands")]
    SessionHands(u64),
    /// `--duplicate permutations` with a mode it does not fit: sessions (a session's
    /// hands depend on one another, so a seat order cannot change within one) or bots
    /// behind a wire (each is started for one seat).
    #[error("--duplicate permutations with {0}")]
    PermutationsWith(&'static str),
    /// `--rebuy` or `--rebuy-cooldown` without `--session`.
    #[error(
        "{0} without --session: rebuys happen in sessions, where stacks carry over (give --session HANDS)"
    )]
    RebuyWithoutSession(&'static str),
    /// A session's buy-in outside the preset's range.
    #[error(
        "{what} with --table {table} and --session: {chips} chips is not a buy-in there; buy-ins are {min} to {max} chips ({document})"
    )]
    BuyInOutsideTable {
        /// The flag and value that sets the buy-in.
        what: String,
        /// The preset.
        table: &'static str,
        /// The buy-in asked for, in chips.
        chips: u64,
        /// The preset's smallest buy-in, in chips.
        min: u32,
        /// The preset's largest buy-in, in chips.
        max: u32,
        /// The reference document.
        document: &'static str,
    },
    /// `--block-deals 0`.
    #[error("--block-deals 0: a block holds at least 1 deal")]
    NoBlockDeals,
    /// `--history-every 0`.
    #[error("--history-every 0: give at least 1")]
    HistoryEveryZero,
    /// `--threads 0`.
    #[error("--threads 0: use at least 1 thread")]
    NoThreads,
    /// A `--shard` that is not `INDEX/COUNT`.
    #[error(
        "--shard {0:?}: give INDEX/COUNT, e.g. 3/64 (index 0 to COUNT-1), or auto (from a Slurm job array or a Kubernetes Indexed Job)"
    )]
    BadShard(String),
    /// A shard index not below the shard count.
    #[error("--shard {index}/{count}: the index runs from 0 to {}", count.saturating_sub(1))]
    ShardIndex {
        /// The index given.
        index: u64,
        /// The shard count given.
        count: u64,
    },
    /// A run split into 0 or more than [`MAX_SHARDS`] shards.
    #[error("--shard {index}/{count}: split a run into 1 to 100000 shards")]
    ShardCount {
        /// The index given.
        index: u64,
        /// The shard count given.
        count: u64,
    },
    /// More shards than blocks: a shard plays whole blocks, so some would be empty.
    #[error(
        "--shard {index}/{count}: {deals} deals in blocks of {block_deals} make {blocks} block(s), and each shard plays whole blocks; split the run into at most {blocks} shards"
    )]
    ShardsAboveBlocks {
        /// The index given.
        index: u64,
        /// The shard count given.
        count: u64,
        /// The run's deals (`--hands`).
        deals: u64,
        /// Deals per block (`--block-deals`).
        block_deals: u64,
        /// Blocks of the run.
        blocks: u64,
    },
    /// More threads than [`max_threads`] allows.
    #[error(
        "--threads {threads}: at most {max} on this machine ({cores} cores; more threads than that only add start-up cost)"
    )]
    TooManyThreads {
        /// Threads asked for.
        threads: usize,
        /// The most allowed here.
        max: usize,
        /// The machine's cores.
        cores: usize,
    },
}

/// The bots of a table, seat 0 first: 2 to [`MAX_SEATS`] entries, each a built-in bot
/// or a bot behind a wire. Parsed once from `--bots`; commands that build line-ups
/// (`compare`, `gate`) make them from entries directly.
#[derive(Clone, Debug)]
pub struct Lineup(Vec<BotSpec>);

impl Lineup {
    /// Parses `--bots`: comma-separated entries (see [`Lineup::from_entries`]).
    ///
    /// # Errors
    /// As [`Lineup::from_entries`], naming `list`.
    pub fn parse(list: &str) -> Result<Lineup, ConfigError> {
        let entries: Vec<&str> = list.split(',').collect();
        Lineup::from_entries(&entries).map_err(|e| match e {
            ConfigError::SeatCount { seats, .. } => ConfigError::SeatCount {
                list: list.to_string(),
                seats,
            },
            other => other,
        })
    }

    /// A line-up from its entries, seat 0 first. An entry is a registered name,
    /// `exec:COMMAND` (Open Poker over JSON lines), `exec-claw:COMMAND` (Claw Poker),
    /// `ws:COMMAND` or `ws-claw:COMMAND` (the same dialects over a WebSocket to the
    /// embedded server).
    /// An external bot is named after its command (`call_bot` for `exec:python3
    /// bots/python/call_bot.py`); when that short name is a built-in name or is shared
    /// by a different command, the whole entry (`exec:...`) is its name instead.
    /// External bots get [`DEFAULT_ACTION_TIMEOUT`] (see [`Lineup::set_action_timeout`]).
    ///
    /// # Errors
    /// An unknown name (listing the known ones), an exec command whose program is not
    /// found or cannot run, or a seat count outside 2..=10.
    pub fn from_entries(entries: &[&str]) -> Result<Lineup, ConfigError> {
        let mut lineup = Vec::new();
        #[cfg(unix)]
        let mut exec_names: Vec<(String, String)> = Vec::new(); // (entry, short name)
        for entry in entries {
            let entry = entry.trim();
            #[cfg(unix)]
            {
                use crate::protocol::external::{ExternalSpec, parse_entry};
                let exec = parse_entry(entry);
                if let Some((dialect, transport, command)) = exec {
                    let spec = ExternalSpec {
                        command: command.trim().to_string(),
                        dialect,
                        transport,
                        name: String::new(),
                        action_timeout: DEFAULT_ACTION_TIMEOUT,
                        reconnect_window: crate::protocol::external::DEFAULT_RECONNECT_WINDOW,
                        stderr_dir: None,
                        lean: false,
                    };
                    spec.check_program()
                        .map_err(|reason| ConfigError::BadCommand {
                            entry: entry.to_string(),
                            reason,
                        })?;
                    exec_names.push((entry.to_string(), ExternalSpec::short_name(&spec.command)));
                    lineup.push(BotSpec::Exec(spec));
                    continue;
                }
            }
            let info = bots::find(entry).ok_or_else(|| ConfigError::UnknownBot {
                entry: entry.to_string(),
                known: known_bots(),
            })?;
            lineup.push(BotSpec::BuiltIn(info));
        }
        #[cfg(unix)]
        {
            let mut names = exec_names.iter();
            for spec in &mut lineup {
                if let BotSpec::Exec(e) = spec {
                    let Some((entry, short)) = names.next() else {
                        break;
                    };
                    let ambiguous = bots::find(short).is_some()
                        || exec_names.iter().any(|(o, s)| s == short && o != entry);
                    let name = if ambiguous { entry } else { short };
                    e.name.clone_from(name);
                }
            }
        }
        if !(2..=MAX_SEATS).contains(&lineup.len()) {
            return Err(ConfigError::SeatCount {
                list: entries.join(","),
                seats: lineup.len(),
            });
        }
        Ok(Lineup(lineup))
    }

    /// A line-up of already made seat specs (`serve`'s connected bots and house bots),
    /// seat 0 first.
    ///
    /// # Errors
    /// A seat count outside 2..=10.
    pub fn from_specs(specs: Vec<BotSpec>) -> Result<Lineup, ConfigError> {
        if !(2..=MAX_SEATS).contains(&specs.len()) {
            return Err(ConfigError::SeatCount {
                list: specs.iter().map(|s| s.name()).collect::<Vec<_>>().join(","),
                seats: specs.len(),
            });
        }
        Ok(Lineup(specs))
    }

    /// The seats' bots behind a wire (`exec:`, `ws:`), to set their options.
    #[cfg(unix)]
    fn externals(&mut self) -> impl Iterator<Item = &mut crate::protocol::external::ExternalSpec> {
        self.0.iter_mut().filter_map(|spec| match spec {
            BotSpec::Exec(e) => Some(e),
            _ => None,
        })
    }

    /// Gives every WebSocket bot `window` to reconnect after a dropped connection.
    pub fn set_reconnect_window(&mut self, window: Duration) {
        #[cfg(unix)]
        self.externals().for_each(|e| e.reconnect_window = window);
        #[cfg(not(unix))]
        let _ = window;
    }

    /// Makes every external bot's wire lean or full (`--lean-wire`, see
    /// [`crate::protocol::external::ExternalSpec`]'s `lean`).
    pub fn set_lean_wire(&mut self, lean: bool) {
        #[cfg(unix)]
        self.externals().for_each(|e| e.lean = lean);
        #[cfg(not(unix))]
        let _ = lean;
    }

    /// Gives every external bot `timeout` per action.
    pub fn set_action_timeout(&mut self, timeout: Duration) {
        #[cfg(unix)]
        self.externals().for_each(|e| e.action_timeout = timeout);
        #[cfg(not(unix))]
        let _ = timeout;
    }

    /// The seats' bots, seat 0 first.
    pub fn seats(&self) -> &[BotSpec] {
        &self.0
    }

    /// Seats at the table (2 to 10).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: a line-up has at least 2 seats.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The built-in bots' names, comma-separated.
pub fn known_bots() -> String {
    bots::BUILT_IN
        .iter()
        .map(|b| b.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A platform's table, as its documents give it: blinds, seats, buy-in range, the
/// stack a bot sits down with, and how long a bot behind a wire has per action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TablePreset {
    /// The name `--table` takes.
    pub name: &'static str,
    /// Small blind, in chips.
    pub small_blind_chips: u32,
    /// Big blind, in chips.
    pub big_blind_chips: u32,
    /// The most seats at the table.
    pub max_seats: usize,
    /// The smallest buy-in, in chips.
    pub min_buy_in_chips: u32,
    /// The largest buy-in, in chips.
    pub max_buy_in_chips: u32,
    /// The stack every seat starts with unless `--stack` says otherwise, in chips.
    pub default_stack_chips: u32,
    /// Seconds a bot behind a wire has per action unless `--action-timeout` says
    /// otherwise.
    pub action_timeout_s: u32,
    /// Where the numbers come from.
    pub source: &'static str,
}

/// The platforms' tables, in the order `holdem-arena tables` lists them.
///
/// - `openpoker`: `../shared/reference/openpoker-websocket-protocol.txt` (blinds 10/20
///   in its `table_state` example; `join_lobby` buy-in 1,000–5,000, default 2,000;
///   120-second action timeout) and `openpoker-auto-rebuy.txt` (stacks carry over;
///   below the big blind a bot is busted). The document names no seat limit; the
///   engine's 10 apply.
/// - `claw-*`: `../shared/reference/clawpoker-api.txt`, "Table Tiers" (Shallow 1/2 with
///   100–400, Lobster Pool 5/10 with 500–2,000, Deep Sea 25/50 with 2,500–10,000; 6
///   seats), "buy-in capped at the table's max" (so an agent sits down with the
///   maximum: its 10,000 starting chips exceed every cap but Deep Sea's), and the
///   10-second action timeout.
pub const TABLE_PRESETS: [TablePreset; 4] = [
    TablePreset {
        name: "openpoker",
        small_blind_chips: 10,
        big_blind_chips: 20,
        max_seats: MAX_SEATS,
        min_buy_in_chips: 1000,
        max_buy_in_chips: 5000,
        default_stack_chips: 2000,
        action_timeout_s: 120,
        source: "openpoker-websocket-protocol.txt, openpoker-auto-rebuy.txt",
    },
    TablePreset {
        name: "claw-shallow",
        small_blind_chips: 1,
        big_blind_chips: 2,
        max_seats: 6,
        min_buy_in_chips: 100,
        max_buy_in_chips: 400,
        default_stack_chips: 400,
        action_timeout_s: 10,
        source: "clawpoker-api.txt, Table Tiers: Shallow",
    },
    TablePreset {
        name: "claw-lobster-pool",
        small_blind_chips: 5,
        big_blind_chips: 10,
        max_seats: 6,
        min_buy_in_chips: 500,
        max_buy_in_chips: 2000,
        default_stack_chips: 2000,
        action_timeout_s: 10,
        source: "clawpoker-api.txt, Table Tiers: Lobster Pool",
    },
    TablePreset {
        name: "claw-deep-sea",
        small_blind_chips: 25,
        big_blind_chips: 50,
        max_seats: 6,
        min_buy_in_chips: 2500,
        max_buy_in_chips: 10000,
        default_stack_chips: 10000,
        action_timeout_s: 10,
        source: "clawpoker-api.txt, Table Tiers: Deep Sea",
    },
];

/// The preset called `name`.
///
/// # Errors
/// [`ConfigError::UnknownTable`] listing the known presets.
pub fn table_preset(name: &str) -> Result<&'static TablePreset, ConfigError> {
    TABLE_PRESETS
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| ConfigError::UnknownTable {
            name: name.to_string(),
            known: TABLE_PRESETS
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// What the table options ask for: a preset and the flags given explicitly (each
/// `None` when not given), before [`TableRequest::resolve`] applies defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableRequest {
    /// `--table`: a preset's name.
    pub preset: Option<String>,
    /// `--small-blind`, in chips.
    pub small_blind_chips: Option<u32>,
    /// `--big-blind`, in chips.
    pub big_blind_chips: Option<u32>,
    /// `--ante`, in chips.
    pub ante_chips: Option<u32>,
    /// `--stack`, in chips.
    pub stack_chips: Option<u32>,
    /// `--stacks`: per-seat chips, comma-separated.
    pub stacks: Option<String>,
    /// `--stack-range`: `MIN..MAX` in chips or `20bb..200bb`.
    pub stack_range: Option<String>,
    /// `--session`: hands per session.
    pub session_hands: Option<u64>,
    /// `--rebuy`.
    pub rebuy: Option<Rebuy>,
    /// `--rebuy-cooldown`, in hands.
    pub rebuy_cooldown_hands: Option<u32>,
    /// `--lean-wire`.
    pub lean_wire: bool,
}

impl TableRequest {
    /// The table: explicit flags first, then the preset's numbers, then Open Poker's
    /// defaults (blinds 10/20, 2,000 chips, no ante).
    ///
    /// # Errors
    /// [`ConfigError::UnknownTable`] for an unknown preset.
    pub fn resolve(&self) -> Result<TableSettings, ConfigError> {
        let preset = self.preset.as_deref().map(table_preset).transpose()?;
        let base = TableSettings::default();
        Ok(TableSettings {
            small_blind_chips: self
                .small_blind_chips
                .or(preset.map(|p| p.small_blind_chips))
                .unwrap_or(base.small_blind_chips),
            big_blind_chips: self
                .big_blind_chips
                .or(preset.map(|p| p.big_blind_chips))
                .unwrap_or(base.big_blind_chips),
            ante_chips: self.ante_chips.unwrap_or(0),
            stack_chips: self
                .stack_chips
                .or(preset.map(|p| p.default_stack_chips))
                .unwrap_or(base.stack_chips),
            stacks: self.stacks.clone(),
            stack_range: self.stack_range.clone(),
            preset,
            session_hands: self.session_hands,
            rebuy: self.rebuy,
            rebuy_cooldown_hands: self.rebuy_cooldown_hands,
            lean_wire: self.lean_wire,
        })
    }
}

/// Seat stacks drawn per deal (`--stack-range`): every seat's starting stack is a
/// whole number of big blinds, uniform over `min_bb..=max_bb`, drawn from (run seed,
/// deal index, seat) ([`crate::deal::Dealer`]), so the depths are the same for every
/// line-up on the same seed, and with duplicate deals they travel with the cards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StackRange {
    /// The shallowest stack, in big blinds (at least 1).
    pub min_bb: u32,
    /// The deepest stack, in big blinds (at least `min_bb`).
    pub max_bb: u32,
}

impl StackRange {
    /// Parses `MIN..MAX` in chips (`400..4000`) or big blinds (`20bb..200bb`): a range
    /// in chips keeps the whole big blinds inside it.
    ///
    /// # Errors
    /// [`ConfigError::StackRange`] naming the text and what is allowed.
    pub fn parse(
        text: &str,
        big_blind_chips: u32,
        seats: usize,
    ) -> Result<StackRange, ConfigError> {
        let bad = |why: &str| ConfigError::StackRange {
            text: text.to_string(),
            why: why.to_string(),
        };
        let (lo, hi) = text
            .split_once("..")
            .ok_or_else(|| bad("give MIN..MAX in chips or big blinds, e.g. 20bb..200bb"))?;
        let side = |t: &str| -> Result<(u64, bool), ConfigError> {
            let t = t.trim();
            let (num, bb) = match t.strip_suffix("bb") {
                Some(n) => (n, true),
                None => (t, false),
            };
            num.trim().parse::<u64>().map(|n| (n, bb)).map_err(|_| {
                bad(&format!(
                    "{t:?} is not a whole number of chips or big blinds"
                ))
            })
        };
        let ((lo, lo_bb), (hi, hi_bb)) = (side(lo)?, side(hi)?);
        let big = u64::from(big_blind_chips.max(1));
        let min_bb = if lo_bb { lo } else { lo.div_ceil(big) };
        let max_bb = if hi_bb { hi } else { hi / big };
        if min_bb == 0 || max_bb == 0 {
            return Err(bad(&format!(
                "a stack must be at least one big blind ({big} chips)"
            )));
        }
        if min_bb > max_bb {
            return Err(bad(
                "MIN is above MAX (or no whole big blind lies between them)",
            ));
        }
        let most = u64::from(u32::MAX) / seats.max(1) as u64;
        if max_bb.saturating_mul(big) > most {
            return Err(bad(&format!(
                "at most {most} chips a seat with {seats} seats (the pot must fit in 32 bits)"
            )));
        }
        Ok(StackRange {
            min_bb: min_bb as u32,
            max_bb: max_bb as u32,
        })
    }
}

/// The most hands in one session (`--session`): a million.
pub const MAX_SESSION_HANDS: u64 = 1_000_000;

/// What a busted seat does in a session (`--rebuy`), after
/// `../shared/reference/openpoker-auto-rebuy.txt`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Rebuy {
    /// The platform's auto-rebuy: the seat sits out, then buys in again (the first
    /// rebuy of a session at once, later ones after the cooldown).
    Auto,
    /// The seat sits out for the rest of the session.
    Never,
}

/// A checked session mode (`--session`): stacks carry over from hand to hand for
/// `hands` hands. A seat whose stack is below the big blind after settlement busts
/// (`openpoker-auto-rebuy.txt`, step 1): it leaves the table with what is left and
/// sits out; with [`Rebuy::Auto`] it buys in again with its starting stack, at once
/// for its first rebuy of the session and `cooldown_hands` hands later for the next
/// ones (the document's "the first rebuy is instant; later rebuys use a flat
/// cooldown", counted in hands offline). A hand with fewer than two seated players
/// is not dealt (the table waits; cooldowns still run); with [`Rebuy::Never`] the
/// session ends when one player is left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionRules {
    /// Hands per session, 1 to [`MAX_SESSION_HANDS`].
    pub hands: u32,
    /// What a busted seat does.
    pub rebuy: Rebuy,
    /// Hands a busted seat waits before a rebuy after its first, in hands.
    pub cooldown_hands: u32,
}

/// Deals per chunk (see [`RunConfig::chunk_deals`]).
fn chunk_deals(session: Option<SessionRules>) -> u64 {
    session.map_or(CHUNK_HANDS, |s| (CHUNK_HANDS / u64::from(s.hands)).max(1))
}

/// Checks the session options of `table` (with its drawn or per-seat stacks): rebuy options need a session, and with a preset every buy-in must be
/// one of its buy-ins (`openpoker-websocket-protocol.txt`'s `join_lobby`: 1,000 to
/// 5,000; `clawpoker-api.txt`: capped at the tier's maximum).
fn check_session(
    table: &TableSettings,
    stack_range: Option<StackRange>,
    seat_stacks: Option<&[u32]>,
) -> Result<Option<SessionRules>, ConfigError> {
    let Some(hands) = table.session_hands else {
        if table.rebuy.is_some() {
            return Err(ConfigError::RebuyWithoutSession("--rebuy"));
        }
        if table.rebuy_cooldown_hands.is_some() {
            return Err(ConfigError::RebuyWithoutSession("--rebuy-cooldown"));
        }
        return Ok(None);
    };
    if hands == 0 || hands > MAX_SESSION_HANDS {
        return Err(ConfigError::SessionHands(hands));
    }
    if let Some(p) = table.preset {
        let big = u64::from(table.big_blind_chips);
        let buy_ins: Vec<(String, u64)> = match (stack_range, seat_stacks) {
            (Some(r), _) => vec![
                (
                    format!("--stack-range {}bb..", r.min_bb),
                    u64::from(r.min_bb) * big,
                ),
                (
                    format!("--stack-range ..{}bb", r.max_bb),
                    u64::from(r.max_bb) * big,
                ),
            ],
            (None, Some(list)) => list
                .iter()
                .map(|&c| (format!("--stacks {c}"), u64::from(c)))
                .collect(),
            (None, None) => vec![(
                format!("--stack {}", table.stack_chips),
                u64::from(table.stack_chips),
            )],
        };
        for (what, chips) in buy_ins {
            if chips < u64::from(p.min_buy_in_chips) || chips > u64::from(p.max_buy_in_chips) {
                return Err(ConfigError::BuyInOutsideTable {
                    what,
                    table: p.name,
                    chips,
                    min: p.min_buy_in_chips,
                    max: p.max_buy_in_chips,
                    document: p.source,
                });
            }
        }
    }
    Ok(Some(SessionRules {
        hands: hands as u32,
        rebuy: table.rebuy.unwrap_or(Rebuy::Auto),
        cooldown_hands: table.rebuy_cooldown_hands.unwrap_or(0),
    }))
}

/// The table a run plays at, before it is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSettings {
    /// Small blind, in chips.
    pub small_blind_chips: u32,
    /// Big blind, in chips.
    pub big_blind_chips: u32,
    /// Ante per player, in chips (0: none).
    pub ante_chips: u32,
    /// Every seat's stack at the start of every hand, in chips.
    pub stack_chips: u32,
    /// Per-seat starting stacks as `--stacks` gives them (comma-separated chips, seat
    /// 0 first); replaces `stack_chips` when present.
    pub stacks: Option<String>,
    /// `--stack-range` as given (`MIN..MAX`, chips or `bb`): stacks drawn per deal;
    /// replaces `stack_chips` when present.
    pub stack_range: Option<String>,
    /// The platform preset the table follows (`--table`), if any: its seat limit and
    /// action timeout apply.
    pub preset: Option<&'static TablePreset>,
    /// `--session`: hands per session (stacks carry over), 1 to [`MAX_SESSION_HANDS`].
    pub session_hands: Option<u64>,
    /// `--rebuy`: what a busted seat does (default [`Rebuy::Auto`]); only with sessions.
    pub rebuy: Option<Rebuy>,
    /// `--rebuy-cooldown`: hands a busted seat waits before a later rebuy (default 0);
    /// only with sessions.
    pub rebuy_cooldown_hands: Option<u32>,
    /// `--lean-wire`: Open Poker bots behind a wire get no `table_state` and no V2
    /// envelope (`ExternalSpec::lean`).
    pub lean_wire: bool,
}

impl Default for TableSettings {
    /// Open Poker's table: blinds 10/20, no ante, 2,000 chips (100 big blinds).
    fn default() -> TableSettings {
        TableSettings {
            small_blind_chips: 10,
            big_blind_chips: 20,
            ante_chips: 0,
            stack_chips: 2000,
            stacks: None,
            stack_range: None,
            preset: None,
            session_hands: None,
            rebuy: None,
            rebuy_cooldown_hands: None,
            lean_wire: false,
        }
    }
}

/// How a duplicate run (`--duplicate MODE`) replays each deal; see [`crate::sim`]'s
/// "Duplicate deals".
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum DuplicateMode {
    /// Once per rotation of the line-up around the table (the ACPC's duplicate
    /// matches): `seats` hands a deal, the bots in fixed seats, the cards rotated.
    #[default]
    Rotations,
    /// Once per rotation of a cyclic arrangement of the line-up that changes deal by
    /// deal, the bots moving and the cards staying ([`crate::league::Seatings`]):
    /// `seats` hands a deal, and every `(seats − 1)!` consecutive deals play every
    /// seating once.
    Permutations,
}

impl DuplicateMode {
    /// The mode's name as `--duplicate` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateMode::Rotations => "rotations",
            DuplicateMode::Permutations => "permutations",
        }
    }

    /// Table hands per deal at `seats` seats: the seat count in either mode.
    pub fn orders(self, seats: usize) -> usize {
        seats
    }
}

/// What a user asks a run to be, before it is checked by [`RunConfig::new`].
#[derive(Clone, Debug)]
pub struct RunSettings {
    /// The bots, seat 0 first.
    pub lineup: Lineup,
    /// Deals to play (`--hands`; each deal is one hand, or one per rotation or seat
    /// order with `duplicate`), 1 to [`MAX_DEALS`].
    pub deals: u64,
    /// Run seed.
    pub seed: u64,
    /// Worker threads (`None`: one per core), 1 to [`max_threads`].
    pub threads: Option<usize>,
    /// Blinds, ante and stacks.
    pub table: TableSettings,
    /// Duplicate deals (`None`: plain deals): every deal once per rotation of the
    /// line-up, or once per seat order ([`DuplicateMode`]).
    pub duplicate: Option<DuplicateMode>,
    /// Deals per block of `blocks.csv`, at least 1.
    pub block_deals: u64,
    /// Compute the all-in-adjusted results.
    pub allin_adjust: bool,
    /// Which hands get a PHH hand history (`None`: none).
    pub history: Option<Sample>,
    /// Seconds each external bot has per action, in `(0, 86400]` (`None`: the preset's,
    /// else [`DEFAULT_ACTION_TIMEOUT`]).
    pub action_timeout_s: Option<f64>,
}

impl RunSettings {
    /// The defaults of `holdem-arena run` for `lineup`, `hands` and `seed`: Open
    /// Poker's table, one thread per core, plain deals in blocks of 1,000, the all-in
    /// adjustment on, no hand histories, [`DEFAULT_ACTION_TIMEOUT`].
    pub fn new(lineup: Lineup, deals: u64, seed: u64) -> RunSettings {
        RunSettings {
            lineup,
            deals,
            seed,
            threads: None,
            table: TableSettings::default(),
            duplicate: None,
            block_deals: crate::blocks::DEFAULT_BLOCK_DEALS,
            allin_adjust: true,
            history: None,
            action_timeout_s: None,
        }
    }
}

/// A checked run: what to simulate. Made by [`RunConfig::new`].
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// The bot in each seat, seat 0 first (2 to 10 seats).
    pub lineup: Vec<BotSpec>,
    /// Deals to play (`--hands`), 1 to [`MAX_DEALS`]: table hands are
    /// [`RunConfig::hands_played`].
    pub deals: u64,
    /// Run seed: with the hand index it fixes every card and every bot's randomness.
    pub seed: u64,
    /// Worker threads, at least 1 (never more than the run's chunks of
    /// [`CHUNK_HANDS`] deals).
    pub threads: usize,
    /// Blinds and ante, in chips.
    pub stakes: Stakes,
    /// Every seat's stack at the start of every hand, in chips.
    pub stack_chips: u32,
    /// Duplicate deals (see [`crate::sim`]; `None`: plain deals): every deal once per
    /// rotation of the line-up or per seat order ([`DuplicateMode`]); then `deals`
    /// counts deals and [`RunConfig::rotations`] hands are played per deal.
    pub duplicate: Option<DuplicateMode>,
    /// Deals per block of `blocks.csv` (at least 1).
    pub block_deals: u64,
    /// Compute the all-in-adjusted results ([`crate::allin_ev`]). Off, hands that
    /// close all-in before the river cost nothing extra and the adjusted results equal
    /// the real ones (reports leave the adjusted columns empty).
    pub allin_adjust: bool,
    /// Per-seat starting stacks in chips, seat 0 first, overriding `stack_chips`.
    pub seat_stacks: Option<Vec<u32>>,
    /// Stacks drawn per deal (`--stack-range`), overriding `stack_chips`.
    pub stack_range: Option<StackRange>,
    /// The platform table preset (`--table`), if any.
    pub table: Option<&'static str>,
    /// Which hands get a PHH hand history (`None`: none, and no cost).
    pub history: Option<Sample>,
    /// Sessions (`--session`): then a deal is a session of
    /// [`SessionRules::hands`] hands in which stacks carry over, and `deals` counts
    /// sessions. `None`: every hand starts from the configured stacks.
    pub session: Option<SessionRules>,
}

impl RunConfig {
    /// Checks `settings` and makes the run's configuration.
    ///
    /// # Errors
    /// The first bad value, as a [`ConfigError`] naming it and what is allowed.
    pub fn new(settings: RunSettings) -> Result<RunConfig, ConfigError> {
        let RunSettings {
            mut lineup,
            deals,
            seed,
            threads,
            table,
            duplicate,
            block_deals,
            allin_adjust,
            history,
            action_timeout_s,
        } = settings;
        let action_timeout_s = action_timeout_s.unwrap_or(match table.preset {
            Some(p) => f64::from(p.action_timeout_s),
            None => DEFAULT_ACTION_TIMEOUT.as_secs_f64(),
        });
        if !(action_timeout_s > 0.0 && action_timeout_s <= MAX_ACTION_TIMEOUT_S) {
            return Err(ConfigError::ActionTimeout(action_timeout_s));
        }
        lineup.set_action_timeout(Duration::from_secs_f64(action_timeout_s));
        lineup.set_lean_wire(table.lean_wire);
        if deals == 0 {
            return Err(ConfigError::NoHands);
        }
        if deals > MAX_DEALS {
            return Err(ConfigError::TooManyHands(deals));
        }
        let (small, big) = (table.small_blind_chips, table.big_blind_chips);
        if small == 0 || big == 0 {
            return Err(ConfigError::ZeroBlind { small, big });
        }
        if small > big {
            return Err(ConfigError::SmallAboveBig { small, big });
        }
        let seats = lineup.len();
        if let Some(p) = table.preset
            && seats > p.max_seats
        {
            return Err(ConfigError::TooManySeatsForTable {
                table: p.name,
                max: p.max_seats,
                seats,
            });
        }
        let stack_range = match (&table.stack_range, &table.stacks) {
            (Some(_), Some(_)) => return Err(ConfigError::StackRangeAndStacks),
            (Some(text), None) => Some(StackRange::parse(text, big, seats)?),
            (None, _) => None,
        };
        // --stacks and --stack-range replace --stack: only the stacks that are played
        // are checked.
        let seat_stacks = match &table.stacks {
            Some(list) => Some(parse_stacks(list, seats, big)?),
            None if stack_range.is_some() => None,
            None => {
                let stack = table.stack_chips;
                if stack < big {
                    return Err(ConfigError::StackBelowBigBlind { stack, big });
                }
                let max = u32::MAX / seats as u32;
                if stack > max {
                    return Err(ConfigError::StackTooLarge { stack, max, seats });
                }
                None
            }
        };
        if block_deals == 0 {
            return Err(ConfigError::NoBlockDeals);
        }
        let session = check_session(&table, stack_range, seat_stacks.as_deref())?;
        if duplicate == Some(DuplicateMode::Permutations) {
            if session.is_some() {
                return Err(ConfigError::PermutationsWith(
                    "--session: a seat order cannot change within a session, whose hands carry the stacks over; use --duplicate rotations",
                ));
            }
            if lineup.0.iter().any(BotSpec::is_external) {
                return Err(ConfigError::PermutationsWith(
                    "an exec:/ws: bot: an external bot is started for one seat, and permutations move the bots between seats; use --duplicate rotations",
                ));
            }
        }
        // A session is a deal: `--hands` rounds up to whole sessions, and a block
        // holds whole sessions, about `--block-deals` hands.
        let (deals, block_deals) = match session {
            Some(rules) => {
                let h = u64::from(rules.hands);
                (deals.div_ceil(h), (block_deals / h).max(1))
            }
            None => (deals, block_deals),
        };
        if history == Some(Sample::Every(0)) {
            return Err(ConfigError::HistoryEveryZero);
        }
        let cores = available_cores();
        let threads = match threads {
            Some(0) => return Err(ConfigError::NoThreads),
            Some(n) if n > max_threads(cores) => {
                return Err(ConfigError::TooManyThreads {
                    threads: n,
                    max: max_threads(cores),
                    cores,
                });
            }
            Some(n) => n,
            None => cores,
        };
        // More workers than chunks of hands would only start idle bots.
        let chunks = usize::try_from(deals.div_ceil(chunk_deals(session))).unwrap_or(usize::MAX);
        Ok(RunConfig {
            lineup: lineup.0,
            deals,
            seed,
            threads: threads.min(chunks),
            stakes: Stakes {
                small_blind_chips: small,
                big_blind_chips: big,
                ante_chips: table.ante_chips,
            },
            stack_chips: table.stack_chips,
            duplicate,
            block_deals,
            allin_adjust,
            seat_stacks,
            stack_range,
            table: table.preset.map(|p| p.name),
            history,
            session,
        })
    }

    /// Deals per chunk of work: [`CHUNK_HANDS`], or as many whole sessions as make
    /// about that many hands (at least one).
    pub fn chunk_deals(&self) -> u64 {
        chunk_deals(self.session)
    }

    /// Whether the run records results by effective stack (`depths.csv`): stacks vary
    /// by hand with `--stack-range` and in sessions.
    pub fn records_depths(&self) -> bool {
        self.stack_range.is_some() || self.session.is_some()
    }

    /// Hands per deal at one rotation: a session's hands, or 1.
    pub fn hands_per_deal(&self) -> u64 {
        self.session.map_or(1, |s| u64::from(s.hands))
    }

    /// The dealer of this run: its cards, and its drawn stacks with `--stack-range`.
    pub fn dealer(&self) -> crate::deal::Dealer {
        crate::deal::Dealer::new(self.seed)
            .with_stacks(self.stack_range, self.stakes.big_blind_chips)
    }

    /// Every seat's starting stack in chips, seat 0 first.
    pub fn starting_stacks(&self) -> Vec<u32> {
        self.seat_stacks
            .clone()
            .unwrap_or_else(|| vec![self.stack_chips; self.lineup.len()])
    }

    /// Table hands per deal: with [`RunConfig::duplicate`] the seat count (rotations)
    /// or the design's seat orders (permutations, [`DuplicateMode::orders`]), else 1.
    pub fn rotations(&self) -> usize {
        self.duplicate.map_or(1, |m| m.orders(self.lineup.len()))
    }

    /// Table hands the run deals: deals × rotations (× a session's hands; a session
    /// with `--rebuy never` that falls to one player ends early).
    pub fn hands_played(&self) -> u64 {
        self.deals * self.rotations() as u64 * self.hands_per_deal()
    }

    /// The distinct bot names of the line-up, in order of first seat.
    pub fn distinct_bots(&self) -> Vec<&str> {
        crate::bots::distinct_names(self.lineup.iter().map(|b| b.name()))
    }

    /// For each seat, the index of its bot in [`RunConfig::distinct_bots`].
    pub fn bot_of_seat(&self) -> Vec<u8> {
        let names = self.distinct_bots();
        self.lineup
            .iter()
            .map(|b| names.iter().position(|n| *n == b.name()).unwrap_or(0) as u8)
            .collect()
    }

    /// Whether a seat is played by a bot behind a wire (an external process).
    pub fn has_external_bots(&self) -> bool {
        self.lineup.iter().any(BotSpec::is_external)
    }
}

/// One part of a run split for a cluster: shard `index` of `count` plays deals
/// `first_deal..end_deal` of the one logical run, the same deals with the same cards,
/// buttons and bot seeds as the run played whole (a hand's cards depend only on the
/// seed and its index; see [`crate::sim`]).
///
/// The run's blocks of `block_deals` deals are dealt out in contiguous, nearly equal
/// runs: shard `i` of `n` gets blocks `⌊i·B/n⌋..⌊(i+1)·B/n⌋` of the run's `B` blocks,
/// so every block lies whole in one shard and the shards' `blocks.csv` rows join into
/// the whole run's. Made only by [`Shard::new`], which checks it; `run.json` records
/// it (`shard`), and `merge` checks a stored one against [`Shard::new`] again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// This shard's index, 0 to `count − 1`.
    pub index: u64,
    /// Shards the run is split into, 1 to [`MAX_SHARDS`].
    pub count: u64,
    /// The first deal this shard plays (a multiple of the run's `block_deals`).
    pub first_deal: u64,
    /// One past the last deal it plays.
    pub end_deal: u64,
}

impl Shard {
    /// Shard `index` of `count` of a run of `deals` deals in blocks of `block_deals`
    /// (as [`RunConfig::new`] checked them: both at least 1).
    ///
    /// # Errors
    /// [`ConfigError::ShardIndex`] for an index not below `count`,
    /// [`ConfigError::ShardCount`] for 0 or more than [`MAX_SHARDS`] shards,
    /// [`ConfigError::ShardsAboveBlocks`] for more shards than blocks (a shard would
    /// have no deals).
    pub fn new(index: u64, count: u64, deals: u64, block_deals: u64) -> Result<Shard, ConfigError> {
        if count == 0 || count > MAX_SHARDS {
            return Err(ConfigError::ShardCount { index, count });
        }
        if index >= count {
            return Err(ConfigError::ShardIndex { index, count });
        }
        let block_deals = block_deals.max(1);
        let blocks = deals.div_ceil(block_deals);
        if count > blocks {
            return Err(ConfigError::ShardsAboveBlocks {
                index,
                count,
                deals,
                block_deals,
                blocks,
            });
        }
        // In u128: blocks (up to 10^12) × count (up to 10^5) overflows nothing there.
        let block = |i: u64| (u128::from(i) * u128::from(blocks) / u128::from(count)) as u64;
        let deal = |b: u64| b.saturating_mul(block_deals).min(deals);
        Ok(Shard {
            index,
            count,
            first_deal: deal(block(index)),
            end_deal: deal(block(index + 1)),
        })
    }

    /// Parses `INDEX/COUNT` (as `--shard` gives it) into the two numbers, unchecked.
    ///
    /// # Errors
    /// [`ConfigError::BadShard`] when `text` is not two whole numbers around a `/`.
    pub fn parse(text: &str) -> Result<(u64, u64), ConfigError> {
        let bad = || ConfigError::BadShard(text.to_string());
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let number = |s: &str| s.trim().parse::<u64>().map_err(|_| bad());
        Ok((number(index)?, number(count)?))
    }

    /// Deals this shard plays.
    pub fn deals(&self) -> u64 {
        self.end_deal - self.first_deal
    }
}

impl std::fmt::Display for Shard {
    /// `INDEX/COUNT`, as `--shard` takes it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Parses `--stacks`: one starting stack per seat, each at least one big blind, all
/// together within 32 bits.
///
/// # Errors
/// A [`ConfigError`] naming the list and the bad entry.
pub fn parse_stacks(list: &str, seats: usize, big_blind: u32) -> Result<Vec<u32>, ConfigError> {
    let stacks = list
        .split(',')
        .map(|s| {
            s.trim()
                .parse::<u32>()
                .map_err(|_| ConfigError::StacksNotNumbers {
                    list: list.to_string(),
                    item: s.to_string(),
                })
        })
        .collect::<Result<Vec<u32>, _>>()?;
    if stacks.len() != seats {
        return Err(ConfigError::StacksCount {
            list: list.to_string(),
            given: stacks.len(),
            seats,
        });
    }
    if let Some(&stack) = stacks.iter().find(|&&s| s < big_blind) {
        return Err(ConfigError::StacksBelowBigBlind {
            list: list.to_string(),
            stack,
            big: big_blind,
        });
    }
    if stacks.iter().map(|&s| u64::from(s)).sum::<u64>() > u64::from(u32::MAX) {
        return Err(ConfigError::StacksTooLarge {
            list: list.to_string(),
        });
    }
    Ok(stacks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(list: &str) -> RunSettings {
        RunSettings::new(Lineup::parse(list).unwrap(), 1000, 1)
    }

    #[test]
    fn every_bad_value_is_named() {
        let cases: [(RunSettings, &str); 6] = [
            (
                RunSettings {
                    deals: 0,
                    ..settings("call,call")
                },
                "--hands 0",
            ),
            (
                RunSettings {
                    action_timeout_s: Some(f64::NAN),
                    ..settings("call,call")
                },
                "--action-timeout NaN",
            ),
            (
                RunSettings {
                    table: TableSettings {
                        stacks: Some("5000,x".into()),
                        ..TableSettings::default()
                    },
                    ..settings("call,call")
                },
                "\"x\" is not a whole number",
            ),
            (
                RunSettings {
                    threads: Some(0),
                    ..settings("call,call")
                },
                "--threads 0",
            ),
            (
                RunSettings {
                    block_deals: 0,
                    ..settings("call,call")
                },
                "--block-deals 0",
            ),
            (
                RunSettings {
                    history: Some(Sample::Every(0)),
                    ..settings("call,call")
                },
                "--history-every 0",
            ),
        ];
        for (s, needle) in cases {
            let e = RunConfig::new(s).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
        let e = Lineup::parse("call").unwrap_err().to_string();
        assert_eq!(
            e,
            "--bots \"call\" seats 1 bot(s): a table has 2 to 10 seats"
        );
        let e = Lineup::parse("call,nobody").unwrap_err().to_string();
        assert!(e.starts_with("unknown bot \"nobody\""), "{e}");
    }

    #[test]
    fn shards_deal_out_whole_blocks_with_no_gap_and_no_overlap() {
        for (deals, block_deals, count) in [
            (200_000, 1000, 4),
            (200_001, 1000, 4),
            (10, 3, 4),
            (7, 1, 7),
            (1, 1, 1),
            (MAX_DEALS, 1, MAX_SHARDS),
            (MAX_DEALS, 7, 3),
        ] {
            let mut next = 0;
            for index in 0..count {
                let s = Shard::new(index, count, deals, block_deals).unwrap();
                assert_eq!(s.first_deal, next, "{deals} {block_deals} {count} {index}");
                assert_eq!(s.first_deal % block_deals, 0);
                assert!(s.deals() > 0);
                next = s.end_deal;
            }
            assert_eq!(next, deals);
        }
        let s = Shard::new(1, 4, 200_000, 1000).unwrap();
        assert_eq!((s.first_deal, s.end_deal), (50_000, 100_000));
        assert_eq!(s.to_string(), "1/4");
    }

    #[test]
    fn a_bad_shard_is_named_with_what_is_allowed() {
        assert_eq!(Shard::parse("3/64"), Ok((3, 64)));
        let cases = [
            (
                Shard::parse("3").unwrap_err(),
                "--shard \"3\": give INDEX/COUNT",
            ),
            (Shard::parse("a/4").unwrap_err(), "--shard \"a/4\""),
            (
                Shard::new(4, 4, 1000, 10).unwrap_err(),
                "--shard 4/4: the index runs from 0 to 3",
            ),
            (
                Shard::new(0, 0, 1000, 10).unwrap_err(),
                "--shard 0/0: split a run into 1 to 100000",
            ),
            (
                Shard::new(0, 200_000, MAX_DEALS, 1).unwrap_err(),
                "--shard 0/200000: split a run into 1 to 100000",
            ),
            (
                Shard::new(0, 5, 4000, 1000).unwrap_err(),
                "4000 deals in blocks of 1000 make 4 block(s)",
            ),
        ];
        for (e, needle) in cases {
            assert!(e.to_string().contains(needle), "{e}");
        }
    }

    #[test]
    fn workers_are_never_more_than_chunks() {
        let s = RunSettings {
            threads: Some(8),
            ..settings("call,call")
        };
        assert_eq!(RunConfig::new(s).unwrap().threads, 1);
    }
}
