//! `holdem-arena serve`: a local Open Poker and Claw Poker server. Bots the user
//! starts by hand connect (`ws://HOST:PORT/ws` with `Authorization: Bearer KEY`, or
//! `ws://HOST:PORT/ws/agent` with Claw's `auth`), join the lobby, and are seated with
//! the built-in house bots once every seat is taken; the table then plays `--hands`
//! hands with stacks carried from hand to hand within sessions of
//! [`SERVE_SESSION_HANDS`] (`--session`; a stack below the big blind busts and
//! rebuys, `--rebuy`), or until Ctrl-C (which finishes the hand in play: for a
//! server it is the normal stop), and the usual result files are written per bot
//! name. Spectators watch the table's public events at `ws://HOST:PORT/ws/observe`
//! ([`crate::protocol::observe`]).
//!
//! Offline the key names the agent (`OPENPOKER_API_KEY=alice` plays as `alice`; see
//! [`crate::protocol::ws_server::agent_name`]); any non-empty key is accepted. The
//! table, the protocol session, its faults and their columns are those of `ws:` seats
//! ([`crate::protocol::external`]).

use super::run::play;
use super::{CommandError, TableArgs, failed, usage};
use crate::bot::MAX_SEATS;
use crate::bots::BotSpec;
use crate::config::{Lineup, RunConfig, RunSettings};
use crate::protocol::external::{ExternalSpec, Transport};
use crate::protocol::ws_server::{self, Arrival};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Open Poker's action timeout, `serve`'s default (`openpoker-websocket-protocol.txt`,
/// "Timeouts": 120 seconds).
pub const SERVE_ACTION_TIMEOUT_S: f64 = 120.0;

/// Hands per session by default: stacks carry over for this many hands, then every
/// seat starts again from the buy-in. Sessions are the independent units the 95%
/// intervals are computed over (see the README's sessions), so one endless session
/// would give a win rate without an interval.
pub const SERVE_SESSION_HANDS: u64 = 200;

/// Options of `holdem-arena serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (HOST:PORT; loopback by default).
    #[arg(long, default_value = "127.0.0.1:8000")]
    pub listen: String,
    /// Seats at the table (2 to 10), house bots included: the table starts once all
    /// are taken.
    #[arg(long, default_value_t = 2)]
    pub seats: usize,
    /// Comma-separated built-in bots that take seats (see `holdem-arena bots`).
    #[arg(long, value_name = "LIST")]
    pub house_bots: Option<String>,
    /// Hands to play.
    #[arg(long, default_value_t = 1000)]
    pub hands: u64,
    /// Run seed (the cards of every hand); picked at random and printed when absent.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Seconds a connected bot has for each action before it is auto-folded (or
    /// auto-checked when checking is free). [default: 120, as on Open Poker]
    #[arg(long)]
    pub action_timeout: Option<f64>,
    /// Seconds a bot whose connection dropped keeps its seat (its turns time out
    /// meanwhile); after that it is removed.
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0)]
    pub reconnect_window: f64,
    /// Blinds, ante, stacks, and the session rules (by default sessions of 200 hands:
    /// stacks carry over within a session).
    #[command(flatten)]
    pub table: TableArgs,
    /// Output folder (default: results/serve-seed-SEED).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Keep the results and exit 0 even when a connected bot timed out on more than 1%
    /// of its decisions or was written off.
    #[arg(long)]
    pub allow_bot_faults: bool,
}

/// Runs `holdem-arena serve`.
///
/// # Errors
/// Exit 2 for bad input (an address that cannot be listened on, a seat count outside
/// 2..=10, an unknown or external house bot, no seat left for a connected bot); exit
/// 130 / 143 when stopped by a signal before the table is full (no hands, no result
/// files). A SIGINT or SIGTERM during play is the normal stop: the table finishes the
/// hand in play (a session ends there), the result files cover the hands played and
/// the exit is as at the end of `--hands` (0, or 1 for a bot's faults); a second
/// signal exits at once with 130 / 143 and no result file. As `run` otherwise.
pub fn serve(mut args: ServeArgs) -> Result<ExitCode, CommandError> {
    if !(2..=MAX_SEATS).contains(&args.seats) {
        return Err(usage(format!(
            "--seats {}: a table has 2 to {MAX_SEATS} seats",
            args.seats
        )));
    }
    let house: Vec<&str> = args
        .house_bots
        .as_deref()
        .map(|l| l.split(',').map(str::trim).collect())
        .unwrap_or_default();
    let mut specs = Vec::new();
    for entry in &house {
        let info = crate::bots::find(entry).ok_or_else(|| {
            usage(format!(
                "--house-bots: {entry:?} is not a built-in bot (known: {})",
                crate::config::known_bots()
            ))
        })?;
        specs.push(BotSpec::BuiltIn(info));
    }
    if specs.len() >= args.seats {
        return Err(usage(format!(
            "--house-bots {:?} takes {} of the {} seats: leave at least one for a connected bot (raise --seats)",
            args.house_bots.as_deref().unwrap_or_default(),
            specs.len(),
            args.seats
        )));
    }
    let window = super::reconnect_window(args.reconnect_window)?;
    if args.hands == 0 {
        return Err(usage("--hands 0: play at least 1 hand".into()));
    }
    let seed = args.seed.unwrap_or_else(rand::random);
    let session = *args
        .table
        .session
        .get_or_insert(args.hands.min(SERVE_SESSION_HANDS));
    // The table's settings are checked before anything listens.
    let check = |specs: Vec<BotSpec>, table: &TableArgs| -> Result<RunConfig, CommandError> {
        let mut lineup = specs;
        while lineup.len() < args.seats {
            lineup.push(BotSpec::BuiltIn(
                crate::bots::find("call").expect("call is built in"),
            ));
        }
        settings(Lineup::from_specs(lineup)?, &args, seed, session, table)
    };
    let house_stack = check(specs.clone(), &args.table)?.stack_chips;

    let listener = std::net::TcpListener::bind(&args.listen).map_err(|e| {
        usage(format!(
            "--listen {}: cannot listen there ({e})",
            args.listen
        ))
    })?;
    let address = listener
        .local_addr()
        .map_err(|e| failed(format!("--listen {}: {e}", args.listen)))?;
    // For a server Ctrl-C is the normal stop: finish the hand, keep the results.
    crate::interrupt::install_graceful()
        .map_err(|e| failed(format!("cannot install the Ctrl-C handler: {e}")))?;
    let (tx, lobby) = std::sync::mpsc::channel();
    let server =
        ws_server::serve(listener, tx).map_err(|e| failed(format!("cannot serve: {e}")))?;
    server.rest().set_initial_chips(house_stack);
    let wanted = args.seats - specs.len();
    eprintln!(
        "serving Open Poker at ws://{address}/ws and Claw Poker at ws://{address}/ws/agent (spectators: ws://{address}/ws/observe); waiting for {wanted} bot(s) ({} seats, {} house bot(s)); Ctrl-C stops",
        args.seats,
        specs.len()
    );
    let mut arrivals: Vec<Arrival> = Vec::new();
    while arrivals.len() < wanted {
        if let Some(signal) = crate::interrupt::requested() {
            return Err(CommandError::Interrupted {
                signal,
                message: format!(
                    "stopped with {} of {wanted} bots in the lobby: no hands played, no result files written",
                    arrivals.len()
                ),
            });
        }
        arrivals.retain_mut(|a| {
            let alive = ws_server::keep_alive(a);
            if !alive {
                eprintln!("{} left the lobby (its connection closed)", a.name);
            }
            alive
        });
        let Ok(arrival) = lobby.recv_timeout(Duration::from_millis(100)) else {
            continue;
        };
        if let Some(i) = arrivals.iter().position(|a| a.name == arrival.name) {
            eprintln!(
                "{} reconnected in the lobby (the new connection replaces the old)",
                arrival.name
            );
            arrivals[i] = arrival;
        } else {
            eprintln!(
                "{} joined the lobby ({}, {} of {wanted})",
                arrival.name,
                match arrival.dialect {
                    crate::protocol::external::Dialect::OpenPoker => "Open Poker",
                    crate::protocol::external::Dialect::Claw => "Claw Poker",
                },
                arrivals.len() + 1
            );
            arrivals.push(arrival);
        }
    }
    server.close_lobby();
    let timeout = args.action_timeout.unwrap_or(SERVE_ACTION_TIMEOUT_S);
    // Each Open Poker bot sits with the buy-in its join_lobby asked for; Claw bots and
    // house bots with --stack. Per-seat --stacks or drawn stacks override them all.
    let mut table = args.table.clone();
    if table.stacks.is_none() && table.stack_range.is_none() {
        let stacks: Vec<String> = arrivals
            .iter()
            .map(|a| a.buy_in_chips.unwrap_or(house_stack))
            .chain(std::iter::repeat_n(house_stack, specs.len()))
            .map(|c| c.to_string())
            .collect();
        table.stacks = Some(stacks.join(","));
    }
    let mut seated = Vec::new();
    let mut agent_ids = Vec::new();
    for arrival in arrivals {
        agent_ids.push(match arrival.dialect {
            crate::protocol::external::Dialect::Claw => arrival
                .key
                .split_once(' ')
                .map(|(id, _)| id.to_string())
                .filter(|id| server.rest().agent(id).is_some()),
            crate::protocol::external::Dialect::OpenPoker => None,
        });
        let mut name = arrival.name.clone();
        if house.contains(&name.as_str()) {
            name += "@ws"; // a connected bot named like a house bot
        }
        seated.push(BotSpec::Exec(ExternalSpec {
            command: String::new(), // no process: the connection is the bot
            dialect: arrival.dialect,
            transport: Transport::WebSocket,
            name: name.clone(),
            action_timeout: Duration::from_secs_f64(timeout),
            reconnect_window: window,
            stderr_dir: None,
            lean: args.table.lean_wire,
        }));
        server.seat(Arrival { name, ..arrival });
    }
    seated.extend(specs);
    let config = settings(Lineup::from_specs(seated)?, &args, seed, session, &table)?;
    let stacks = config
        .seat_stacks
        .clone()
        .unwrap_or_else(|| vec![config.stack_chips; config.lineup.len()]);
    server.rest().set_table(crate::protocol::rest::TableInfo {
        blinds_chips: (
            config.stakes.small_blind_chips,
            config.stakes.big_blind_chips,
        ),
        seats: config
            .lineup
            .iter()
            .zip(stacks)
            .enumerate()
            .map(|(seat, (bot, chips))| {
                let id = agent_ids.get(seat).cloned().flatten();
                (id, bot.name().to_string(), chips)
            })
            .collect(),
    });
    eprintln!(
        "table full: {} play {} hands",
        config
            .lineup
            .iter()
            .map(|s| s.name())
            .collect::<Vec<_>>()
            .join(", "),
        args.hands
    );
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("results/serve-seed-{seed}")));
    let played = play(
        config,
        &out,
        None,
        None,
        args.allow_bot_faults,
        args.seed.is_none().then_some(seed),
    );
    server.public_log().close();
    played
}

/// The run `serve` plays: one worker, sessions of `session` hands adding up to
/// `--hands`.
fn settings(
    lineup: Lineup,
    args: &ServeArgs,
    seed: u64,
    session: u64,
    table: &TableArgs,
) -> Result<RunConfig, CommandError> {
    RunConfig::new(RunSettings {
        lineup,
        deals: args.hands,
        seed,
        threads: Some(1),
        table: table.settings()?,
        duplicate: None,
        block_deals: session.max(1),
        allin_adjust: true,
        history: None,
        action_timeout_s: Some(args.action_timeout.unwrap_or(SERVE_ACTION_TIMEOUT_S)),
    })
    .map_err(CommandError::from)
}
